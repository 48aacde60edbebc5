//! NumPy's default bit generator, reproduced stream for stream: seeding
//! through `SeedSequence` (O'Neill's seed_seq hashing, pool of 4 words),
//! PCG64 (128-bit LCG, XSL-RR output), and the Generator draws built on
//! it (`random`, `integers` by Lemire's bounded method, `uniform`,
//! shuffles by bounded intervals). Constants are the published ones of
//! these algorithms.

const INIT_A: u32 = 0x43b0_d7e5;
const MULT_A: u32 = 0x931e_8875;
const INIT_B: u32 = 0x8b51_f9dd;
const MULT_B: u32 = 0x58f3_8ded;
const MIX_MULT_L: u32 = 0xca01_f9dd;
const MIX_MULT_R: u32 = 0x4973_f715;
const XSHIFT: u32 = 16;
const POOL: usize = 4;

/// `SeedSequence(entropy).generate_state(n_words, uint64)`.
pub fn seed_sequence(entropy: &[u32], n_words: usize) -> Vec<u64> {
    let mut hash_const = INIT_A;
    let hashmix = |value: u32, hc: &mut u32| -> u32 {
        let mut v = value ^ *hc;
        *hc = hc.wrapping_mul(MULT_A);
        v = v.wrapping_mul(*hc);
        v ^ (v >> XSHIFT)
    };
    let mix = |x: u32, y: u32| -> u32 {
        let r = MIX_MULT_L
            .wrapping_mul(x)
            .wrapping_sub(MIX_MULT_R.wrapping_mul(y));
        r ^ (r >> XSHIFT)
    };
    let mut pool = [0u32; POOL];
    for (i, p) in pool.iter_mut().enumerate() {
        *p = hashmix(entropy.get(i).copied().unwrap_or(0), &mut hash_const);
    }
    for i_src in 0..POOL {
        for i_dst in 0..POOL {
            if i_src != i_dst {
                let h = hashmix(pool[i_src], &mut hash_const);
                pool[i_dst] = mix(pool[i_dst], h);
            }
        }
    }
    for &e in entropy.iter().skip(POOL) {
        for p in pool.iter_mut() {
            let h = hashmix(e, &mut hash_const);
            *p = mix(*p, h);
        }
    }
    let mut hc = INIT_B;
    let words: Vec<u32> = (0..n_words * 2)
        .map(|i| {
            let mut v = pool[i % POOL] ^ hc;
            hc = hc.wrapping_mul(MULT_B);
            v = v.wrapping_mul(hc);
            v ^ (v >> XSHIFT)
        })
        .collect();
    words
        .chunks_exact(2)
        .map(|w| w[0] as u64 | (w[1] as u64) << 32)
        .collect()
}

const PCG_MULT: u128 = (2_549_297_995_355_413_924u128 << 64) | 4_865_540_595_714_422_341u128;

/// PCG64 (XSL-RR) with NumPy's 32-bit buffering of half draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pcg64 {
    pub state: u128,
    pub inc: u128,
    pub has_uint32: bool,
    pub uinteger: u32,
}

/// The body of NumPy's ziggurat normal for one float type: `$draw`
/// gives (layer, sign bit, mantissa bits) from the stream, `$next` a
/// uniform in [0, 1); the tables and the tail's R are the type's.
macro_rules! ziggurat_normal {
    ($g:ident, $F:ty, $draw:block, $next:ident, $wi:ident, $ki:ident, $fi:ident, $r:ident, $inv_r:ident) => {{
        use super::ziggurat::*;
        loop {
            let (idx, sign, rabs) = $draw;
            let mut x = rabs as $F * $wi[idx];
            if sign != 0 {
                x = -x;
            }
            if rabs < $ki[idx] {
                return x;
            }
            if idx == 0 {
                // the tail beyond R (1 - U avoids log(0))
                loop {
                    let xx = -$inv_r * (-$g.$next()).ln_1p();
                    let yy = -(-$g.$next()).ln_1p();
                    if yy + yy > xx * xx {
                        return if (rabs >> 8) & 1 != 0 {
                            -($r + xx)
                        } else {
                            $r + xx
                        };
                    }
                }
            }
            if ($fi[idx - 1] - $fi[idx]) * $g.$next() + $fi[idx] < (-0.5 * x * x).exp() {
                return x;
            }
        }
    }};
}

