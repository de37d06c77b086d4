//! Mirror of src/outline/parse-rust.ts.
use super::common::*;
use super::lexer::{T_IDENT, T_LIFETIME, T_STR};

#[derive(Clone, Copy, PartialEq)]
enum Scope {
    Mod,
    Impl,
    Trait,
}

fn body_or_semi(ctx: &Ctx, i: i64, end: i64) -> (i64, i64) {
    let mut k = i;
    let mut last = i;
    while k < end {
        let p = ctx.punct(k);
        if p == b'{' {
            return (k, k);
        }
        if p == b';' {
            return (-1, k);
        }
        if p == b'}' {
            return (-1, last);
        }
        last = k;
        if (p == b'(' || p == b'[') && ctx.m(k) >= 0 {
            k = ctx.m(k);
            last = k.min(ctx.n() - 1);
        }
        k += 1;
    }
    (-1, last.min(ctx.n() - 1))
}

fn semi_end(ctx: &Ctx, i: i64, end: i64) -> i64 {
    let mut k = i;
    let mut last = i;
    while k < end {
        let p = ctx.punct(k);
        if p == b';' {
            return k;
        }
        if p == b'}' {
            return last;
        }
        last = k;
        if (p == b'(' || p == b'[' || p == b'{') && ctx.m(k) >= 0 {
            k = ctx.m(k);
            last = k.min(ctx.n() - 1);
        }
        k += 1;
    }
    last.min(ctx.n() - 1)
}

fn skip_angles(ctx: &Ctx, i: i64, end: i64) -> i64 {
    let mut d = 0;
    let mut k = i;
    while k < end {
        let p = ctx.punct(k);
        if p == b'<' {
            d += 1;
        } else if p == b'>' && !ctx.adjacent(k - 1, b'-', b'>') {
            d -= 1;
            if d == 0 {
                return k + 1;
            }
        } else if p == b'{' || p == b';' {
            return k;
        } else if (p == b'(' || p == b'[') && ctx.m(k) >= 0 {
            k = ctx.m(k);
        }
        k += 1;
    }
    end
}

fn impl_name<'a>(ctx: &Ctx<'a>, i: i64, body: i64) -> &'a str {
    let mut k = i;
    if ctx.punct(k) == b'<' {
        k = skip_angles(ctx, k, body);
    }
    let mut d = 0i64;
    let mut j = k;
    while j < body {
        let p = ctx.punct(j);
        if p == b'<' {
            d += 1;
        } else if p == b'>' && !ctx.adjacent(j - 1, b'-', b'>') {
            d -= 1;
        } else if d == 0 && ctx.is_word(j, "for") {
            k = j + 1;
            break;
        } else if d == 0 && ctx.is_word(j, "where") {
            break;
        }
        if (p == b'(' || p == b'[') && ctx.m(j) >= 0 {
            j = ctx.m(j);
        }
        j += 1;
    }
    while k < body
        && (ctx.punct(k) == b'&' || ctx.kind(k) == T_LIFETIME || ctx.is_word(k, "mut") || ctx.punct(k) == b'!')
    {
        k += 1;
    }
    let mut name = "_";
    d = 0;
    let mut j = k;
    while j < body {
        let p = ctx.punct(j);
        if d == 0 && ctx.is_word(j, "where") {
            break;
        }
        if p == b'<' {
            d += 1;
        } else if p == b'>' && !ctx.adjacent(j - 1, b'-', b'>') {
            d -= 1;
        } else if d == 0 && ctx.kind(j) == T_IDENT {
            let w = ctx.text(j);
            if j == k && (w == "dyn" || w == "impl" || w == "fn") {
                return "_";
            }
            name = w;
        } else if d == 0 && j == k && p != b':' {
            return "_";
        }
        if d == 0 && (p == b'(' || p == b'[') {
            return if name == "_" || j == k { "_" } else { name };
        }
        j += 1;
    }
    name
}

pub fn parse_rust(ctx: &mut Ctx) {
    let n = ctx.n();
    parse_items(ctx, 0, n, None, Scope::Mod, false, 0);
    collect_uses(ctx);
}

