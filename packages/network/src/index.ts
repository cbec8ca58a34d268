/** Public API of @chassis/network. */
export {};