impl Pcg64 {
    /// Seeded as `PCG64(SeedSequence(entropy))`.
    pub fn from_entropy(entropy: &[u32]) -> Pcg64 {
        let v = seed_sequence(entropy, 4);
        let initstate = (v[0] as u128) << 64 | v[1] as u128;
        let initseq = (v[2] as u128) << 64 | v[3] as u128;
        let mut g = Pcg64 {
            state: 0,
            inc: (initseq << 1) | 1,
            has_uint32: false,
            uinteger: 0,
        };
        g.step();
        g.state = g.state.wrapping_add(initstate);
        g.step();
        g
    }
    #[inline(always)]
    fn step(&mut self) {
        self.state = self.state.wrapping_mul(PCG_MULT).wrapping_add(self.inc);
    }
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.step();
        let s = self.state;
        ((s >> 64) as u64 ^ s as u64).rotate_right((s >> 122) as u32)
    }
    #[inline(always)]
    pub fn next_u32(&mut self) -> u32 {
        if self.has_uint32 {
            self.has_uint32 = false;
            return self.uinteger;
        }
        let n = self.next_u64();
        self.has_uint32 = true;
        self.uinteger = (n >> 32) as u32;
        n as u32
    }
    /// `random()`: 53 random bits in [0, 1).
    #[inline(always)]
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }
    /// `random(dtype=float32)`: 24 random bits in [0, 1).
    #[inline(always)]
    pub fn next_f32(&mut self) -> f32 {
        (self.next_u32() >> 8) as f32 * (1.0 / 16_777_216.0)
    }
    /// A uniform integer in `0..=rng` (Lemire's method, as NumPy's
    /// `random_bounded_uint64_fill` without masking).
    pub fn bounded(&mut self, rng: u64) -> u64 {
        if rng == 0 {
            0
        } else if rng <= 0xFFFF_FFFF {
            if rng == 0xFFFF_FFFF {
                return self.next_u32() as u64;
            }
            let excl = rng as u32 + 1;
            let mut m = self.next_u32() as u64 * excl as u64;
            let mut left = m as u32;
            if left < excl {
                let threshold = (u32::MAX - rng as u32) % excl;
                while left < threshold {
                    m = self.next_u32() as u64 * excl as u64;
                    left = m as u32;
                }
            }
            m >> 32
        } else if rng == u64::MAX {
            self.next_u64()
        } else {
            let excl = rng + 1;
            let mut m = self.next_u64() as u128 * excl as u128;
            let mut left = m as u64;
            if left < excl {
                let threshold = (u64::MAX - rng) % excl;
                while left < threshold {
                    m = self.next_u64() as u128 * excl as u128;
                    left = m as u64;
                }
            }
            (m >> 64) as u64
        }
    }
    /// NumPy's `random_interval(max)`: uniform in `0..=max` by masking and
    /// rejection (used by shuffles).
    pub fn interval(&mut self, max: u64) -> u64 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        for s in [1, 2, 4, 8, 16, 32] {
            mask |= mask >> s;
        }
        if max <= 0xFFFF_FFFF {
            loop {
                let v = self.next_u32() as u64 & mask;
                if v <= max {
                    return v;
                }
            }
        }
        loop {
            let v = self.next_u64() & mask;
            if v <= max {
                return v;
            }
        }
    }
    /// NumPy's `random_standard_normal`: the 256-layer ziggurat over
    /// 52-bit mantissas (tables in [`super::ziggurat`]).
    pub fn standard_normal(&mut self) -> f64 {
        ziggurat_normal!(
            self,
            f64,
            {
                let r = self.next_u64();
                let r8 = r >> 8;
                (
                    (r & 0xff) as usize,
                    r8 & 1,
                    (r8 >> 1) & 0x000f_ffff_ffff_ffff,
                )
            },
            next_f64,
            WI_DOUBLE,
            KI_DOUBLE,
            FI_DOUBLE,
            NOR_R,
            NOR_INV_R
        )
    }
    /// NumPy's `random_standard_normal_f` (23-bit mantissas, float32).
    pub fn standard_normal_f32(&mut self) -> f32 {
        ziggurat_normal!(
            self,
            f32,
            {
                let r = self.next_u32();
                ((r & 0xff) as usize, (r >> 8) & 1, (r >> 9) & 0x007f_ffff)
            },
            next_f32,
            WI_FLOAT,
            KI_FLOAT,
            FI_FLOAT,
            NOR_R_F,
            NOR_INV_R_F
        )
    }
    /// The state as six u64 words: state hi/lo, inc hi/lo, has_uint32,
    /// uinteger (the layout JS keeps).
    pub fn to_words(self) -> [u64; 6] {
        [
            (self.state >> 64) as u64,
            self.state as u64,
            (self.inc >> 64) as u64,
            self.inc as u64,
            self.has_uint32 as u64,
            self.uinteger as u64,
        ]
    }
    pub fn from_words(w: &[u64]) -> Pcg64 {
        Pcg64 {
            state: (w[0] as u128) << 64 | w[1] as u128,
            inc: (w[2] as u128) << 64 | w[3] as u128,
            has_uint32: w[4] != 0,
            uinteger: w[5] as u32,
        }
    }
}

