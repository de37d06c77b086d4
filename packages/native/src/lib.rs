//! @weft/native's Rust side. `parse` (lexer + per-language outliners), `skeleton`, `topo` and
//! `workspace` are plain Rust with no FFI; `napi` is the small Node-API layer that exposes them.
//! Every algorithm mirrors its TypeScript twin in src/outline/*.ts so both backends agree exactly.

pub mod json;
pub mod parse;
pub mod topo;
pub mod utf16;
pub mod workspace;

mod napi;
