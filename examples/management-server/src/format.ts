// Moved to `@chassis/server`; re-exported so the example's modules keep their imports.
export * from '@chassis/server';
