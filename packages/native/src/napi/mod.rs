//! Node-API layer: argument conversion, panics turned into JS errors, and the exports table. Kept
//! apart from the parsing code so it could be swapped for napi-rs macros without touching `parse`.
//! Data passing: strings in as UTF-16 (one copy, transcoded by crate::utf16). outline writes a
//! compact Int32Array encoding (crate::parse::compact: kinds, lines, UTF-16 offsets into the
//! caller's string) into a buffer the loader passes and reuses, so JS slices names/signatures
//! from its own source string: no JSON, no per-call ArrayBuffer. skeleton/workspace results come
//! out as one JSON string that the loader JSON.parses; topo uses typed arrays of node indices.
mod sys;

use std::cell::RefCell;
use std::ffi::CString;
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::ptr;
use sys::*;

struct Args {
    env: napi_env,
    argv: [napi_value; 4],
    argc: usize,
}

type R<T> = Result<T, String>;

unsafe fn args(env: napi_env, info: napi_callback_info) -> Args {
    let mut argv = [ptr::null_mut(); 4];
    let mut argc = 4usize;
    napi_get_cb_info(env, info, &mut argc, argv.as_mut_ptr(), ptr::null_mut(), ptr::null_mut());
    Args { env, argv, argc }
}

impl Args {
    /// A string argument. With `units` (the JS `.length`, passed by the loader) the UTF-16 code
    /// units are copied out in one memcpy-like call and transcoded here with an ASCII fast path,
    /// which is several times faster than Node-API's own UTF-8 conversion for source text.
    unsafe fn string_sized(&self, i: usize, units: Option<usize>) -> R<String> {
        if i >= self.argc {
            return Err(format!("argument {} missing", i));
        }
        if let Some(u) = units {
            let mut buf = vec![0u16; u + 1];
            let mut got = 0usize;
            if napi_get_value_string_utf16(self.env, self.argv[i], buf.as_mut_ptr(), u + 1, &mut got) != NAPI_OK {
                return Err(format!("argument {} must be a string", i));
            }
            buf.truncate(got);
            let mut out = String::new();
            crate::utf16::utf16_into(&buf, &mut out);
            return Ok(out);
        }
        let mut len = 0usize;
        if napi_get_value_string_utf8(self.env, self.argv[i], ptr::null_mut(), 0, &mut len) != NAPI_OK {
            return Err(format!("argument {} must be a string", i));
        }
        let mut buf = vec![0u8; len + 1];
        let mut got = 0usize;
        if napi_get_value_string_utf8(self.env, self.argv[i], buf.as_mut_ptr() as *mut c_char, len + 1, &mut got)
            != NAPI_OK
        {
            return Err(format!("argument {} must be a string", i));
        }
        buf.truncate(got);
        // Node hands out valid UTF-8 (lone surrogates become U+FFFD).
        Ok(String::from_utf8(buf).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }
    /// Copies string argument `i` (of `units` UTF-16 code units: its JS `.length`) into `buf`,
    /// reusing its allocation.
    unsafe fn utf16_into(&self, i: usize, units: usize, buf: &mut Vec<u16>) -> R<()> {
        buf.clear();
        buf.reserve(units + 1);
        let mut got = 0usize;
        if i >= self.argc
            || napi_get_value_string_utf16(self.env, self.argv[i], buf.as_mut_ptr(), units + 1, &mut got) != NAPI_OK
        {
            return Err(format!("argument {} must be a string", i));
        }
        // SAFETY: Node wrote `got` <= units units into the reserved space.
        buf.set_len(got.min(units));
        Ok(())
    }
    unsafe fn string(&self, i: usize) -> R<String> {
        self.string_sized(i, None)
    }
    unsafe fn number(&self, i: usize) -> R<f64> {
        let mut v = 0f64;
        if i >= self.argc || napi_get_value_double(self.env, self.argv[i], &mut v) != NAPI_OK {
            return Err(format!("argument {} must be a number", i));
        }
        Ok(v)
    }
    unsafe fn boolean(&self, i: usize) -> R<bool> {
        let mut v = false;
        if i >= self.argc || napi_get_value_bool(self.env, self.argv[i], &mut v) != NAPI_OK {
            return Err(format!("argument {} must be a boolean", i));
        }
        Ok(v)
    }
    unsafe fn typed_mut<T: Copy>(&self, i: usize, kind: i32) -> R<&'static mut [T]> {
        let s: &[T] = self.typed(i, kind)?;
        // SAFETY: the typed array's memory is owned by JS and not aliased during this call.
        Ok(std::slice::from_raw_parts_mut(s.as_ptr() as *mut T, s.len()))
    }
    unsafe fn typed<T: Copy>(&self, i: usize, kind: i32) -> R<&'static [T]> {
        let mut k = -1i32;
        let mut len = 0usize;
        let mut data: *mut std::os::raw::c_void = ptr::null_mut();
        if i >= self.argc
            || napi_get_typedarray_info(
                self.env,
                self.argv[i],
                &mut k,
                &mut len,
                &mut data,
                ptr::null_mut(),
                ptr::null_mut(),
            ) != NAPI_OK
            || k != kind
        {
            return Err(format!("argument {} must be a typed array of kind {}", i, kind));
        }
        if len == 0 {
            return Ok(&[]);
        }
        Ok(std::slice::from_raw_parts(data as *const T, len))
    }
}

