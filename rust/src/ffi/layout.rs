//! Layouts as they cross the boundary: the f64 metadata (shape, strides,
//! offsets) decoded and checked into `strided::Layout`s, without heap
//! allocation for the common ranks.

use super::*;

/// Reads `ndim` shape entries and two stride arrays from `meta` (f64:
/// `[src_offset, dst_offset, shape.., src_strides.., dst_strides..]`).
/// Two layouts of one shape, decoded from `meta`.
pub(super) struct Layouts {
    pub(super) src_offset: isize,
    pub(super) dst_offset: isize,
    pub(super) shape: Dims<usize>,
    pub(super) src_strides: Dims<isize>,
    pub(super) dst_strides: Dims<isize>,
}

/// `ndim` checked against NumPy's limit (layouts are decoded inline).
pub(super) fn check_ndim(ndim: usize) -> Result<()> {
    if ndim > MAX_DIMS {
        return Err(Error::invalid(format!(
            "{ndim} dimensions: at most {MAX_DIMS} are supported (NumPy's limit)"
        )));
    }
    Ok(())
}

/// One extent (a non-negative layout integer).
pub(super) fn extent(v: f64) -> Result<usize> {
    int_extent(meta_int(v)?)
}

/// Decodes `xs` as extents (non-negative layout integers).
pub(super) fn extents_inline(xs: &[f64]) -> Result<Dims<usize>> {
    let mut d = Dims::new();
    for &v in xs {
        let x = meta_int(v)?;
        if x < 0 {
            return Err(Error::invalid(format!("negative extent {x}")));
        }
        d.push(x as usize);
    }
    Ok(d)
}

/// Decodes `xs` as strides (layout integers).
pub(super) fn strides_inline(xs: &[f64]) -> Result<Dims<isize>> {
    let mut d = Dims::new();
    for &v in xs {
        d.push(meta_int(v)?);
    }
    Ok(d)
}

pub(super) fn read_meta(meta: &[f64], ndim: usize) -> Result<Layouts> {
    check_ndim(ndim)?;
    if meta.len() != 2 + 3 * ndim {
        return Err(Error::invalid("layout metadata has the wrong length"));
    }
    Ok(Layouts {
        src_offset: meta_int(meta[0])?,
        dst_offset: meta_int(meta[1])?,
        shape: extents_inline(&meta[2..2 + ndim])?,
        src_strides: strides_inline(&meta[2 + ndim..2 + 2 * ndim])?,
        dst_strides: strides_inline(&meta[2 + 2 * ndim..])?,
    })
}

/// Three layouts decoded from `[a_off, b_off, out_off, shape.., a_st.., b_st.., out_st..]`.
pub(super) struct Layouts3 {
    pub(super) offsets: [isize; 3],
    pub(super) shape: Dims<usize>,
    pub(super) strides: [Dims<isize>; 3],
}

impl Layouts3 {
    /// The (a, b, out) layouts.
    pub(super) fn layouts(&self) -> [Layout<'_>; 3] {
        [0, 1, 2].map(|k| Layout {
            offset: self.offsets[k],
            shape: &self.shape,
            strides: &self.strides[k],
        })
    }
}

pub(super) fn read_meta3(meta: &[f64], nd: usize) -> Result<Layouts3> {
    check_ndim(nd)?;
    if meta.len() != 3 + 4 * nd {
        return Err(Error::invalid("layout metadata has the wrong length"));
    }
    let st = |k: usize| strides_inline(&meta[3 + (k + 1) * nd..3 + (k + 2) * nd]);
    Ok(Layouts3 {
        offsets: [meta_int(meta[0])?, meta_int(meta[1])?, meta_int(meta[2])?],
        shape: extents_inline(&meta[3..3 + nd])?,
        strides: [st(0)?, st(1)?, st(2)?],
    })
}

/// Scratch for the layout entries of one call ([`meta_int`]): on the
/// stack up to [`INTS_STACK`] entries (every request-sized call), else on
/// the heap. A `collect` into a `Vec` grew it three times for a matmul's 10
/// entries, and returning a stack array by value copied it: either was
/// most of a small product's native time (115 ns per call).
pub(super) struct IntBuf {
    pub(super) stack: [isize; INTS_STACK],
    pub(super) heap: Vec<isize>,
}

pub(super) const INTS_STACK: usize = 40;

