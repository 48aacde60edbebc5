//! Status codes, the last-error message and the guard every FFI call uses.

use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

/// Success.
pub const OK: i32 = 0;
/// An argument is invalid (null pointer with a non-zero length, unknown code).
pub const INVALID_ARGUMENT: i32 = 1;
/// The operation is not defined for this dtype.
pub const UNSUPPORTED_DTYPE: i32 = 2;
/// A reduction without identity was asked of an empty array.
pub const EMPTY: i32 = 3;
/// A temporary allocation failed.
pub const OUT_OF_MEMORY: i32 = 4;
/// A Rust panic was caught at the boundary (a bug in raptors).
pub const PANIC: i32 = 5;
/// An exact integer result has no exact JS number (|v| > 2^53).
pub const OVERFLOW: i32 = 6;
/// An index is out of bounds for its axis.
pub const INDEX: i32 = 7;
/// An engine job was cancelled (by request, timeout or close).
pub const CANCELLED: i32 = 8;
/// The engine's queue is full.
pub const QUEUE_FULL: i32 = 9;
/// The engine is closed.
pub const CLOSED: i32 = 10;

/// A failure carried from a kernel to the boundary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub code: i32,
    pub message: String,
}

impl Error {
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(INVALID_ARGUMENT, message)
    }
}

pub type Result<T> = std::result::Result<T, Error>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
    static PANIC_MESSAGE: RefCell<Option<String>> = const { RefCell::new(None) };
}

pub fn set_last_error(message: &str) {
    LAST_ERROR.with(|e| {
        let mut e = e.borrow_mut();
        e.clear();
        e.push_str(message);
    });
}

/// Length in bytes of the last error message of this thread.
pub fn last_error_len() -> usize {
    LAST_ERROR.with(|e| e.borrow().len())
}

/// Copies the last error message into `out`, returns the bytes copied.
pub fn last_error_copy(out: &mut [u8]) -> usize {
    LAST_ERROR.with(|e| {
        let e = e.borrow();
        let n = e.len().min(out.len());
        out[..n].copy_from_slice(&e.as_bytes()[..n]);
        n
    })
}

static HOOK: Once = Once::new();

/// Replaces the default panic hook of this library's copy of std (not the
/// host's) with one that records the message instead of printing it, so a
/// caught panic becomes an error message for JS rather than stderr noise.
fn install_panic_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let payload = info.payload();
            let msg = if let Some(s) = payload.downcast_ref::<&str>() {
                (*s).to_string()
            } else if let Some(s) = payload.downcast_ref::<String>() {
                s.clone()
            } else {
                "unknown panic payload".to_string()
            };
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            PANIC_MESSAGE.with(|p| *p.borrow_mut() = Some(format!("{msg}{location}")));
        }));
    });
}

/// Runs `f`, turning an error or a panic into a status code and a message.
/// No panic ever unwinds past this function.
pub fn guard<F: FnOnce() -> Result<()>>(f: F) -> i32 {
    install_panic_hook();
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => OK,
        Ok(Err(e)) => {
            set_last_error(&e.message);
            e.code
        }
        Err(payload) => {
            let recorded = PANIC_MESSAGE.with(|p| p.borrow_mut().take());
            let msg = recorded.unwrap_or_else(|| {
                if let Some(s) = payload.downcast_ref::<&str>() {
                    (*s).to_string()
                } else if let Some(s) = payload.downcast_ref::<String>() {
                    s.clone()
                } else {
                    "unknown panic".to_string()
                }
            });
            set_last_error(&format!("Internal error (Rust panic caught): {msg}"));
            // The payload may itself panic on drop; never let that escape.
            let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
            PANIC
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_turns_a_panic_into_a_status_and_message() {
        let code = guard(|| panic!("boom {}", 42));
        assert_eq!(code, PANIC);
        let mut buf = vec![0u8; last_error_len()];
        let n = last_error_copy(&mut buf);
        let msg = std::str::from_utf8(&buf[..n]).unwrap();
        assert!(msg.contains("boom 42"), "{msg}");
    }

    #[test]
    fn guard_passes_errors_through() {
        assert_eq!(guard(|| Err(Error::new(EMPTY, "empty"))), EMPTY);
        let mut buf = [0u8; 3];
        assert_eq!(last_error_copy(&mut buf), 3);
        assert_eq!(&buf, b"emp");
        assert_eq!(guard(|| Ok(())), OK);
    }
}
