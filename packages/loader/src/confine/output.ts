import type { Logger } from '@chassis/kernel';

/** Longest line kept (characters); longer ones are cut. */
const MAX_LINE_LENGTH = 8192;

/** Options of {@link createOutputSink}. */
export interface OutputSinkOptions {
  /** Lines per second refilled into the bucket. */
  readonly linesPerSecond: number;
  /** Bucket size: how many lines may arrive at once. */
  readonly burst: number;
  readonly now?: () => number;
}

/** Receives one driver's stdout/stderr chunks. */
export interface OutputSink {
  write(stream: 'stdout' | 'stderr', chunk: string): void;
  /** Flushes a pending partial line and reports what was dropped. */
  end(): void;
}

/**
 * A driver's stdout/stderr into the host logger (already bound to the driver id), line by
 * line, through a token bucket: a driver flooding its output loses lines, not the host's log.
 * Dropped lines are counted and reported once the bucket refills
 * (`CHASSIS_E_LOADER_OUTPUT_SUPPRESSED`).
 */
export function createOutputSink(logger: Logger, o: OutputSinkOptions): OutputSink {
  const now = o.now ?? Date.now;
  let tokens = o.burst;
  let last = now();
  let dropped = 0;
  const partial = { stdout: '', stderr: '' };
  const take = (): boolean => {
    const t = now();
    tokens = Math.min(o.burst, tokens + ((t - last) / 1000) * o.linesPerSecond);
    last = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
  const line = (stream: 'stdout' | 'stderr', text: string) => {
    if (!take()) {
      dropped++;
      return;
    }
    if (dropped > 0) {
      logger.warn(
        { code: 'CHASSIS_E_LOADER_OUTPUT_SUPPRESSED', dropped },
        `driver output rate limit: ${dropped} line(s) dropped`,
      );
      dropped = 0;
    }
    logger[stream === 'stderr' ? 'warn' : 'info']({ stream }, text.slice(0, MAX_LINE_LENGTH));
  };
  return {
    write(stream, chunk) {
      const lines = (partial[stream] + chunk).split('\n');
      partial[stream] = (lines.pop() ?? '').slice(0, MAX_LINE_LENGTH);
      for (const l of lines) if (l.length > 0) line(stream, l);
    },
    end() {
      for (const s of ['stdout', 'stderr'] as const) {
        if (partial[s]) line(s, partial[s]);
        partial[s] = '';
      }
      if (dropped > 0) {
        logger.warn(
          { code: 'CHASSIS_E_LOADER_OUTPUT_SUPPRESSED', dropped },
          `driver output rate limit: ${dropped} line(s) dropped`,
        );
        dropped = 0;
      }
    },
  };
}
