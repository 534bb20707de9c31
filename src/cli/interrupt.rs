//! Stop signals while writes are in flight (product.md §6 "Record", §15 "Stop signals"):
//! the first SIGINT (Ctrl-C), SIGTERM or SIGHUP starts nothing new and lets the writes in flight
//! settle, so whether they landed is told and recorded in the history (as terraform finishes
//! what it started); the run then ends with 128 + n, after its usual output. A second one, or
//! SIGQUIT, quits at once, naming the writes that may still land. Only around the writes
//! themselves: a prompt before them still ends on the first signal, as any program does.

use crate::error::RunError;
use crate::say::warn;
use std::future::Future;
use std::sync::atomic::{AtomicI32, Ordering};

/// The first stop signal taken in this process (0: none).
static STOPPED: AtomicI32 = AtomicI32::new(0);

/// The signal that stopped the writes, if one did: the run ends with 128 + it.
pub fn stopped_by() -> Option<i32> {
    match STOPPED.load(Ordering::Relaxed) {
        0 => None,
        n => Some(n),
    }
}

/// What a signal asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// The first SIGINT, SIGTERM or SIGHUP: start nothing new, settle what is in flight.
    Settle(i32),
    /// A second one, or SIGQUIT: quit now.
    Now(i32),
}

/// How orws names a signal to the person: "Ctrl-C", "SIGTERM", …
pub fn name(n: i32) -> String {
    match n {
        libc::SIGINT => "Ctrl-C".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGHUP => "SIGHUP".into(),
        libc::SIGQUIT => "SIGQUIT".into(),
        n => format!("signal {n}"),
    }
}

/// One write: a stop signal lets it finish (the caller then records it and ends with 128 + n);
/// a second one, or SIGQUIT, quits at once, the write in doubt.
pub async fn finish_write<T>(write: impl Future<Output = T>) -> Result<T, RunError> {
    tokio::pin!(write);
    // One listener for every signal, made before the write is polled, so none is missed.
    let Some(mut stops) = Stops::new() else {
        // No handler could be installed: the signals' defaults stand; just finish.
        return Ok(write.await);
    };
    let first = tokio::select! {
        out = &mut write => return Ok(out),
        stop = stops.next() => stop,
    };
    let now = match first {
        Stop::Now(n) => n,
        Stop::Settle(n) => {
            warn(&format!(
                "{}: the write in flight is finished first, so what lands is told and recorded; a second signal (or SIGQUIT) quits at once",
                name(n)
            ));
            tokio::select! {
                out = &mut write => return Ok(out),
                stop = stops.next() => match stop {
                    Stop::Settle(n) | Stop::Now(n) => n,
                },
            }
        }
    };
    warn(&format!(
        "{}: quitting at once: the write in flight may still land on the server; check before trying again",
        name(now)
    ));
    Err(RunError::Signalled(now))
}

/// SIGINT, SIGTERM, SIGHUP and SIGQUIT as one stream of stops.
pub struct Stops {
    #[cfg(unix)]
    streams: Vec<(tokio::signal::unix::Signal, i32)>,
    settling: bool,
}

impl Stops {
    /// `None` when no handler could be installed.
    #[cfg(unix)]
    pub fn new() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        let streams: Vec<_> = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT]
            .into_iter()
            .filter_map(|n| signal(SignalKind::from_raw(n)).ok().map(|s| (s, n)))
            .collect();
        (!streams.is_empty()).then_some(Self {
            streams,
            settling: false,
        })
    }

    #[cfg(not(unix))]
    pub fn new() -> Option<Self> {
        Some(Self { settling: false })
    }

    /// The next stop. The first SIGINT, SIGTERM or SIGHUP is [`Stop::Settle`] (and becomes
    /// the exit code, see [`stopped_by`]); any later one, and SIGQUIT, is [`Stop::Now`].
    pub async fn next(&mut self) -> Stop {
        let n = self.recv().await;
        if n == libc::SIGQUIT || self.settling {
            return Stop::Now(n);
        }
        self.settling = true;
        let _ = STOPPED.compare_exchange(0, n, Ordering::Relaxed, Ordering::Relaxed);
        crate::write::stop::request(n);
        Stop::Settle(n)
    }

    #[cfg(unix)]
    async fn recv(&mut self) -> i32 {
        let waits = self.streams.iter_mut().map(|(stream, n)| {
            let n = *n;
            Box::pin(async move {
                if stream.recv().await.is_none() {
                    // An ended stream never fires.
                    std::future::pending::<()>().await;
                }
                n
            })
        });
        futures_util::future::select_all(waits).await.0
    }

    #[cfg(not(unix))]
    async fn recv(&mut self) -> i32 {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
        libc::SIGINT
    }
}
