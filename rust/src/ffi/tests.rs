use super::*;

fn slot() -> [u64; 1] {
    [0]
}

#[test]
fn null_pointers_and_bad_codes_are_errors_not_crashes() {
    let mut s = slot();
    let out = s.as_mut_ptr() as *mut u8;
    unsafe {
        assert_eq!(rp_sum(10, std::ptr::null(), 0, out), 0);
        assert_eq!(f64::from_bits(s[0]), 0.0);
        assert_eq!(
            rp_sum(10, std::ptr::null(), 5, out),
            error::INVALID_ARGUMENT
        );
        assert_eq!(
            rp_sum(99, std::ptr::null(), 0, out),
            error::INVALID_ARGUMENT
        );
        assert_eq!(rp_max(10, std::ptr::null(), 0, out), error::EMPTY);
        let x = [1.0f64, 2.0];
        let p = (x.as_ptr() as *const u8).add(1);
        assert_eq!(rp_sum(10, p, 1, out), error::INVALID_ARGUMENT);
        assert_eq!(
            rp_unary(ufunc1_op::SQRT, 5, x.as_ptr() as *const u8, out, 1),
            error::UNSUPPORTED_DTYPE
        );
        assert_eq!(rp_debug_panic(), error::PANIC);
    }
}

#[test]
fn small_integer_sums_report_overflow_past_2_pow_53() {
    let big = vec![i32::MAX; 1 << 23];
    let mut s = slot();
    let out = s.as_mut_ptr() as *mut u8;
    let code = unsafe { rp_sum(5, big.as_ptr() as *const u8, big.len() as u32, out) };
    assert_eq!(code, error::OVERFLOW);
    let ok = vec![i32::MAX; 1 << 21];
    assert_eq!(
        unsafe { rp_sum(5, ok.as_ptr() as *const u8, ok.len() as u32, out) },
        0
    );
    assert_eq!(
        f64::from_bits(s[0]),
        (i32::MAX as f64) * (1u64 << 21) as f64
    );
}

#[test]
fn int64_slots_round_trip_bits() {
    let a = [i64::MAX, 1];
    let mut s = slot();
    unsafe { rp_sum(7, a.as_ptr() as *const u8, 2, s.as_mut_ptr() as *mut u8) };
    assert_eq!(s[0] as i64, i64::MIN); // wraps like NumPy
    let b = [u64::MAX, 3];
    unsafe { rp_max(8, b.as_ptr() as *const u8, 2, s.as_mut_ptr() as *mut u8) };
    assert_eq!(s[0], u64::MAX);
}
