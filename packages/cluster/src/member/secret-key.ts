import { hkdfSync } from 'node:crypto';

/** The secret-box key every member derives from the cluster secret (sealed secrets are shared). */
export function secretBoxKey(secret: string): string {
  return Buffer.from(
    hkdfSync('sha256', secret, 'chassis-cluster', 'secret properties at rest v1', 32),
  ).toString('base64');
}