unsafe fn make_string(env: napi_env, s: &str) -> napi_value {
    let mut v = ptr::null_mut();
    if s.is_ascii() {
        // Latin-1 of ASCII is a plain copy; V8 skips UTF-8 decoding
        napi_create_string_latin1(env, s.as_ptr() as *const c_char, s.len(), &mut v);
    } else {
        napi_create_string_utf8(env, s.as_ptr() as *const c_char, s.len(), &mut v);
    }
    v
}

unsafe fn make_u32_array(env: napi_env, data: &[u32]) -> napi_value {
    let mut buf: *mut std::os::raw::c_void = ptr::null_mut();
    let mut ab = ptr::null_mut();
    napi_create_arraybuffer(env, data.len() * 4, &mut buf, &mut ab);
    if !data.is_empty() {
        ptr::copy_nonoverlapping(data.as_ptr(), buf as *mut u32, data.len());
    }
    let mut arr = ptr::null_mut();
    napi_create_typedarray(env, NAPI_UINT32_ARRAY, data.len(), ab, 0, &mut arr);
    arr
}

/// Runs `f`, turning an Err or a panic into a thrown JS error (code WEFT_NATIVE).
unsafe fn guard(env: napi_env, f: impl FnOnce() -> R<napi_value>) -> napi_value {
    let res = catch_unwind(AssertUnwindSafe(f));
    let msg = match res {
        Ok(Ok(v)) => return v,
        Ok(Err(m)) => m,
        Err(p) => {
            let s = p.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| p.downcast_ref::<String>().cloned());
            format!("panic in weft-native: {}", s.unwrap_or_default())
        }
    };
    let code = CString::new("WEFT_NATIVE").unwrap();
    let m = CString::new(msg.replace('\0', " ")).unwrap();
    napi_throw_error(env, code.as_ptr(), m.as_ptr());
    let mut u = ptr::null_mut();
    napi_get_undefined(env, &mut u);
    u
}

fn fam(language: &str) -> R<u8> {
    crate::parse::family(language).ok_or_else(|| format!("unknown language {:?}", language))
}

/// Buffers reused across outline calls on a thread (source units, its UTF-8 text, the encoding).
#[derive(Default)]
struct OutlineBufs {
    units: Vec<u16>,
    text: String,
    marks: Vec<u32>,
    enc: crate::parse::compact::Encoder,
}

thread_local! {
    static OUTLINE: RefCell<OutlineBufs> = RefCell::new(OutlineBufs::default());
}

/// outline(source, family, units, out: Int32Array) → extra string | undefined. The compact
/// encoding (crate::parse::compact) is written into `out`; when it does not fit, `out[0]` is set
/// to minus the length needed and `outlineTake(bigger)` copies it.
unsafe extern "C" fn js_outline(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let f = a.number(1)?;
        if !(0.0..=4.0).contains(&f) || f.fract() != 0.0 {
            return Err(format!("unknown language family {}", f));
        }
        let units = a.number(2)? as usize;
        let out: &mut [i32] = a.typed_mut(3, NAPI_INT32_ARRAY)?;
        OUTLINE.with(|c| {
            let mut c = c.borrow_mut();
            let OutlineBufs { units: ub, text, marks, enc } = &mut *c;
            a.utf16_into(0, units, ub)?;
            let (_, lone) = crate::utf16::utf16_marked(ub, text, Some(marks));
            enc.outline(text, f as u8, marks, lone);
            let n = enc.ints.len();
            if n <= out.len() {
                out[..n].copy_from_slice(&enc.ints);
            } else if !out.is_empty() {
                out[0] = -(n as i32);
            }
            Ok(if enc.extra.is_empty() { undefined(env) } else { make_string(env, &enc.extra) })
        })
    })
}

