import { DirectoryStateStore } from 'file:///work/main/packages/runtime/dist/index.js';
import { updateState } from '@chassis/kernel';

const store = new DirectoryStateStore(process.argv[2]);
process.send?.('ready');
for (;;) {
  await updateState(store, 'counter', (c) => ({
    n: (c?.n ?? 0) + 1,
    payload: 'x'.repeat(((c?.n ?? 0) + 1) % 5000),
  }));
}
