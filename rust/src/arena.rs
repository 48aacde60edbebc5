//! A general-purpose allocator over one fixed region of memory: the heap
//! of the WebAssembly backend.
//!
//! Why not the default (dlmalloc): it grows the module's linear memory
//! whenever it needs room, and every `memory.grow` *detaches* the
//! `ArrayBuffer` that JavaScript sees, so no JS TypedArray could safely
//! live in wasm memory. The wasm backend instead grows the memory once, at
//! start-up, to a fixed size (`RAPTORS_WASM_MEMORY_MB`), and this allocator
//! serves every allocation from that region: the kernels' scratch buffers
//! and the NDArray results that JS keeps in wasm memory to avoid copying
//! them in and out of every call. The memory never grows again, so those
//! views never detach; when the region is full an allocation fails (null).
//!
//! Design (segregated fits with boundary tags, as in TLSF):
//! - Blocks are multiples of 16 bytes and start with a 16-byte header of
//!   four `u32`: size | flags, the size of the block before it, and (while
//!   free) the next and previous blocks of its free list. Payloads are
//!   16-byte aligned. All positions are `u32` offsets from the region
//!   start, so the layout is the same on wasm32 and in native tests.
//! - 240 free lists: exact sizes below 1 KiB, then 8 per power of two. A
//!   request is rounded up to the next list boundary, so the head of the
//!   first non-empty list at or above it always fits (a bitmap finds it);
//!   alloc and free are O(1) apart from copying.
//! - Free neighbours are merged at once (no two adjacent free blocks); a
//!   zero-size used sentinel ends the region.
//!
//! The region is not thread-safe; on wasm32 (no threads) there is one user.

/// Header bytes before each payload; also the payload alignment.
pub const HEADER: u32 = 16;
const MIN_BLOCK: u32 = 32;
const NIL: u32 = u32::MAX;
const USED: u32 = 1;
const PREV_USED: u32 = 2;
const FLAGS: u32 = 3;
const NBINS: usize = 240;

/// Allocator state over `[base, base + len)`.
pub struct Arena {
    base: *mut u8,
    len: u32,
    bins: [u32; NBINS],
    map: [u32; NBINS / 32 + 1],
    free_bytes: u32,
}

fn bin_of(size: u32) -> usize {
    if size < 1024 {
        (size / 16) as usize
    } else {
        let fl = 31 - size.leading_zeros();
        64 + ((fl - 10) * 8 + ((size >> (fl - 3)) & 7)) as usize
    }
}

/// The first list whose every block holds `size` bytes.
fn bin_fitting(size: u32) -> Option<usize> {
    if size < 1024 {
        return Some(bin_of(size));
    }
    let fl = 31 - size.leading_zeros();
    let up = size as u64 + (1u64 << (fl - 3)) - 1;
    if up > u32::MAX as u64 {
        return None;
    }
    Some(bin_of(up as u32))
}

impl Arena {
    /// An arena with no memory: every allocation fails until [`Arena::init`].
    pub const fn empty() -> Arena {
        Arena {
            base: std::ptr::null_mut(),
            len: 0,
            bins: [NIL; NBINS],
            map: [0; NBINS / 32 + 1],
            free_bytes: 0,
        }
    }

    /// Whether [`Arena::init`] has run.
    pub fn ready(&self) -> bool {
        !self.base.is_null()
    }

    /// Takes over `[base, base + len)`.
    ///
    /// # Safety
    /// `base` must be 16-byte aligned, the region valid for reads and
    /// writes, used by nothing else while the arena lives, and
    /// `64 <= len < 2^32` (rounded down to a multiple of 16).
    pub unsafe fn init(&mut self, base: *mut u8, len: usize) {
        debug_assert!(base as usize % 16 == 0 && len >= 64 && len <= u32::MAX as usize);
        let len = (len as u32) & !15;
        *self = Arena::empty();
        self.base = base;
        self.len = len;
        let first = len - HEADER; // one free block, then the sentinel
        self.set_w(len - HEADER, 0, USED);
        self.set_w(len - HEADER, 1, first);
        self.set_w(0, 0, first | PREV_USED);
        self.set_w(0, 1, 0);
        self.push(0, first);
        self.free_bytes = first;
    }

    /// Bytes in free blocks (headers included).
    pub fn free_bytes(&self) -> u32 {
        self.free_bytes
    }

    /// Size of the region.
    pub fn len(&self) -> u32 {
        self.len
    }

