//! Mirror of src/outline/common.ts: parser context, bracket matching, symbol records.
use super::lexer::{Tok, Tokens, T_PUNCT};
use std::borrow::Cow;

/// Text borrowed from the source when possible (most names and signatures), owned otherwise.
pub type S<'a> = Cow<'a, str>;

pub const MAX_NEST: i32 = 48;

#[derive(Clone)]
pub struct Sym<'a> {
    pub name: S<'a>,
    pub kind: &'static str,
    pub start_line: i32,
    pub end_line: i32,
    pub signature: S<'a>,
    pub parent: Option<S<'a>>,
    pub exported: bool,
    pub b0: i64,
    pub b1: i64,
    pub d0: i64,
    /// Replacement for the body in a skeleton; empty means `{ … }`.
    pub repl: String,
}

pub struct Import {
    pub source: String,
    pub line: i32,
}

pub struct Ctx<'a> {
    pub src: &'a str,
    pub b: &'a [u8],
    pub t: Tokens,
    pub syms: Vec<Sym<'a>>,
    pub imports: Vec<Import>,
}

impl<'a> Ctx<'a> {
    pub fn n(&self) -> i64 {
        self.t.n as i64
    }
    #[inline(always)]
    fn tok(&self, i: i64) -> Option<&Tok> {
        if i >= 0 {
            self.t.toks.get(i as usize)
        } else {
            None
        }
    }
    #[inline]
    pub fn kind(&self, i: i64) -> u8 {
        self.tok(i).map_or(0, |t| t.kind)
    }
    #[inline]
    pub fn start(&self, i: i64) -> i64 {
        self.tok(i).map_or(0, |t| t.start as i64)
    }
    #[inline]
    pub fn end(&self, i: i64) -> i64 {
        self.tok(i).map_or(0, |t| t.end as i64)
    }
    #[inline]
    pub fn line(&self, i: i64) -> i32 {
        self.tok(i).map_or(0, |t| t.line)
    }
    #[inline]
    pub fn end_line(&self, i: i64) -> i32 {
        self.tok(i).map_or(0, |t| t.end_line)
    }
    /// Index of the closer for an opener (n when unclosed), -1 otherwise or out of range.
    #[inline]
    pub fn m(&self, i: i64) -> i64 {
        self.tok(i).map_or(-1, |t| t.m as i64)
    }
    #[inline]
    pub fn punct(&self, i: i64) -> u8 {
        match self.tok(i) {
            Some(t) if t.kind == T_PUNCT => t.ch,
            _ => 0,
        }
    }
    #[inline]
    pub fn text(&self, i: i64) -> &'a str {
        match self.tok(i) {
            Some(t) => &self.src[t.start as usize..t.end as usize],
            None => "",
        }
    }
    #[inline]
    pub fn bytes(&self, i: i64) -> &'a [u8] {
        match self.tok(i) {
            Some(t) => &self.b[t.start as usize..t.end as usize],
            None => b"",
        }
    }
    #[inline]
    pub fn is_word(&self, i: i64, w: &str) -> bool {
        match self.tok(i) {
            Some(t) => t.kind == 1 && &self.b[t.start as usize..t.end as usize] == w.as_bytes(),
            None => false,
        }
    }
    #[inline]
    pub fn adjacent(&self, i: i64, a: u8, b: u8) -> bool {
        self.punct(i) == a && self.punct(i + 1) == b && self.end(i) == self.start(i + 1)
    }
    pub fn slice(&self, s: i64, e: i64) -> &'a str {
        &self.src[s as usize..e as usize]
    }
}

#[inline]
fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' || c == 12 || c == 11
}

/// First index in [k, e) holding a blank (`is_ws`), or `e`; 16 bytes at a time with SSE2.
#[inline]
fn blank_at(b: &[u8], mut k: usize, e: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64; loads end at or before `e` (k + 16 <= e <= b.len()).
    unsafe {
        use std::arch::x86_64::*;
        while k + 16 <= e {
            let v = _mm_loadu_si128(b.as_ptr().add(k) as *const __m128i);
            let t = _mm_sub_epi8(v, _mm_set1_epi8(9));
            let ctrl = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t);
            let m = _mm_movemask_epi8(_mm_or_si128(ctrl, _mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8))));
            if m != 0 {
                return k + m.trailing_zeros() as usize;
            }
            k += 16;
        }
    }
    while k < e && !is_ws(b[k]) {
        k += 1;
    }
    k
}

