//! Input copies: the buffers jobs own their copied inputs in, recycled
//! through a bounded pool, and the copy itself (streamed past the caches
//! for large inputs on x86-64).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Input-copy buffers of finished jobs, kept for the next submissions: a
/// burst of submissions then copies into memory that is already mapped
/// instead of fresh pages, whose first-touch faults made copying a 1.2 MB
/// input cost about 0.6 ms (2 GB/s). At most [`copy_pool_bytes`] are kept.
static COPY_POOL: Mutex<(Vec<Vec<u64>>, usize)> = Mutex::new((Vec::new(), 0));

/// The bytes of finished jobs' input copies the engine keeps for reuse:
/// `RAPTORS_COPY_POOL_MB` (default 128, the JS result pool's default; 0
/// keeps none; `src/engine/engine.ts` refuses other values before an engine is
/// created, and [`create`] reads it first, on the calling thread). A burst
/// of 60 jobs with two 590 KB inputs each holds 72 MB of copies in flight:
/// with 32 MiB kept, most of a repeated burst's copies landed in fresh
/// pages again.
pub(super) fn copy_pool_bytes() -> usize {
    static BYTES: AtomicUsize = AtomicUsize::new(usize::MAX);
    let b = BYTES.load(Ordering::Relaxed);
    if b != usize::MAX {
        return b;
    }
    let mb = std::env::var("RAPTORS_COPY_POOL_MB")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(128);
    let b = mb.saturating_mul(1 << 20).min(usize::MAX - 1);
    BYTES.store(b, Ordering::Relaxed);
    b
}

/// Copies under this many bytes are neither taken from nor given back to
/// the pool: the allocator serves them in tens of nanoseconds, while the
/// pool's best-fit scan under its lock grew with every small buffer it
/// held (a job's layout metadata and scalar operands are several small
/// inputs each; `bench/handoff.bench.ts`).
const POOLED_MIN: usize = 16 << 10;

/// A buffer of at least `words` capacity, length 0: the smallest pooled one
/// that fits (and is at most twice as large), else a new one.
pub(super) fn take_copy(words: usize) -> Vec<u64> {
    if words * 8 < POOLED_MIN {
        return Vec::with_capacity(words);
    }
    let mut pool = COPY_POOL.lock().unwrap_or_else(|e| e.into_inner());
    let mut best: Option<usize> = None;
    for (i, v) in pool.0.iter().enumerate() {
        let c = v.capacity();
        let fits = c >= words && c <= words.saturating_mul(2);
        if fits && best.map_or(true, |b| c < pool.0[b].capacity()) {
            best = Some(i);
        }
    }
    match best {
        Some(i) => {
            let v = pool.0.swap_remove(i);
            pool.1 -= v.capacity() * 8;
            v
        }
        None => {
            drop(pool);
            fresh_copy_buffer(words)
        }
    }
}

/// A new buffer of `words` capacity. Large ones are advised to use
/// transparent huge pages before their first touch ([`crate::hugepages`]):
/// the copy then faults once per 2 MiB instead of once per 4 KiB.
pub(super) fn fresh_copy_buffer(words: usize) -> Vec<u64> {
    let v: Vec<u64> = Vec::with_capacity(words);
    crate::hugepages::advise(v.as_ptr() as *const u8, words * 8);
    v
}

pub(super) fn give_copy(mut v: Vec<u64>) {
    let bytes = v.capacity() * 8;
    let cap = copy_pool_bytes();
    if bytes < POOLED_MIN || bytes > cap / 4 {
        return;
    }
    v.clear();
    let mut pool = COPY_POOL.lock().unwrap_or_else(|e| e.into_inner());
    if pool.1 + bytes <= cap {
        pool.1 += bytes;
        pool.0.push(v);
    }
}

/// Copies of at least this many bytes bypass the caches (x86-64).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const STREAM_COPY_MIN: usize = 256 << 10;

/// Copies from this size on are split over two cores (see [`copy_bytes`]).
#[cfg_attr(not(target_arch = "x86_64"), allow(dead_code))]
const SPLIT_COPY_MIN: usize = 512 << 10;

