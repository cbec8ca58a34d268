/** Public API of @chassis/runtime. */
export {};
