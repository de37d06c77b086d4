/**
 * Studio's only script, served at /assets/studio.js. Progressive enhancement: every page works
 * without it (links, forms). With it: whole rows are clickable, j/k move between rows, / focuses
 * the search, filter selects apply at once, destructive buttons confirm, and an active run's page
 * follows the run over Server-Sent Events (new events appended, status and timeline refreshed).
 * It never inserts user data as HTML: live rows are built with textContent; the only innerHTML is
 * the server-rendered (escaped) timeline fragment.
 */
export const STUDIO_JS = `(() => {
  'use strict';
  const $ = (s, el) => (el || document).querySelector(s);
  const $$ = (s, el) => Array.from((el || document).querySelectorAll(s));

  // Clickable rows; the real link stays in the row for keyboards and screen readers.
  document.addEventListener('click', (e) => {
    const tr = e.target.closest('tr[data-href]');
    if (!tr || e.target.closest('a,button,input,select,textarea,summary,label')) return;
    if (e.metaKey || e.ctrlKey) window.open(tr.dataset.href, '_blank');
    else location.href = tr.dataset.href;
  });

  // Keyboard: j/k (or arrows with alt) move between rows of a [data-keynav] table, / focuses search.
  document.addEventListener('keydown', (e) => {
    const t = e.target;
    const typing = t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
    if (e.key === '/' && !typing) {
      const q = $('input[name=q]');
      if (q) { e.preventDefault(); q.focus(); q.select(); }
      return;
    }
    if (typing || e.metaKey || e.ctrlKey || e.altKey) return;
    if (e.key !== 'j' && e.key !== 'k') return;
    const table = $('table[data-keynav]');
    if (!table) return;
    const links = $$('tbody tr .row-link', table);
    if (!links.length) return;
    const i = links.indexOf(document.activeElement);
    const next = e.key === 'j' ? Math.min(links.length - 1, i + 1) : Math.max(0, i < 0 ? 0 : i - 1);
    e.preventDefault();
    links[next].focus();
    links[next].scrollIntoView({ block: 'nearest' });
  });

  // Filters apply as soon as a select changes (the Apply button stays for no-JS and the search box).
  for (const form of $$('form[data-autosubmit]'))
    for (const sel of $$('select', form)) sel.addEventListener('change', () => form.requestSubmit());

  // Confirm destructive actions.
  document.addEventListener('click', (e) => {
    const b = e.target.closest('button[data-confirm]');
    if (b && !window.confirm(b.dataset.confirm)) e.preventDefault();
  });

  // Live run page.
  const head = $('.run-head[data-live]');
  if (!head || !head.dataset.live || !window.EventSource) return;
  const body = $('#events-body');
  const start = Number(body && body.dataset.start) || 0;
  const fmt = (ms) => ms < 1000 ? Math.round(ms) + ' ms' : ms < 60000 ? (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s' : Math.floor(ms / 60000) + ' m ' + Math.round((ms % 60000) / 1000) + ' s';
  const cell = (tr, text, cls) => { const td = document.createElement('td'); if (cls) td.className = cls; td.textContent = text; tr.appendChild(td); return td; };
  const preview = (v) => { if (v === undefined || v === null) return ''; let s = typeof v === 'string' ? v : JSON.stringify(v); return s.length > 160 ? s.slice(0, 159) + '…' : s; };
  let timer = 0;
  const refreshTimeline = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const box = $('#timeline-body');
      if (!box) return;
      try {
        const r = await fetch(box.dataset.src, { headers: { accept: 'text/html' }, credentials: 'same-origin' });
        if (r.ok) box.innerHTML = await r.text();
      } catch {}
    }, 150);
  };
  const setStatus = (status) => {
    const badge = $('#run-status .badge');
    if (!badge) return;
    badge.className = 'badge s-' + status;
    badge.dataset.status = status;
    badge.lastChild.textContent = status;
    head.dataset.runStatus = status;
  };
  let last = Number(head.dataset.lastSeq) || 0;
  const src = new EventSource(head.dataset.live + '?after=' + last, { withCredentials: true });
  src.addEventListener('weft', (m) => {
    let e;
    try { e = JSON.parse(m.data); } catch { return; }
    if (e.seq <= last) return;
    last = e.seq;
    if (e.type === 'step:chunk') return; // token-level stream chunks: the step:stream summary follows
    if (e.type === 'log') {
      const logs = $('table.logs tbody');
      if (logs && e.data) {
        const tr = document.createElement('tr');
        tr.className = 'new';
        cell(tr, '+' + fmt(e.at - start), 'mono nowrap');
        const lv = cell(tr, '');
        const span = document.createElement('span');
        const level = String(e.data.level || 'info');
        span.className = 'lvl lvl-' + level;
        span.textContent = level;
        lv.appendChild(span);
        cell(tr, e.path || '', 'mono');
        cell(tr, e.data.attempt === undefined ? '' : String(e.data.attempt), 'num');
        cell(tr, String(e.data.message ?? ''));
        cell(tr, preview(e.data.fields), 'mono muted data');
        logs.appendChild(tr);
      }
      return;
    }
    if (!body) { refreshTimeline(); return; }
    const tr = document.createElement('tr');
    tr.dataset.seq = String(e.seq);
    tr.className = 'new';
    cell(tr, String(e.seq), 'num mono');
    cell(tr, '+' + fmt(e.at - start), 'mono nowrap');
    const t = cell(tr, '');
    const span = document.createElement('span');
    span.className = 'ev ev-' + String(e.type).split(':')[0];
    span.textContent = e.type;
    t.appendChild(span);
    cell(tr, e.path || '', 'mono');
    cell(tr, preview(e.data), 'mono muted data');
    body.appendChild(tr);
    if (String(e.type).startsWith('step:') || String(e.type).startsWith('run:')) refreshTimeline();
  });
  src.addEventListener('status', (m) => {
    try { setStatus(JSON.parse(m.data).status); } catch {}
  });
  src.addEventListener('end', () => {
    src.close();
    const live = $('#live-indicator');
    if (live) { live.classList.remove('on'); live.textContent = 'finished · reload for outputs'; }
    const tag = $('#events-live');
    if (tag) tag.remove();
    refreshTimeline();
  });
})();
`;
