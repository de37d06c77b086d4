/** The page shell: header with navigation, main content, and the assets served by Studio itself. */
import { type SafeHtml, html } from './html.js';

/** What every page gets from the handler. */
export interface PageContext {
  /** Path prefix Studio is mounted at ('' or e.g. `/studio`). */
  base: string;
  /** Display name of the signed-in actor. */
  actorName: string;
  /** CSRF token for forms. */
  csrf: string;
  /** Store description shown in the header (`file:.weft/weft.db`, `postgres://…`). */
  storeLabel: string;
  /** Current time (epoch ms). */
  now: number;
  /** Whether resuming a waiting step is available (an engine with `resume` was given). */
  canResume: boolean;
  /** Whether restart is available (an engine with `restart`). */
  canRestart: boolean;
  /** Whether fork is available (an engine with `fork`). */
  canFork: boolean;
}

/** Which top-level section is active. */
export type Section = 'runs' | 'llm' | 'evals';

/** Wraps `body` in the page shell. */
export function layout(ctx: PageContext, title: string, section: Section, body: SafeHtml, extraClass = ''): SafeHtml {
  const nav = (id: Section, label: string, href: string) =>
    html`<a href="${ctx.base}${href}" class="nav-link${section === id ? ' active' : ''}"${section === id ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title} · Weft Studio</title>
<link rel="icon" href="${ctx.base}/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${ctx.base}/assets/studio.css">
<script src="${ctx.base}/assets/studio.js" defer></script>
</head>
<body class="${extraClass}" data-base="${ctx.base}">
<a class="skip" href="#main">Skip to content</a>
<header class="top">
  <a class="brand" href="${ctx.base}/"><span class="logo" aria-hidden="true"></span>Weft Studio</a>
  <nav aria-label="Sections">${nav('runs', 'Runs', '/')}${nav('llm', 'LLM cost', '/llm')}${nav('evals', 'Evals', '/evals')}</nav>
  <span class="spacer"></span>
  <span class="store" title="Store">${ctx.storeLabel}</span>
  <span class="actor" title="Signed in as">${ctx.actorName}</span>
</header>
<main id="main" tabindex="-1">${body}</main>
</body>
</html>`;
}

/** A status pill (colour by run/step status, text `label`). */
export function statusBadge(status: string, label: string = status): SafeHtml {
  return html`<span class="badge s-${status}" data-status="${status}"><span class="dot" aria-hidden="true"></span>${label}</span>`;
}
