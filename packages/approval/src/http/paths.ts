/**
 * The inbox's URL layout in one place, so the pages, the redirects and the links in notifications
 * agree. A request's page is `<base>/<id>`: with `publicUrl: 'https://ops.example.com/approvals'`
 * a notification links to `https://ops.example.com/approvals/apr_…`, never `/approvals/approvals/…`.
 */

/** `base` without a trailing slash (`''` for the root). */
export function trimBase(base: string | undefined): string {
  return (base ?? '').replace(/\/+$/, '');
}

/** Path (or URL, when `base` is one) of a request's detail page. */
export function detailPath(base: string, id: string): string {
  return `${trimBase(base)}/${encodeURIComponent(id)}`;
}

/** Path (or URL) of a signed decision link. */
export function linkPath(base: string, token: string): string {
  return `${trimBase(base)}/links/${token}`;
}