/// Text in [s, e) with whitespace runs collapsed to one space, trimmed (borrowed when already so).
pub fn collapse(src: &str, s: i64, e: i64) -> S<'_> {
    let b = src.as_bytes();
    let (mut s, mut e) = (s as usize, e as usize);
    while s < e && is_ws(b[s]) {
        s += 1;
    }
    while e > s && is_ws(b[e - 1]) {
        e -= 1;
    }
    let mut clean = true;
    let mut k = s;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64; both loads end at or before `e` (k + 17 <= e).
    unsafe {
        use std::arch::x86_64::*;
        // 16 positions at a time: a \t \n \x0b \x0c \r (9..=13), or a space followed by blank
        let ctrl = |v: __m128i| {
            let t = _mm_sub_epi8(v, _mm_set1_epi8(9));
            _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t)
        };
        let sp = _mm_set1_epi8(b' ' as i8);
        while k + 17 <= e {
            let v = _mm_loadu_si128(b.as_ptr().add(k) as *const __m128i);
            let w = _mm_loadu_si128(b.as_ptr().add(k + 1) as *const __m128i);
            let next_ws = _mm_or_si128(ctrl(w), _mm_cmpeq_epi8(w, sp));
            let bad = _mm_or_si128(ctrl(v), _mm_and_si128(_mm_cmpeq_epi8(v, sp), next_ws));
            if _mm_movemask_epi8(bad) != 0 {
                break;
            }
            k += 16;
        }
    }
    while k < e {
        let c = b[k];
        if is_ws(c) && (c != b' ' || is_ws(b[k + 1])) {
            clean = false;
            break;
        }
        k += 1;
    }
    if clean {
        return Cow::Borrowed(&src[s..e]);
    }
    // [s, k) is already clean and ends with a non-blank; from k: blank runs → one space
    let mut out = String::with_capacity(e - s);
    out.push_str(&src[s..k]);
    while k < e {
        while k < e && is_ws(b[k]) {
            k += 1;
        }
        if k >= e {
            break;
        }
        out.push(' ');
        let next = blank_at(b, k, e);
        out.push_str(&src[k..next]);
        k = next;
    }
    Cow::Owned(out)
}

/// Signature of a declaration without a body: tokens s..=e, first line only.
pub fn line_sig<'a>(ctx: &Ctx<'a>, s: i64, e: i64) -> S<'a> {
    let l = ctx.line(s);
    let mut last = s;
    let mut k = s;
    while k <= e && k < ctx.n() {
        if ctx.line(k) != l {
            break;
        }
        last = k;
        k += 1;
    }
    let mut end = ctx.end(last);
    if ctx.end_line(last) != l {
        let from = ctx.start(last) as usize;
        if let Some(p) = ctx.b[from..].iter().position(|&c| c == b'\n') {
            end = (from + p) as i64;
        }
    }
    collapse(ctx.src, ctx.start(s), end)
}

#[allow(clippy::too_many_arguments)]
pub fn add_sym<'a>(
    ctx: &mut Ctx<'a>,
    name: impl Into<S<'a>>,
    kind: &'static str,
    s: i64,
    end_tok: i64,
    signature: S<'a>,
    parent: Option<S<'a>>,
    exported: bool,
    body: i64,
    d0: i64,
) -> usize {
    let n = ctx.n();
    let e = end_tok.max(s).min(n - 1);
    let (b0, b1) = if body >= 0 {
        let mb = ctx.m(body);
        (ctx.start(body), if mb < n { ctx.end(mb) } else { ctx.src.len() as i64 })
    } else {
        (-1, -1)
    };
    let sym = Sym {
        name: name.into(),
        kind,
        start_line: ctx.line(s),
        end_line: ctx.end_line(e),
        signature,
        parent,
        exported,
        b0,
        b1,
        d0,
        repl: String::new(),
    };
    ctx.syms.push(sym);
    ctx.syms.len() - 1
}

/// JS `s.slice(1, -1)` for quoted tokens, guarded so both backends cut the same characters.
pub fn string_value(s: &str) -> String {
    let b = s.as_bytes();
    if b.len() >= 2 && b[b.len() - 1] == b[0] {
        s[1..s.len() - 1].to_string()
    } else if !b.is_empty() && b[0] < 128 {
        s[1..].to_string()
    } else {
        s.to_string()
    }
}
