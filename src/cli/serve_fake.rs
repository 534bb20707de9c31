//! `orws serve-fake`: the fake OpenRouter in the foreground; its URL is the first stdout line.

use super::args::ServeFakeArgs;
use crate::error::RunError;
use crate::fake::{FailNext, FakeConfig};
use std::io::Write;
use std::time::Duration;

pub async fn run(args: ServeFakeArgs) -> Result<(), RunError> {
    let fail_next = args
        .fail_next
        .iter()
        .map(|s| {
            s.parse::<FailNext>()
                .map_err(|e| RunError::usage(format!("--fail-next {s}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    if !args.addr.ip().is_loopback() {
        return Err(RunError::usage(format!(
            "--addr {}: the fake serves loopback only (127.0.0.1 or ::1)",
            args.addr
        )));
    }
    let extra_workspaces = crate::fake::generate::check_count(args.extra_workspaces)
        .map_err(|e| RunError::usage(format!("--extra-workspaces: {e}")))?;
    let now = match &args.now {
        Some(text) => {
            Some(crate::fake::parse_now(text).map_err(|e| RunError::usage(format!("--now: {e}")))?)
        }
        None => None,
    };
    let config = FakeConfig {
        now,
        addr: args.addr,
        seed: args.seed,
        latency: Duration::from_millis(args.latency_ms),
        retry_after: Duration::from_secs(args.retry_after),
        api_key: args.api_key,
        fail_next,
        extra_workspaces,
    };
    crate::fake::serve_forever(config, |url| {
        let mut out = std::io::stdout().lock();
        // The URL first and flushed at once: scripts read it to find the port.
        let _ = writeln!(out, "{url}");
        let _ = out.flush();
        crate::say::say(&format!(
            "fake OpenRouter serving at {url} (Ctrl-C to stop)"
        ));
    })
    .await
    .map_err(|e| {
        let message = format!("the fake server failed: {e}");
        // A missing or broken seed file is the caller's input, not a server failure.
        match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidData => {
                RunError::usage(message)
            }
            _ => RunError::api(message),
        }
    })
}
