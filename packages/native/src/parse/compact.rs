//! Compact outline encoding for the Node-API boundary (plain Rust, no FFI): one flat i32 array
//! instead of JSON, with names and signatures given as UTF-16 offsets into the source string the
//! caller passed in, so JS slices its own string instead of receiving copies. Text that is not a
//! slice of the source (collapsed signatures, import paths) goes to one `extra` string, referenced
//! by negative starts. Layout (decoded by `decodeOutline` in src/backend/native.ts):
//!
//! ```text
//! [symbolCount, importCount, flags (1: the source had lone surrogates, replaced by U+FFFD),
//!  per symbol: flags (kind | exported << 4 | hasParent << 5), startLine, endLine,
//!              name a, b, signature a, b, parent a, b,
//!  per import: line, source a, b]
//! ```
//! A text reference `(a, b)` is `source.slice(a, b)` when `a >= 0`, else `extra.slice(-a - 1, b)`.
use super::{analyze, lexer, KINDS};
use crate::utf16::units_at;

pub const SYM_INTS: usize = 9;
pub const IMPORT_INTS: usize = 3;

/// Reusable buffers of one encoding (kept per thread by the caller so calls do not allocate).
#[derive(Default)]
pub struct Encoder {
    pub ints: Vec<i32>,
    pub extra: String,
    extra_units: usize,
}

impl Encoder {
    /// Outlines `src` into `self.ints` / `self.extra`. `marks` (crate::utf16::utf16_marked) map its
    /// byte offsets to UTF-16 offsets; empty for ASCII text, where they are the same. Offsets refer
    /// to the well-formed text (lone surrogates replaced), which the caller rebuilds when flagged.
    pub fn outline(&mut self, src: &str, fam: u8, marks: &[u32], lone_surrogates: bool) {
        let ctx = analyze(src, fam);
        self.ints.clear();
        self.extra.clear();
        self.extra_units = 0;
        self.ints.reserve(3 + ctx.syms.len() * SYM_INTS + ctx.imports.len() * IMPORT_INTS);
        self.ints.push(ctx.syms.len() as i32);
        self.ints.push(ctx.imports.len() as i32);
        self.ints.push(lone_surrogates as i32);
        let base = src.as_ptr() as usize;
        for s in &ctx.syms {
            let k = KINDS.iter().position(|k| *k == s.kind).unwrap_or(0) as i32;
            let flags = k | (s.exported as i32) << 4 | (s.parent.is_some() as i32) << 5;
            self.ints.extend_from_slice(&[flags, s.start_line, s.end_line]);
            self.text(&s.name, base, src.len(), marks);
            self.text(&s.signature, base, src.len(), marks);
            match &s.parent {
                Some(p) => self.text(p, base, src.len(), marks),
                None => self.ints.extend_from_slice(&[0, 0]),
            }
        }
        for im in &ctx.imports {
            self.ints.push(im.line);
            self.text(&im.source, base, src.len(), marks);
        }
        lexer::recycle(ctx.t);
    }

    #[inline]
    fn text(&mut self, s: &str, base: usize, len: usize, marks: &[u32]) {
        let p = s.as_ptr() as usize;
        if p >= base && p + s.len() <= base + len {
            let (a, b) = (p - base, p - base + s.len());
            if marks.is_empty() {
                self.ints.extend_from_slice(&[a as i32, b as i32]);
            } else {
                self.ints.extend_from_slice(&[units_at(marks, a) as i32, units_at(marks, b) as i32]);
            }
        } else {
            let a = self.extra_units;
            self.extra.push_str(s);
            self.extra_units += if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
            self.ints.extend_from_slice(&[-(a as i32) - 1, self.extra_units as i32]);
        }
    }
}
