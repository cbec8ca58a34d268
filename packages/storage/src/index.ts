/** Public API of @chassis/storage. */
export {};
