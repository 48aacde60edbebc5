//! Every code that crosses the boundary has the same value on both sides:
//! the tables of `ffi/symbols.ts` against this crate's constants.

use super::*;

type Table = Vec<(String, i64)>;

/// `export const NAME = { key: value, ... } as const;` of symbols.ts (or
/// of op_codes.ts, which it re-exports).
fn ts_table(name: &str) -> Table {
    let head = format!("export const {name} = {{");
    let ts = [
        include_str!("../../../ffi/symbols.ts"),
        include_str!("../../../ffi/op_codes.ts"),
    ]
    .into_iter()
    .find(|ts| ts.contains(&head))
    .unwrap_or_else(|| panic!("{name} in symbols.ts"));
    let start = ts.find(&head).expect("found above");
    let rest = &ts[start + head.len()..];
    let body = &rest[..rest.find("} as const").expect("} as const")];
    body.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("/") && !l.starts_with('*'))
        .map(|l| {
            let (k, v) = l.trim_end_matches(',').split_once(':').expect("key: value");
            let v = v.trim();
            let v = match v.strip_prefix("0x") {
                Some(h) => i64::from_str_radix(h, 16),
                None => v.parse(),
            };
            (k.trim().to_string(), v.expect("a number"))
        })
        .collect()
}

/// `floorDivide` -> `FLOOR_DIVIDE`.
fn upper_snake(k: &str) -> String {
    let mut s = String::new();
    for c in k.chars() {
        if c.is_ascii_uppercase() {
            s.push('_');
        }
        s.push(c.to_ascii_uppercase());
    }
    s
}

fn rust<T: Copy + Into<i64>>(pairs: &[(&str, T)]) -> Table {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_string(), v.into()))
        .collect()
}

/// The two tables hold the same names with the same values; else the
/// differences, named.
fn compare(what: &str, mut ts: Table, mut rs: Table) -> std::result::Result<(), String> {
    ts.sort();
    rs.sort();
    if ts == rs {
        return Ok(());
    }
    let only = |a: &Table, b: &Table| -> Vec<String> {
        a.iter()
            .filter(|x| !b.contains(x))
            .map(|(k, v)| format!("{k} = {v}"))
            .collect()
    };
    Err(format!(
        "{what}: symbols.ts only {:?}, Rust only {:?}",
        only(&ts, &rs),
        only(&rs, &ts)
    ))
}

fn check(what: &str, ts: Table, rs: Table) {
    if let Err(e) = compare(what, ts, rs) {
        panic!("{e}");
    }
}

fn snake(t: Table) -> Table {
    t.into_iter().map(|(k, v)| (upper_snake(&k), v)).collect()
}

#[test]
fn op_codes_match_symbols_ts() {
    use ufunc1_op::{ABS, COS, EXP, LOG, NEGATIVE, SIN, SQRT, TANH};
    use ufunc_op::{ADD, DIVIDE, MULTIPLY, SUBTRACT};
    // the codes flat_api.rs dispatches on
    let unary = [
        ("ABS", ABS),
        ("NEGATIVE", NEGATIVE),
        ("SQRT", SQRT),
        ("EXP", EXP),
        ("LOG", LOG),
        ("SIN", SIN),
        ("COS", COS),
        ("TANH", TANH),
    ];
    let binary = [
        ("ADD", ADD),
        ("SUBTRACT", SUBTRACT),
        ("MULTIPLY", MULTIPLY),
        ("DIVIDE", DIVIDE),
        ("REVERSED", OP_REVERSED),
    ];
    check("BINARY_OP", snake(ts_table("BINARY_OP")), rust(&binary));
    check("UNARY_OP", snake(ts_table("UNARY_OP")), rust(&unary));
    check("UFUNC1", snake(ts_table("UFUNC1")), rust(ufunc1_op::CODES));
    check("UFUNC2", snake(ts_table("UFUNC2")), rust(ufunc_op::CODES));
    check("REDUCE", snake(ts_table("REDUCE")), rust(reduce_op::CODES));
    check("LINALG", snake(ts_table("LINALG")), rust(linalg_op::CODES));
    check("DECOMP", snake(ts_table("DECOMP")), rust(decomp_op::CODES));
}

#[test]
fn dtype_and_status_codes_match_symbols_ts() {
    let dtypes: Table = (0..=255u32)
        .filter_map(|c| DType::from_code(c).map(|d| (d.name().to_string(), c as i64)))
        .collect();
    check("DTYPE", ts_table("DTYPE"), dtypes);
    let status = [
        ("OK", error::OK),
        ("INVALID_ARGUMENT", error::INVALID_ARGUMENT),
        ("UNSUPPORTED_DTYPE", error::UNSUPPORTED_DTYPE),
        ("EMPTY", error::EMPTY),
        ("OUT_OF_MEMORY", error::OUT_OF_MEMORY),
        ("PANIC", error::PANIC),
        ("OVERFLOW", error::OVERFLOW),
        ("INDEX", error::INDEX),
        ("CANCELLED", error::CANCELLED),
        ("QUEUE_FULL", error::QUEUE_FULL),
        ("CLOSED", error::CLOSED),
        ("LINALG", crate::kernels::linalg::LINALG),
    ];
    check("STATUS", ts_table("STATUS"), rust(&status));
}

#[test]
fn a_difference_is_reported_by_name() {
    let t = |p: &[(&str, i64)]| rust(p);
    assert!(compare("X", t(&[("A", 0), ("B", 1)]), t(&[("B", 1), ("A", 0)])).is_ok());
    let e = compare("X", t(&[("A", 0), ("B", 2)]), t(&[("A", 0), ("B", 1)])).unwrap_err();
    assert!(e.contains("B = 2") && e.contains("B = 1"), "{e}");
    let e = compare("X", t(&[("A", 0)]), t(&[("A", 0), ("C", 3)])).unwrap_err();
    assert!(e.contains("Rust only [\"C = 3\"]"), "{e}");
    assert_eq!(upper_snake("floorDivide"), "FLOOR_DIVIDE");
}
