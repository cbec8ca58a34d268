/** Public API of @chassis/cli. */
export {};
