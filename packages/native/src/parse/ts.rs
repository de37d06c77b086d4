//! Mirror of src/outline/parse-ts.ts (TypeScript / TSX / JavaScript).
use super::common::*;
use super::lexer::{T_IDENT, T_NUM, T_PUNCT, T_STR};

const MODIFIERS: [&str; 5] = ["export", "default", "declare", "abstract", "async"];
const MEMBER_MODS: [&str; 12] =
    ["static", "public", "private", "protected", "readonly", "abstract", "override", "declare", "async", "accessor", "get", "set"];
const CONTINUE: [&str; 8] = ["extends", "instanceof", "in", "as", "satisfies", "of", "is", "implements"];

/// Words that cannot end a statement or member: a newline after them continues it.
const NO_END: [&str; 6] = ["extends", "implements", "instanceof", "satisfies", "keyof", "typeof"];

fn ends_item(ctx: &Ctx, i: i64) -> bool {
    if ctx.kind(i) == T_IDENT {
        return !NO_END.contains(&ctx.text(i));
    }
    if ctx.kind(i) != T_PUNCT {
        return true;
    }
    let p = ctx.punct(i);
    if p == b'>' {
        return !ctx.adjacent(i - 1, b'=', b'>');
    }
    // postfix non-null assertion `undefined!`
    if p == b'!' {
        return i > 0 && ctx.end(i - 1) == ctx.start(i) && ctx.kind(i - 1) != T_PUNCT;
    }
    p == b')' || p == b']' || p == b'}' || p == b';'
}

fn starts_item(ctx: &Ctx, i: i64) -> bool {
    let k = ctx.kind(i);
    if k == T_IDENT {
        if !CONTINUE.contains(&ctx.text(i)) {
            return true;
        }
        // a member named like a keyword: `extends: …`, `in?: …`
        let n = ctx.punct(i + 1);
        return n == b':' || n == b'?';
    }
    if k == T_NUM {
        return true;
    }
    if k == T_STR {
        return ctx.b[ctx.start(i) as usize] != b'`';
    }
    let p = ctx.punct(i);
    p == b'@' || p == b'#'
}

fn asi_break(ctx: &Ctx, i: i64) -> bool {
    if i == 0 || ctx.line(i) == ctx.end_line(i - 1) {
        return false;
    }
    ends_item(ctx, i - 1) && starts_item(ctx, i)
}

fn member_break(ctx: &Ctx, i: i64) -> bool {
    if i == 0 || ctx.line(i) == ctx.end_line(i - 1) {
        return false;
    }
    if !ends_item(ctx, i - 1) {
        return false;
    }
    let p = ctx.punct(i);
    starts_item(ctx, i) || p == b'[' || p == b'*'
}

#[inline]
fn is_open(p: u8) -> bool {
    p == b'(' || p == b'[' || p == b'{'
}

