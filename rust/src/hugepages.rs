//! Transparent huge pages for raptors' own large buffers (Linux).
//!
//! A kernel streaming a large operand from memory crosses a 4 KiB page
//! every 4 KiB: a TLB miss each time (a two-level walk under a hypervisor)
//! and a restart of the hardware prefetcher, which does not follow a
//! stream across a page. Backed by 2 MiB pages, the same stream crosses
//! 512 times fewer. NumPy advises its own allocations of 4 MiB or more in
//! the same way (`madvise(MADV_HUGEPAGE)`); most Linux systems set
//! transparent huge pages to `madvise`, so memory nobody advised stays on
//! 4 KiB pages. Measured on a 2-core KVM Xeon (alternating calls in one
//! process, medians of 60): `M @ q` (100000x384 float32) 5.3-5.7 ms on
//! advised memory against 5.7-6.3 ms on the same data in 4 KiB pages.
//!
//! The advice changes no contents and no permission: memory already
//! touched keeps its pages (the kernel may merge them later), a kernel
//! without transparent huge pages refuses it, and either way nothing else
//! changes. So it is given only to fresh buffers raptors owns, before
//! their first write, and a refusal is not an error.

/// Buffers of at least this many bytes are advised (NumPy's threshold).
pub const MIN_BYTES: usize = 4 << 20;

/// Asks for huge pages over the whole 2 MiB pages inside
/// `[ptr, ptr + bytes)` when `bytes` is at least [`MIN_BYTES`]. Returns
/// whether the kernel took the advice (`false` elsewhere than Linux, for
/// a small range, or when refused).
///
/// The range must lie inside one allocation the caller owns: the advice
/// applies to every page in it.
pub fn advise(ptr: *const u8, bytes: usize) -> bool {
    #[cfg(all(target_os = "linux", not(target_arch = "wasm32")))]
    {
        const HUGE: usize = 2 << 20;
        if bytes < MIN_BYTES {
            return false;
        }
        let start = (ptr as usize).saturating_add(HUGE - 1) & !(HUGE - 1);
        let end = (ptr as usize).saturating_add(bytes) & !(HUGE - 1);
        if end <= start {
            return false;
        }
        extern "C" {
            fn madvise(addr: *mut std::ffi::c_void, len: usize, advice: i32) -> i32;
        }
        /// The same value on every Linux architecture raptors builds for.
        const MADV_HUGEPAGE: i32 = 14;
        // SAFETY: [start, end) lies inside the caller's allocation (the
        // contract above); MADV_HUGEPAGE reads and writes no memory.
        unsafe { madvise(start as *mut std::ffi::c_void, end - start, MADV_HUGEPAGE) == 0 }
    }
    #[cfg(not(all(target_os = "linux", not(target_arch = "wasm32"))))]
    {
        let _ = (ptr, bytes);
        false
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// Whether the mapping holding `addr` carries the advice (`hg`).
    fn advised(addr: usize) -> bool {
        let smaps = std::fs::read_to_string("/proc/self/smaps").unwrap();
        let mut inside = false;
        for line in smaps.lines() {
            let range = line.split(' ').next().unwrap_or("");
            if let Some((a, b)) = range.split_once('-') {
                if let (Ok(a), Ok(b)) = (usize::from_str_radix(a, 16), usize::from_str_radix(b, 16))
                {
                    inside = a <= addr && addr < b;
                    continue;
                }
            }
            if inside && line.starts_with("VmFlags:") {
                return line.split_whitespace().any(|f| f == "hg");
            }
        }
        panic!("no mapping holds {addr:#x}");
    }

    #[test]
    fn whole_huge_pages_inside_a_large_buffer_are_advised_and_nothing_else() {
        let thp = std::path::Path::new("/sys/kernel/mm/transparent_hugepage/enabled").exists();
        const H: usize = 2 << 20;
        let v: Vec<u8> = Vec::with_capacity(8 << 20);
        let p = v.as_ptr() as usize;
        let first = (p + H - 1) & !(H - 1);
        assert_eq!(advise(v.as_ptr(), 8 << 20), thp);
        assert_eq!(advised(first), thp);
        if p != first {
            assert!(!advised(p), "the head before the first 2 MiB boundary");
        }
        // below the threshold: no advice
        let small: Vec<u8> = Vec::with_capacity(MIN_BYTES - 1);
        assert!(!advise(small.as_ptr(), MIN_BYTES - 1));
        assert!(!advised(small.as_ptr() as usize));
    }
}
