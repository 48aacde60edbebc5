//! The job engine's surface (`crate::engine` holds the engine itself) and
//! the test gates its tests use.

use super::*;

export! {
    /// Creates an engine (see `engine::create`; `nice` 0xFFFFFFFF: the
    /// platform's default); its id goes to the slot `id`.
    fn rp_engine_new(threads: u32, max_queue: u32, intra_op: u32, nice: u32, id: *mut u8) {
        let e = crate::engine::create(
            threads as usize,
            max_queue as usize,
            intra_op as usize,
            nice,
        )?;
        write_slot(id, (e as f64).to_bits())
    }
}

export! {
    /// Sets (or, with null, clears) the callback the notifier thread calls
    /// when jobs have finished.
    fn rp_engine_set_callback(id: u32, f: *const u8) {
        let f: Option<extern "C" fn()> = if f.is_null() {
            None
        } else {
            // SAFETY: the caller passes a callable `void (*)(void)`.
            Some(std::mem::transmute::<*const u8, extern "C" fn()>(f))
        };
        crate::engine::set_callback(id, f)
    }
}

export! {
    /// Queues a job program (`prog`: `len` u64 words, see
    /// `engine::submit`); its id goes to the slot `job`. Status QUEUE_FULL
    /// or CLOSED when it cannot be queued. `hold` (0 or 1): leave a core to
    /// the caller until [`rp_engine_wake`].
    fn rp_engine_submit(id: u32, prog: *const u8, len: u32, priority: u32, hold: u32, job: *mut u8) {
        let prog = in_slice::<u64>(prog, len, "program")?;
        let j = crate::engine::submit(id, prog, priority, hold != 0)?;
        write_slot(job, (j as f64).to_bits())
    }
}

export! {
    /// Wakes workers for the jobs held by `rp_engine_submit(.., hold = 1)`.
    fn rp_engine_wake(id: u32) {
        crate::engine::wake(id)
    }
}

export! {
    /// Cancels a job (f64 id); the slot `state` gets 1 (was queued, now
    /// reported), 2 (running, flagged) or 0 (unknown or finished).
    fn rp_engine_cancel(id: u32, job: f64, state: *mut u8) {
        let s = crate::engine::cancel(id, job as u64)?;
        write_slot(state, (s as f64).to_bits())
    }
}

export! {
    /// Test gate step (see `engine::gate_step`): inside an engine job, holds
    /// the worker until gate `gate` opens or the job is cancelled.
    fn rp_test_gate(gate: u32) {
        crate::engine::gate_step(gate)
    }
}

export! {
    /// Test gate control (see `engine::gate_ctl`): `op` 0 closes and resets,
    /// 1 opens, 2 reads; the slot `entered` gets the count of steps that
    /// entered the gate.
    fn rp_test_gate_ctl(gate: u32, op: u32, entered: *mut u8) {
        let n = crate::engine::gate_ctl(gate, op)?;
        write_slot(entered, (n as f64).to_bits())
    }
}

export! {
    /// Moves finished jobs into `out` (f64 x 6 each, `cap` entries) and
    /// their messages into `msg`; the count goes to the slot `count`.
    fn rp_engine_poll(id: u32, out: *mut u8, cap: u32, msg: *mut u8, msg_cap: u32, count: *mut u8) {
        let out = out_slice::<f64>(out, cap.saturating_mul(6), "out")?;
        let msg = out_slice::<u8>(msg, msg_cap, "msg")?;
        let n = crate::engine::poll(id, out, msg)?;
        write_slot(count, (n as f64).to_bits())
    }
}

export! {
    /// `[queued, running, busy workers, finished-not-polled]` into `out` (f64 x 4).
    fn rp_engine_stats(id: u32, out: *mut u8) {
        let s = crate::engine::stats(id)?;
        out_slice::<f64>(out, 4, "out")?.copy_from_slice(&s);
        Ok(())
    }
}

export! {
    /// Stops accepting jobs; without `drain` cancels queued and running
    /// ones. Threads exit on their own once everything is reported.
    fn rp_engine_close(id: u32, drain: u32) {
        crate::engine::close(id, drain != 0, false)
    }
}
