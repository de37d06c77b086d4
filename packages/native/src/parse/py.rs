//! Mirror of src/outline/parse-py.ts.
use super::common::*;
use super::lexer::{T_IDENT, T_PUNCT, T_STR};

const KEYWORDS: [&str; 35] = [
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
    "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
    "pass", "raise", "return", "try", "while", "with", "yield",
];

struct Stmts {
    first: Vec<i64>,
    last: Vec<i64>,
    indent: Vec<i64>,
    block_end: Vec<usize>,
}

fn statements(ctx: &Ctx) -> Stmts {
    let n = ctx.n();
    let cap = (n / 6) as usize;
    let mut first = Vec::with_capacity(cap);
    let mut last = Vec::with_capacity(cap);
    let mut indent = Vec::with_capacity(cap);
    // the token walk of ctx.punct/m/line/end_line, on the slice directly (hot: every token)
    let toks = &ctx.t.toks[..n as usize];
    let mut i = 0i64;
    while i < n {
        let f = i;
        let mut k = i as usize;
        loop {
            let t = &toks[k];
            if t.kind == T_PUNCT && (t.ch == b'(' || t.ch == b'[' || t.ch == b'{') && t.m >= 0 {
                k = (t.m as usize).min(toks.len() - 1);
            }
            if k + 1 >= toks.len() {
                break;
            }
            let t = &toks[k];
            if toks[k + 1].line != t.end_line && !(t.kind == T_PUNCT && t.ch == b'\\') {
                break;
            }
            k += 1;
        }
        let k = k as i64;
        first.push(f);
        last.push(k);
        let ls = ctx.t.line_starts[(ctx.line(f) - 1) as usize] as usize;
        let st = ctx.start(f) as usize;
        let ind = ctx.b[ls..st].iter().filter(|&&c| c == b' ' || c == b'\t' || c == 12).count();
        indent.push(ind as i64);
        i = k + 1;
    }
    let cnt = first.len();
    let mut block_end = vec![cnt; cnt];
    let mut stack: Vec<usize> = Vec::new();
    for j in 0..cnt {
        while let Some(&top) = stack.last() {
            if indent[top] >= indent[j] {
                block_end[top] = j;
                stack.pop();
            } else {
                break;
            }
        }
        stack.push(j);
    }
    Stmts { first, last, indent, block_end }
}

fn is_const_name(name: &str) -> bool {
    let mut upper = false;
    for &c in name.as_bytes() {
        if c.is_ascii_uppercase() {
            upper = true;
        } else if !(c == b'_' || c.is_ascii_digit()) {
            return false;
        }
    }
    upper
}

pub fn parse_python(ctx: &mut Ctx) {
    let st = statements(ctx);
    let n = st.first.len();
    parse_block(ctx, &st, 0, n, None, 0);
    collect_imports(ctx, &st);
}

/// Statements that end their header with a `:` (simple statements may follow it on the same line).
const COMPOUND: [&str; 12] = ["if", "elif", "else", "try", "except", "finally", "while", "for", "with", "def", "class", "async"];

/// Every import statement at any depth (mirror of collectImports in parse-py.ts).
fn collect_imports(ctx: &mut Ctx, st: &Stmts) {
    for j in 0..st.first.len() {
        let mut a = st.first[j];
        let l = st.last[j];
        if ctx.kind(a) == T_IDENT && COMPOUND.contains(&ctx.text(a)) {
            let mut c = a + 1;
            while c <= l {
                let p = ctx.punct(c);
                if p == b':' && !(ctx.punct(c + 1) == b'=' && ctx.end(c) == ctx.start(c + 1)) {
                    break;
                }
                if (p == b'(' || p == b'[' || p == b'{') && ctx.m(c) >= 0 {
                    c = ctx.m(c);
                }
                c += 1;
            }
            a = c + 1;
        }
        while a <= l {
            let mut b = a;
            while b <= l && ctx.punct(b) != b';' {
                let p = ctx.punct(b);
                if (p == b'(' || p == b'[' || p == b'{') && ctx.m(b) >= 0 {
                    b = ctx.m(b).min(l);
                }
                b += 1;
            }
            if ctx.kind(a) == T_IDENT {
                let kw = ctx.text(a);
                if kw == "import" || kw == "from" {
                    parse_import(ctx, a, b - 1, kw == "from");
                }
            }
            a = b + 1;
        }
    }
}