fn stmt_end(ctx: &Ctx, i: i64, end: i64) -> i64 {
    let mut k = i;
    let mut last = i;
    while k < end {
        if k > i && asi_break(ctx, k) {
            return last;
        }
        let p = ctx.punct(k);
        if p == b';' {
            return k;
        }
        if p == b'}' || p == b')' || p == b']' {
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

fn type_brace(ctx: &Ctx, i: i64) -> bool {
    let p = ctx.punct(i - 1);
    if matches!(p, b':' | b'|' | b'&' | b'<' | b',' | b'(' | b'[' | b'?' | b'=') {
        return true;
    }
    if p == b'>' && ctx.adjacent(i - 2, b'=', b'>') {
        return true;
    }
    ctx.is_word(i - 1, "keyof") || ctx.is_word(i - 1, "typeof") || ctx.is_word(i - 1, "is")
}

fn find_body(ctx: &Ctx, i: i64, end: i64, member: bool) -> (i64, i64) {
    let mut k = i;
    let mut last = i - 1;
    let mut angle = 0i64;
    while k < end {
        if k > i && angle <= 0 && (if member { member_break(ctx, k) } else { asi_break(ctx, k) }) {
            return (-1, last);
        }
        let p = ctx.punct(k);
        if p == b';' {
            return (-1, k);
        }
        if p == b'}' || p == b')' || p == b']' {
            return (-1, last);
        }
        if p == b'{' && angle <= 0 && !type_brace(ctx, k) {
            return (k, k);
        }
        if p == b'<' {
            angle += 1;
        } else if p == b'>' && !ctx.adjacent(k - 1, b'=', b'>') {
            angle -= 1;
        } else if member && angle <= 0 && (p == b',' || (p == b'=' && !ctx.adjacent(k, b'=', b'>'))) {
            return (-1, last);
        }
        last = k;
        if is_open(p) && ctx.m(k) >= 0 {
            k = ctx.m(k);
            last = k.min(ctx.n() - 1);
        }
        k += 1;
    }
    (-1, last.min(ctx.n() - 1))
}

fn skip_decorators(ctx: &Ctx, mut i: i64, end: i64) -> i64 {
    while i < end && ctx.punct(i) == b'@' && i + 1 < end && ctx.kind(i + 1) == T_IDENT {
        i += 2;
        while i + 1 < end && ctx.punct(i) == b'.' && ctx.kind(i + 1) == T_IDENT {
            i += 2;
        }
        if ctx.punct(i) == b'(' && ctx.m(i) >= 0 {
            i = ctx.m(i) + 1;
        }
    }
    i
}

fn function_init(ctx: &Ctx, mut i: i64, end: i64) -> i64 {
    if ctx.is_word(i, "async") && i + 1 < end && ctx.line(i + 1) == ctx.line(i) {
        i += 1;
    }
    if ctx.is_word(i, "function") {
        let (b, _) = find_body(ctx, i + 1, end, false);
        return if b >= 0 { b } else { -1 };
    }
    if ctx.punct(i) == b'<' {
        let mut d = 0;
        let mut k = i;
        while k < end {
            let p = ctx.punct(k);
            if p == b'<' {
                d += 1;
            } else if p == b'>' && !ctx.adjacent(k - 1, b'=', b'>') {
                d -= 1;
                if d == 0 {
                    break;
                }
            } else if p == b';' || p == b'{' {
                return -1;
            }
            k += 1;
        }
        i = k + 1;
    }
    if ctx.punct(i) == b'(' && ctx.m(i) > i && ctx.m(i) < end && !ctx.adjacent(ctx.m(i) + 1, b'=', b'>') {
        // `((x) => {…})`, `(function () {…})`: a parenthesized function is a function
        let close = ctx.m(i);
        let after = ctx.punct(close + 1);
        // `(() => {…})()` / `(function () {…}).call(…)`: called, so not a function
        if after == b'(' || after == b'.' || after == b'[' {
            return -1;
        }
        if after != b':' {
            let inner = function_init(ctx, i + 1, close);
            if inner >= 0 && ctx.m(inner) == close - 1 {
                return inner;
            }
            if inner == -2 {
                return -2;
            }
            return -1;
        }
    }
    let mut k;
    if ctx.punct(i) == b'(' && ctx.m(i) >= 0 && ctx.m(i) < end {
        k = ctx.m(i) + 1;
    } else if ctx.kind(i) == T_IDENT && i < end {
        k = i + 1;
    } else {
        return -1;
    }
    if ctx.punct(k) == b':' {
        // return type annotation up to => (commas inside its type arguments do not end it)
        let mut j = k + 1;
        let mut angle = 0;
        while j < end {
            if ctx.adjacent(j, b'=', b'>') {
                k = j;
                break;
            }
            let p = ctx.punct(j);
            if p == b'<' {
                angle += 1;
            } else if p == b'>' {
                angle -= 1;
            }
            if p == b';' || (p == b',' && angle <= 0) || p == b'}' || p == b')' {
                return -1;
            }
            if is_open(p) && ctx.m(j) >= 0 {
                j = ctx.m(j);
            }
            j += 1;
        }
    }
    if !ctx.adjacent(k, b'=', b'>') {
        return -1;
    }
    if ctx.punct(k + 2) == b'{' {
        k + 2
    } else {
        -2
    }
}

fn parse_import(ctx: &mut Ctx, s: i64, i: i64, end: i64) -> i64 {
    let e = stmt_end(ctx, i, end);
    let mut src = -1;
    let mut k = i;
    while k <= e && k < end {
        if ctx.kind(k) == T_STR && (ctx.is_word(k - 1, "from") || src < 0) {
            src = k;
            if ctx.is_word(k - 1, "from") {
                break;
            }
        }
        k += 1;
    }
    if src >= 0 {
        let source = string_value(ctx.text(src));
        let line = ctx.line(s);
        ctx.imports.push(Import { source, line });
    }
    e + 1
}

pub fn parse_statements<'a>(ctx: &mut Ctx<'a>, mut i: i64, end: i64, parent: &Option<S<'a>>, nest: i32) {
    while i < end {
        let next = parse_statement(ctx, i, end, parent, nest);
        i = if next > i { next } else { i + 1 };
    }
}

fn stmt_last(ctx: &Ctx, e: i64) -> i64 {
    if ctx.punct(e) == b';' && e > 0 {
        e - 1
    } else {
        e
    }
}

fn sig_to<'a>(ctx: &Ctx<'a>, s: i64, e: i64) -> S<'a> {
    line_sig(ctx, s, stmt_last(ctx, e))
}

