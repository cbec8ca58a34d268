import {
  adviceFor,
  ChassisError,
  ERROR_CODES,
  type ErrorCodeSpec,
  isErrorCode,
} from '@chassis/kernel/errors';
import type { Command } from 'commander';
import { output } from './admin-client.js';

/** `chassis explain <CODE>`: the registry entry of a stable error code (HTTP status, meaning). */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain <code>')
    .description('Explain a CHASSIS_E_… error code: its HTTP status and meaning')
    .option('--json', 'machine-readable JSON output')
    .action((raw: string, opts: { json?: boolean }, cmd: Command) => {
      const code = raw.trim().toUpperCase();
      if (!isErrorCode(code)) {
        const near = Object.keys(ERROR_CODES).filter((c) =>
          c.includes(code.replace(/^CHASSIS_E_/, '')),
        );
        throw new ChassisError(
          'CHASSIS_E_CLI_USAGE',
          `"${raw}" is not a Chassis error code${near.length > 0 ? `; did you mean ${near.slice(0, 5).join(', ')}?` : '; codes look like CHASSIS_E_CAR_DIGEST.'}`,
          { details: { code: raw } },
        );
      }
      const spec: ErrorCodeSpec = ERROR_CODES[code];
      const { out } = output(cmd);
      if (opts.json) {
        out(`${JSON.stringify({ code, ...spec, action: adviceFor(code) })}\n`);
        return;
      }
      out(`${code} (HTTP ${spec.status})\n  ${spec.summary}\n  what to do: ${adviceFor(code)}\n`);
      if (spec.deprecated) out(`  deprecated: ${spec.deprecated}\n`);
    });
}
