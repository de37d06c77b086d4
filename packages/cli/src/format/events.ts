/** A run's stored events as lines of text (`weft runs tail`, `weft runs show`). */
import type { EventRecord } from '@weft/workflow';
import { duration, preview } from './text.js';

/** One event as a line of text. */
export function eventLine(e: EventRecord, start: number): string {
  const head = `+${duration(e.at - start).padEnd(9)} ${e.type.padEnd(15)} ${(e.path ?? '').padEnd(14)}`;
  const d = (e.data ?? {}) as Record<string, unknown>;
  if (e.type === 'log') {
    const fields = d.fields === undefined ? '' : ` ${preview(d.fields, 160)}`;
    return `${head} [${String(d.level ?? 'info')}] ${String(d.message ?? '')}${fields} (attempt ${String(d.attempt ?? '?')})`;
  }
  if (e.type === 'log:truncated') return `${head} log cap reached: ${String(d.message ?? '')}`;
  if (e.type === 'step:lost') return `${head} attempt ${String(d.attempt)} lost — ${String(d.reason)}`;
  if (e.type === 'run:failed' || e.type === 'step:failed') {
    const err = (d.error ?? {}) as { name?: string; message?: string };
    return `${head} ${err.name ?? 'Error'}: ${err.message ?? ''}`;
  }
  return e.data === undefined ? head.trimEnd() : `${head} ${preview(e.data, 120)}`;
}