fn own<'a>(p: &Option<S<'a>>) -> Option<S<'a>> {
    p.clone()
}

fn parse_statement<'a>(ctx: &mut Ctx<'a>, mut i: i64, end: i64, parent: &Option<S<'a>>, nest: i32) -> i64 {
    let d0 = i;
    i = skip_decorators(ctx, i, end);
    let s = i;
    let mut exported = false;
    let mut dflt = false;
    while i < end && ctx.kind(i) == T_IDENT {
        let w = ctx.text(i);
        if !MODIFIERS.contains(&w) {
            break;
        }
        if w == "default" && !exported {
            break;
        }
        if w == "async" && !ctx.is_word(i + 1, "function") {
            break;
        }
        if w == "export" {
            exported = true;
        }
        if w == "default" {
            dflt = true;
        }
        i += 1;
    }
    if i >= end {
        return end;
    }
    let kw = if ctx.kind(i) == T_IDENT { ctx.text(i) } else { "" };
    if kw == "import" && ctx.punct(i + 1) != b'(' && ctx.punct(i + 1) != b'.' {
        return parse_import(ctx, s, i, end);
    }
    let reexport = ctx.punct(i) == b'{' || ctx.punct(i) == b'*';
    let type_reexport = kw == "type" && (ctx.punct(i + 1) == b'{' || ctx.punct(i + 1) == b'*');
    if exported && (reexport || type_reexport) {
        let e = stmt_end(ctx, i, end);
        let mut k = i;
        while k <= e {
            if ctx.is_word(k, "from") && ctx.kind(k + 1) == T_STR {
                let source = string_value(ctx.text(k + 1));
                let line = ctx.line(s);
                ctx.imports.push(Import { source, line });
                break;
            }
            k += 1;
        }
        return e + 1;
    }
    if kw == "function" {
        let mut k = i + 1;
        if ctx.punct(k) == b'*' {
            k += 1;
        }
        let mut name = if dflt { "default" } else { "" };
        if ctx.kind(k) == T_IDENT && ctx.punct(k) != b'(' {
            name = ctx.text(k);
            k += 1;
        }
        let (body, last) = find_body(ctx, k, end, false);
        if name.is_empty() {
            return if body >= 0 { ctx.m(body) + 1 } else { last + 1 };
        }
        if body >= 0 {
            let close = ctx.m(body);
            let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
            add_sym(ctx, name, "function", s, close, sig, own(parent), exported, body, d0);
            return close + 1;
        }
        let sig = sig_to(ctx, s, last);
        add_sym(ctx, name, "function", s, last, sig, own(parent), exported, -1, d0);
        return last + 1;
    }
    if kw == "class" || (kw == "interface" && ctx.kind(i + 1) == T_IDENT) {
        let mut k = i + 1;
        let mut name = if dflt { "default" } else { "" };
        if ctx.kind(k) == T_IDENT && !ctx.is_word(k, "extends") && !ctx.is_word(k, "implements") {
            name = ctx.text(k);
            k += 1;
        }
        let (body, last) = find_body(ctx, k, end, false);
        if body < 0 {
            if !name.is_empty() && kw == "class" {
                let sig = sig_to(ctx, s, last);
                add_sym(ctx, name, "class", s, last, sig, own(parent), exported, -1, d0);
            }
            return last + 1;
        }
        let close = ctx.m(body);
        if name.is_empty() {
            return close + 1;
        }
        let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
        let kind: &'static str = if kw == "class" { "class" } else { "interface" };
        add_sym(ctx, name, kind, s, close, sig, own(parent), exported, -1, d0);
        if nest < MAX_NEST {
            parse_members(ctx, body + 1, close.min(end), S::Borrowed(name), kw == "interface", exported);
        }
        return close + 1;
    }
    if kw == "type" && ctx.kind(i + 1) == T_IDENT && (ctx.punct(i + 2) == b'=' || ctx.punct(i + 2) == b'<') {
        let e = stmt_end(ctx, i, end);
        let sl = stmt_last(ctx, e);
        let sig = line_sig(ctx, s, sl);
        let name = ctx.text(i + 1);
        add_sym(ctx, name, "type", s, sl, sig, own(parent), exported, -1, d0);
        return e + 1;
    }
    if (kw == "enum" && ctx.kind(i + 1) == T_IDENT) || (kw == "const" && ctx.is_word(i + 1, "enum")) {
        let k = if kw == "const" { i + 2 } else { i + 1 };
        let (body, last) = find_body(ctx, k + 1, end, false);
        let close = if body >= 0 { ctx.m(body) } else { last };
        let sig = if body >= 0 { collapse(ctx.src, ctx.start(s), ctx.start(body)) } else { sig_to(ctx, s, close) };
        let name = ctx.text(k);
        add_sym(ctx, name, "enum", s, close, sig, own(parent), exported, -1, d0);
        return close + 1;
    }
    if (kw == "namespace" || kw == "module" || kw == "global")
        && (ctx.kind(i + 1) == T_IDENT || ctx.kind(i + 1) == T_STR || (kw == "global" && ctx.punct(i + 1) == b'{'))
        && ctx.line(i + 1) == ctx.line(i)
    {
        let mut k = i + 1;
        let mut name: String;
        if kw == "global" {
            name = "global".to_string();
        } else if ctx.kind(k) == T_STR {
            name = string_value(ctx.text(k));
            k += 1;
        } else {
            name = ctx.text(k).to_string();
            k += 1;
            while ctx.punct(k) == b'.' && ctx.kind(k + 1) == T_IDENT {
                name.push('.');
                name.push_str(ctx.text(k + 1));
                k += 2;
            }
        }
        if ctx.punct(k) == b'{' {
            let close = ctx.m(k);
            let sig = collapse(ctx.src, ctx.start(s), ctx.start(k));
            add_sym(ctx, name.clone(), "module", s, close, sig, own(parent), exported, -1, d0);
            if nest < MAX_NEST {
                parse_statements(ctx, k + 1, close.min(end), &Some(S::Owned(name.clone())), nest + 1);
            }
            return close + 1;
        }
        let e = stmt_end(ctx, i, end);
        let sl = stmt_last(ctx, e);
        let sig = sig_to(ctx, s, sl);
        add_sym(ctx, name, "module", s, sl, sig, own(parent), exported, -1, d0);
        return e + 1;
    }
    if (kw == "const" || kw == "let" || kw == "var")
        && (ctx.kind(i + 1) == T_IDENT || ctx.punct(i + 1) == b'{' || ctx.punct(i + 1) == b'[')
    {
        let kind = if kw == "const" { "constant" } else { "variable" };
        return parse_variables(ctx, s, i + 1, end, kind, parent, exported, d0);
    }
    stmt_end(ctx, s, end) + 1
}

