//! Reads file paths (one a line) on stdin; prints `{"path": [symbols] | null, ...}` using syn.
use std::io::Read;
use syn::spanned::Spanned;

struct Sym {
    name: String,
    kind: &'static str,
    start: usize,
    end: usize,
    parent: Option<String>,
}

fn esc(s: &str) -> String {
    let mut o = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
            c => o.push(c),
        }
    }
    o.push('"');
    o
}

/// Lines of an item without its attributes (doc comments are attributes in syn).
fn lines<T: Clone + Spanned>(item: &T, strip: impl Fn(&mut T)) -> (usize, usize) {
    let mut c = item.clone();
    strip(&mut c);
    let sp = c.span();
    (sp.start().line, sp.end().line)
}

fn self_name(t: &syn::Type) -> String {
    match t {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_else(|| "_".into()),
        syn::Type::Reference(r) => self_name(&r.elem),
        syn::Type::Group(g) => self_name(&g.elem),
        syn::Type::Paren(p) => self_name(&p.elem),
        _ => "_".into(),
    }
}

fn items(list: &[syn::Item], parent: Option<&str>, out: &mut Vec<Sym>) {
    let p = || parent.map(|s| s.to_string());
    for it in list {
        match it {
            syn::Item::Fn(f) => {
                let (s, e) = lines(f, |x| x.attrs.clear());
                out.push(Sym { name: f.sig.ident.to_string(), kind: "function", start: s, end: e, parent: p() });
            }
            syn::Item::Struct(x) => {
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "struct", start: s, end: e, parent: p() });
            }
            syn::Item::Union(x) => {
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "struct", start: s, end: e, parent: p() });
            }
            syn::Item::Enum(x) => {
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "enum", start: s, end: e, parent: p() });
            }
            syn::Item::Const(x) => {
                if x.ident == "_" {
                    continue;
                }
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "constant", start: s, end: e, parent: p() });
            }
            syn::Item::Static(x) => {
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "variable", start: s, end: e, parent: p() });
            }
            syn::Item::Type(x) => {
                let (s, e) = lines(x, |x| x.attrs.clear());
                out.push(Sym { name: x.ident.to_string(), kind: "type", start: s, end: e, parent: p() });
            }
            syn::Item::Mod(m) => {
                let (s, e) = lines(m, |x| x.attrs.clear());
                let name = m.ident.to_string();
                out.push(Sym { name: name.clone(), kind: "module", start: s, end: e, parent: p() });
                if let Some((_, content)) = &m.content {
                    items(content, Some(&name), out);
                }
            }
            syn::Item::Trait(t) => {
                let (s, e) = lines(t, |x| x.attrs.clear());
                let name = t.ident.to_string();
                out.push(Sym { name: name.clone(), kind: "trait", start: s, end: e, parent: p() });
                for ti in &t.items {
                    let (n, k, s, e) = match ti {
                        syn::TraitItem::Method(m) => {
                            let (s, e) = lines(m, |x| x.attrs.clear());
                            (m.sig.ident.to_string(), "method", s, e)
                        }
                        syn::TraitItem::Const(c) => {
                            let (s, e) = lines(c, |x| x.attrs.clear());
                            (c.ident.to_string(), "constant", s, e)
                        }
                        syn::TraitItem::Type(c) => {
                            let (s, e) = lines(c, |x| x.attrs.clear());
                            (c.ident.to_string(), "type", s, e)
                        }
                        _ => continue,
                    };
                    out.push(Sym { name: n, kind: k, start: s, end: e, parent: Some(name.clone()) });
                }
            }
            syn::Item::Impl(im) => {
                let (s, e) = lines(im, |x| x.attrs.clear());
                let name = self_name(&im.self_ty);
                out.push(Sym { name: name.clone(), kind: "impl", start: s, end: e, parent: p() });
                for ii in &im.items {
                    let (n, k, s, e) = match ii {
                        syn::ImplItem::Method(m) => {
                            let (s, e) = lines(m, |x| x.attrs.clear());
                            (m.sig.ident.to_string(), "method", s, e)
                        }
                        syn::ImplItem::Const(c) => {
                            let (s, e) = lines(c, |x| x.attrs.clear());
                            (c.ident.to_string(), "constant", s, e)
                        }
                        syn::ImplItem::Type(c) => {
                            let (s, e) = lines(c, |x| x.attrs.clear());
                            (c.ident.to_string(), "type", s, e)
                        }
                        _ => continue,
                    };
                    out.push(Sym { name: n, kind: k, start: s, end: e, parent: Some(name.clone()) });
                }
            }
            _ => {}
        }
    }
}

/// Every `use` and `extern crate` item, at any depth (modules, function bodies); macro bodies are
/// token streams to syn, so they are not entered.
struct Imports {
    out: Vec<(String, usize)>,
}

impl<'ast> syn::visit::Visit<'ast> for Imports {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        use quote::ToTokens;
        let (s, _) = lines(u, |x| x.attrs.clear());
        let mut t = String::new();
        if u.leading_colon.is_some() {
            t.push_str("::");
        }
        t.push_str(&u.tree.to_token_stream().to_string());
        self.out.push((t.chars().filter(|c| !c.is_whitespace()).collect(), s));
        syn::visit::visit_item_use(self, u);
    }
    fn visit_item_extern_crate(&mut self, c: &'ast syn::ItemExternCrate) {
        let (s, _) = lines(c, |x| x.attrs.clear());
        self.out.push((c.ident.to_string(), s));
        syn::visit::visit_item_extern_crate(self, c);
    }
}

fn main() {
    let mut input = String::new();
    std::io::stdin().read_to_string(&mut input).unwrap();
    let mut o = String::from("{");
    let mut first = true;
    for path in input.lines().filter(|l| !l.is_empty()) {
        if !first {
            o.push(',');
        }
        first = false;
        o.push_str(&esc(path));
        o.push(':');
        let parsed = std::fs::read_to_string(path).ok().and_then(|s| syn::parse_file(&s).ok());
        match parsed {
            None => o.push_str("null"),
            Some(f) => {
                let mut out = Vec::new();
                items(&f.items, None, &mut out);
                let mut imports = Imports { out: Vec::new() };
                syn::visit::Visit::visit_file(&mut imports, &f);
                o.push_str("{\"imports\":[");
                for (i, (src, line)) in imports.out.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    o.push_str(&format!("{{\"source\":{},\"line\":{}}}", esc(src), line));
                }
                o.push_str("],\"symbols\":[");
                for (i, s) in out.iter().enumerate() {
                    if i > 0 {
                        o.push(',');
                    }
                    o.push_str(&format!(
                        "{{\"name\":{},\"kind\":\"{}\",\"startLine\":{},\"endLine\":{}",
                        esc(&s.name),
                        s.kind,
                        s.start,
                        s.end
                    ));
                    if let Some(p) = &s.parent {
                        o.push_str(&format!(",\"parent\":{}", esc(p)));
                    }
                    o.push('}');
                }
                o.push_str("]}");
            }
        }
    }
    o.push('}');
    println!("{}", o);
}
