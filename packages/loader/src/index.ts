/** Public API of @chassis/loader. */
export {};
