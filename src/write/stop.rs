//! The one stop signal of the process (product.md §15 "Stop signals"): once SIGINT, SIGTERM or
//! SIGHUP is taken during writes, no write sends another request except the re-reads that settle
//! what is already sent, and a write waiting on `Retry-After` is settled by one re-read at once.
//! Both front ends raise it from their signal handling; the one retry loop obeys it.

use std::sync::atomic::{AtomicI32, Ordering};
use tokio::sync::Notify;

static SIGNAL: AtomicI32 = AtomicI32::new(0);
static WAKE: Notify = Notify::const_new();

/// Asks every write to stop (the first signal `n` is kept).
pub fn request(n: i32) {
    let _ = SIGNAL.compare_exchange(0, n, Ordering::SeqCst, Ordering::SeqCst);
    WAKE.notify_waiters();
}

/// The signal that asked writes to stop, if one did.
pub fn requested() -> Option<i32> {
    match SIGNAL.load(Ordering::SeqCst) {
        0 => None,
        n => Some(n),
    }
}

/// Waits out `wait`, or less if a stop is asked meanwhile.
pub async fn wait_or_stop(wait: std::time::Duration, sleep: super::Sleep) {
    if requested().is_some() {
        return;
    }
    let woken = WAKE.notified();
    tokio::pin!(woken);
    // Registered before the second look, so a stop between the two is not missed.
    woken.as_mut().enable();
    if requested().is_some() {
        return;
    }
    tokio::select! {
        () = sleep(wait) => {}
        () = woken => {}
    }
}

/// For tests in this process: forget a stop asked before.
#[doc(hidden)]
pub fn reset_for_tests() {
    SIGNAL.store(0, Ordering::SeqCst);
}
