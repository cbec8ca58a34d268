import { parseDescriptor } from './descriptor.js';
import { DESCRIPTOR_PATH } from './layout.js';
import type { CarLimits, ReadCarOptions } from './limits.js';
import type { SafeZipHooks } from './zip-reader.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The reader hook behind {@link ReadCarOptions.onHead}: inflates `driver.yaml` first and hands
 * it over parsed, with the archive's digest. A `driver.yaml` that does not parse is not handed
 * over: the full read then fails with its typed error, and the caller has started nothing.
 */
export function headHook(
  file: string,
  limits: CarLimits,
  onHead: ReadCarOptions['onHead'],
): SafeZipHooks['first'] {
  if (!onHead) return undefined;
  return {
    path: DESCRIPTOR_PATH,
    take: (entry, sha256) => {
      let descriptor: ReturnType<typeof parseDescriptor>;
      try {
        descriptor = parseDescriptor(
          utf8.decode(entry.data),
          `${DESCRIPTOR_PATH} in ${file}`,
          limits.maxDescriptorBytes,
        );
      } catch {
        // Nothing is lost: buildArchive parses the same bytes again and throws the typed error.
        return;
      }
      onHead({ sha256, descriptor });
    },
  };
}
