import { type FSWatcher, watch } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

/** What changed: the sources (rebuild and swap) or the properties file (reconfigure). */
export type DevChange = 'sources' | 'properties';

/** Files at the top of a driver project whose change means a rebuild. */
const PROJECT_FILES = new Set([
  'driver.yaml',
  'LICENSE',
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
]);

async function isDir(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    // Absent (or unreadable): nothing to watch there.
    () => false,
  );
}

/**
 * Watches a driver project with `node:fs` `watch` (recursive on `src/` and `resources/`, the
 * top-level project files, and the properties file) and calls `onChange` once per burst of
 * events (`debounceMs` after the last one). Build output (`classes/`) and `node_modules` are not
 * watched, so a build never triggers itself. Returns the function that stops watching.
 */
export async function watchProject(
  dir: string,
  propertiesFile: string,
  onChange: (change: DevChange) => void,
  debounceMs = 200,
): Promise<() => void> {
  const watchers: FSWatcher[] = [];
  const timers = new Map<DevChange, NodeJS.Timeout>();
  const fire = (change: DevChange) => {
    clearTimeout(timers.get(change));
    timers.set(
      change,
      setTimeout(() => {
        timers.delete(change);
        onChange(change);
      }, debounceMs),
    );
  };
  for (const sub of ['src', 'resources']) {
    const at = join(dir, sub);
    if (await isDir(at)) watchers.push(watch(at, { recursive: true }, () => fire('sources')));
  }
  const props = resolve(propertiesFile);
  const top = resolve(dir);
  watchers.push(
    watch(top, (_event, name) => {
      const file = name ? String(name) : '';
      if (dirname(props) === top && file === basename(props)) fire('properties');
      else if (PROJECT_FILES.has(file)) fire('sources');
    }),
  );
  // The properties file may live outside the project: its folder is watched for it alone.
  if (dirname(props) !== top)
    watchers.push(
      watch(dirname(props), (_e, name) => {
        if (name && String(name) === basename(props)) fire('properties');
      }),
    );
  return () => {
    for (const t of timers.values()) clearTimeout(t);
    for (const w of watchers) w.close();
  };
}
