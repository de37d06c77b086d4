//! parseWorkspace in Rust: mirror of src/workspace/*.ts. The walk is sequential (sorted, so the
//! order is deterministic); reading, hashing and parsing run on all cores with std::thread.
use crate::json::push_str;
use crate::parse::{analyze, family, write_symbols};
use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::UNIX_EPOCH;

// ---- glob / gitignore (mirror of src/workspace/glob.ts) ----

fn match_at(p: &[char], mut pi: usize, s: &[char], mut si: usize, budget: &mut i64) -> bool {
    while pi < p.len() {
        *budget -= 1;
        if *budget < 0 {
            return false;
        }
        let c = p[pi];
        if c == '*' && p.get(pi + 1) == Some(&'*') {
            let mut q = pi + 2;
            if q >= p.len() {
                return true;
            }
            if p[q] == '/' {
                q += 1;
            }
            for k in si..=s.len() {
                if (k == si || s[k - 1] == '/') && match_at(p, q, s, k, budget) {
                    return true;
                }
            }
            return false;
        }
        if c == '*' {
            for k in si..=s.len() {
                if match_at(p, pi + 1, s, k, budget) {
                    return true;
                }
                if k < s.len() && s[k] == '/' {
                    return false;
                }
            }
            return false;
        }
        if si >= s.len() {
            return false;
        }
        if c == '?' {
            if s[si] == '/' {
                return false;
            }
        } else if c == '[' {
            let mut q = pi + 1;
            let neg = p.get(q) == Some(&'!') || p.get(q) == Some(&'^');
            if neg {
                q += 1;
            }
            let mut hit = false;
            let mut first = true;
            while q < p.len() && (first || p[q] != ']') {
                first = false;
                if p.get(q + 1) == Some(&'-') && q + 2 < p.len() && p[q + 2] != ']' {
                    if s[si] >= p[q] && s[si] <= p[q + 2] {
                        hit = true;
                    }
                    q += 3;
                } else {
                    if s[si] == p[q] {
                        hit = true;
                    }
                    q += 1;
                }
            }
            if q >= p.len() {
                if s[si] != '[' {
                    return false;
                }
            } else {
                if hit == neg || s[si] == '/' {
                    return false;
                }
                pi = q;
            }
        } else if c == '\\' && pi + 1 < p.len() {
            pi += 1;
            if s[si] != p[pi] {
                return false;
            }
        } else if s[si] != c {
            return false;
        }
        pi += 1;
        si += 1;
    }
    si == s.len()
}

struct Pattern {
    glob: Vec<char>,
    negate: bool,
    dir_only: bool,
    anchored: bool,
}

fn compile_pattern(raw: &str) -> Option<Pattern> {
    let mut line = raw;
    if let Some(x) = line.strip_suffix('\r') {
        line = x;
    }
    while line.ends_with(' ') && !line.ends_with("\\ ") {
        line = &line[..line.len() - 1];
    }
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut negate = false;
    if let Some(x) = line.strip_prefix('!') {
        negate = true;
        line = x;
    }
    let mut dir_only = false;
    if let Some(x) = line.strip_suffix('/') {
        dir_only = true;
        line = x;
    }
    let anchored = line.contains('/');
    if let Some(x) = line.strip_prefix('/') {
        line = x;
    }
    if line.is_empty() {
        return None;
    }
    Some(Pattern { glob: line.chars().collect(), negate, dir_only, anchored })
}

fn pattern_matches(pt: &Pattern, rel: &str, is_dir: bool) -> bool {
    if pt.dir_only && !is_dir {
        return false;
    }
    let target = if pt.anchored { rel } else { &rel[rel.rfind('/').map(|i| i + 1).unwrap_or(0)..] };
    let s: Vec<char> = target.chars().collect();
    let mut budget = 100_000i64;
    match_at(&pt.glob, 0, &s, 0, &mut budget)
}

struct IgnoreFile {
    base: String,
    patterns: Vec<Pattern>,
}

fn is_ignored(stack: &[IgnoreFile], rel: &str, is_dir: bool) -> bool {
    let mut ignored = false;
    for f in stack {
        let sub = if f.base.is_empty() {
            rel
        } else {
            match rel.strip_prefix(&f.base).and_then(|x| x.strip_prefix('/')) {
                Some(x) => x,
                None => continue,
            }
        };
        for p in &f.patterns {
            if pattern_matches(p, sub, is_dir) {
                ignored = !p.negate;
            }
        }
    }
    ignored
}