impl IntBuf {
    pub(super) fn new() -> Self {
        IntBuf {
            stack: [0; INTS_STACK],
            heap: Vec::new(),
        }
    }

    /// `meta`'s entries as integers, each checked by [`meta_int`].
    pub(super) fn read(&mut self, meta: &[f64]) -> Result<&[isize]> {
        let dst: &mut [isize] = if meta.len() <= INTS_STACK {
            &mut self.stack[..meta.len()]
        } else {
            self.heap.resize(meta.len(), 0);
            &mut self.heap
        };
        for (d, &v) in dst.iter_mut().zip(meta) {
            *d = meta_int(v)?;
        }
        Ok(dst)
    }
}

/// One layout entry (an offset, extent or stride sent as f64): an integer
/// that this platform's `isize` holds. On wasm32 that is below 2^31, so a
/// broadcast view of 2^31 elements is an error there instead of an extent
/// silently saturated to 2^31 - 1 (which summed one element too few).
#[inline(always)]
pub(super) fn meta_int(v: f64) -> Result<isize> {
    // one conversion and two compares when the entry is fine (`as`
    // saturates, and NaN becomes 0: both then differ from `v`)
    let i = v as isize;
    if i as f64 == v && v.abs() <= (1u64 << 53) as f64 {
        return Ok(i);
    }
    Err(meta_int_error(v))
}

/// Why an entry [`meta_int`] refused is refused (it accepts every other).
#[cold]
pub(super) fn meta_int_error(v: f64) -> Error {
    // (not v.fract(): without SSE4.1 that is a libm call, 7 per ufunc call)
    if v as i64 as f64 != v || v.abs() > (1u64 << 53) as f64 {
        Error::invalid(format!("layout entry {v} is not an integer"))
    } else {
        Error::invalid(format!(
            "layout entry {v} exceeds this platform's address range ({} bits)",
            isize::BITS
        ))
    }
}

/// A layout integer that must be an extent (non-negative).
pub(super) fn int_extent(x: isize) -> Result<usize> {
    usize::try_from(x).map_err(|_| Error::invalid(format!("negative extent {x}")))
}

pub(super) fn extents(xs: &[isize]) -> Result<Vec<usize>> {
    let mut v = Vec::with_capacity(xs.len());
    for &x in xs {
        v.push(int_extent(x)?);
    }
    Ok(v)
}

/// An [`AxisLayout`] read from metadata: `[offset, axis_len, axis_stride,
/// n_outer, n_inner, outer_shape.., outer_strides.., inner_shape..,
/// inner_strides..]`; returns the owned parts and the entries consumed.
pub(super) struct AxisMeta {
    pub(super) offset: isize,
    pub(super) axis_len: usize,
    pub(super) axis_stride: isize,
    pub(super) outer_shape: Vec<usize>,
    pub(super) outer_strides: Vec<isize>,
    pub(super) inner_shape: Vec<usize>,
    pub(super) inner_strides: Vec<isize>,
}

impl AxisMeta {
    pub(super) fn read(m: &[isize]) -> Result<(AxisMeta, usize)> {
        let short = || Error::invalid("axis layout metadata too short");
        if m.len() < 5 {
            return Err(short());
        }
        let (no, ni) = (extents(&m[3..4])?[0], extents(&m[4..5])?[0]);
        let used = 5 + 2 * no + 2 * ni;
        if m.len() < used || no > 64 || ni > 64 {
            return Err(short());
        }
        Ok((
            AxisMeta {
                offset: m[0],
                axis_len: extents(&m[1..2])?[0],
                axis_stride: m[2],
                outer_shape: extents(&m[5..5 + no])?,
                outer_strides: m[5 + no..5 + 2 * no].to_vec(),
                inner_shape: extents(&m[5 + 2 * no..5 + 2 * no + ni])?,
                inner_strides: m[5 + 2 * no + ni..used].to_vec(),
            },
            used,
        ))
    }
    pub(super) fn layout(&self) -> AxisLayout<'_> {
        AxisLayout {
            offset: self.offset,
            outer_shape: &self.outer_shape,
            outer_strides: &self.outer_strides,
            axis_len: self.axis_len,
            axis_stride: self.axis_stride,
            inner_shape: &self.inner_shape,
            inner_strides: &self.inner_strides,
        }
    }
}