    /// Whether the arena has no memory.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    unsafe fn w(&self, b: u32, i: u32) -> u32 {
        *(self.base.add((b + 4 * i) as usize) as *const u32)
    }
    unsafe fn set_w(&mut self, b: u32, i: u32, v: u32) {
        *(self.base.add((b + 4 * i) as usize) as *mut u32) = v;
    }
    unsafe fn size(&self, b: u32) -> u32 {
        self.w(b, 0) & !FLAGS
    }

    unsafe fn push(&mut self, b: u32, size: u32) {
        let k = bin_of(size);
        let head = self.bins[k];
        self.set_w(b, 2, head);
        self.set_w(b, 3, NIL);
        if head != NIL {
            self.set_w(head, 3, b);
        }
        self.bins[k] = b;
        self.map[k / 32] |= 1 << (k % 32);
    }

    unsafe fn unlink(&mut self, b: u32) {
        let k = bin_of(self.size(b));
        let (next, prev) = (self.w(b, 2), self.w(b, 3));
        if prev == NIL {
            self.bins[k] = next;
            if next == NIL {
                self.map[k / 32] &= !(1 << (k % 32));
            }
        } else {
            self.set_w(prev, 2, next);
        }
        if next != NIL {
            self.set_w(next, 3, prev);
        }
    }

    /// Sets block `b`'s size (keeping its flags) and its follower's back link.
    unsafe fn resize(&mut self, b: u32, size: u32) {
        let flags = self.w(b, 0) & FLAGS;
        self.set_w(b, 0, size | flags);
        self.set_w(b + size, 1, size);
    }

    unsafe fn set_used(&mut self, b: u32, used: bool) {
        let size = self.size(b);
        let h = self.w(b, 0);
        self.set_w(b, 0, if used { h | USED } else { h & !USED });
        let n = b + size;
        let nh = self.w(n, 0);
        self.set_w(
            n,
            0,
            if used {
                nh | PREV_USED
            } else {
                nh & !PREV_USED
            },
        );
    }

    fn find(&self, need: u32) -> Option<u32> {
        let k = bin_fitting(need)?;
        let mut word = k / 32;
        let mut bits = self.map[word] & (u32::MAX << (k % 32));
        loop {
            if bits != 0 {
                return Some(self.bins[word * 32 + bits.trailing_zeros() as usize]);
            }
            word += 1;
            if word >= self.map.len() {
                return None;
            }
            bits = self.map[word];
        }
    }

    /// A block of at least `need` bytes among the first few of the list
    /// below the one [`Arena::find`] searches (it holds blocks that may or
    /// may not fit): the last resort before failing, so a request close to
    /// the largest free block still succeeds.
    fn first_fit(&self, need: u32) -> Option<u32> {
        let mut f = self.bins[bin_of(need)];
        for _ in 0..16 {
            if f == NIL {
                return None;
            }
            // SAFETY: f is a free block of this arena.
            unsafe {
                if self.size(f) >= need {
                    return Some(f);
                }
                f = self.w(f, 2);
            }
        }
        None
    }

    /// Frees block `b` of `size` bytes (not linked): merges it with free
    /// neighbours and links the result.
    unsafe fn release(&mut self, mut b: u32, mut size: u32) {
        let n = b + size;
        if self.w(n, 0) & USED == 0 {
            self.unlink(n);
            size += self.size(n);
        }
        if self.w(b, 0) & PREV_USED == 0 {
            let p = b - self.w(b, 1);
            self.unlink(p);
            size += self.size(p);
            b = p;
        }
        self.resize(b, size);
        self.set_used(b, false);
        self.push(b, size);
    }

    /// `size` bytes aligned to `align` (a power of two), or null.
    ///
    /// # Safety
    /// The arena must have been initialized.
    pub unsafe fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        if self.base.is_null() || size > (u32::MAX / 2) as usize || align > 1 << 16 {
            return std::ptr::null_mut();
        }
        let body = ((size.max(1) as u32) + 15) & !15;
        let need = body + HEADER;
        let extra = if align > 16 {
            align as u32 + MIN_BLOCK
        } else {
            0
        };
        let b = match self
            .find(need + extra)
            .or_else(|| self.first_fit(need + extra))
        {
            Some(b) => b,
            None => return std::ptr::null_mut(),
        };
        self.unlink(b);
        let mut b = b;
        let mut total = self.size(b);
        self.free_bytes -= total;
        if align > 16 {
            let addr = self.base as usize + (b + HEADER) as usize;
            let mut shift = ((addr + align - 1) & !(align - 1)) - addr;
            if shift != 0 && shift < MIN_BLOCK as usize {
                shift += align;
            }
            if shift != 0 {
                // the leading piece becomes a free block of its own
                let shift = shift as u32;
                let nb = b + shift;
                self.set_w(nb, 0, (total - shift) | USED);
                self.set_w(nb, 1, shift);
                self.set_w(b + total, 1, total - shift);
                self.set_w(b, 0, shift | (self.w(b, 0) & PREV_USED));
                self.release(b, shift); // clears nb's PREV_USED
                self.set_w(nb, 0, (total - shift) | USED);
                self.free_bytes += shift;
                b = nb;
                total -= shift;
                // b is marked used; set_used below settles its follower
            }
        }
        if total - need >= MIN_BLOCK {
            self.resize(b, need);
            let rest = b + need;
            self.set_w(rest, 0, 0);
            self.resize(rest, total - need);
            self.set_w(rest, 0, (total - need) | PREV_USED);
            self.set_used(b, true);
            self.release(rest, total - need);
            self.free_bytes += total - need;
        } else {
            self.set_used(b, true);
        }
        self.base.add((b + HEADER) as usize)
    }

    /// Frees what [`Arena::alloc`] returned.
    ///
    /// # Safety
    /// `p` must come from this arena's `alloc` and not be freed yet.
    pub unsafe fn free(&mut self, p: *mut u8) {
        let b = (p as usize - self.base as usize) as u32 - HEADER;
        let size = self.size(b);
        self.free_bytes += size;
        self.release(b, size);
    }

    /// Size of the usable payload at `p` (at least what was asked).
    ///
    /// # Safety
    /// As for [`Arena::free`].
    pub unsafe fn usable(&self, p: *mut u8) -> usize {
        let b = (p as usize - self.base as usize) as u32 - HEADER;
        (self.size(b) - HEADER) as usize
    }

    /// Checks every invariant (tests): block chain, flags, back links, no
    /// adjacent free blocks, lists and bitmap, free-byte count.
    pub fn check(&self) -> Result<(), String> {
        unsafe {
            let (mut b, mut prev_used, mut prev_size, mut free) = (0u32, true, 0u32, 0u32);
            let mut nfree = 0usize;
            while b < self.len - HEADER {
                let h = self.w(b, 0);
                let size = h & !FLAGS;
                if size < MIN_BLOCK || size % 16 != 0 || b + size > self.len - HEADER {
                    return Err(format!("block {b}: bad size {size}"));
                }
                if (h & PREV_USED != 0) != prev_used {
                    return Err(format!("block {b}: PREV_USED flag wrong"));
                }
                if b != 0 && self.w(b, 1) != prev_size {
                    return Err(format!(
                        "block {b}: back link {} != {prev_size}",
                        self.w(b, 1)
                    ));
                }
                let used = h & USED != 0;
                if !used {
                    if !prev_used {
                        return Err(format!("block {b}: two free blocks in a row"));
                    }
                    free += size;
                    nfree += 1;
                }
                prev_used = used;
                prev_size = size;
                b += size;
            }
            if b != self.len - HEADER || self.w(b, 0) & USED == 0 {
                return Err("sentinel missing".into());
            }
            if free != self.free_bytes {
                return Err(format!("free bytes {free} != counted {}", self.free_bytes));
            }
            let mut listed = 0usize;
            for k in 0..NBINS {
                let on = self.map[k / 32] & (1 << (k % 32)) != 0;
                if on != (self.bins[k] != NIL) {
                    return Err(format!("bitmap wrong for list {k}"));
                }
                let (mut f, mut prev) = (self.bins[k], NIL);
                while f != NIL {
                    if self.w(f, 0) & USED != 0 || bin_of(self.size(f)) != k || self.w(f, 3) != prev
                    {
                        return Err(format!("list {k}: bad block {f}"));
                    }
                    listed += 1;
                    prev = f;
                    f = self.w(f, 2);
                }
            }
            if listed != nfree {
                return Err(format!("{listed} blocks listed, {nfree} free"));
            }
        }
        Ok(())
    }
}