// ---- hash (mirror of src/workspace/hash.ts) ----

pub fn hash_bytes(b: &[u8]) -> String {
    let mut h1: u32 = 0x811c9dc5;
    let mut h2: u32 = 0x050c5d1f;
    for &c in b {
        h1 = (h1 ^ c as u32).wrapping_mul(0x01000193);
        h2 = (h2 ^ c as u32).wrapping_mul(0x01000193) ^ (h2 >> 15);
    }
    format!("{:08x}{:08x}", h1, h2)
}

// ---- walk ----

fn language_of(name: &str) -> Option<&'static str> {
    let dot = name.rfind('.')?;
    if dot == 0 {
        return None;
    }
    Some(match &name[dot + 1..] {
        "ts" | "mts" | "cts" => "typescript",
        "tsx" => "tsx",
        "js" | "mjs" | "cjs" | "jsx" => "javascript",
        "py" | "pyi" => "python",
        "rs" => "rust",
        "go" => "go",
        _ => return None,
    })
}

struct Opts {
    gitignore: bool,
    max_bytes: f64,
    include: Vec<Pattern>,
    exclude: Vec<Pattern>,
}

struct Candidate {
    path: String,
    abs: PathBuf,
    language: &'static str,
    bytes: u64,
    mtime_ms: u128,
}

fn walk_dir(o: &Opts, dir: &Path, rel: &str, stack: &mut Vec<IgnoreFile>, out: &mut Vec<Candidate>) {
    let mut pushed = false;
    if o.gitignore {
        if let Ok(bytes) = fs::read(dir.join(".gitignore")) {
            let text = String::from_utf8_lossy(&bytes);
            let patterns = text.split('\n').filter_map(compile_pattern).collect();
            stack.push(IgnoreFile { base: rel.to_string(), patterns });
            pushed = true;
        }
    }
    let mut names: Vec<(String, fs::DirEntry)> = match fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| (e.file_name().to_string_lossy().into_owned(), e)).collect(),
        Err(_) => Vec::new(),
    };
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, entry) in names {
        let abs = entry.path();
        let child = if rel.is_empty() { name.clone() } else { format!("{}/{}", rel, name) };
        let md = match fs::symlink_metadata(&abs) {
            Ok(m) => m,
            Err(_) => continue,
        };
        let is_dir = md.is_dir();
        if !is_dir && !md.is_file() {
            continue;
        }
        if is_dir && name == ".git" {
            continue;
        }
        if o.gitignore && is_ignored(stack, &child, is_dir) {
            continue;
        }
        if o.exclude.iter().any(|p| pattern_matches(p, &child, is_dir)) {
            continue;
        }
        if is_dir {
            walk_dir(o, &abs, &child, stack, out);
            continue;
        }
        let language = match language_of(&name) {
            Some(l) => l,
            None => continue,
        };
        if !o.include.is_empty() && !o.include.iter().any(|p| pattern_matches(p, &child, false)) {
            continue;
        }
        let bytes = md.len();
        if bytes as f64 > o.max_bytes {
            continue;
        }
        let mtime_ms = md.modified().ok().and_then(|t| t.duration_since(UNIX_EPOCH).ok()).map(|d| d.as_millis()).unwrap_or(0);
        out.push(Candidate { path: child, abs, language, bytes, mtime_ms });
    }
    if pushed {
        stack.pop();
    }
}

struct Prev {
    bytes: u64,
    mtime_ms: u128,
    hash: String,
    language: String,
}

enum Outcome {
    Skip,
    /// reused from previous: (bytes, hash)
    Reused(u64, String),
    /// parsed: (bytes, hash, symbols JSON)
    Parsed(u64, String, String),
}

