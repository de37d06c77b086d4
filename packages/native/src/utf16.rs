//! UTF-16 → UTF-8 transcoding of source text received from JS (plain Rust, no FFI). Node-API hands
//! strings out as UTF-16 code units in one copy; transcoding here (ASCII runs 16 units at a time)
//! is several times faster than Node-API's own UTF-8 conversion. Lone surrogates become U+FFFD,
//! as `String.prototype.toWellFormed` does on the JS side.

/// Transcodes `u` into `out` (cleared first, its allocation reused). Returns true when every unit
/// is ASCII, i.e. when UTF-8 byte offsets equal UTF-16 offsets. With `marks`, records after each
/// non-ASCII character the pair (UTF-8 bytes written so far, UTF-8 bytes minus UTF-16 units so
/// far), from which [`units_at`] turns byte offsets into UTF-16 offsets.
pub fn utf16_into(u: &[u16], out: &mut String) -> bool {
    utf16_marked(u, out, None).0
}

/// As [`utf16_into`], recording `marks`; returns (all ASCII, some lone surrogate was replaced).
pub fn utf16_marked(u: &[u16], out: &mut String, mut marks: Option<&mut Vec<u32>>) -> (bool, bool) {
    if let Some(m) = marks.as_deref_mut() {
        m.clear();
    }
    let mut delta = 0u32;
    // SAFETY: only ASCII bytes and `char::encode_utf8` output are written.
    let v = unsafe { out.as_mut_vec() };
    v.clear();
    v.reserve(u.len() + 16);
    let n = u.len();
    let mut i = 0;
    let mut ascii = true;
    let mut lone = false;
    while i < n {
        // ASCII fast path: a 16-unit block whose OR is < 0x80 is narrowed in one (vectorized) loop
        while i + 16 <= n {
            let block: &[u16; 16] = u[i..i + 16].try_into().unwrap();
            let mut acc = 0u16;
            for &x in block {
                acc |= x;
            }
            if acc >= 0x80 {
                break;
            }
            let mut b = [0u8; 16];
            for k in 0..16 {
                b[k] = block[k] as u8;
            }
            v.extend_from_slice(&b);
            i += 16;
        }
        if i >= n {
            break;
        }
        let c = u[i] as u32;
        i += 1;
        if c < 0x80 {
            v.push(c as u8);
            continue;
        }
        ascii = false;
        let from = i - 1;
        let cp = if (0xd800..0xdc00).contains(&c) && i < n && (0xdc00..0xe000).contains(&(u[i] as u32)) {
            let lo = u[i] as u32;
            i += 1;
            0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00)
        } else if (0xd800..0xe000).contains(&c) {
            lone = true;
            0xfffd
        } else {
            c
        };
        let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
        let mut tmp = [0u8; 4];
        let bytes = ch.encode_utf8(&mut tmp).len();
        v.extend_from_slice(&tmp[..bytes]);
        if let Some(m) = marks.as_deref_mut() {
            delta += bytes as u32 - (i - from) as u32;
            m.extend_from_slice(&[v.len() as u32, delta]);
        }
    }
    (ascii, lone)
}

/// UTF-16 offset of UTF-8 byte offset `b` (a character boundary), given the marks of
/// [`utf16_marked`]: `b` minus the delta of the last mark at or before it.
#[inline]
pub fn units_at(marks: &[u32], b: usize) -> usize {
    let pairs = marks.len() / 2;
    // number of marks with byte position <= b
    let (mut lo, mut hi) = (0usize, pairs);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if marks[mid * 2] as usize <= b {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    if lo == 0 {
        b
    } else {
        b - marks[(lo - 1) * 2 + 1] as usize
    }
}

#[cfg(test)]
mod tests {
    use super::{units_at, utf16_into, utf16_marked};

    #[test]
    fn transcodes_like_to_well_formed() {
        let mut out = String::new();
        for s in ["", "abc", "é", "a😀b", "x".repeat(40).as_str(), "ünïcödé ident = 1;\n".repeat(5).as_str()] {
            let u: Vec<u16> = s.encode_utf16().collect();
            let ascii = utf16_into(&u, &mut out);
            assert_eq!(out, s);
            assert_eq!(ascii, s.is_ascii());
        }
        assert_eq!(utf16_marked(&[0x61, 0xd800, 0x62, 0xdc00], &mut out, None), (false, true));
        assert_eq!(out, "a\u{fffd}b\u{fffd}");
        let s = "aé😀b€c";
        let u: Vec<u16> = s.encode_utf16().collect();
        let mut marks = Vec::new();
        utf16_marked(&u, &mut out, Some(&mut marks));
        for (b, _) in s.char_indices().chain([(s.len(), ' ')]) {
            assert_eq!(units_at(&marks, b), s[..b].encode_utf16().count());
        }
    }
}
