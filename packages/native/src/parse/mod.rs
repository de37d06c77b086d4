//! Outline and skeleton: mirror of src/outline/outline.ts and skeleton.ts.
pub mod common;
pub mod compact;
pub mod go;
pub mod lexer;
pub mod py;
pub mod rust;
pub mod ts;

use crate::json::push_str;
use common::{Ctx, Import, Sym};
use lexer::{lex, L_GO, L_PY, L_RUST, L_TS, L_TSX};

pub fn family(language: &str) -> Option<u8> {
    match language {
        "typescript" => Some(L_TS),
        "tsx" | "javascript" => Some(L_TSX),
        "python" => Some(L_PY),
        "rust" => Some(L_RUST),
        "go" => Some(L_GO),
        _ => None,
    }
}

pub fn analyze<'a>(src: &'a str, fam: u8) -> Ctx<'a> {
    let b = src.as_bytes();
    let t = lex(b, fam);
    let mut ctx = Ctx { src, b, t, syms: Vec::new(), imports: Vec::new() };
    let n = ctx.n();
    match fam {
        L_TS | L_TSX => ts::parse_statements(&mut ctx, 0, n, &None, 0),
        L_PY => py::parse_python(&mut ctx),
        L_RUST => rust::parse_rust(&mut ctx),
        _ => go::parse_go(&mut ctx),
    }
    ctx
}

/// Kind indices of the compact form; the same list is `KINDS` in src/backend/native.ts.
pub const KINDS: [&str; 12] = [
    "function",
    "class",
    "method",
    "interface",
    "type",
    "enum",
    "variable",
    "constant",
    "struct",
    "trait",
    "impl",
    "module",
];

/// Compact symbol: `[name, kindIndex, startLine, endLine, signature, exported(0|1), parent?]` —
/// about half the bytes of the object form, so JSON.parse on the JS side is that much cheaper.
pub fn write_symbol(out: &mut String, s: &Sym) {
    out.push('[');
    push_str(out, &s.name);
    out.push(',');
    let k = KINDS.iter().position(|k| *k == s.kind).unwrap_or(0);
    out.push_str(itoa(k as i64, &mut [0u8; 24]));
    out.push(',');
    out.push_str(itoa(s.start_line as i64, &mut [0u8; 24]));
    out.push(',');
    out.push_str(itoa(s.end_line as i64, &mut [0u8; 24]));
    out.push(',');
    push_str(out, &s.signature);
    out.push_str(if s.exported { ",1" } else { ",0" });
    if let Some(p) = &s.parent {
        out.push(',');
        push_str(out, p);
    }
    out.push(']');
}

fn itoa(mut v: i64, buf: &mut [u8; 24]) -> &str {
    let neg = v < 0;
    let mut i = buf.len();
    if v == 0 {
        i -= 1;
        buf[i] = b'0';
    }
    while v != 0 {
        i -= 1;
        buf[i] = b'0' + (v % 10).unsigned_abs() as u8;
        v /= 10;
    }
    if neg {
        i -= 1;
        buf[i] = b'-';
    }
    std::str::from_utf8(&buf[i..]).unwrap()
}

pub fn write_symbols(out: &mut String, syms: &[Sym]) {
    out.push('[');
    for (i, s) in syms.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_symbol(out, s);
    }
    out.push(']');
}

fn write_imports(out: &mut String, imports: &[Import]) {
    out.push('[');
    for (i, s) in imports.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('[');
        push_str(out, &s.source);
        out.push(',');
        out.push_str(&s.line.to_string());
        out.push(']');
    }
    out.push(']');
}

/// `[[symbol…], [[source, line]…]]` (compact form, expanded by the loader)
pub fn outline_json(src: &str, fam: u8) -> String {
    let ctx = analyze(src, fam);
    let mut out = String::with_capacity(64 + ctx.syms.len() * 64);
    out.push('[');
    write_symbols(&mut out, &ctx.syms);
    out.push(',');
    write_imports(&mut out, &ctx.imports);
    out.push(']');
    lexer::recycle(ctx.t);
    out
}

pub fn estimate_tokens(s: &str) -> usize {
    s.len().div_ceil(4)
}

/// Mirror of `commentsIn` in skeleton.ts (binary search over comments sorted by start).
fn comments_in(ctx: &Ctx, from: i64, to: i64, needle: &str) -> bool {
    let c = &ctx.t.comments;
    let (mut lo, mut hi) = (0usize, c.len() / 4);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if (c[mid * 4] as i64) < from {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    let mut k = lo * 4;
    while k + 3 < c.len() && c[k] as i64 <= to {
        let (s, e) = (c[k] as i64, c[k + 1] as i64);
        if e <= to && ctx.slice(s, e).contains(needle) {
            return true;
        }
        k += 4;
    }
    false
}

fn marked(ctx: &Ctx, s: &Sym) -> bool {
    let d0 = s.d0;
    if d0 < ctx.n() {
        let prev_end = if d0 > 0 { ctx.end(d0 - 1) } else { 0 };
        let decl_start = ctx.start(d0);
        if comments_in(ctx, prev_end, decl_start, "@core_logic") {
            return true;
        }
        if s.b0 > decl_start && ctx.slice(decl_start, s.b0).contains("@core_logic") {
            let decl_line_start = ctx.t.line_starts[(s.start_line - 1) as usize] as i64;
            if ctx.slice(decl_start, decl_start.max(decl_line_start)).contains("core_logic") {
                return true;
            }
        }
    }
    comments_in(ctx, s.b0, s.b1, "[HOT]")
}

/// Returns (text, tokensBefore, tokensAfter).
pub fn skeleton(src: &str, fam: u8, keep_marked: bool) -> (String, usize, usize) {
    let ctx = analyze(src, fam);
    let mut bodies: Vec<&Sym> =
        ctx.syms.iter().filter(|s| s.b0 >= 0 && (s.kind == "function" || s.kind == "method")).collect();
    bodies.sort_by_key(|s| s.b0);
    let mut out = String::with_capacity(src.len() / 2);
    let mut pos = 0i64;
    for s in bodies {
        if s.b0 < pos {
            continue;
        }
        if keep_marked && marked(&ctx, s) {
            continue;
        }
        out.push_str(ctx.slice(pos, s.b0));
        out.push_str(if s.repl.is_empty() { "{ … }" } else { &s.repl });
        pos = s.b1;
    }
    out.push_str(&src[pos as usize..]);
    lexer::recycle(ctx.t);
    let (a, b) = (estimate_tokens(src), estimate_tokens(&out));
    (out, a, b)
}

pub fn skeleton_json(src: &str, fam: u8, keep_marked: bool) -> String {
    let (text, a, b) = skeleton(src, fam, keep_marked);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str("{\"text\":");
    push_str(&mut out, &text);
    out.push_str(&format!(",\"tokensBefore\":{},\"tokensAfter\":{}}}", a, b));
    out
}
