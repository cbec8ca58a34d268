import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SecretBox } from '@chassis/kernel';

/**
 * The key that encrypts secret property values at rest: from `CHASSIS_SECRET_KEY` (base64) when
 * set, otherwise generated once into `file` (mode 0600) and reused on every start.
 */
export async function loadSecretBox(
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<SecretBox> {
  if (env.CHASSIS_SECRET_KEY) return new SecretBox(env.CHASSIS_SECRET_KEY);
  try {
    return new SecretBox((await readFile(file, 'utf8')).trim());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = SecretBox.generateKey();
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${key}\n`, { mode: 0o600, flag: 'wx' }).catch(
    async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    },
  );
  return new SecretBox((await readFile(file, 'utf8')).trim());
}
