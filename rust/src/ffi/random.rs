//! Random streams: `rp_rng_seed`, `rp_rng_fill`.

use super::*;

export! {
    /// Seeds a PCG64 as `PCG64(SeedSequence(entropy))` (`entropy`: `n` u32
    /// words, least significant first) into `state` (6 u64 words).
    fn rp_rng_seed(entropy: *const u8, n: u32, state: *mut u8) {
        use crate::kernels::random::Pcg64;
        let e = in_slice::<u32>(entropy, n, "entropy")?;
        let g = Pcg64::from_entropy(e);
        out_slice::<u64>(state, 6, "state")?.copy_from_slice(&g.to_words());
        Ok(())
    }
}

export! {
    /// Draws `n` values from the PCG64 `state` (updated in place): `kind` 0
    /// random float64, 1 random float32, 2 integers int64 (`params`: off,
    /// range as i64/u64 bits), 3 uniform float64 (`params`: low, high -
    /// low as f64), 4 a permutation of 0..n (int64, NumPy's shuffle), 5
    /// standard normal float64, 6 standard normal float32, 7 normal
    /// float64 (`params`: loc, scale as f64), 8 `n` distinct indices of
    /// 0..pop (int64; `params`: pop, shuffle flag; NumPy's `choice` with
    /// `replace=False` and no `p`).
    fn rp_rng_fill(kind: u32, state: *mut u8, out: *mut u8, n: u32, params: *const u8) {
        use crate::kernels::random::Pcg64;
        let st = out_slice::<u64>(state, 6, "state")?;
        let mut g = Pcg64::from_words(st);
        let p = in_slice::<u64>(params, 2, "params")?;
        // the draws in order into `out` as `n` elements of `T`
        unsafe fn fill<T>(out: *mut u8, n: u32, mut draw: impl FnMut() -> T) -> Result<()> {
            out_slice::<T>(out, n, "out")?.iter_mut().for_each(|o| *o = draw());
            Ok(())
        }
        // `params` as two f64 (low and range, or loc and scale)
        let (p0, p1) = (f64::from_bits(p[0]), f64::from_bits(p[1]));
        match kind {
            0 => fill(out, n, || g.next_f64())?,
            1 => fill(out, n, || g.next_f32())?,
            2 => {
                let (off, rng) = (p[0], p[1]);
                fill(out, n, || off.wrapping_add(g.bounded(rng)))?;
            }
            3 => fill(out, n, || p0 + p1 * g.next_f64())?,
            4 => {
                let o = out_slice::<i64>(out, n, "out")?;
                for (i, v) in o.iter_mut().enumerate() {
                    *v = i as i64;
                }
                for i in (1..o.len()).rev() {
                    let j = g.interval(i as u64) as usize;
                    o.swap(i, j);
                }
            }
            5 => fill(out, n, || g.standard_normal())?,
            6 => fill(out, n, || g.standard_normal_f32())?,
            7 => fill(out, n, || p0 + p1 * g.standard_normal())?,
            8 => {
                let (pop, shuffle) = (p[0], p[1] != 0);
                crate::kernels::random::choice_without_replacement(
                    &mut g,
                    pop,
                    shuffle,
                    out_slice::<i64>(out, n, "out")?,
                )?;
            }
            _ => return Err(Error::invalid(format!("unknown draw kind {kind}"))),
        }
        st.copy_from_slice(&g.to_words());
        Ok(())
    }
}
