//! Sorting and selection: `rp_sort_axis`, `rp_searchsorted`, `rp_unique`,
//! `rp_topk`.

use super::*;

export! {
    /// The sorted distinct values of `a` (NaNs collapse into one, last;
    /// -0.0 and 0.0 are one value) written to the front of `out` (length
    /// `n`); their count goes to the slot `count` (f64).
    fn rp_unique(dt: u32, a: *const u8, n: u32, out: *mut u8, count: *mut u8) {
        let dt = dtype(dt)?;
        let k = for_each_numeric!(dt, T => sort::unique(in_slice::<T>(a, n, "a")?, out_slice::<T>(out, n, "out")?),
            bool => return Err(unsupported("unique", dt)));
        write_slot(count, (k as f64).to_bits())
    }
}

export! {
    /// Sorting along an axis: `op` 0 sort, 1 argsort (stable), 2 partition,
    /// 3 argpartition (with `kth`). `meta` (f64) holds the axis layout of
    /// `a` then that of `out` (values of dtype `dt`, or int64 indices).
    fn rp_sort_axis(op: u32, dt: u32, a: *const u8, a_len: u32, out: *mut u8, out_len: u32, meta: *const u8, meta_len: u32, kth: u32) {
        use crate::kernels::sort_axis::{self, LaneOp};
        let dt = dtype(dt)?;
        let mut m_buf = IntBuf::new();
        let m = m_buf.read(in_slice::<f64>(meta, meta_len, "meta")?)?;
        let (al, used) = AxisMeta::read(m)?;
        let (ol, _) = AxisMeta::read(&m[used..])?;
        let op = match op {
            0 => LaneOp::Sort,
            1 => LaneOp::Argsort,
            2 => LaneOp::Partition(kth as usize),
            3 => LaneOp::Argpartition(kth as usize),
            _ => return Err(Error::invalid(format!("unknown sort op {op}"))),
        };
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            let pa = check_ptr::<T>(a, a_len, "a")?;
            if matches!(op, LaneOp::Argsort | LaneOp::Argpartition(_)) {
                check_ptr::<i64>(out, out_len, "out")?;
            } else {
                check_ptr::<T>(out, out_len, "out")?;
            }
            sort_axis::sort_axis::<T>(op, pa, a_len as usize, &al.layout(), out, out_len as usize, &ol.layout())
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// `out[j]` = insertion index of `v[j]` into the sorted `a` (`right`: 1
    /// for side="right"); `a`, `v` contiguous of dtype `dt`, `out` int64.
    fn rp_searchsorted(dt: u32, a: *const u8, n: u32, v: *const u8, m: u32, out: *mut u8, right: u32) {
        use crate::kernels::sort_axis;
        let dt = dtype(dt)?;
        let out = out_slice::<i64>(out, m, "out")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => sort_axis::searchsorted::<T>(
            in_slice::<T>(a, n, "a")?, in_slice::<T>(v, m, "v")?, right != 0, out),
            bool => unreachable!("bool is mapped to uint8 storage"))
    }
}

export! {
    /// Top-k along `lanes` contiguous lanes of `n` elements of dtype `dt`
    /// (`a`: `lanes * n` of them): per lane the `k` best values into `vals`
    /// (dtype `dt`, `lanes * k`) and their indices within the lane into
    /// `idx` (int64), best first. `largest` 1: the largest (NaN above every
    /// number), 0: the smallest (NaN below none); ties by the smaller index.
    fn rp_topk(dt: u32, a: *const u8, a_len: u32, lanes: u32, n: u32, k: u32, largest: u32, vals: *mut u8, idx: *mut u8) {
        use crate::kernels::topk;
        let dt = dtype(dt)?;
        if lanes as u64 * n as u64 != a_len as u64 || k > n {
            return Err(Error::invalid(format!(
                "topk: {lanes} lanes of {n} do not make {a_len} elements, or k = {k} > n"
            )));
        }
        let m = lanes * k; // at most a_len: fits
        let idx = out_slice::<i64>(idx, m, "idx")?;
        let code = if dt == DType::Bool { DType::Uint8 } else { dt };
        for_each_numeric!(code, T => {
            topk::topk::<T>(in_slice::<T>(a, a_len, "a")?, lanes as usize, n as usize, k as usize,
                largest != 0, out_slice::<T>(vals, m, "vals")?, idx);
            Ok(())
        }, bool => unreachable!("bool is mapped to uint8 storage"))
    }
}
