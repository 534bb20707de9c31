//! Ctrl-C while a write is in flight. The first one lets the write finish, so whether it landed
//! is told and recorded in the history (as terraform finishes what it started); a second quits
//! at once (exit 130), the write then in doubt. Only around the write itself: a prompt before it
//! still quits on the first Ctrl-C.

use super::say::warn;
use crate::error::RunError;
use std::future::Future;

pub async fn finish_write<T>(write: impl Future<Output = T>) -> Result<T, RunError> {
    tokio::pin!(write);
    // One listener for both presses, made before the write is polled, so none is missed.
    let Some(mut interrupts) = Interrupts::new() else {
        // No handler could be installed: the signal's default stands; just finish.
        return Ok(write.await);
    };
    tokio::select! {
        out = &mut write => return Ok(out),
        () = interrupts.next() => {}
    }
    warn(
        "Ctrl-C: the write in flight is finished first, so what lands is told and recorded; Ctrl-C again quits at once",
    );
    tokio::select! {
        out = &mut write => Ok(out),
        () = interrupts.next() => {
            warn("quitting: the write may still land on the server; check before trying again");
            Err(RunError::Signalled(libc::SIGINT))
        }
    }
}

/// SIGINT as a stream of presses.
struct Interrupts {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
}

impl Interrupts {
    #[cfg(unix)]
    fn new() -> Option<Self> {
        use tokio::signal::unix::{SignalKind, signal};
        signal(SignalKind::interrupt())
            .ok()
            .map(|signal| Self { signal })
    }

    #[cfg(not(unix))]
    fn new() -> Option<Self> {
        Some(Self {})
    }

    /// The next press (never, once the stream has ended).
    async fn next(&mut self) {
        #[cfg(unix)]
        if self.signal.recv().await.is_none() {
            std::future::pending::<()>().await;
        }
        #[cfg(not(unix))]
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}
