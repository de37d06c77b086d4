//! Minimal JSON writing (results cross the FFI as one JSON string) and reading (string arrays).

pub fn push_str(out: &mut String, s: &str) {
    out.push('"');
    let b = s.as_bytes();
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        if c >= 0x20 && c != b'"' && c != b'\\' {
            continue;
        }
        out.push_str(&s[run..i]);
        match c {
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            _ => out.push_str(&format!("\\u{:04x}", c)),
        }
        run = i + 1;
    }
    out.push_str(&s[run..]);
    out.push('"');
}

/// Parses a JSON array of strings (as produced by JSON.stringify). None on malformed input.
pub fn parse_string_array(s: &str) -> Option<Vec<String>> {
    let b = s.as_bytes();
    let mut i = 0;
    let ws = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\n' || b[*i] == b'\t' || b[*i] == b'\r') {
            *i += 1;
        }
    };
    ws(&mut i);
    if i >= b.len() || b[i] != b'[' {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    loop {
        ws(&mut i);
        if i < b.len() && b[i] == b']' {
            return Some(out);
        }
        let (v, n) = parse_string(s, i)?;
        out.push(v);
        i = n;
        ws(&mut i);
        if i < b.len() && b[i] == b',' {
            i += 1;
            continue;
        }
        if i < b.len() && b[i] == b']' {
            return Some(out);
        }
        return None;
    }
}

/// Parses a JSON string literal at byte i; returns the value and the index after it.
pub fn parse_string(s: &str, mut i: usize) -> Option<(String, usize)> {
    let b = s.as_bytes();
    if i >= b.len() || b[i] != b'"' {
        return None;
    }
    i += 1;
    let mut out = String::new();
    let mut run = i;
    while i < b.len() {
        match b[i] {
            b'"' => {
                out.push_str(&s[run..i]);
                return Some((out, i + 1));
            }
            b'\\' => {
                out.push_str(&s[run..i]);
                let e = *b.get(i + 1)?;
                i += 2;
                match e {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let cp = u32::from_str_radix(s.get(i..i + 4)?, 16).ok()?;
                        i += 4;
                        if (0xd800..0xdc00).contains(&cp) && b.get(i) == Some(&b'\\') && b.get(i + 1) == Some(&b'u') {
                            let lo = u32::from_str_radix(s.get(i + 2..i + 6)?, 16).ok()?;
                            if (0xdc00..0xe000).contains(&lo) {
                                i += 6;
                                let c = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                                out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                            } else {
                                out.push('\u{fffd}');
                            }
                        } else {
                            out.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                    }
                    _ => return None,
                }
                run = i;
            }
            _ => i += 1,
        }
    }
    None
}
