/**
 * Request checks that keep a local Studio local: the Host header must name this machine (a page on
 * another site that rebinds its DNS name to 127.0.0.1 still sends its own name — refused), and
 * state-changing requests must be same-origin. Styles may be inline (computed bar geometry, escaped
 * numbers only); scripts come only from Studio itself.
 */

/** Host names accepted by default: loopback only. */
export const LOCAL_HOSTS: readonly string[] = ['127.0.0.1', 'localhost', '[::1]', '::1'];

/** The host name of a Host header value (`127.0.0.1:4317` → `127.0.0.1`, `[::1]:80` → `[::1]`). */
export function hostName(header: string): string {
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  const colon = h.indexOf(':');
  return colon === -1 ? h : h.slice(0, colon);
}

/** True when the request's Host header is one of `allowed` (`'*'` allows any). */
export function hostAllowed(req: Request, allowed: readonly string[]): boolean {
  if (allowed.includes('*')) return true;
  const header = req.headers.get('host') ?? new URL(req.url).host;
  if (!header) return false;
  const name = hostName(header);
  return allowed.some((a) => a.toLowerCase() === name || a.toLowerCase() === header.toLowerCase());
}

/** True when the browser labels the request cross-site, or its Origin is another host. */
export function crossSite(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none') return true;
  const origin = req.headers.get('origin');
  if (origin && origin !== 'null') {
    const host = req.headers.get('host') ?? new URL(req.url).host;
    try {
      return new URL(origin).host !== host;
    } catch {
      return true;
    }
  }
  return false;
}

/** Headers on every answer: a strict CSP (scripts and styles only from Studio itself), no framing, no caching. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cache-control': 'no-store',
};
