//! Test gates: job steps that hold a worker until a test opens them.

use super::{cancelled, in_job};
use crate::error::{Error, Result};
use std::sync::{Condvar, Mutex};

/// Test gates: a step `rp_test_gate(g)` holds its worker until gate `g` is
/// opened, so tests (Rust and JS) can keep a worker busy for exactly as
/// long as they need, instead of racing a long kernel against the clock.
/// Nothing in the library uses them.
pub const GATES: usize = 16;
pub(super) struct Gates {
    /// Per gate: (steps that entered it since the last reset, open).
    pub(super) state: Mutex<[(u32, bool); GATES]>,
    pub(super) changed: Condvar,
}
pub(super) static TEST_GATES: Gates = Gates {
    state: Mutex::new([(0, false); GATES]),
    changed: Condvar::new(),
};

/// The gate step: counts itself in, then waits until the gate opens or
/// the job is cancelled (it polls the job's flag as a kernel would).
pub fn gate_step(g: u32) -> Result<()> {
    if g as usize >= GATES {
        return Err(Error::invalid(format!("gate {g} out of range")));
    }
    if !in_job() {
        return Err(Error::invalid(
            "rp_test_gate runs only inside an engine job",
        ));
    }
    let g = g as usize;
    let mut st = TEST_GATES.state.lock().unwrap_or_else(|e| e.into_inner());
    st[g].0 += 1;
    TEST_GATES.changed.notify_all();
    while !st[g].1 && !cancelled() {
        st = TEST_GATES
            .changed
            .wait_timeout(st, std::time::Duration::from_millis(5))
            .unwrap_or_else(|e| e.into_inner())
            .0;
    }
    Ok(())
}

/// Gate control: `op` 0 closes gate `g` and resets its count, 1 opens it,
/// 2 only reads; returns how many steps entered it.
pub fn gate_ctl(g: u32, op: u32) -> Result<u32> {
    if g as usize >= GATES || op > 2 {
        return Err(Error::invalid(format!("gate {g}, op {op}: out of range")));
    }
    let mut st = TEST_GATES.state.lock().unwrap_or_else(|e| e.into_inner());
    let e = &mut st[g as usize];
    match op {
        0 => *e = (0, false),
        1 => e.1 = true,
        _ => {}
    }
    let n = e.0;
    drop(st);
    TEST_GATES.changed.notify_all();
    Ok(n)
}
