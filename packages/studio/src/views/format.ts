/** Small formatting helpers shared by the pages: durations, times, money, JSON previews. */

/** `1.2 s`, `340 ms`, `3 m 20 s`, `2 h 5 m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} m ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms < 86_400_000) return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} m`;
  return `${Math.floor(ms / 86_400_000)} d ${Math.round((ms % 86_400_000) / 3_600_000)} h`;
}

/** `12s ago`, `5m ago`, `3h ago`, else a date. */
export function formatAgo(at: number, now: number): string {
  const d = now - at;
  if (d < 0) return formatTime(at);
  if (d < 60_000) return `${Math.max(0, Math.round(d / 1000))}s ago`;
  if (d < 3_600_000) return `${Math.round(d / 60_000)}m ago`;
  if (d < 86_400_000) return `${Math.round(d / 3_600_000)}h ago`;
  return formatTime(at);
}

/** `2026-01-31 12:04:05` (UTC, sortable, unambiguous). */
export function formatTime(at: number): string {
  if (!Number.isFinite(at)) return '—';
  return new Date(at).toISOString().replace('T', ' ').slice(0, 19);
}

/** `$0.0042`, `$1.23`. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 1) return `$${usd.toFixed(3)}`;
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd).toLocaleString('en-US')}`;
}

/** `1,234`. */
export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Pretty JSON, cut at `max` characters with a note of how much was left out. */
export function prettyJson(value: unknown, max = 20_000): string {
  if (value === undefined) return '';
  let text: string;
  try {
    text = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}\n… (${formatInt(text.length - max)} more characters)` : text;
}

/** One-line JSON preview. */
export function preview(value: unknown, max = 120): string {
  if (value === undefined) return '';
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** First characters of a definition hash. */
export function shortHash(hash: string): string {
  return hash.slice(0, 8);
}