/// Every `use` and `extern crate` item at any depth (mirror of collectUses in parse-rust.ts).
fn collect_uses(ctx: &mut Ctx) {
    let n = ctx.n();
    let mut i = 0i64;
    while i < n {
        if ctx.kind(i) == T_IDENT && ctx.punct(i + 1) == b'!' {
            let mut k = i + 2;
            if ctx.kind(k) == T_IDENT && ctx.is_word(i, "macro_rules") {
                k += 1;
            }
            let p = ctx.punct(k);
            if (p == b'(' || p == b'[' || p == b'{') && ctx.m(k) >= 0 {
                i = ctx.m(k) + 1;
                continue;
            }
        }
        let is_use = ctx.is_word(i, "use") && ctx.punct(i - 1) != b'+';
        let is_crate = ctx.is_word(i, "extern") && ctx.is_word(i + 1, "crate");
        if is_use || is_crate {
            let mut s = i;
            if ctx.punct(i - 1) == b')' && ctx.m(i - 1) >= 0 && ctx.is_word(ctx.m(i - 1) - 1, "pub") {
                s = ctx.m(i - 1) - 1;
            } else if ctx.is_word(i - 1, "pub") {
                s = i - 1;
            }
            let e = semi_end(ctx, if is_crate { i + 2 } else { i + 1 }, n);
            let line = ctx.line(s);
            if is_crate {
                let source = ctx.text(i + 2).to_string();
                ctx.imports.push(Import { source, line });
            } else {
                let last = if ctx.punct(e) == b';' { e - 1 } else { e };
                if last > i {
                    let source = collapse(ctx.src, ctx.start(i + 1), ctx.end(last));
                    ctx.imports.push(Import { source: source.into_owned(), line });
                }
            }
            i = e + 1;
            continue;
        }
        i += 1;
    }
}