fn process(c: &Candidate, prev: Option<&Prev>) -> Outcome {
    if let Some(p) = prev {
        if p.bytes == c.bytes && p.mtime_ms == c.mtime_ms && p.language == c.language {
            return Outcome::Reused(p.bytes, p.hash.clone());
        }
    }
    let buf = match fs::read(&c.abs) {
        Ok(b) => b,
        Err(_) => return Outcome::Skip,
    };
    if buf[..buf.len().min(8000)].contains(&0) {
        return Outcome::Skip;
    }
    let hash = hash_bytes(&buf);
    if let Some(p) = prev {
        if p.hash == hash && p.language == c.language {
            return Outcome::Reused(buf.len() as u64, hash);
        }
    }
    let src = String::from_utf8_lossy(&buf);
    let ctx = analyze(&src, family(c.language).unwrap());
    let mut syms = String::new();
    write_symbols(&mut syms, &ctx.syms);
    crate::parse::lexer::recycle(ctx.t);
    Outcome::Parsed(buf.len() as u64, hash, syms)
}

/// Options: line 1 gitignore (0/1), line 2 maxFileBytes, then `I\tglob` / `E\tglob` lines.
/// Previous: TSV rows `path\tbytes\tmtimeMs\thash\tlanguage`.
pub fn parse_workspace_json(root: &str, opts: &str, prev: &str) -> Result<String, String> {
    let mut lines = opts.split('\n');
    let gitignore = lines.next() == Some("1");
    let max_bytes: f64 = lines.next().and_then(|x| x.parse().ok()).ok_or("bad options")?;
    let mut o = Opts { gitignore, max_bytes, include: Vec::new(), exclude: Vec::new() };
    for l in lines {
        if let Some(g) = l.strip_prefix("I\t") {
            o.include.extend(compile_pattern(g));
        } else if let Some(g) = l.strip_prefix("E\t") {
            o.exclude.extend(compile_pattern(g));
        }
    }
    let mut previous: HashMap<&str, Prev> = HashMap::new();
    for row in prev.split('\n') {
        let f: Vec<&str> = row.split('\t').collect();
        if f.len() == 5 {
            previous.insert(
                f[0],
                Prev {
                    bytes: f[1].parse().unwrap_or(u64::MAX),
                    mtime_ms: f[2].parse().unwrap_or(u128::MAX),
                    hash: f[3].to_string(),
                    language: f[4].to_string(),
                },
            );
        }
    }
    let mut cands = Vec::new();
    let mut stack = Vec::new();
    walk_dir(&o, Path::new(root), "", &mut stack, &mut cands);

    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(64);
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<Outcome>> = (0..cands.len()).map(|_| None).collect();
    {
        let slots: Vec<std::sync::Mutex<Option<Outcome>>> = (0..cands.len()).map(|_| std::sync::Mutex::new(None)).collect();
        std::thread::scope(|s| {
            for _ in 0..threads {
                s.spawn(|| loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= cands.len() {
                        break;
                    }
                    let c = &cands[i];
                    let out = process(c, previous.get(c.path.as_str()));
                    *slots[i].lock().unwrap() = Some(out);
                });
            }
        });
        for (i, m) in slots.into_iter().enumerate() {
            results[i] = m.into_inner().unwrap();
        }
    }
    let mut out = String::from("{\"files\":[");
    let mut tree = String::new();
    let (mut parsed, mut reused) = (0, 0);
    let mut first = true;
    for (c, r) in cands.iter().zip(results) {
        let (bytes, hash, syms) = match r {
            Some(Outcome::Parsed(b, h, s)) => {
                parsed += 1;
                (b, h, s)
            }
            Some(Outcome::Reused(b, h)) => {
                reused += 1;
                (b, h, "null".to_string())
            }
            _ => continue,
        };
        if !first {
            out.push(',');
        }
        first = false;
        out.push_str("{\"path\":");
        push_str(&mut out, &c.path);
        out.push_str(&format!(
            ",\"language\":\"{}\",\"bytes\":{},\"mtimeMs\":{},\"hash\":\"{}\",\"symbols\":{}}}",
            c.language, bytes, c.mtime_ms, hash, syms
        ));
        tree.push_str(&c.path);
        tree.push('\0');
        tree.push_str(&hash);
        tree.push('\n');
    }
    out.push_str(&format!(
        "],\"treeHash\":\"{}\",\"parsed\":{},\"reused\":{}}}",
        hash_bytes(tree.as_bytes()),
        parsed,
        reused
    ));
    Ok(out)
}
