//! Mirror of src/outline/lexer.ts, on UTF-8 bytes. Every byte >= 0x80 is an identifier byte (as
//! every UTF-16 unit >= 0x80 is in the TS lexer), so token boundaries agree; the BOM (EF BB BF) is
//! whitespace like U+FEFF there.

pub const T_IDENT: u8 = 1;
pub const T_NUM: u8 = 2;
pub const T_STR: u8 = 3;
pub const T_PUNCT: u8 = 4;
pub const T_LIFETIME: u8 = 5;

pub const L_TS: u8 = 0;
/// TS/JS with JSX ('tsx' and 'javascript').
pub const L_TSX: u8 = 4;
pub const L_PY: u8 = 1;
pub const L_RUST: u8 = 2;
pub const L_GO: u8 = 3;

/// One token; `ch` is its first byte (the punctuation character for T_PUNCT), `m` the index of the
/// matching closer for an opening bracket (filled while lexing), else -1.
#[derive(Clone, Copy)]
pub struct Tok {
    pub start: u32,
    pub end: u32,
    pub line: i32,
    pub end_line: i32,
    pub m: i32,
    pub kind: u8,
    pub ch: u8,
}

pub struct Tokens {
    pub n: usize,
    pub toks: Vec<Tok>,
    pub line_starts: Vec<i32>,
    /// flat: start, end, line, endLine
    pub comments: Vec<i32>,
}

/// ASCII punctuation that is always one T_PUNCT token in language family `lang`: not a quote,
/// comment, regex, JSX, template or blank start, nor (TS/TSX) a `{`/`}` the template tracking counts.
const fn simple_punct(lang: u8) -> [bool; 256] {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        let ts = lang == L_TS || lang == L_TSX;
        t[c] = !(b.is_ascii_alphanumeric()
            || matches!(b, b'_' | b'$' | b'\n' | b' ' | b'\t' | b'\r' | 11 | 12 | b'/' | b'"' | b'\'' | b'`')
            || (b == b'#' && lang == L_PY)
            || (b == b'<' && lang == L_TSX)
            || ((b == b'{' || b == b'}') && ts));
        c += 1;
    }
    t
}

/// `simple_punct` of each family, indexed by its L_* code.
const SIMPLE_PUNCT: [[bool; 256]; 5] =
    [simple_punct(0), simple_punct(1), simple_punct(2), simple_punct(3), simple_punct(4)];

/// Byte classes: 1 = identifier start, 2 = identifier part.
const CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        if b.is_ascii_alphabetic() || b == b'_' || b == b'$' || b >= 128 {
            t[c] = 3;
        } else if b.is_ascii_digit() {
            t[c] = 2;
        }
        c += 1;
    }
    t
};

