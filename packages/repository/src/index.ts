/** Public API of @chassis/repository. */
export {};