/// The wasm32 global allocator: one [`Arena`] over the linear memory above
/// the data and stack, grown once by [`wasm_heap::init`].
#[cfg(target_arch = "wasm32")]
pub mod wasm_heap {
    use super::Arena;
    use std::alloc::{GlobalAlloc, Layout};
    use std::cell::UnsafeCell;
    use std::sync::atomic::{AtomicBool, Ordering};

    struct Heap {
        arena: UnsafeCell<Arena>,
        last_failed: UnsafeCell<u32>,
        /// A spin lock: kernel tasks on wasm worker threads
        /// ([`crate::parallel`]) may allocate while the main thread does.
        lock: AtomicBool,
    }
    // SAFETY: every access to `arena` and `last_failed` holds `lock`
    // (see [`locked`]).
    unsafe impl Sync for Heap {}

    /// Runs `f` holding the heap's lock. Critical sections are a few
    /// hundred instructions, so waiting spins.
    #[inline]
    fn locked<R>(f: impl FnOnce(&mut Arena, &mut u32) -> R) -> R {
        while HEAP
            .lock
            .compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed)
            .is_err()
        {
            std::hint::spin_loop();
        }
        // SAFETY: the lock is held, so no other thread touches the cells.
        let r = unsafe { f(&mut *HEAP.arena.get(), &mut *HEAP.last_failed.get()) };
        HEAP.lock.store(false, Ordering::Release);
        r
    }

    #[global_allocator]
    static HEAP: Heap = Heap {
        arena: UnsafeCell::new(Arena::empty()),
        last_failed: UnsafeCell::new(0),
        lock: AtomicBool::new(false),
    };

    /// Memory used when an allocation comes before [`init`].
    const DEFAULT_BYTES: u64 = 64 << 20;
    const PAGE: u64 = 65536;

    extern "C" {
        static __heap_base: u8;
    }

    /// Grows the memory to `total` bytes (at most 4 GiB - 64 KiB) and puts
    /// the arena above the static data. Returns false if the memory was
    /// already set up or cannot grow that far.
    pub fn init(total: u64) -> bool {
        locked(|a, _| init_locked(a, total))
    }

    fn init_locked(a: &mut Arena, total: u64) -> bool {
        if a.ready() {
            return false;
        }
        // SAFETY: only the address of the linker's symbol is taken.
        let base = ((unsafe { &__heap_base } as *const u8 as u64) + 15) & !15;
        let pages = std::arch::wasm32::memory_size(0) as u64;
        let total = total.min(65535 * PAGE) / PAGE * PAGE;
        if total < base + (1 << 20) {
            return false;
        }
        if total / PAGE > pages
            && std::arch::wasm32::memory_grow(0, (total / PAGE - pages) as usize) == usize::MAX
        {
            return false;
        }
        // SAFETY: [base, total) is memory above the static data and the
        // stack, unused until now, and the arena is set up once.
        unsafe { a.init(base as usize as *mut u8, (total - base) as usize) };
        true
    }

    /// The arena's size and free bytes.
    pub fn stats() -> (u32, u32) {
        locked(|a, _| (a.len(), a.free_bytes()))
    }

    /// Size of the last allocation that failed inside a kernel (0 if
    /// none). Failures of the JS-facing allocations ([`alloc_for_js`]) are
    /// handled by JS and leave it 0, so a nonzero value means a kernel ran
    /// out of memory (and trapped).
    pub fn last_failed() -> u32 {
        locked(|_, failed| *failed)
    }

    /// `size` bytes aligned to `align` for JS (a power of two). A failure
    /// is JS's to report (or to fall back from), so it does not set
    /// [`last_failed`].
    pub fn alloc_for_js(size: u32, align: usize) -> *mut u8 {
        locked(|a, _| alloc_in(a, size.max(1) as usize, align))
    }

    fn alloc_in(a: &mut Arena, size: usize, align: usize) -> *mut u8 {
        if !a.ready() {
            init_locked(a, DEFAULT_BYTES);
        }
        // SAFETY: size >= 1 and align is a power of two (callers).
        unsafe { a.alloc(size, align) }
    }

    /// `size` bytes, 16-aligned, only if `keep` bytes stay free after it.
    pub fn alloc_keeping(size: u32, keep: u32) -> *mut u8 {
        // Large arrays start on a page (4 KiB), as the engines' own large
        // ArrayBuffers do, small ones on a cache line, so no two arrays sit
        // a few bytes apart modulo 4096 (4K aliasing between an output and
        // an input). Measured effect on a 1e6 add: none beyond noise
        // (750 -> 690-740 us); the page alignment is kept as the layout the
        // native backend sees.
        let align = if size >= 1 << 16 { 4096 } else { 64 };
        locked(|a, _| {
            if (a.free_bytes() as u64) < size as u64 + keep as u64 + 64 {
                return std::ptr::null_mut();
            }
            alloc_in(a, size.max(1) as usize, align)
        })
    }

    unsafe impl GlobalAlloc for Heap {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            locked(|a, failed| {
                let p = alloc_in(a, l.size(), l.align());
                if p.is_null() {
                    *failed = l.size() as u32;
                }
                p
            })
        }
        unsafe fn dealloc(&self, p: *mut u8, _l: Layout) {
            locked(|a, _| a.free(p));
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
            locked(|a, failed| {
                if new_size <= a.usable(p) {
                    return p;
                }
                let q = alloc_in(a, new_size, l.align());
                if q.is_null() {
                    *failed = new_size as u32;
                } else {
                    std::ptr::copy_nonoverlapping(p, q, l.size());
                    a.free(p);
                }
                q
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 16-aligned region of `len` bytes.
    fn region(len: usize) -> Vec<u128> {
        vec![0u128; len / 16]
    }

    fn rng(s: &mut u64) -> u64 {
        *s ^= *s << 13;
        *s ^= *s >> 7;
        *s ^= *s << 17;
        *s
    }

    #[test]
    fn random_alloc_free_keeps_every_invariant_and_no_overlap() {
        let mut mem = region(1 << 20);
        let mut a = Arena::empty();
        unsafe { a.init(mem.as_mut_ptr() as *mut u8, 1 << 20) };
        a.check().unwrap();
        let full = a.free_bytes();
        let mut live: Vec<(*mut u8, usize, u8)> = Vec::new();
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        for step in 0..20000u32 {
            let r = rng(&mut s);
            if live.is_empty() || r % 5 < 3 {
                let size = match r % 7 {
                    0 => (r >> 8) as usize % 16 + 1,
                    1..=4 => (r >> 8) as usize % 2000 + 1,
                    _ => (r >> 8) as usize % 60000 + 1,
                };
                let align = if r % 11 == 0 {
                    64 << ((r >> 40) % 4)
                } else {
                    16
                };
                let p = unsafe { a.alloc(size, align) };
                if p.is_null() {
                    continue;
                }
                assert_eq!(p as usize % align, 0, "alignment {align}");
                assert!(unsafe { a.usable(p) } >= size);
                let tag = (step % 251) as u8;
                unsafe { std::ptr::write_bytes(p, tag, size) };
                live.push((p, size, tag));
            } else {
                let i = (r >> 16) as usize % live.len();
                let (p, size, tag) = live.swap_remove(i);
                // nobody else wrote into this block
                let got = unsafe { std::slice::from_raw_parts(p, size) };
                assert!(got.iter().all(|&x| x == tag), "block overwritten");
                unsafe { a.free(p) };
            }
            if step % 97 == 0 {
                a.check().unwrap();
            }
        }
        for (p, _, _) in live.drain(..) {
            unsafe { a.free(p) };
        }
        a.check().unwrap();
        // everything merged back into one block
        assert_eq!(a.free_bytes(), full);
        let p = unsafe { a.alloc(full as usize - 2 * HEADER as usize, 16) };
        assert!(!p.is_null(), "the whole region is one block again");
        unsafe { a.free(p) };
        a.check().unwrap();
    }

    #[test]
    fn exhaustion_returns_null_and_recovers() {
        let mut mem = region(1 << 16);
        let mut a = Arena::empty();
        unsafe { a.init(mem.as_mut_ptr() as *mut u8, 1 << 16) };
        assert!(unsafe { a.alloc(1 << 16, 16) }.is_null());
        let mut got = Vec::new();
        loop {
            let p = unsafe { a.alloc(1000, 16) };
            if p.is_null() {
                break;
            }
            got.push(p);
        }
        assert!(got.len() >= 60, "{} blocks of 1000 in 64 KiB", got.len());
        a.check().unwrap();
        for p in got {
            unsafe { a.free(p) };
        }
        a.check().unwrap();
        assert!(!unsafe { a.alloc(60000, 16) }.is_null());
        assert!(unsafe { a.alloc(usize::MAX / 2, 16) }.is_null());
    }

    #[test]
    fn list_boundaries_always_fit() {
        // the smallest size filed in list k
        let lower = |k: usize| -> u64 {
            if k < 64 {
                16 * k as u64
            } else {
                let (fl, sl) = ((k - 64) / 8 + 10, (k - 64) % 8);
                ((8 + sl) as u64) << (fl - 3)
            }
        };
        let mut s = 7u64;
        let sizes = (32u32..1 << 16)
            .step_by(16)
            .chain((0..20000).map(|_| ((rng(&mut s) >> 33) as u32 | 32) & !15));
        for size in sizes {
            let k = bin_fitting(size).unwrap();
            assert!(k < NBINS && bin_of(size) <= k);
            assert!(
                lower(k) >= size as u64,
                "list {k} may hold blocks below {size}"
            );
            assert!(lower(bin_of(size)) <= size as u64);
            // and the rounding wastes at most one list
            assert!(k <= bin_of(size) + 1);
        }
        assert_eq!(bin_of(!15), NBINS - 1);
    }
}
