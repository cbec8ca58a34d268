/** Public API of @chassis/admin. */
export {};
