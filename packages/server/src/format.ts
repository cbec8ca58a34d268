import type { LifecycleEvent, PropertyViolation } from '@chassis/kernel';

/** Width of the driver column of lifecycle lines (`com.example.solidfire@1.0.0`). */
export const DRIVER_COLUMN = 28;

/**
 * One lifecycle transition as the demo prints it: `lifecycle  <category> <id@version> <from> →
 * <to>`, with the error code and message when a driver failed. Tests parse these lines.
 */
export function formatTransition(event: LifecycleEvent, category = ''): string {
  const who = `${event.driver}@${event.version}`.padEnd(DRIVER_COLUMN);
  const cause = event.cause ? `  (${event.cause.code}: ${event.cause.message})` : '';
  return `  lifecycle  ${category.padEnd(10)} ${who} ${event.from} → ${event.to}${cause}`;
}

/** `key=value` pairs of a (masked) configuration, in descriptor order as given. */
export function formatConfiguration(config: Readonly<Record<string, unknown>>): string {
  return Object.entries(config)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ');
}

/** One refused property: `✗ <label> (<key>) <rule>: <message>`. */
export function formatViolation(v: PropertyViolation): string {
  return `    ✗ ${v.label} (${v.key || 'configuration'}) ${v.rule}: ${v.message}`;
}

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Binary size with one decimal at most: `20 GiB`, `1.5 TiB`. */
export function formatBytes(n: number): string {
  let value = n;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${UNITS[unit]}`;
}

/** A section heading. */
export function heading(title: string): string {
  return `\n== ${title}`;
}

/** One scenario step: `<area> <operation> → <result>`. */
export function step(area: string, text: string): string {
  return `  ${area.padEnd(10)} ${text}`;
}
