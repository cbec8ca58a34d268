/** Public API of @chassis/car. */
export {};