fn parse_items<'a>(ctx: &mut Ctx<'a>, mut i: i64, end: i64, parent: Option<&'a str>, scope: Scope, parent_pub: bool, nest: i32) {
    let own = || parent.map(S::Borrowed);
    while i < end {
        let d0 = i;
        while ctx.punct(i) == b'#' {
            let mut k = i + 1;
            if ctx.punct(k) == b'!' {
                k += 1;
            }
            if ctx.punct(k) == b'[' && ctx.m(k) >= 0 {
                i = ctx.m(k) + 1;
            } else {
                break;
            }
        }
        if i >= end {
            return;
        }
        let s = i;
        let mut is_pub = if scope == Scope::Trait { parent_pub } else { false };
        if ctx.is_word(i, "pub") {
            is_pub = true;
            i += 1;
            if ctx.punct(i) == b'(' && ctx.m(i) >= 0 {
                i = ctx.m(i) + 1;
            }
        }
        loop {
            if ctx.is_word(i, "default") || ctx.is_word(i, "async") || ctx.is_word(i, "unsafe") {
                if ctx.punct(i + 1) == b'!' {
                    break;
                }
                i += 1;
            } else if ctx.is_word(i, "const")
                && (ctx.is_word(i + 1, "fn")
                    || ctx.is_word(i + 1, "unsafe")
                    || ctx.is_word(i + 1, "async")
                    || ctx.is_word(i + 1, "extern"))
            {
                i += 1;
            } else if ctx.is_word(i, "extern")
                && (ctx.is_word(i + 1, "fn") || (ctx.kind(i + 1) == T_STR && ctx.is_word(i + 2, "fn")))
            {
                i += if ctx.kind(i + 1) == T_STR { 2 } else { 1 };
            } else {
                break;
            }
        }
        if i >= end {
            return;
        }
        let kw = if ctx.kind(i) == T_IDENT { ctx.text(i) } else { "" };
        let name_ok = ctx.kind(i + 1) == T_IDENT;
        if kw == "fn" && name_ok {
            let name = ctx.text(i + 1);
            let (body, last) = body_or_semi(ctx, i + 2, end);
            let kind = if scope == Scope::Mod { "function" } else { "method" };
            if body >= 0 {
                let close = ctx.m(body);
                let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
                add_sym(ctx, name, kind, s, close, sig, own(), is_pub, body, d0);
                i = close + 1;
            } else {
                let sig = line_sig(ctx, s, last);
                add_sym(ctx, name, kind, s, last, sig, own(), is_pub, -1, d0);
                i = last + 1;
            }
            continue;
        }
        if (kw == "struct" || kw == "union" || kw == "enum" || kw == "trait") && name_ok && scope == Scope::Mod {
            let name = ctx.text(i + 1);
            let (body, last) = body_or_semi(ctx, i + 2, end);
            let kind: &'static str = match kw {
                "union" | "struct" => "struct",
                "enum" => "enum",
                _ => "trait",
            };
            if body >= 0 {
                let close = ctx.m(body);
                let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
                add_sym(ctx, name, kind, s, close, sig, own(), is_pub, -1, d0);
                if kw == "trait" && nest < MAX_NEST {
                    parse_items(ctx, body + 1, close.min(end), Some(name), Scope::Trait, is_pub, nest + 1);
                }
                i = close + 1;
            } else {
                let sig = line_sig(ctx, s, last);
                add_sym(ctx, name, kind, s, last, sig, own(), is_pub, -1, d0);
                i = last + 1;
            }
            continue;
        }
        if kw == "impl" && scope == Scope::Mod {
            let (body, last) = body_or_semi(ctx, i + 1, end);
            if body < 0 {
                i = last + 1;
                continue;
            }
            let close = ctx.m(body);
            let name = impl_name(ctx, i + 1, body);
            let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
            add_sym(ctx, name, "impl", s, close, sig, own(), is_pub, -1, d0);
            if nest < MAX_NEST {
                parse_items(ctx, body + 1, close.min(end), Some(name), Scope::Impl, false, nest + 1);
            }
            i = close + 1;
            continue;
        }
        if kw == "mod" && name_ok && scope == Scope::Mod {
            let name = ctx.text(i + 1);
            let (body, last) = body_or_semi(ctx, i + 2, end);
            if body >= 0 {
                let close = ctx.m(body);
                let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
                add_sym(ctx, name, "module", s, close, sig, own(), is_pub, -1, d0);
                if nest < MAX_NEST {
                    parse_items(ctx, body + 1, close.min(end), Some(name), Scope::Mod, is_pub, nest + 1);
                }
                i = close + 1;
            } else {
                let sig = line_sig(ctx, s, last);
                add_sym(ctx, name, "module", s, last, sig, own(), is_pub, -1, d0);
                i = last + 1;
            }
            continue;
        }
        if (kw == "const" || kw == "static" || kw == "type") && (name_ok || ctx.punct(i + 1) == b'_') {
            let mut k = i + 1;
            if kw == "static" && ctx.is_word(k, "mut") {
                k += 1;
            }
            let e = semi_end(ctx, k, end);
            let last = if ctx.punct(e) == b';' { e - 1 } else { e };
            let name = ctx.text(k);
            if name != "_" {
                let kind = match kw {
                    "const" => "constant",
                    "static" => "variable",
                    _ => "type",
                };
                let sig = line_sig(ctx, s, last);
                add_sym(ctx, name, kind, s, e, sig, own(), is_pub, -1, d0);
            }
            i = e + 1;
            continue;
        }
        if kw == "use" {
            // recorded by collect_uses (imports at any depth)
            i = semi_end(ctx, i + 1, end) + 1;
            continue;
        }
        if kw == "extern" && ctx.is_word(i + 1, "crate") {
            i = semi_end(ctx, i + 2, end) + 1;
            continue;
        }
        let p = ctx.punct(i);
        if (p == b'{' || p == b'(' || p == b'[') && ctx.m(i) >= 0 {
            i = ctx.m(i) + 1;
            continue;
        }
        if kw == "extern" || (!kw.is_empty() && ctx.punct(i + 1) == b'!') {
            let (body, last) = body_or_semi(ctx, i + 1, end);
            i = if body >= 0 { ctx.m(body) + 1 } else { last + 1 };
            if ctx.punct(i) == b';' {
                i += 1;
            }
            continue;
        }
        i = if i > d0 { i } else { i + 1 };
    }
}
