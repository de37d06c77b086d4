//! `cargo run --release --offline --example outline_bench < files.txt`: outline throughput of the
//! Rust core alone (no Node-API), to separate parser speed from FFI/JSON costs.
use std::io::Read;
use std::time::Instant;

fn main() {
    let mut list = String::new();
    std::io::stdin().read_to_string(&mut list).unwrap();
    let files: Vec<(String, u8)> = list
        .lines()
        .filter_map(|p| {
            let fam = match p.rsplit('.').next()? {
                "ts" | "mts" | "tsx" | "js" | "mjs" => 0,
                "py" => 1,
                "rs" => 2,
                "go" => 3,
                _ => return None,
            };
            Some((std::fs::read_to_string(p).ok()?, fam))
        })
        .collect();
    let bytes: usize = files.iter().map(|f| f.0.len()).sum();
    let mut best = [f64::MAX; 4];
    let mut enc = weft_native::parse::compact::Encoder::default();
    for _ in 0..15 {
        let t = Instant::now();
        for (s, fam) in &files {
            std::hint::black_box(weft_native::parse::lexer::lex(s.as_bytes(), *fam).n);
        }
        best[0] = best[0].min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for (s, fam) in &files {
            std::hint::black_box(weft_native::parse::analyze(s, *fam).syms.len());
        }
        best[1] = best[1].min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for (s, fam) in &files {
            std::hint::black_box(weft_native::parse::outline_json(s, *fam).len());
        }
        best[2] = best[2].min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        for (s, fam) in &files {
            // no marks: byte offsets stand for UTF-16 offsets (same work, exact for ASCII files)
            enc.outline(s, *fam, &[], false);
            std::hint::black_box(enc.ints.len());
        }
        best[3] = best[3].min(t.elapsed().as_secs_f64());
    }
    let mb = bytes as f64 / 1e6;
    println!(
        "best of 15: lex {:.0} MB/s, analyze {:.0} MB/s, outline_json {:.0} MB/s, compact (the addon's outline) {:.0} MB/s",
        mb / best[0],
        mb / best[1],
        mb / best[2],
        mb / best[3]
    );
}