#[inline(always)]
fn ident_start(c: u8) -> bool {
    CLASS[c as usize] & 1 != 0
}
#[inline(always)]
pub fn ident_part(c: u8) -> bool {
    CLASS[c as usize] & 2 != 0
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;
#[inline(always)]
fn has(w: u64, b: u8) -> u64 {
    let x = w ^ (LO * b as u64);
    x.wrapping_sub(LO) & !x & HI
}

/// Index of the first byte at or after `i` equal to one of `set` (up to 4 bytes), or `s.len()`.
/// Sixteen bytes at a time with SSE2 on x86-64, then eight (SWAR; the lowest flagged byte is
/// always a true match).
#[inline(always)]
fn find_any(s: &[u8], mut i: usize, set: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64; loads stay within `s` (i + 16 <= len).
    unsafe {
        use std::arch::x86_64::*;
        while i + 16 <= s.len() {
            let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
            let mut m = 0i32;
            for &b in set {
                m |= _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8)));
            }
            if m != 0 {
                return i + m.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i + 8 <= s.len() {
        let w = u64::from_le_bytes([s[i], s[i + 1], s[i + 2], s[i + 3], s[i + 4], s[i + 5], s[i + 6], s[i + 7]]);
        let mut m = 0;
        for &b in set {
            m |= has(w, b);
        }
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < s.len() {
        if set.contains(&s[i]) {
            return i;
        }
        i += 1;
    }
    s.len()
}

/// Index of the first byte at or after `i` that is not an identifier part (`CLASS & 2`), or
/// `s.len()`. Sixteen bytes at a time with SSE2 on x86-64 (one well-predicted branch per
/// identifier instead of a mispredicted loop exit), scalar elsewhere.
#[inline(always)]
fn ident_end(s: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of x86-64; loads stay within `s` (i + 16 <= len).
    unsafe {
        use std::arch::x86_64::*;
        let in_range = |v: __m128i, lo: i8, width: i8| {
            let t = _mm_sub_epi8(v, _mm_set1_epi8(lo));
            _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(width)), t)
        };
        while i + 16 <= s.len() {
            let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
            let alpha = in_range(_mm_or_si128(v, _mm_set1_epi8(0x20)), b'a' as i8, 25);
            let digit = in_range(v, b'0' as i8, 9);
            let us = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'_' as i8));
            let dollar = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'$' as i8));
            let ok = _mm_or_si128(_mm_or_si128(alpha, digit), _mm_or_si128(us, dollar));
            // bytes >= 0x80 have their sign bit set: movemask of v itself
            let m = (_mm_movemask_epi8(ok) | _mm_movemask_epi8(v)) as u32;
            if m != 0xffff {
                return i + (!m).trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i < s.len() && ident_part(s[i]) {
        i += 1;
    }
    i
}