/// Whether the function whose body closes at `close` is called or accessed (`}()`, `}.call`) before `last`.
fn called_after(ctx: &Ctx, close: i64, last: i64) -> bool {
    if close < 0 || close >= last {
        return false;
    }
    let p = ctx.punct(close + 1);
    p == b'(' || p == b'.' || p == b'['
}

#[allow(clippy::too_many_arguments)]
fn parse_variables<'a>(
    ctx: &mut Ctx<'a>,
    s: i64,
    mut i: i64,
    end: i64,
    kind: &'static str,
    parent: &Option<S<'a>>,
    exported: bool,
    d0: i64,
) -> i64 {
    let mut first = true;
    while i < end {
        let name_tok = i;
        let simple = ctx.kind(i) == T_IDENT;
        let mut k = i;
        let mut angle = 0i64;
        let mut seen_eq = -1i64;
        let mut last = i;
        let mut stop = -1i64;
        while k < end {
            if k > i && asi_break(ctx, k) {
                break;
            }
            let p = ctx.punct(k);
            if p == b';' {
                stop = k;
                break;
            }
            if p == b'}' || p == b')' || p == b']' {
                break;
            }
            if p == b',' && angle <= 0 {
                stop = k;
                break;
            }
            if seen_eq < 0 {
                if p == b'<' {
                    angle += 1;
                } else if p == b'>' && !ctx.adjacent(k - 1, b'=', b'>') {
                    angle -= 1;
                } else if p == b'=' && angle <= 0 && !ctx.adjacent(k, b'=', b'>') && ctx.punct(k + 1) != b'=' {
                    seen_eq = k;
                    angle = 0;
                }
            } else if p == b'<' && ((ctx.kind(k - 1) == T_IDENT && ctx.end(k - 1) == ctx.start(k)) || k == seen_eq + 1) {
                angle += 1;
            } else if p == b'>' && angle > 0 && !ctx.adjacent(k - 1, b'=', b'>') {
                angle -= 1;
            }
            last = k;
            if is_open(p) && ctx.m(k) >= 0 {
                k = ctx.m(k);
                last = k.min(ctx.n() - 1);
            }
            k += 1;
        }
        if simple {
            let from = if first { s } else { name_tok };
            let fb = if seen_eq >= 0 { function_init(ctx, seen_eq + 1, end) } else { -1 };
            let name = ctx.text(name_tok);
            let dd = if first { d0 } else { name_tok };
            if fb >= 0 && fb <= last && !called_after(ctx, ctx.m(fb), last) {
                let sig = collapse(ctx.src, ctx.start(from), ctx.start(fb));
                add_sym(ctx, name, "function", from, last, sig, own(parent), exported, fb, dd);
            } else {
                let sig = line_sig(ctx, from, last);
                let kd = if fb == -2 { "function" } else { kind };
                add_sym(ctx, name, kd, from, last, sig, own(parent), exported, -1, dd);
            }
        }
        first = false;
        if stop >= 0 && ctx.punct(stop) == b',' {
            i = stop + 1;
            continue;
        }
        return if stop >= 0 { stop + 1 } else { last + 1 };
    }
    i
}

