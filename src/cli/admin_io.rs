//! What the admin commands share: finding the workspace asked for, asking before destructive
//! writes, printing a dry run's requests, telling a doubtful write's end by reading again, and
//! the history. Writes are one try each (`WriteFailure`), like `submit`'s: never retried blindly.

use super::Output;
use super::output::json_pretty;
use crate::api::{ApiError, Client, WriteFailure};
use crate::connection::Connection;
use crate::error::RunError;
use crate::state::history::HistoryEntry;
use crate::text::escape;
use crate::workspace::Workspace;
use crate::write::{RetryPolicy, Settled};
use serde_json::{Value, json};
use std::future::Future;
use std::io::IsTerminal;

/// One request as a dry run prints it.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
}

impl Request {
    pub fn new(method: &'static str, path: impl Into<String>, body: Option<Value>) -> Self {
        Self {
            method,
            path: path.into(),
            body,
        }
    }
}

/// The requests a dry run would send, on stdout; the note that nothing was sent, on stderr.
pub fn dry_run(output: Output, requests: &[Request]) -> String {
    super::say::say(&format!(
        "dry run: nothing was sent; {} request{} would be",
        requests.len(),
        if requests.len() == 1 { "" } else { "s" }
    ));
    match output {
        Output::Json => json_pretty(&json!({
            "dry_run": true,
            "requests": requests
                .iter()
                .map(|r| json!({"method": r.method, "path": r.path, "body": r.body}))
                .collect::<Vec<_>>(),
        })),
        Output::Table => {
            let mut out = String::new();
            for r in requests {
                out.push_str(&format!("{} {}\n", r.method, escape(&r.path)));
                if let Some(body) = &r.body {
                    out.push_str(&json_pretty(body));
                }
            }
            out
        }
    }
}

/// The workspace asked for (uuid or slug); an answer about another one is refused.
pub async fn workspace(client: &Client, asked: &str) -> Result<Workspace, RunError> {
    let ws = client.get(asked).await?;
    super::identity::check_answer(asked, &ws)?;
    Ok(ws)
}

/// Whether a person can be asked: stdin and stderr are terminals.
fn can_ask() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn read_answer(prompt: &str) -> Result<String, RunError> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| RunError::Terminal(format!("cannot read the answer: {e}")))?;
    Ok(line.trim().to_string())
}

/// A destructive write: `--yes`, else a y/N question on a terminal, else refused (exit 2).
pub fn confirm(question: &str, yes: bool) -> Result<(), RunError> {
    if yes {
        return Ok(());
    }
    if !can_ask() {
        return Err(RunError::usage(format!(
            "{question} needs confirmation and there is no terminal to ask on: pass --yes; nothing was sent"
        )));
    }
    match read_answer(&format!("{question} [y/N] "))?
        .to_ascii_lowercase()
        .as_str()
    {
        "y" | "yes" => Ok(()),
        _ => Err(RunError::usage("not confirmed; nothing was sent")),
    }
}

/// A workspace delete: `--yes`, else the person types the slug on a terminal, else refused.
pub fn confirm_slug(slug: &str, yes: bool) -> Result<(), RunError> {
    if yes {
        return Ok(());
    }
    if !can_ask() {
        return Err(RunError::usage(format!(
            "deleting workspace '{slug}' needs confirmation and there is no terminal to ask on: pass --yes; nothing was sent"
        )));
    }
    let typed = read_answer(&format!("Type the slug '{}' to delete it: ", escape(slug)))?;
    if typed == slug {
        Ok(())
    } else {
        Err(RunError::usage(
            "the slug typed does not match; nothing was sent",
        ))
    }
}

/// A write's end, told by reading again when the answer alone could not.
pub enum Ended<T> {
    /// Answered cleanly.
    Done(T),
    /// No clean answer, but reading again shows it was applied.
    AfterAll,
}

/// Sends one write through the one retry loop ([`crate::write::run`], telling each step on
/// stderr): a refusal is final (`refused` explains it); a failure that may have landed, and a
/// busy server (429/503) after its wait, are settled by `recheck`, which says what the server
/// holds against the base and what was sent; only a write the server still does not hold is
/// sent again, and another writer's value is a conflict (exit 3), nothing more sent. `how` is
/// the command that tells by hand when reading again fails.
pub async fn write<T, SF, RF>(
    send: impl FnMut() -> SF,
    recheck: impl FnMut() -> RF,
    refused: impl FnOnce(ApiError) -> RunError,
    how: &str,
) -> Result<Ended<T>, RunError>
where
    SF: Future<Output = Result<T, WriteFailure>>,
    RF: Future<Output = Result<Settled<String>, ApiError>>,
{
    use crate::write::{End, Step};
    let write = crate::write::run(send, recheck, RetryPolicy::default(), |step| match step {
        Step::Sending { .. } => {}
        Step::Waiting {
            error,
            wait,
            attempt,
            max,
        } => super::say::say(&format!(
            "{}; reading again and retrying in {:.1} s (try {attempt} of {max})",
            escape(&error.to_string()),
            wait.as_secs_f64(),
        )),
        Step::Rechecking(error) => super::say::say(&format!(
            "{}; reading again to tell whether it was applied",
            escape(&error.to_string())
        )),
    });
    let end = super::interrupt::finish_write(write).await?;
    match end {
        End::Done(t) => Ok(Ended::Done(t)),
        End::AfterAll => {
            super::say::say(
                "the write got no clean answer, but reading again shows it was applied",
            );
            Ok(Ended::AfterAll)
        }
        End::Refused(e) => Err(refused(e)),
        End::NotApplied(error) => Err(RunError::from(error)
            .with_detail("checked the server: it was not applied; nothing more was sent")),
        End::Partial(error) => Err(RunError::from(error).with_detail(
            "checked the server: part of it was applied, the rest was not; nothing more was sent",
        )),
        End::Conflict { error, what } => Err(RunError::conflict(format!(
            "conflict: {}; nothing more was sent (after: {})",
            escape(&what),
            escape(&error.to_string())
        ))),
        End::InDoubt { error, reread } => Err(RunError::api(format!(
            "{error}; reading again to tell whether it was applied failed too ({reread}); check with `{how}`"
        ))),
    }
}

/// Appends an applied write to the history; a failure is a warning, the write stands.
pub fn record(conn: &Connection, entry: &HistoryEntry) {
    let Some(dir) = &conn.state_dir else {
        return;
    };
    if let Err(e) = crate::state::history::append(dir, entry) {
        super::say::warn(&format!(
            "the history could not be written: {}",
            escape(&e.to_string())
        ));
    }
}

/// A JSON object from pairs, for history entries.
pub fn map(pairs: Value) -> serde_json::Map<String, Value> {
    match pairs {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    }
}

/// The encoded path segment of an id typed on the command line, as the client encodes it.
pub fn seg(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for b in segment.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether an error means the thing is not there.
pub fn is_not_found(e: &ApiError) -> bool {
    matches!(e, ApiError::NotFound { .. })
}
