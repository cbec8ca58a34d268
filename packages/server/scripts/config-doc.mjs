// Writes CONFIG.md from the configuration schema (run after a build).
import { writeFile } from 'node:fs/promises';
import { renderConfigReference } from '../dist/index.js';

await writeFile(new URL('../CONFIG.md', import.meta.url), renderConfigReference());