/// `n` bytes from `src` to `dst` (not overlapping). From
/// [`STREAM_COPY_MIN`] bytes on x86-64, with non-temporal stores: the
/// destination is not read first (no read-for-ownership) and the copy
/// does not evict the running jobs' working sets from the shared cache.
/// A burst of 60 submissions of two 590 KB inputs each, beside a running
/// GEMM on the other core, took 6.0-6.5 ms (Deno) and 9.2-14.9 ms (Bun)
/// with `memcpy`, 4.6-5.2 and 4.4-5.9 ms this way (medians of 25, three
/// interleaved runs of `bench/service_path.bench.ts`). Smaller inputs
/// keep `memcpy`, whose copy stays in cache for the job that reads it.
///
/// From [`SPLIT_COPY_MIN`] bytes the streaming copy is split in two
/// halves run on the kernel pool (the caller takes the second half too
/// when no helper comes in time). One core's copy is bound by what one
/// core keeps in flight: on the 2-core KVM Xeon (Sapphire Rapids class)
/// one 1024 x 1024 float32 submission (two 4 MiB inputs) cost 1.27-1.58
/// ms on the calling thread with one core copying and 0.77-1.11 ms with
/// two (medians of 15, three alternating runs in Deno and Bun); a burst
/// of 60 submissions of two 590 KB inputs took 7.7-10.3 ms with copies
/// split from 2 MiB and 4.2-6.9 ms split from 512 KiB (three alternating
/// runs, `bench/service_path.bench.ts`). An earlier split (128 KiB
/// parts) had shown no gain on the same kind of host, measured before
/// the pool's helpers kept off the caller's CPU (`placement.rs`), when a
/// woken helper often ran on the caller's core.
///
/// # Safety
/// `src` must be valid for reads and `dst` for writes of `n` bytes.
pub(super) unsafe fn copy_bytes(src: *const u8, dst: *mut u8, n: usize) {
    #[cfg(target_arch = "x86_64")]
    if n >= STREAM_COPY_MIN {
        if n >= SPLIT_COPY_MIN && crate::parallel::num_threads() > 1 {
            // two halves, one per core, split at a 64-byte boundary
            let h = n / 2 / 64 * 64;
            let (s, d) = (
                crate::parallel::SendPtr(src as *mut u8),
                crate::parallel::SendPtr(dst),
            );
            crate::parallel::run_parallel(2, |i| {
                let (from, len) = if i == 0 { (0, h) } else { (h, n - h) };
                // SAFETY: [from, from + len) lies inside [0, n) of both
                stream_copy(s.get().add(from), d.get().add(from), len);
            });
            return;
        }
        stream_copy(src, dst, n);
        return;
    }
    std::ptr::copy_nonoverlapping(src, dst, n);
}

/// [`copy_bytes`]'s streaming copy on the calling thread.
///
/// # Safety
/// As [`copy_bytes`].
#[cfg(target_arch = "x86_64")]
unsafe fn stream_copy(src: *const u8, dst: *mut u8, n: usize) {
    use std::arch::x86_64::{__m128i, _mm_loadu_si128, _mm_sfence, _mm_stream_si128};
    // SAFETY: SSE2 is part of x86-64. Every access below stays within
    // [0, n) of both ranges; the streaming stores go to 16-byte
    // aligned addresses (`head` aligns `dst`); the fence orders this
    // thread's streaming stores before anything it does next (its
    // return, or the end of its part of a split copy), so before the
    // job that reads the copy is queued.
    let head = ((16 - (dst as usize & 15)) & 15).min(n);
    std::ptr::copy_nonoverlapping(src, dst, head);
    let mut i = head;
    while i + 64 <= n {
        let a = _mm_loadu_si128(src.add(i) as *const __m128i);
        let b = _mm_loadu_si128(src.add(i + 16) as *const __m128i);
        let c = _mm_loadu_si128(src.add(i + 32) as *const __m128i);
        let d = _mm_loadu_si128(src.add(i + 48) as *const __m128i);
        _mm_stream_si128(dst.add(i) as *mut __m128i, a);
        _mm_stream_si128(dst.add(i + 16) as *mut __m128i, b);
        _mm_stream_si128(dst.add(i + 32) as *mut __m128i, c);
        _mm_stream_si128(dst.add(i + 48) as *mut __m128i, d);
        i += 64;
    }
    std::ptr::copy_nonoverlapping(src.add(i), dst.add(i), n - i);
    _mm_sfence();
}