fn parse_block<'a>(ctx: &mut Ctx<'a>, st: &Stmts, mut j: usize, end: usize, parent: Option<&'a str>, nest: i32) {
    let base = if j < end { st.indent[j] } else { 0 };
    let mut deco = -1i64;
    while j < end {
        if st.indent[j] != base {
            j += 1;
            continue;
        }
        let f = st.first[j];
        let l = st.last[j];
        if ctx.punct(f) == b'@' {
            if deco < 0 {
                deco = f;
            }
            j += 1;
            continue;
        }
        let d0 = if deco >= 0 { deco } else { f };
        deco = -1;
        let mut k = f;
        if ctx.text(k) == "async" && ctx.text(k + 1) == "def" {
            k += 1;
        }
        let kw = if ctx.kind(k) == T_IDENT { ctx.text(k) } else { "" };
        if (kw == "def" || kw == "class") && ctx.kind(k + 1) == T_IDENT {
            let name = ctx.text(k + 1);
            let mut c = k + 2;
            while c <= l {
                let p = ctx.punct(c);
                if p == b':' {
                    break;
                }
                if (p == b'(' || p == b'[' || p == b'{') && ctx.m(c) >= 0 {
                    c = ctx.m(c);
                }
                c += 1;
            }
            let be = st.block_end[j];
            let last_tok = if be > j + 1 { st.last[be - 1] } else { l };
            let kind = if kw == "class" {
                "class"
            } else if parent.is_some() {
                "method"
            } else {
                "function"
            };
            let sig = collapse(ctx.src, ctx.start(f), if c <= l { ctx.start(c) } else { ctx.end(l) });
            let exported = !name.starts_with('_');
            let si = add_sym(ctx, name, kind, f, last_tok, sig, parent.map(S::Borrowed), exported, -1, d0);
            if c < l || be > j + 1 {
                if c < l {
                    ctx.syms[si].b0 = ctx.end(c);
                    ctx.syms[si].repl = " ...".to_string();
                } else {
                    let bf = st.first[j + 1];
                    let ls = ctx.t.line_starts[(ctx.line(bf) - 1) as usize] as i64;
                    let ind = ctx.slice(ls, ctx.start(bf));
                    let mut b0 = ctx.end(c);
                    if ctx.kind(bf) == T_STR && st.last[j + 1] == bf {
                        b0 = ctx.end(bf);
                    }
                    ctx.syms[si].b0 = b0;
                    ctx.syms[si].repl = format!("\n{}...", ind);
                }
                ctx.syms[si].b1 = ctx.end(last_tok);
            }
            if kw == "class" && be > j + 1 && nest < MAX_NEST {
                parse_block(ctx, st, j + 1, be, Some(name), nest + 1);
            }
            j = be;
            continue;
        }
        if ctx.kind(f) == T_IDENT && !KEYWORDS.contains(&ctx.text(f)) {
            if ctx.punct(f + 1) == b':' && f < l {
                let name = ctx.text(f);
                let kind = if is_const_name(name) { "constant" } else { "variable" };
                let sig = line_sig(ctx, f, l);
                let ex = !name.starts_with('_');
                add_sym(ctx, name, kind, f, l, sig, parent.map(S::Borrowed), ex, -1, d0);
            } else {
                let mut q = f;
                while q < l && ctx.kind(q) == T_IDENT && is_assign(ctx, q + 1) && !KEYWORDS.contains(&ctx.text(q)) {
                    let name = ctx.text(q);
                    let kind = if is_const_name(name) { "constant" } else { "variable" };
                    let sig = line_sig(ctx, f, l);
                    let ex = !name.starts_with('_');
                    add_sym(ctx, name, kind, f, l, sig, parent.map(S::Borrowed), ex, -1, d0);
                    q += 2;
                }
            }
        }
        j += 1;
    }
}

fn is_assign(ctx: &Ctx, i: i64) -> bool {
    if ctx.punct(i) != b'=' {
        return false;
    }
    !(i + 1 < ctx.n() && ctx.punct(i + 1) == b'=' && ctx.end(i) == ctx.start(i + 1))
}

fn parse_import(ctx: &mut Ctx, f: i64, l: i64, from: bool) {
    let line = ctx.line(f);
    if from {
        let mut k = f + 1;
        let mut src = String::new();
        while k <= l && !(ctx.kind(k) == T_IDENT && ctx.text(k) == "import") {
            src.push_str(ctx.text(k));
            k += 1;
        }
        ctx.imports.push(Import { source: src, line });
        return;
    }
    let mut k = f + 1;
    let mut cur = String::new();
    let mut skip = false;
    while k <= l {
        let p = ctx.punct(k);
        if p == b',' {
            if !cur.is_empty() {
                ctx.imports.push(Import { source: std::mem::take(&mut cur), line });
            }
            cur.clear();
            skip = false;
        } else if ctx.kind(k) == T_IDENT && ctx.text(k) == "as" {
            skip = true;
        } else if !skip && p != b'(' && p != b')' && p != b'\\' {
            cur.push_str(ctx.text(k));
        }
        k += 1;
    }
    if !cur.is_empty() {
        ctx.imports.push(Import { source: cur, line });
    }
}
