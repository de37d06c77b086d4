/** Studio's stylesheet, served from the package at /assets/studio.css (no CDN, no web fonts). */
export const STUDIO_CSS = `
:root{color-scheme:light dark;
--bg:#f7f8fa;--panel:#fff;--panel2:#f1f3f6;--text:#16181d;--muted:#667085;--border:#e3e6eb;--accent:#4f46e5;--accent-2:#eef0ff;
--ok:#12805c;--ok-bg:#e3f5ec;--bad:#c4352b;--bad-bg:#fdecea;--warn:#a15c00;--warn-bg:#fff3dc;--run:#1d6fd1;--run-bg:#e4efff;--wait:#7a4fd6;--wait-bg:#f0eaff;--idle:#6b7280;--idle-bg:#eef0f3;
--focus:#4f46e5;--mono:ui-monospace,"SF Mono",SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;--r:8px}
@media (prefers-color-scheme:dark){:root{--bg:#0e1014;--panel:#161920;--panel2:#1c2029;--text:#e6e8ee;--muted:#8b93a5;--border:#272c37;--accent:#8b8cff;--accent-2:#23264a;
--ok:#3fcf8e;--ok-bg:#12301f;--bad:#ff6b5e;--bad-bg:#3a1714;--warn:#f0b44c;--warn-bg:#35260b;--run:#5aa5ff;--run-bg:#11284a;--wait:#b597ff;--wait-bg:#2a1f4a;--idle:#9aa1ae;--idle-bg:#232833;--focus:#a5a6ff}}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 var(--sans);-webkit-font-smoothing:antialiased}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
a.plain{color:inherit}
:focus-visible{outline:2px solid var(--focus);outline-offset:2px;border-radius:4px}
.skip{position:absolute;left:-999px;top:0}.skip:focus{left:8px;top:8px;z-index:10;background:var(--panel);padding:6px 10px}
code,.mono,kbd,pre{font-family:var(--mono);font-size:12.5px}
code{background:var(--panel2);padding:1px 5px;border-radius:4px}
kbd{border:1px solid var(--border);border-bottom-width:2px;border-radius:4px;padding:0 4px;background:var(--panel)}
.muted{color:var(--muted)}.small{font-size:12.5px}.nowrap{white-space:nowrap}.bad{color:var(--bad)}
.top{display:flex;align-items:center;gap:18px;padding:0 20px;height:48px;background:var(--panel);border-bottom:1px solid var(--border);position:sticky;top:0;z-index:5}
.brand{display:flex;align-items:center;gap:8px;font-weight:650;color:var(--text);letter-spacing:-.01em}
.logo{width:18px;height:18px;border-radius:5px;background:linear-gradient(135deg,var(--accent),#06b6d4);box-shadow:inset 0 0 0 3px rgba(255,255,255,.25)}
.top nav{display:flex;gap:2px}
.nav-link{color:var(--muted);padding:6px 10px;border-radius:6px;font-weight:500}
.nav-link:hover{color:var(--text);background:var(--panel2);text-decoration:none}
.nav-link.active{color:var(--text);background:var(--panel2)}
.spacer{flex:1}.store{font-family:var(--mono);font-size:12px;color:var(--muted);max-width:38vw;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.actor{font-size:12px;background:var(--panel2);border-radius:99px;padding:2px 10px;color:var(--muted)}
main{padding:18px 20px 60px;max-width:1440px;margin:0 auto;outline:none}
h1{font-size:19px;margin:0;font-weight:650;letter-spacing:-.01em;display:flex;align-items:center;gap:10px;flex-wrap:wrap}
h2{font-size:14px;margin:0 0 10px;font-weight:620;display:flex;align-items:center;gap:8px}
h3{font-size:13px;margin:14px 0 6px;color:var(--muted);font-weight:600;text-transform:uppercase;letter-spacing:.04em}
h4{font-size:12px;margin:6px 0;color:var(--muted)}
.page-head{display:flex;align-items:flex-start;justify-content:space-between;gap:16px;margin:4px 0 14px}
.crumbs{font-size:12.5px;color:var(--muted);margin-bottom:6px}.crumbs a{color:var(--muted)}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;margin-top:6px;font-size:13px}
.card{background:var(--panel);border:1px solid var(--border);border-radius:var(--r);padding:14px 16px;margin:0 0 14px;scroll-margin-top:100px}
.two{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px}.card{overflow-x:auto}.two>.card{margin:0 0 14px}
@media (max-width:900px){.two{grid-template-columns:1fr}}
.badge{display:inline-flex;align-items:center;gap:6px;font-size:12px;font-weight:560;padding:1px 8px 1px 7px;border-radius:99px;background:var(--idle-bg);color:var(--idle);white-space:nowrap;line-height:18px}
.dot{width:7px;height:7px;border-radius:50%;background:currentColor;flex:none}
.s-success{--c:var(--ok);--cb:var(--ok-bg)}.s-failed{--c:var(--bad);--cb:var(--bad-bg)}.s-running{--c:var(--run);--cb:var(--run-bg)}
.s-suspended{--c:var(--wait);--cb:var(--wait-bg)}.s-queued,.s-skipped{--c:var(--idle);--cb:var(--idle-bg)}.s-canceled,.s-parked{--c:var(--warn);--cb:var(--warn-bg)}
.badge[class*=" s-"]{color:var(--c);background:var(--cb)}
.badge.s-running .dot{animation:pulse 1.4s ease-in-out infinite}
@keyframes pulse{50%{opacity:.3}}
.filters{background:var(--panel);border:1px solid var(--border);border-radius:var(--r);padding:10px 12px;margin-bottom:12px;display:flex;flex-direction:column;gap:10px}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{display:inline-flex;align-items:center;gap:6px;padding:3px 10px;border:1px solid var(--border);border-radius:99px;color:var(--text);font-size:12.5px;background:var(--panel)}
.chip .dot{color:var(--c)}.chip .count{color:var(--muted);font-variant-numeric:tabular-nums}
.chip:hover{text-decoration:none;border-color:var(--c)}
.chip.on{background:var(--cb);border-color:var(--c);color:var(--c);font-weight:600}
.fields{display:flex;flex-wrap:wrap;gap:8px;align-items:flex-end}
.fields label{display:flex;flex-direction:column;gap:3px;font-size:11.5px;color:var(--muted);font-weight:550}
.fields label.grow{flex:1;min-width:240px}
input,select,textarea{font:inherit;font-size:13px;color:var(--text);background:var(--bg);border:1px solid var(--border);border-radius:6px;padding:5px 8px;min-height:30px}
textarea{font-family:var(--mono);font-size:12.5px;width:100%}
input:focus,select:focus,textarea:focus{border-color:var(--accent);outline:2px solid color-mix(in srgb,var(--accent) 25%,transparent);outline-offset:0}
.btn{display:inline-flex;align-items:center;gap:6px;font:inherit;font-size:13px;font-weight:560;padding:5px 12px;min-height:30px;border-radius:6px;border:1px solid var(--border);background:var(--panel);color:var(--text);cursor:pointer;white-space:nowrap}
.btn:hover{background:var(--panel2);text-decoration:none}
.btn.primary{background:var(--accent);border-color:var(--accent);color:#fff}.btn.primary:hover{filter:brightness(1.08)}
.btn.danger{color:var(--bad);border-color:color-mix(in srgb,var(--bad) 40%,var(--border))}.btn.danger:hover{background:var(--bad-bg)}
.btn.ghost{background:transparent}.btn.disabled{opacity:.45;cursor:default}
.grid{width:100%;border-collapse:separate;border-spacing:0;font-size:13px}
.grid th{text-align:left;font-weight:600;font-size:11.5px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);padding:7px 10px;border-bottom:1px solid var(--border);background:var(--panel)}
.runs th{position:sticky;top:48px;z-index:1}
.grid th.num{text-align:right}.grid th{white-space:nowrap}
.grid td{padding:6px 10px;border-bottom:1px solid var(--border);vertical-align:top}
.grid tbody tr:hover td{background:var(--panel2)}
.grid tbody tr:last-child td{border-bottom:0}
.runs{background:var(--panel);border:1px solid var(--border);border-radius:var(--r)}
.runs thead th:first-child{border-top-left-radius:var(--r)}.runs thead th:last-child{border-top-right-radius:var(--r)}
.runs td{vertical-align:middle}
.runs tbody tr{cursor:pointer}
.runs tbody tr.kfocus td,.runs tbody tr:focus-within td{background:var(--accent-2)}
.row-link{color:var(--text);font-weight:520}.row-link:hover{color:var(--accent)}
.num{text-align:right;font-variant-numeric:tabular-nums}
.err-cell{max-width:420px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;color:var(--muted)}
.err-name{color:var(--bad);font-family:var(--mono);font-size:12px}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:4px;background:var(--panel2);color:var(--muted);margin-left:6px;vertical-align:1px}
.tag.warn{background:var(--warn-bg);color:var(--warn)}
.pager{display:flex;gap:8px;align-items:center;margin-top:12px}.keys{margin-left:auto}
.empty{background:var(--panel);border:1px dashed var(--border);border-radius:var(--r);padding:28px;text-align:center}
.empty.small{padding:14px}.empty p{margin:4px 0}
.tabs{display:flex;gap:2px;border-bottom:1px solid var(--border);margin:0 0 14px;position:sticky;top:48px;background:var(--bg);z-index:4;overflow-x:auto}
.tabs a{padding:8px 12px;color:var(--muted);font-weight:550;border-bottom:2px solid transparent;white-space:nowrap}
.tabs a:hover{color:var(--text);text-decoration:none;border-bottom-color:var(--border)}
.count{font-size:11px;background:var(--panel2);color:var(--muted);border-radius:99px;padding:0 7px;font-weight:600}
.run-head h1{font-size:17px}
.actions{display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.live-dot{font-size:11.5px;color:var(--muted)}.live-dot.on::before{content:"";display:inline-block;width:7px;height:7px;border-radius:50%;background:var(--ok);margin-right:5px;animation:pulse 1.4s infinite}
.live-tag{font-size:11px;color:var(--ok);font-weight:600}
.timeline{font-size:12.5px}
.tl-row{display:grid;grid-template-columns:minmax(180px,26%) 1fr 78px;align-items:center;min-height:26px;border-bottom:1px solid var(--border)}
.tl-row:last-child{border-bottom:0}
.tl-row:not(.tl-axis):hover{background:var(--panel2)}
.tl-label{white-space:nowrap;overflow:hidden;text-overflow:ellipsis;font-family:var(--mono);font-size:12px;padding-right:10px}
.tl-parent{color:var(--muted)}.tl-leaf{font-weight:600}
.tl-track{position:relative;height:26px}
.tl-axis{min-height:22px;color:var(--muted);font-size:11px;border-bottom:1px solid var(--border)}
.tl-axis .tl-label,.tl-axis .tl-dur{font-family:var(--sans);font-weight:600;text-transform:uppercase;letter-spacing:.04em;font-size:11px}
.tl-tick{position:absolute;top:4px;transform:translateX(-50%);white-space:nowrap;font-variant-numeric:tabular-nums}
.tl-tick:first-child{transform:none}
.tl-grid{position:absolute;top:0;bottom:0;width:1px;background:var(--border);opacity:.7}
.tl-bar{position:absolute;top:6px;height:14px;border-radius:3px;background:var(--c,var(--idle));min-width:3px;box-shadow:inset 0 0 0 1px color-mix(in srgb,var(--c,var(--idle)) 70%,#000 30%)}
.tl-bar.s-failed{background:repeating-linear-gradient(135deg,var(--bad) 0 5px,color-mix(in srgb,var(--bad) 75%,#fff 25%) 5px 10px)}
.tl-bar.s-suspended,.tl-bar.open.s-running{background:repeating-linear-gradient(135deg,color-mix(in srgb,var(--c) 55%,transparent) 0 5px,color-mix(in srgb,var(--c) 25%,transparent) 5px 10px)}
.tl-bar:focus-visible{outline-offset:1px;z-index:2}
.tl-dur{text-align:right;color:var(--muted);font-size:12px}
.error-chain{list-style:none;margin:0;padding:0}
.err{border-left:3px solid var(--bad);background:var(--bad-bg);padding:8px 12px;border-radius:0 6px 6px 0;margin-bottom:6px}
.err+.err{margin-left:18px}
.err-head{font-size:13px}.err-msg{margin-top:2px;white-space:pre-wrap;word-break:break-word}
.code{font-size:11.5px}
pre{margin:0;white-space:pre-wrap;word-break:break-word}
pre.json,pre.stack{background:var(--panel2);border:1px solid var(--border);border-radius:6px;padding:8px 10px;max-height:360px;overflow:auto}
details>summary{cursor:pointer;color:var(--muted);font-size:12.5px;margin:4px 0}
details[open]>summary{margin-bottom:6px}
.err-sum{color:var(--text)}
.approval{border:1px solid var(--border);border-radius:var(--r);padding:12px 14px;margin-bottom:10px;background:var(--panel)}
.approval header{display:flex;align-items:center;gap:10px;flex-wrap:wrap;margin-bottom:8px}
.approval[data-approval-status="pending"],.approval.wait{border-color:color-mix(in srgb,var(--wait) 45%,var(--border));box-shadow:0 0 0 3px var(--wait-bg)}
.decide{margin-top:10px;display:flex;flex-direction:column;gap:8px}
label.block{display:flex;flex-direction:column;gap:4px;font-size:12px;color:var(--muted);font-weight:550}
.votes{margin:8px 0;padding-left:18px}
.ev{font-family:var(--mono);font-size:12px;padding:0 6px;border-radius:4px;background:var(--panel2)}
.ev-run{background:var(--accent-2);color:var(--accent)}
.ev-step{color:var(--text)}
.events tr.new td{animation:flash 1.6s ease-out}
@keyframes flash{from{background:var(--ok-bg)}}
.data{max-width:520px;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.lvl{font-size:11px;font-weight:700;text-transform:uppercase;padding:0 6px;border-radius:4px;background:var(--idle-bg);color:var(--idle)}
.lvl-warn{background:var(--warn-bg);color:var(--warn)}.lvl-error{background:var(--bad-bg);color:var(--bad)}.lvl-debug{opacity:.7}
.lvl-info{background:var(--run-bg);color:var(--run)}
.stats{display:flex;gap:10px;flex-wrap:wrap;margin:0 0 12px}
.stat{background:var(--panel2);border-radius:var(--r);padding:8px 14px;min-width:110px;display:flex;flex-direction:column}
.stats.big .stat{background:var(--panel);border:1px solid var(--border);padding:12px 16px;min-width:150px;flex:1}
.stat-v{font-size:18px;font-weight:650;font-variant-numeric:tabular-nums;letter-spacing:-.01em}
.stats.big .stat-v{font-size:22px}
.stat-l{font-size:11.5px;color:var(--muted);text-transform:uppercase;letter-spacing:.04em;font-weight:600}
.bar-col{width:22%}.hbar{display:block;height:8px;border-radius:4px;background:linear-gradient(90deg,var(--accent),color-mix(in srgb,var(--accent) 60%,#06b6d4));min-width:2px;margin-top:5px}
.chart{display:flex;align-items:flex-end;gap:3px;height:160px;padding:6px 0;border-bottom:1px solid var(--border)}
.chart .col{flex:1;height:100%;display:flex;align-items:flex-end;justify-content:center}
.colbar{display:block;width:100%;max-width:44px;border-radius:3px 3px 0 0;background:linear-gradient(180deg,var(--accent),color-mix(in srgb,var(--accent) 55%,#06b6d4))}
.chart .col:hover .colbar{filter:brightness(1.2)}
.chart-axis{display:flex;justify-content:space-between;font-size:11.5px;color:var(--muted);margin-top:4px}
.seg{display:flex;border:1px solid var(--border);border-radius:6px;overflow:hidden;background:var(--panel)}
.seg a{padding:5px 12px;color:var(--muted);font-size:13px;border-right:1px solid var(--border)}.seg a:last-child{border-right:0}
.seg a.on{background:var(--accent-2);color:var(--accent);font-weight:600}.seg a:hover{text-decoration:none;color:var(--text)}
.score{font-size:12px;background:var(--panel2);padding:1px 6px;border-radius:4px;white-space:nowrap}
.meter{display:inline-block;width:60px;height:6px;background:var(--panel2);border-radius:3px;vertical-align:middle;overflow:hidden}
.meter span{display:block;height:100%;background:var(--ok)}
.ci-col{width:30%;min-width:200px}.ci{position:relative;display:block;height:18px}
.ci-zero{position:absolute;left:50%;top:0;bottom:0;width:1px;background:var(--muted)}
.ci-range{position:absolute;top:7px;height:4px;border-radius:2px;background:var(--idle)}
.ci-point{position:absolute;top:4px;width:10px;height:10px;border-radius:50%;transform:translateX(-50%);background:var(--idle)}
.v-improved{background:var(--ok)}.v-regressed{background:var(--bad)}
.verdict{font-size:12px;font-weight:600;padding:1px 8px;border-radius:99px;background:var(--idle-bg);color:var(--idle)}
.verdict.v-improved{background:var(--ok-bg);color:var(--ok)}.verdict.v-regressed{background:var(--bad-bg);color:var(--bad)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
form.inline{display:flex;gap:6px;align-items:center}form.inline select{max-width:190px}
.plain-list{list-style:none;padding:0;margin:0}.plain-list li{padding:3px 0}
.notice{background:var(--ok-bg);color:var(--ok);border-radius:6px;padding:8px 12px;margin-bottom:12px}
.notice.error{background:var(--bad-bg);color:var(--bad)}
`;

/** The favicon: Weft's mark as SVG. */
export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#4f46e5"/><stop offset="1" stop-color="#06b6d4"/></linearGradient></defs><rect width="32" height="32" rx="8" fill="url(#g)"/><path d="M7 10l4.5 12L16 12l4.5 10L25 10" fill="none" stroke="#fff" stroke-width="2.6" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
