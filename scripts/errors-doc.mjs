// Writes docs/errors.md from the kernel's error registry (build the kernel first).
// `node scripts/errors-doc.mjs --check` exits 1 when the committed page is out of date.
import { readFile, writeFile } from 'node:fs/promises';
import { renderErrorReference } from '../packages/kernel/dist/errors/index.js';

const file = new URL('../docs/errors.md', import.meta.url);
const page = renderErrorReference();
if (process.argv.includes('--check')) {
  const current = await readFile(file, 'utf8').catch(() => '');
  if (current !== page) {
    console.error('docs/errors.md is out of date: run node scripts/errors-doc.mjs');
    process.exit(1);
  }
} else {
  await writeFile(file, page);
}
