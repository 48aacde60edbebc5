//! Sets `cfg(raptors_avx512)` when the compiler has the AVX-512 intrinsics
//! (`std::arch::x86_64`, stable since Rust 1.89). The crate's MSRV (1.63)
//! is what the WebAssembly build needs (Debian's rustc); an older compiler
//! builds x86_64 without the hand-written AVX-512 kernels, which then take
//! their portable paths (the same results).
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=RUSTC");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let minor = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|v| {
            // "rustc 1.95.0 (...)"
            let version = v.split_whitespace().nth(1)?.to_string();
            version.split('.').nth(1)?.parse::<u32>().ok()
        });
    let minor = minor.unwrap_or(0);
    if minor >= 80 {
        // declares the cfg (older cargo does not know this key and warns)
        println!("cargo:rustc-check-cfg=cfg(raptors_avx512)");
    }
    if minor >= 89 {
        println!("cargo:rustc-cfg=raptors_avx512");
    }
}
