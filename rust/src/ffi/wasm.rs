//! Exports of the WebAssembly build only: its heap, its GEMM side
//! modules and its worker threads.

/// WebAssembly only: `size` bytes (16-aligned) of the module's heap for
/// the JS shim (`ffi/wasm.ts`), which copies call arguments in and out;
/// null when the fixed heap has no room.
#[no_mangle]
pub extern "C" fn rp_wasm_alloc(size: u32) -> *mut u8 {
    crate::arena::wasm_heap::alloc_for_js(size, 16)
}

/// WebAssembly only: frees what [`rp_wasm_alloc`] returned for `size`.
///
/// # Safety
/// `ptr` must come from `rp_wasm_alloc(size)` and not be freed twice.
#[no_mangle]
pub unsafe extern "C" fn rp_wasm_free(ptr: *mut u8, size: u32) {
    if !ptr.is_null() {
        let l = std::alloc::Layout::from_size_align_unchecked(size.max(1) as usize, 16);
        std::alloc::dealloc(ptr, l);
    }
}

/// WebAssembly only: grows the memory once to `mb` MiB and sets up the
/// fixed heap ([`crate::arena`]) in it; 1 on success, 0 if the heap was
/// already set up or the memory cannot grow that far. The memory never
/// grows after this, so JS views of it never detach.
#[no_mangle]
pub extern "C" fn rp_wasm_init(mb: u32) -> u32 {
    crate::arena::wasm_heap::init((mb as u64) << 20) as u32
}

/// WebAssembly only: like [`rp_wasm_alloc`], but null unless `keep` bytes
/// stay free afterwards (room for the kernels' scratch buffers).
#[no_mangle]
pub extern "C" fn rp_wasm_alloc_keep(size: u32, keep: u32) -> *mut u8 {
    crate::arena::wasm_heap::alloc_keeping(size, keep)
}

/// WebAssembly only: makes the GEMM micro-kernels the functions at table
/// indices `f64` and `f32` (the relaxed-SIMD side module the JS loader
/// instantiated on this memory); 0 and 0 restore the built-in SIMD128
/// ones. Returns 1. A function of another signature traps when called.
#[no_mangle]
pub extern "C" fn rp_wasm_set_gemm(f64: u32, f32: u32) -> u32 {
    crate::kernels::gemm::wasm_micro::set_kernels(f64, f32);
    1
}

/// WebAssembly only: the heap's size (`which` 0), free bytes (1), or the
/// size of the last allocation that failed (2).
#[no_mangle]
pub extern "C" fn rp_wasm_heap(which: u32) -> u32 {
    let (size, free) = crate::arena::wasm_heap::stats();
    match which {
        0 => size,
        1 => free,
        _ => crate::arena::wasm_heap::last_failed(),
    }
}

/// WebAssembly only: registers a worker thread (`ffi/wasm_threads.ts`
/// runs it on an instance sharing the main one's memory, with its own
/// stack); returns the epoch to pass to [`rp_wasm_worker_step`].
#[no_mangle]
pub extern "C" fn rp_wasm_worker_join() -> i32 {
    crate::parallel::wasm_pool::worker_join()
}

/// WebAssembly only: a worker thread waits for the job after epoch `seen`,
/// runs tasks of it and returns its epoch; see
/// [`crate::parallel::wasm_pool`].
#[no_mangle]
pub extern "C" fn rp_wasm_worker_step(seen: i32) -> i32 {
    crate::parallel::wasm_pool::worker_step(seen)
}

/// WebAssembly only: JS started `n` worker threads (kernels split for
/// `n + 1` threads from now on). Returns 1.
#[no_mangle]
pub extern "C" fn rp_wasm_set_workers(n: u32) -> u32 {
    crate::parallel::wasm_pool::set_started(n as usize);
    1
}

/// WebAssembly only: the address of the flag a worker's JS sets (an i32,
/// with `Atomics.store`) when its instance trapped.
#[no_mangle]
pub extern "C" fn rp_wasm_trapped_flag() -> u32 {
    crate::parallel::wasm_pool::trapped_flag() as u32
}

/// WebAssembly only: worker threads registered (`which` 0) or kernel
/// tasks they have run (1).
#[no_mangle]
pub extern "C" fn rp_wasm_pool(which: u32) -> u32 {
    crate::parallel::wasm_pool::stats(which) as u32
}
