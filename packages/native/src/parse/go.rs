//! Mirror of src/outline/parse-go.ts.
use super::common::*;
use super::lexer::{T_IDENT, T_NUM, T_STR};

fn asi(ctx: &Ctx, i: i64) -> bool {
    if i == 0 || i >= ctx.n() || ctx.line(i) == ctx.end_line(i - 1) {
        return false;
    }
    let k = ctx.kind(i - 1);
    if k == T_IDENT || k == T_NUM || k == T_STR {
        return true;
    }
    let p = ctx.punct(i - 1);
    if p == b')' || p == b']' || p == b'}' {
        return true;
    }
    (p == b'+' || p == b'-') && i >= 2 && ctx.punct(i - 2) == p && ctx.end(i - 2) == ctx.start(i - 1)
}

#[inline]
fn is_open(p: u8) -> bool {
    p == b'(' || p == b'[' || p == b'{'
}

fn line_end(ctx: &Ctx, i: i64, end: i64) -> i64 {
    let mut k = i;
    let mut last = i;
    while k < end {
        if k > i && asi(ctx, k) {
            return last;
        }
        let p = ctx.punct(k);
        if p == b';' || p == b')' || p == b'}' || p == b']' {
            return last;
        }
        last = k;
        if is_open(p) && ctx.m(k) >= 0 {
            k = ctx.m(k);
            last = k.min(ctx.n() - 1);
        }
        k += 1;
    }
    last.min(ctx.n() - 1)
}

fn exported_name(name: &str) -> bool {
    name.as_bytes().first().is_some_and(|c| c.is_ascii_uppercase())
}

pub fn parse_go(ctx: &mut Ctx) {
    let end = ctx.n();
    let mut i = 0i64;
    while i < end {
        let kw = if ctx.kind(i) == T_IDENT { ctx.text(i) } else { "" };
        if kw == "func" {
            i = parse_func(ctx, i, end);
            continue;
        }
        if kw == "type" || kw == "const" || kw == "var" || kw == "import" {
            if ctx.punct(i + 1) == b'(' {
                let close = ctx.m(i + 1).min(end);
                let mut k = i + 2;
                while k < close {
                    if ctx.punct(k) == b';' {
                        k += 1;
                        continue;
                    }
                    let e = parse_spec(ctx, kw, k, close, k);
                    k = if e > k { e } else { k + 1 };
                }
                i = close + 1;
            } else {
                i = parse_spec(ctx, kw, i + 1, end, i);
            }
            continue;
        }
        let p = ctx.punct(i);
        if is_open(p) && ctx.m(i) >= 0 {
            i = ctx.m(i) + 1;
            continue;
        }
        i += 1;
    }
}

fn parse_func<'a>(ctx: &mut Ctx<'a>, s: i64, end: i64) -> i64 {
    let mut k = s + 1;
    let mut parent: Option<S<'a>> = None;
    if ctx.punct(k) == b'(' && ctx.m(k) >= 0 {
        let close = ctx.m(k);
        let mut j = k + 1;
        while j < close {
            let p = ctx.punct(j);
            if ctx.kind(j) == T_IDENT {
                parent = Some(S::Borrowed(ctx.text(j)));
            } else if is_open(p) && ctx.m(j) >= 0 {
                j = ctx.m(j);
            }
            j += 1;
        }
        k = close + 1;
    }
    if ctx.kind(k) != T_IDENT {
        return line_end(ctx, s, end) + 1;
    }
    let name = ctx.text(k);
    let kind = if parent.is_some() { "method" } else { "function" };
    let ex = exported_name(name);
    let mut j = k + 1;
    let mut last = k;
    while j < end {
        if asi(ctx, j) {
            break;
        }
        let p = ctx.punct(j);
        if p == b'{' && !ctx.is_word(j - 1, "struct") && !ctx.is_word(j - 1, "interface") {
            let close = ctx.m(j);
            let sig = collapse(ctx.src, ctx.start(s), ctx.start(j));
            add_sym(ctx, name, kind, s, close, sig, parent, ex, j, s);
            return close + 1;
        }
        if p == b';' || p == b'}' || p == b')' || p == b']' {
            break;
        }
        last = j;
        if is_open(p) && ctx.m(j) >= 0 {
            j = ctx.m(j);
            last = j.min(ctx.n() - 1);
        }
        j += 1;
    }
    let sig = line_sig(ctx, s, last);
    add_sym(ctx, name, kind, s, last, sig, parent, ex, -1, s);
    last + 1
}

fn parse_spec<'a>(ctx: &mut Ctx<'a>, kw: &str, i: i64, end: i64, s: i64) -> i64 {
    let e = line_end(ctx, i, end);
    if kw == "import" {
        let mut k = i;
        while k <= e {
            if ctx.kind(k) == T_STR {
                let source = string_value(ctx.text(k));
                let line = ctx.line(k);
                ctx.imports.push(Import { source, line });
            }
            k += 1;
        }
        return e + 1;
    }
    if kw == "type" {
        if ctx.kind(i) != T_IDENT {
            return e + 1;
        }
        let name = ctx.text(i);
        let mut k = i + 1;
        if ctx.punct(k) == b'[' && ctx.kind(k + 1) == T_IDENT && ctx.punct(k + 2) != b']' && ctx.m(k) >= 0 {
            k = ctx.m(k) + 1;
        }
        if ctx.punct(k) == b'=' {
            k += 1;
        }
        let kind = if ctx.is_word(k, "struct") {
            "struct"
        } else if ctx.is_word(k, "interface") {
            "interface"
        } else {
            "type"
        };
        let body = if kind != "type" && ctx.punct(k + 1) == b'{' { k + 1 } else { -1 };
        let sig = if body >= 0 { collapse(ctx.src, ctx.start(s), ctx.start(body)) } else { line_sig(ctx, s, e) };
        let ex = exported_name(name);
        add_sym(ctx, name, kind, s, e, sig, None, ex, -1, s);
        if kind == "interface" && body >= 0 {
            let stop = ctx.m(body).min(e);
            parse_interface(ctx, body + 1, stop, name);
        }
        return e + 1;
    }
    let mut k = i;
    while k <= e && ctx.kind(k) == T_IDENT {
        let name = ctx.text(k);
        if name != "_" {
            let kind = if kw == "const" { "constant" } else { "variable" };
            let sig = line_sig(ctx, s, e);
            let ex = exported_name(name);
            add_sym(ctx, name, kind, s, e, sig, None, ex, -1, s);
        }
        if ctx.punct(k + 1) != b',' {
            break;
        }
        k += 2;
    }
    e + 1
}

fn parse_interface<'a>(ctx: &mut Ctx<'a>, mut i: i64, end: i64, parent: &'a str) {
    while i < end {
        if ctx.punct(i) == b';' {
            i += 1;
            continue;
        }
        let e = line_end(ctx, i, end);
        if ctx.kind(i) == T_IDENT && ctx.punct(i + 1) == b'(' {
            let name = ctx.text(i);
            let sig = line_sig(ctx, i, e);
            let ex = exported_name(name);
            add_sym(ctx, name, "method", i, e, sig, Some(S::Borrowed(parent)), ex, -1, i);
        }
        i = e + 1;
    }
}