/// NumPy's `Generator.choice(pop, size, replace=False, shuffle=...)`:
/// a partial Fisher-Yates over the tail of `arange(pop)` when the sample
/// is a large share of a large population, Floyd's algorithm with an
/// open-addressing set otherwise (then shuffled), drawing exactly the same
/// numbers in the same order as NumPy.
pub fn choice_without_replacement(
    g: &mut Pcg64,
    pop: u64,
    shuffle: bool,
    o: &mut [i64],
) -> crate::error::Result<()> {
    let size = o.len() as u64;
    if size > pop {
        return Err(crate::error::Error::invalid(
            "Cannot take a larger sample than population when replace is False",
        ));
    }
    let cutoff = if shuffle { 50 } else { 20 };
    if pop > 10000 && size > pop / cutoff {
        if pop > (1u64 << 32) {
            return Err(crate::error::Error::invalid(
                "choice: population too large for replace=False",
            ));
        }
        let mut idx: Vec<i64> = (0..pop as i64).collect();
        for i in ((pop - size).max(1)..pop).rev() {
            let j = g.bounded(i) as usize;
            idx.swap(i as usize, j);
        }
        o.copy_from_slice(&idx[(pop - size) as usize..]);
        return Ok(());
    }
    let mut mask = (1.2 * size as f64) as u64;
    for s in [1, 2, 4, 8, 16, 32] {
        mask |= mask >> s;
    }
    let mut set = vec![u64::MAX; mask as usize + 1];
    let m = mask as usize;
    for (k, j) in (pop - size..pop).enumerate() {
        let val = g.bounded(j);
        let mut loc = val as usize & m;
        while set[loc] != u64::MAX && set[loc] != val {
            loc = (loc + 1) & m;
        }
        if set[loc] == u64::MAX {
            set[loc] = val;
            o[k] = val as i64;
        } else {
            // val was drawn before: take j itself (not yet in the set)
            let mut loc = j as usize & m;
            while set[loc] != u64::MAX {
                loc = (loc + 1) & m;
            }
            set[loc] = j;
            o[k] = j as i64;
        }
    }
    if shuffle {
        for i in (1..o.len()).rev() {
            let j = g.bounded(i as u64) as usize;
            o.swap(i, j);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_rng_42_matches_numpy() {
        // numpy.random.default_rng(42): .bit_generator.random_raw(2) and .random()
        let mut g = Pcg64::from_entropy(&[42]);
        let raw = [g.next_u64(), g.next_u64()];
        let mut h = Pcg64::from_entropy(&[42]);
        let x = h.next_f64();
        assert_eq!(x, (raw[0] >> 11) as f64 / 9_007_199_254_740_992.0);
        // value from NumPy 2.4: default_rng(42).random() == 0.7739560485559633
        assert_eq!(x, 0.773_956_048_555_963_3);
    }

    #[test]
    fn bounded_is_in_range_and_interval_too() {
        let mut g = Pcg64::from_entropy(&[7]);
        for &r in &[1u64, 5, 255, 1 << 33, u64::MAX - 3] {
            for _ in 0..200 {
                assert!(g.bounded(r) <= r);
                assert!(g.interval(r) <= r);
            }
        }
    }
}