/// outlineTake(out: Int32Array): copies the last outline's encoding (see js_outline).
unsafe extern "C" fn js_outline_take(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let out: &mut [i32] = a.typed_mut(0, NAPI_INT32_ARRAY)?;
        OUTLINE.with(|c| {
            let c = c.borrow();
            let n = c.enc.ints.len();
            if n > out.len() {
                return Err(format!("outlineTake: {} ints needed, {} given", n, out.len()));
            }
            out[..n].copy_from_slice(&c.enc.ints);
            Ok(undefined(env))
        })
    })
}

unsafe fn undefined(env: napi_env) -> napi_value {
    let mut u = ptr::null_mut();
    napi_get_undefined(env, &mut u);
    u
}

unsafe extern "C" fn js_skeleton(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let src = a.string_sized(0, a.number(3).ok().map(|n| n as usize))?;
        let f = fam(&a.string(1)?)?;
        let keep = a.boolean(2)?;
        Ok(make_string(env, &crate::parse::skeleton_json(&src, f, keep)))
    })
}

/// topo(n, edges: Uint32Array [a0, b0, a1, b1…]) → Uint32Array: [0, levels, size…, index…] or [1, cycle…].
unsafe extern "C" fn js_topo(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let n = a.number(0)? as usize;
        let edges: &[u32] = a.typed(1, NAPI_UINT32_ARRAY)?;
        if edges.iter().any(|&x| x as usize >= n) {
            return Err("edge index out of range".into());
        }
        let g = crate::topo::build(n, edges);
        let out = match crate::topo::levels(&g) {
            Some(lv) => {
                let mut o = Vec::with_capacity(2 + lv.len() + n);
                o.push(0);
                o.push(lv.len() as u32);
                o.extend(lv.iter().map(|l| l.len() as u32));
                for l in &lv {
                    o.extend_from_slice(l);
                }
                o
            }
            None => {
                let mut o = vec![1];
                o.extend(crate::topo::find_cycle(&g));
                o
            }
        };
        Ok(make_u32_array(env, &out))
    })
}

/// criticalPath(n, edges, weights: Float64Array) → JSON `{"path":[…],"length":x}` or `{"cycle":[…]}`.
unsafe extern "C" fn js_critical_path(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let n = a.number(0)? as usize;
        let edges: &[u32] = a.typed(1, NAPI_UINT32_ARRAY)?;
        let weights: &[f64] = a.typed(2, NAPI_FLOAT64_ARRAY)?;
        if weights.len() != n || edges.iter().any(|&x| x as usize >= n) {
            return Err("bad graph arrays".into());
        }
        let g = crate::topo::build(n, edges);
        let list = |v: &[u32]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>().join(",");
        let s = match crate::topo::critical_path(&g, weights) {
            Ok((p, len)) => format!("{{\"path\":[{}],\"length\":{}}}", list(&p), len),
            Err(c) => format!("{{\"cycle\":[{}]}}", list(&c)),
        };
        Ok(make_string(env, &s))
    })
}

/// parseWorkspace(root, optionsJson, previousTsv) → snapshot JSON (see crate::workspace).
unsafe extern "C" fn js_parse_workspace(env: napi_env, info: napi_callback_info) -> napi_value {
    guard(env, || {
        let a = args(env, info);
        let root = a.string(0)?;
        let opts = a.string(1)?;
        let prev = a.string(2)?;
        let out = crate::workspace::parse_workspace_json(&root, &opts, &prev)?;
        Ok(make_string(env, &out))
    })
}

unsafe extern "C" fn js_version(env: napi_env, _info: napi_callback_info) -> napi_value {
    guard(env, || Ok(make_string(env, env!("CARGO_PKG_VERSION"))))
}

unsafe fn export(env: napi_env, exports: napi_value, name: &str, cb: napi_callback) {
    let mut f = ptr::null_mut();
    napi_create_function(env, name.as_ptr() as *const c_char, name.len(), cb, ptr::null_mut(), &mut f);
    let cname = CString::new(name).unwrap();
    napi_set_named_property(env, exports, cname.as_ptr(), f);
}

/// Module registration: Node calls this when the .node file is loaded.
///
/// # Safety
/// Called by Node with a valid env and exports object.
#[no_mangle]
pub unsafe extern "C" fn napi_register_module_v1(env: napi_env, exports: napi_value) -> napi_value {
    export(env, exports, "outline", js_outline);
    export(env, exports, "outlineTake", js_outline_take);
    export(env, exports, "skeleton", js_skeleton);
    export(env, exports, "topo", js_topo);
    export(env, exports, "criticalPath", js_critical_path);
    export(env, exports, "parseWorkspace", js_parse_workspace);
    export(env, exports, "version", js_version);
    exports
}