/// A job-owned copy of `bytes` bytes at `addr`, zero-padded to whole words.
///
/// # Safety
/// `addr` must be valid for reads of `bytes` bytes.
pub(super) unsafe fn copy_input(addr: u64, bytes: usize) -> Vec<u64> {
    let words = (bytes + 7) / 8;
    let mut v = take_copy(words);
    let dst = v.as_mut_ptr() as *mut u8;
    if bytes > 0 {
        copy_bytes(addr as *const u8, dst, bytes);
    }
    // the padding of the last word: no byte of the copy is uninitialized
    std::ptr::write_bytes(dst.add(bytes), 0, words * 8 - bytes);
    v.set_len(words);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streamed_copies_are_exact_at_every_alignment() {
        // streamed on one thread, then split over two (SPLIT_COPY_MIN)
        for n in [STREAM_COPY_MIN + 200, SPLIT_COPY_MIN + 200] {
            exact_copies_around(n);
        }
    }

    fn exact_copies_around(n: usize) {
        let src: Vec<u8> = (0..n + 16).map(|i| (i * 13 + 5) as u8).collect();
        let least = n - 200;
        for so in 0..3 {
            for d_off in 0..17 {
                for len in [least, least + 1, least + 63, n - 17, n] {
                    let mut dst = vec![0xAAu8; n + 40];
                    unsafe { copy_bytes(src.as_ptr().add(so), dst.as_mut_ptr().add(d_off), len) };
                    assert_eq!(
                        &dst[d_off..d_off + len],
                        &src[so..so + len],
                        "{so} {d_off} {len}"
                    );
                    assert!(dst[..d_off].iter().all(|&b| b == 0xAA));
                    assert!(dst[d_off + len..].iter().all(|&b| b == 0xAA));
                }
            }
        }
    }

    #[test]
    fn input_copies_are_exact_and_recycled() {
        // sizes around the word padding and the huge-page path (>= 4 MiB)
        for &bytes in &[
            0usize,
            1,
            7,
            8,
            9,
            4096,
            POOLED_MIN - 1,
            POOLED_MIN + 3,
            40000,
            (5 << 20) + 3,
        ] {
            let src: Vec<u8> = (0..bytes).map(|i| (i * 31 + 7) as u8).collect();
            let c = unsafe { copy_input(src.as_ptr() as u64, bytes) };
            assert_eq!(c.len(), (bytes + 7) / 8);
            let got = unsafe { std::slice::from_raw_parts(c.as_ptr() as *const u8, c.len() * 8) };
            assert_eq!(&got[..bytes], &src[..], "{bytes} bytes");
            assert!(got[bytes..].iter().all(|&b| b == 0), "padding of {bytes}");
            let cap = c.capacity();
            give_copy(c);
            if cap * 8 <= copy_pool_bytes() / 4 && cap > 0 {
                // a copy into a recycled buffer (not zeroed first) is exact:
                // first leave other bytes in the recycled buffers
                let other: Vec<u8> = (0..bytes + 7).map(|i| (i * 7 + 200) as u8).collect();
                let dirty = unsafe { copy_input(other.as_ptr() as u64, bytes + 7) };
                give_copy(dirty);
                let again = unsafe { copy_input(src.as_ptr() as u64, bytes) };
                let got = unsafe {
                    std::slice::from_raw_parts(again.as_ptr() as *const u8, again.len() * 8)
                };
                assert_eq!(&got[..bytes], &src[..]);
                assert!(
                    got[bytes..].iter().all(|&b| b == 0),
                    "recycled padding of {bytes}"
                );
                give_copy(again);
            }
        }
    }
}
