#!/usr/bin/env node
import 'reflect-metadata';
import { serializeError } from '@chassis/kernel';
import { serverMain } from './cli.js';

serverMain(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const e = serializeError(err);
    console.error(`chassis-server failed: ${e.code} ${e.message}`);
    process.exitCode = 1;
  },
);