/// Index of the first byte at or after `i` that is neither a space nor a tab, or `s.len()`.
#[inline(always)]
fn blank_end(s: &[u8], mut i: usize) -> usize {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: as in `ident_end`.
    unsafe {
        use std::arch::x86_64::*;
        while i + 16 <= s.len() {
            let v = _mm_loadu_si128(s.as_ptr().add(i) as *const __m128i);
            let ok = _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\t' as i8)));
            let m = _mm_movemask_epi8(ok) as u32;
            if m != 0xffff {
                return i + (!m).trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    while i < s.len() && (s[i] == b' ' || s[i] == b'\t') {
        i += 1;
    }
    i
}

const REGEX_AFTER: [&[u8]; 14] = [
    b"return", b"typeof", b"instanceof", b"in", b"of", b"new", b"delete", b"void", b"throw", b"case", b"do", b"else",
    b"yield", b"await",
];

struct Lx<'a> {
    s: &'a [u8],
    len: usize,
    i: usize,
    line: i32,
    t: Tokens,
}

impl<'a> Lx<'a> {
    #[inline]
    fn at(&self, k: usize) -> u8 {
        if k < self.len {
            self.s[k]
        } else {
            0
        }
    }
    #[inline]
    fn push(&mut self, k: u8, s: usize, e: usize, l: i32) {
        self.t.toks.push(Tok { start: s as u32, end: e as u32, line: l, end_line: self.line, m: -1, kind: k, ch: self.s[s] });
        self.t.n += 1;
    }
    #[inline]
    fn newline(&mut self, at: usize) {
        self.line += 1;
        self.t.line_starts.push(at as i32 + 1);
    }
    fn scan_quoted(&mut self, q: u8, single: bool) {
        while self.i < self.len {
            self.i = find_any(self.s, self.i, &[q, b'\\', b'\n']);
            if self.i >= self.len {
                break;
            }
            let c = self.s[self.i];
            if c == b'\\' {
                if self.i + 1 < self.len && self.s[self.i + 1] == b'\n' {
                    self.newline(self.i + 1);
                }
                self.i += 2;
                continue;
            }
            if c == q {
                self.i += 1;
                return;
            }
            if c == b'\n' {
                if single {
                    return;
                }
                self.newline(self.i);
            }
            self.i += 1;
        }
        if self.i > self.len {
            self.i = self.len;
        }
    }
    fn scan_template(&mut self) -> bool {
        while self.i < self.len {
            self.i = find_any(self.s, self.i, b"`\\$\n");
            if self.i >= self.len {
                break;
            }
            let c = self.s[self.i];
            if c == b'\\' {
                if self.i + 1 < self.len && self.s[self.i + 1] == b'\n' {
                    self.newline(self.i + 1);
                }
                self.i += 2;
                continue;
            }
            if c == b'`' {
                self.i += 1;
                return false;
            }
            if c == b'$' && self.at(self.i + 1) == b'{' && self.i + 1 < self.len {
                self.i += 2;
                return true;
            }
            if c == b'\n' {
                self.newline(self.i);
            }
            self.i += 1;
        }
        if self.i > self.len {
            self.i = self.len;
        }
        false
    }
    /// Mirror of `jsxAllowed` in lexer.ts.
    fn jsx_allowed(&self) -> bool {
        let n = self.t.n;
        if n == 0 {
            return true;
        }
        let last = self.t.toks[n - 1];
        if last.kind == T_IDENT {
            let w = &self.s[last.start as usize..last.end as usize];
            return w == b"return" || w == b"yield" || w == b"default" || w == b"case" || w == b"await";
        }
        if last.kind != T_PUNCT {
            return false;
        }
        let p = last.ch;
        if p == b'>' {
            return n >= 2 && self.t.toks[n - 2].kind == T_PUNCT && self.t.toks[n - 2].ch == b'=' && self.t.toks[n - 2].end == last.start;
        }
        JSX_BEFORE.contains(&p)
    }
    fn regex_allowed(&self) -> bool {
        let n = self.t.n;
        if n == 0 {
            return true;
        }
        let last = self.t.toks[n - 1];
        let k = last.kind;
        if k == T_NUM || k == T_STR {
            return false;
        }
        let (a, b) = (last.start as usize, last.end as usize);
        if k == T_IDENT {
            let w = &self.s[a..b];
            return REGEX_AFTER.contains(&w);
        }
        let p = self.s[a];
        p != b')' && p != b']' && p != b'}'
    }
    fn scan_py_string(&mut self) {
        let q = self.s[self.i];
        if self.i + 2 < self.len && self.s[self.i + 1] == q && self.s[self.i + 2] == q {
            self.i += 3;
            while self.i < self.len {
                self.i = find_any(self.s, self.i, &[q, b'\\', b'\n']);
                if self.i >= self.len {
                    break;
                }
                let e = self.s[self.i];
                if e == b'\\' {
                    if self.i + 1 < self.len && self.s[self.i + 1] == b'\n' {
                        self.newline(self.i + 1);
                    }
                    self.i += 2;
                    continue;
                }
                if e == b'\n' {
                    self.newline(self.i);
                } else if e == q && self.i + 2 < self.len && self.s[self.i + 1] == q && self.s[self.i + 2] == q {
                    self.i += 3;
                    return;
                }
                self.i += 1;
            }
            if self.i > self.len {
                self.i = self.len;
            }
            return;
        }
        self.i += 1;
        self.scan_quoted(q, true);
    }
    fn scan_rust_raw(&mut self, hashes: usize) {
        while self.i < self.len {
            let e = self.s[self.i];
            if e == b'\n' {
                self.newline(self.i);
            } else if e == b'"' {
                let mut k = 0;
                while k < hashes && self.i + 1 + k < self.len && self.s[self.i + 1 + k] == b'#' {
                    k += 1;
                }
                if k == hashes {
                    self.i += 1 + hashes;
                    return;
                }
            }
            self.i += 1;
        }
    }
}

fn is_py_prefix(s: &[u8]) -> bool {
    s.iter().all(|&c| {
        let c = c | 32;
        c == b'r' || c == b'b' || c == b'f' || c == b'u'
    })
}

thread_local! {
    /// Buffers reused across calls on a thread: a fresh multi-megabyte Vec per call costs a page
    /// fault per 4 KiB touched, which measured as much as a third of the lexing time.
    static SPARE: std::cell::RefCell<Tokens> = const {
        std::cell::RefCell::new(Tokens { n: 0, toks: Vec::new(), line_starts: Vec::new(), comments: Vec::new() })
    };
}

/// Returns a lexer's buffers to the per-thread cache (see `SPARE`).
pub fn recycle(t: Tokens) {
    if t.toks.capacity() <= (64 << 20) / std::mem::size_of::<Tok>() {
        SPARE.with(|c| *c.borrow_mut() = t);
    }
}

/// Tokens of `src`, with `m` of every opening bracket set to its closer's index (n when unclosed)
/// as `computeMatch` in common.ts does, computed here while the tokens are made.
pub fn lex(src: &[u8], lang: u8) -> Tokens {
    // one copy per language family, so each loop is compiled with its language checks folded away
    match lang {
        L_TS => lex_lang::<L_TS>(src),
        L_TSX => lex_lang::<L_TSX>(src),
        L_PY => lex_lang::<L_PY>(src),
        L_RUST => lex_lang::<L_RUST>(src),
        _ => lex_lang::<L_GO>(src),
    }
}

fn lex_lang<const LANG: u8>(src: &[u8]) -> Tokens {
    let lang = LANG;
    let len = src.len();
    let cap = 64 + len / 5;
    let mut t = SPARE.with(|c| std::mem::replace(&mut *c.borrow_mut(), Tokens { n: 0, toks: Vec::new(), line_starts: Vec::new(), comments: Vec::new() }));
    t.n = 0;
    t.toks.clear();
    t.toks.reserve(cap);
    t.line_starts.clear();
    t.line_starts.push(0);
    t.comments.clear();
    let mut lx = Lx { s: src, len, i: 0, line: 1, t };
    // open brackets (token indices) not yet matched
    let mut open: Vec<usize> = Vec::new();
    let mut tmpl: Vec<i64> = Vec::new();
    let mut depth: i64 = 0;
    let simple = &SIMPLE_PUNCT[lang as usize % 5];
    // comment count before each token
    while lx.i < len {
        let c = src[lx.i];
        // the two commonest token starts first (one branch each instead of the whole chain below)
        if simple[c as usize] {
            let s = lx.i;
            lx.i += 1;
            lx.push(T_PUNCT, s, lx.i, lx.line);
            if c == b'(' || c == b'[' || c == b'{' {
                open.push(lx.t.n - 1);
            } else if c == b')' || c == b']' || c == b'}' {
                close_bracket(&mut lx.t.toks, &mut open, c);
            }
            if lx.i < len && src[lx.i] == b' ' {
                lx.i += 1;
            }
            continue;
        }
        let s = lx.i;
        let l = lx.line;
        if ident_start(c) && !(c == 0xEF && lx.at(lx.i + 1) == 0xBB && lx.at(lx.i + 2) == 0xBF) {
            lx.i = ident_end(src, lx.i + 1);
            if lx.i < len {
                let q = src[lx.i];
                let i = lx.i;
                if lang == L_PY && (q == b'"' || q == b'\'') && i - s <= 2 && is_py_prefix(&src[s..i]) {
                    lx.scan_py_string();
                    lx.push(T_STR, s, lx.i, l);
                    continue;
                }
                if lang == L_RUST && i - s <= 2 {
                    let w = &src[s..i];
                    if (w == b"r" || w == b"br" || w == b"cr") && (q == b'"' || q == b'#') {
                        let mut hashes = 0;
                        let mut j = i;
                        while j < len && src[j] == b'#' {
                            hashes += 1;
                            j += 1;
                        }
                        if j < len && src[j] == b'"' {
                            lx.i = j + 1;
                            lx.scan_rust_raw(hashes);
                            lx.push(T_STR, s, lx.i, l);
                            continue;
                        }
                    } else if (w == b"b" || w == b"c") && q == b'"' {
                        lx.i += 1;
                        lx.scan_quoted(b'"', false);
                        lx.push(T_STR, s, lx.i, l);
                        continue;
                    } else if w == b"b" && q == b'\'' {
                        lx.i += 1;
                        lx.scan_quoted(b'\'', true);
                        lx.push(T_STR, s, lx.i, l);
                        continue;
                    }
                }
            }
            lx.push(T_IDENT, s, lx.i, l);
            // a single space after a token is skipped here rather than by a trip through the loop
            if lx.i < len && src[lx.i] == b' ' {
                lx.i += 1;
            }
            continue;
        }
        if c == b'\n' {
            lx.newline(lx.i);
            // indentation right away (saves a trip through the dispatch per line)
            lx.i = blank_end(src, lx.i + 1);
            continue;
        }
        if c == b' ' || c == b'\t' || c == b'\r' || c == 12 || c == 11 {
            lx.i = blank_end(src, lx.i + 1);
            continue;
        }
        if c == 0xEF && lx.at(lx.i + 1) == 0xBB && lx.at(lx.i + 2) == 0xBF {
            lx.i += 3;
            continue;
        }
        if lang == L_PY {
            if c == b'#' {
                lx.i = find_any(src, lx.i, b"\n");
                lx.t.comments.extend_from_slice(&[s as i32, lx.i as i32, l, l]);
                continue;
            }
        } else if c == b'/' && lx.i + 1 < len {
            let d = src[lx.i + 1];
            if d == b'/' {
                lx.i = find_any(src, lx.i, b"\n");
                lx.t.comments.extend_from_slice(&[s as i32, lx.i as i32, l, l]);
                continue;
            }
            if d == b'*' {
                lx.i += 2;
                let mut nest = 1;
                let stops: &[u8] = if lang == L_RUST { b"\n*/" } else { b"\n*" };
                while lx.i < len {
                    lx.i = find_any(src, lx.i, stops);
                    if lx.i >= len {
                        break;
                    }
                    let e = src[lx.i];
                    if e == b'\n' {
                        lx.newline(lx.i);
                    } else if e == b'*' && lx.i + 1 < len && src[lx.i + 1] == b'/' {
                        lx.i += 2;
                        nest -= 1;
                        if nest == 0 || lang != L_RUST {
                            break;
                        }
                        continue;
                    } else if lang == L_RUST && e == b'/' && lx.i + 1 < len && src[lx.i + 1] == b'*' {
                        nest += 1;
                        lx.i += 2;
                        continue;
                    }
                    lx.i += 1;
                }
                if lx.i > len {
                    lx.i = len;
                }
                let el = lx.line;
                lx.t.comments.extend_from_slice(&[s as i32, lx.i as i32, l, el]);
                continue;
            }
        }
        if c.is_ascii_digit() {
            lx.i = ident_end(src, lx.i + 1);
            while lx.i + 1 < len && src[lx.i] == b'.' && src[lx.i + 1].is_ascii_digit() {
                lx.i = ident_end(src, lx.i + 2);
            }
            lx.push(T_NUM, s, lx.i, l);
            continue;
        }
        if c == b'"' || c == b'\'' || c == b'`' {
            if lang == L_PY {
                lx.scan_py_string();
                lx.push(T_STR, s, lx.i, l);
                continue;
            }
            if lang == L_RUST && c == b'\'' {
                let i = lx.i;
                let mut j = i + 1;
                if j < len && src[j] == b'\\' {
                    lx.i = j;
                    lx.scan_quoted(b'\'', true);
                    lx.push(T_STR, s, lx.i, l);
                    continue;
                }
                while j < len && ident_part(src[j]) {
                    j += 1;
                }
                if j == i + 1 && j < len && src[j] != b'\n' {
                    j += 1;
                }
                if j < len && src[j] == b'\'' {
                    lx.i = j + 1;
                    lx.push(T_STR, s, lx.i, l);
                } else {
                    lx.i = if j > i + 1 && ident_part(lx.at(i + 1)) { j } else { i + 1 };
                    lx.push(T_LIFETIME, s, lx.i, l);
                }
                continue;
            }
            if c == b'`' && (lang == L_TS || lang == L_TSX) {
                lx.i += 1;
                if lx.scan_template() {
                    tmpl.push(depth);
                }
                lx.push(T_STR, s, lx.i, l);
                continue;
            }
            if c == b'`' {
                lx.i += 1;
                loop {
                    lx.i = find_any(src, lx.i, b"`\n");
                    if lx.i >= len || src[lx.i] == b'`' {
                        break;
                    }
                    lx.newline(lx.i);
                    lx.i += 1;
                }
                if lx.i < len {
                    lx.i += 1;
                }
                lx.push(T_STR, s, lx.i, l);
                continue;
            }
            lx.i += 1;
            lx.scan_quoted(c, lang != L_RUST);
            lx.push(T_STR, s, lx.i, l);
            continue;
        }
        if lang == L_TSX && c == b'<' && lx.jsx_allowed() && jsx_start(src, lx.i) {
            let mut i = lx.i;
            scan_jsx(&mut lx, &mut i);
            lx.i = i;
            lx.push(T_STR, s, lx.i, l);
            continue;
        }
        if lang == L_TS || lang == L_TSX {
            if c == b'{' {
                depth += 1;
            } else if c == b'}' {
                if !tmpl.is_empty() && *tmpl.last().unwrap() == depth {
                    tmpl.pop();
                    lx.i += 1;
                    if lx.scan_template() {
                        tmpl.push(depth);
                    }
                    lx.push(T_STR, s, lx.i, l);
                    continue;
                }
                depth -= 1;
            } else if c == b'/' && lx.regex_allowed() {
                lx.i += 1;
                let mut cls = false;
                while lx.i < len {
                    let e = src[lx.i];
                    if e == b'\n' {
                        break;
                    }
                    lx.i += 1;
                    if e == b'\\' {
                        lx.i += 1;
                    } else if e == b'[' {
                        cls = true;
                    } else if e == b']' {
                        cls = false;
                    } else if e == b'/' && !cls {
                        break;
                    }
                }
                if lx.i > len {
                    lx.i = len;
                }
                while lx.i < len && ident_part(src[lx.i]) {
                    lx.i += 1;
                }
                lx.push(T_STR, s, lx.i, l);
                continue;
            }
        }
        lx.i += 1;
        lx.push(T_PUNCT, s, lx.i, l);
        if c == b'(' || c == b'[' || c == b'{' {
            open.push(lx.t.n - 1);
        } else if c == b')' || c == b']' || c == b'}' {
            close_bracket(&mut lx.t.toks, &mut open, c);
        }
    }
    let n = lx.t.n as i32;
    for o in open {
        lx.t.toks[o].m = n;
    }
    lx.t
}

/// A closer (the last token) matches the innermost open bracket of its kind; brackets opened
/// inside it and left unclosed close with it. A closer without opener matches nothing.
#[inline]
fn close_bracket(toks: &mut [Tok], open: &mut Vec<usize>, c: u8) {
    let want = if c == b')' {
        b'('
    } else if c == b']' {
        b'['
    } else {
        b'{'
    };
    let i = toks.len() - 1;
    let Some(k) = open.iter().rposition(|&o| toks[o].ch == want) else { return };
    for &o in &open[k..] {
        toks[o].m = i as i32;
    }
    open.truncate(k);
}

/// Mirror of `jsxStart` in lexer.ts.
fn jsx_start(src: &[u8], i: usize) -> bool {
    let len = src.len();
    if i + 1 >= len {
        return false;
    }
    let n = src[i + 1];
    if n == b'>' {
        return true;
    }
    if !ident_start(n) {
        return false;
    }
    let mut j = i + 2;
    while j < len {
        let c = src[j];
        if ident_part(c) || c == b'.' || c == b':' || c == b'-' {
            j += 1;
        } else {
            break;
        }
    }
    if j < len && src[j] == b',' {
        return false;
    }
    while j < len && (src[j] == b' ' || src[j] == b'\t') {
        j += 1;
    }
    if src[j.min(len)..].starts_with(b"extends") && !(j + 7 < len && ident_part(src[j + 7])) {
        return false;
    }
    true
}

const JSX_BEFORE: [u8; 11] = [b'(', b'?', b':', b',', b'{', b'[', b'=', b'&', b'|', b'>', b'!'];

/// Inside JSX (a tag or an expression): from the `//` at `i` to its newline (or the end).
fn skip_line_comment(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && src[i] != b'\n' {
        i += 1;
    }
    i
}

/// Inside JSX: from the `/*` at `i` to just past its `*/` (past the end when unclosed), counting newlines.
fn skip_block_comment(lx: &mut Lx, mut i: usize) -> usize {
    let src = lx.s;
    let len = src.len();
    i += 2;
    while i < len && !(src[i] == b'*' && i + 1 < len && src[i + 1] == b'/') {
        if src[i] == b'\n' {
            lx.newline(i);
        }
        i += 1;
    }
    i + 2
}

/// Mirror of `scanJsx` in lexer.ts (explicit stack: -1 tag, -2 children, n >= 1 expression depth).
fn scan_jsx(lx: &mut Lx, ip: &mut usize) {
    let src = lx.s;
    let len = src.len();
    let mut i = *ip;
    let mut stack: Vec<i64> = vec![-1];
    let mut prev = b'<';
    i += 1;
    while i < len && !stack.is_empty() {
        let top = *stack.last().unwrap();
        let c = src[i];
        if c == b'\n' {
            lx.newline(i);
        }
        if top == -1 {
            if c == b'/' && i + 1 < len && src[i + 1] == b'>' {
                i += 2;
                stack.pop();
            } else if c == b'>' {
                i += 1;
                *stack.last_mut().unwrap() = -2;
            } else if c == b'"' || c == b'\'' {
                i += 1;
                while i < len && src[i] != c {
                    if src[i] == b'\n' {
                        lx.newline(i);
                    }
                    i += 1;
                }
                i += 1;
            } else if c == b'{' {
                i += 1;
                stack.push(1);
                prev = b'{';
            } else if c == b'/' && i + 1 < len && src[i + 1] == b'/' {
                // a comment between attributes: its quotes are not strings
                i = skip_line_comment(src, i);
            } else if c == b'/' && i + 1 < len && src[i + 1] == b'*' {
                i = skip_block_comment(lx, i);
            } else {
                i += 1;
            }
            continue;
        }
        if top == -2 {
            if c == b'<' && i + 1 < len && src[i + 1] == b'/' {
                i += 2;
                while i < len && src[i] != b'>' {
                    if src[i] == b'\n' {
                        lx.newline(i);
                    }
                    i += 1;
                }
                i += 1;
                stack.pop();
            } else if c == b'<' {
                i += 1;
                stack.push(-1);
            } else if c == b'{' {
                i += 1;
                stack.push(1);
                prev = b'{';
            } else {
                i += 1;
            }
            continue;
        }
        if c == b'{' {
            *stack.last_mut().unwrap() = top + 1;
            i += 1;
        } else if c == b'}' {
            if top == 1 {
                stack.pop();
            } else {
                *stack.last_mut().unwrap() = top - 1;
            }
            i += 1;
        } else if c == b'"' || c == b'\'' || c == b'`' {
            i += 1;
            while i < len {
                let e = src[i];
                if e == b'\\' {
                    if i + 1 < len && src[i + 1] == b'\n' {
                        lx.newline(i + 1);
                    }
                    i += 2;
                    continue;
                }
                if e == b'\n' {
                    if c != b'`' {
                        break;
                    }
                    lx.newline(i);
                }
                i += 1;
                if e == c {
                    break;
                }
            }
        } else if c == b'/' && i + 1 < len && src[i + 1] == b'/' {
            i = skip_line_comment(src, i);
        } else if c == b'/' && i + 1 < len && src[i + 1] == b'*' {
            i = skip_block_comment(lx, i);
        } else if c == b'<' && JSX_BEFORE.contains(&prev) && jsx_start(src, i) {
            i += 1;
            stack.push(-1);
        } else {
            i += 1;
        }
        if c != b' ' && c != b'\t' && c != b'\n' && c != b'\r' {
            prev = c;
        }
    }
    *ip = if i > len { len } else { i };
}