fn parse_members<'a>(ctx: &mut Ctx<'a>, mut i: i64, end: i64, parent: S<'a>, iface: bool, parent_exported: bool) {
    while i < end {
        let d0 = i;
        i = skip_decorators(ctx, i, end);
        if i >= end {
            return;
        }
        let p0 = ctx.punct(i);
        if p0 == b';' || p0 == b',' {
            i += 1;
            continue;
        }
        let s = i;
        let mut hidden = false;
        while i < end && ctx.kind(i) == T_IDENT && MEMBER_MODS.contains(&ctx.text(i)) {
            let np = ctx.punct(i + 1);
            if matches!(np, b'(' | b'=' | b';' | b':' | b'?' | b'!' | b'<' | b'}' | b',') {
                break;
            }
            if i + 1 < end && ctx.line(i + 1) != ctx.line(i) && ctx.kind(i + 1) != T_IDENT {
                break;
            }
            let w = ctx.text(i);
            if w == "private" || w == "protected" {
                hidden = true;
            }
            i += 1;
        }
        if ctx.is_word(s, "static") && i == s + 1 && ctx.punct(i) == b'{' {
            i = ctx.m(i) + 1;
            continue;
        }
        if ctx.punct(i) == b'*' {
            i += 1;
        }
        let name_tok = i;
        let name: S<'a>;
        let mut k: i64;
        let k0 = ctx.kind(i);
        if ctx.punct(i) == b'#' && ctx.kind(i + 1) == T_IDENT && ctx.end(i) == ctx.start(i + 1) {
            name = S::Owned(format!("#{}", ctx.text(i + 1)));
            hidden = true;
            k = i + 2;
        } else if k0 == T_IDENT || k0 == T_STR || k0 == T_NUM {
            name = S::Borrowed(ctx.text(i));
            k = i + 1;
        } else if ctx.punct(i) == b'[' && ctx.m(i) < end {
            if ctx.kind(i + 1) == T_IDENT && ctx.punct(i + 2) == b':' {
                i = member_end(ctx, i, end, true) + 1;
                continue;
            }
            name = S::Borrowed(ctx.slice(ctx.start(i), ctx.end(ctx.m(i))));
            k = ctx.m(i) + 1;
        } else {
            i = member_end(ctx, i, end, true) + 1;
            continue;
        }
        if iface && ctx.is_word(name_tok, "new") && (ctx.punct(k) == b'(' || ctx.punct(k) == b'<') {
            i = member_end(ctx, i, end, true) + 1;
            continue;
        }
        if ctx.punct(k) == b'?' || ctx.punct(k) == b'!' {
            k += 1;
        }
        let exported = parent_exported && !hidden;
        let pk = ctx.punct(k);
        let par = Some(parent.clone());
        if pk == b'(' || pk == b'<' {
            if iface {
                let e = member_end(ctx, k, end, true);
                let ml = member_last(ctx, e);
                let sig = line_sig(ctx, s, ml);
                add_sym(ctx, name, "method", s, ml, sig, par, exported, -1, d0);
                i = e + 1;
                continue;
            }
            let (body, last) = find_body(ctx, k, end, true);
            if body >= 0 {
                let close = ctx.m(body);
                let sig = collapse(ctx.src, ctx.start(s), ctx.start(body));
                add_sym(ctx, name, "method", s, close, sig, par, exported, body, d0);
                i = close + 1;
            } else {
                let ml = member_last(ctx, last);
                let sig = line_sig(ctx, s, ml);
                add_sym(ctx, name, "method", s, ml, sig, par, exported, -1, d0);
                i = last + 1;
            }
            continue;
        }
        let e = member_end(ctx, k, end, iface);
        let last = member_last(ctx, e);
        let mut eq = -1;
        let mut j = k;
        while j <= last {
            let p = ctx.punct(j);
            if p == b'=' && !ctx.adjacent(j, b'=', b'>') {
                eq = j;
                break;
            }
            if is_open(p) && ctx.m(j) >= 0 {
                j = ctx.m(j);
            }
            j += 1;
        }
        let fb = if eq >= 0 && !iface { function_init(ctx, eq + 1, end) } else { -1 };
        if fb >= 0 && fb <= last {
            let sig = collapse(ctx.src, ctx.start(s), ctx.start(fb));
            add_sym(ctx, name, "method", s, last, sig, par, exported, fb, d0);
        } else {
            let sig = line_sig(ctx, s, last);
            let kd = if fb == -2 { "method" } else { "variable" };
            add_sym(ctx, name, kd, s, last, sig, par, exported, -1, d0);
        }
        i = e + 1;
    }
}

fn member_last(ctx: &Ctx, e: i64) -> i64 {
    let p = ctx.punct(e);
    if (p == b';' || p == b',') && e > 0 {
        e - 1
    } else {
        e
    }
}

fn member_end(ctx: &Ctx, i: i64, end: i64, iface: bool) -> i64 {
    let mut k = i;
    let mut last = i;
    let mut angle = 0i64;
    let mut seen_eq = false;
    while k < end {
        if k > i && member_break(ctx, k) {
            return last;
        }
        let p = ctx.punct(k);
        if p == b';' || (p == b',' && (if seen_eq { iface } else { angle <= 0 })) {
            return k;
        }
        if !seen_eq {
            if p == b'<' {
                angle += 1;
            } else if p == b'>' && !ctx.adjacent(k - 1, b'=', b'>') {
                angle -= 1;
            } else if p == b'=' && angle <= 0 && !ctx.adjacent(k, b'=', b'>') {
                seen_eq = true;
            }
        }
        if p == b'}' || p == b')' || p == b']' {
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
