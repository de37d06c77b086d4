//! Mirror of src/outline/common.ts: parser context, bracket matching, symbol records.
use super::lexer::{Tokens, T_PUNCT};

pub const MAX_NEST: i32 = 48;

#[derive(Clone)]
pub struct Sym {
    pub name: String,
    pub kind: &'static str,
    pub start_line: i32,
    pub end_line: i32,
    pub signature: String,
    pub parent: Option<String>,
    pub exported: bool,
    pub b0: i64,
    pub b1: i64,
    pub d0: i64,
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
    pub matchv: Vec<i64>,
    pub syms: Vec<Sym>,
    pub imports: Vec<Import>,
}

impl<'a> Ctx<'a> {
    pub fn n(&self) -> i64 {
        self.t.n as i64
    }
    #[inline]
    pub fn kind(&self, i: i64) -> u8 {
        if i >= 0 && (i as usize) < self.t.n {
            self.t.kind[i as usize]
        } else {
            0
        }
    }
    #[inline]
    pub fn start(&self, i: i64) -> i64 {
        if i >= 0 && (i as usize) < self.t.n {
            self.t.start[i as usize] as i64
        } else {
            0
        }
    }
    #[inline]
    pub fn end(&self, i: i64) -> i64 {
        if i >= 0 && (i as usize) < self.t.n {
            self.t.end[i as usize] as i64
        } else {
            0
        }
    }
    #[inline]
    pub fn line(&self, i: i64) -> i32 {
        if i >= 0 && (i as usize) < self.t.n {
            self.t.line[i as usize]
        } else {
            0
        }
    }
    #[inline]
    pub fn end_line(&self, i: i64) -> i32 {
        if i >= 0 && (i as usize) < self.t.n {
            self.t.end_line[i as usize]
        } else {
            0
        }
    }
    /// Index of the closer for an opener (n when unclosed), -1 otherwise or out of range.
    #[inline]
    pub fn m(&self, i: i64) -> i64 {
        if i >= 0 && (i as usize) < self.t.n {
            self.matchv[i as usize]
        } else {
            -1
        }
    }
    #[inline]
    pub fn punct(&self, i: i64) -> u8 {
        if i >= 0 && (i as usize) < self.t.n && self.t.kind[i as usize] == T_PUNCT {
            self.b[self.t.start[i as usize] as usize]
        } else {
            0
        }
    }
    #[inline]
    pub fn text(&self, i: i64) -> &'a str {
        if i >= 0 && (i as usize) < self.t.n {
            &self.src[self.t.start[i as usize] as usize..self.t.end[i as usize] as usize]
        } else {
            ""
        }
    }
    #[inline]
    pub fn bytes(&self, i: i64) -> &'a [u8] {
        if i >= 0 && (i as usize) < self.t.n {
            &self.b[self.t.start[i as usize] as usize..self.t.end[i as usize] as usize]
        } else {
            b""
        }
    }
    #[inline]
    pub fn is_word(&self, i: i64, w: &str) -> bool {
        self.kind(i) == 1 && self.bytes(i) == w.as_bytes()
    }
    #[inline]
    pub fn adjacent(&self, i: i64, a: u8, b: u8) -> bool {
        self.punct(i) == a && self.punct(i + 1) == b && self.end(i) == self.start(i + 1)
    }
    pub fn slice(&self, s: i64, e: i64) -> &'a str {
        &self.src[s as usize..e as usize]
    }
}

pub fn compute_match(b: &[u8], t: &Tokens) -> Vec<i64> {
    let mut m = vec![-1i64; t.n];
    let mut stack: Vec<usize> = Vec::new();
    for i in 0..t.n {
        if t.kind[i] != T_PUNCT {
            continue;
        }
        let c = b[t.start[i] as usize];
        if c == b'(' || c == b'[' || c == b'{' {
            stack.push(i);
        } else if c == b')' || c == b']' || c == b'}' {
            let open = if c == b')' {
                b'('
            } else if c == b']' {
                b'['
            } else {
                b'{'
            };
            let mut k = stack.len() as i64 - 1;
            while k >= 0 && b[t.start[stack[k as usize]] as usize] != open {
                k -= 1;
            }
            if k < 0 {
                continue;
            }
            while stack.len() as i64 > k {
                let o = stack.pop().unwrap();
                m[o] = i as i64;
            }
        }
    }
    while let Some(o) = stack.pop() {
        m[o] = t.n as i64;
    }
    m
}

#[inline]
fn is_ws(c: u8) -> bool {
    c == b' ' || c == b'\t' || c == b'\n' || c == b'\r' || c == 12 || c == 11
}

/// Text in [s, e) with whitespace runs collapsed to one space, trimmed.
pub fn collapse(src: &str, s: i64, e: i64) -> String {
    let b = src.as_bytes();
    let (s, e) = (s as usize, e as usize);
    let mut out = String::with_capacity(e.saturating_sub(s));
    let mut ws = false;
    let mut run = s;
    for k in s..e {
        let c = b[k];
        if is_ws(c) {
            if !ws {
                out.push_str(&src[run..k]);
                ws = true;
            }
        } else if ws {
            if !out.is_empty() {
                out.push(' ');
            }
            ws = false;
            run = k;
        }
    }
    if !ws {
        out.push_str(&src[run..e]);
    }
    out
}

/// Signature of a declaration without a body: tokens s..=e, first line only.
pub fn line_sig(ctx: &Ctx, s: i64, e: i64) -> String {
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
pub fn add_sym(
    ctx: &mut Ctx,
    name: String,
    kind: &'static str,
    s: i64,
    end_tok: i64,
    signature: String,
    parent: Option<String>,
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
        name,
        kind,
        start_line: ctx.line(s),
        end_line: ctx.end_line(e),
        signature,
        parent,
        exported,
        b0,
        b1,
        d0,
        repl: "{ … }".to_string(),
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
