//! What the admin commands share: finding the workspace asked for, asking before destructive
//! writes, printing a dry run's requests, sending a plan through the core's one send
//! ([`send`]) and telling its steps and failure, and the history.

use super::Output;
use super::output::json_pretty;
use crate::api::{ApiError, Client};
use crate::connection::Connection;
use crate::error::RunError;
use crate::state::history::HistoryEntry;
use crate::text::escape;
use crate::workspace::Workspace;
use crate::write::RetryPolicy;
use crate::write::record::Reverting;
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

impl From<&crate::write::request::Request> for Request {
    fn from(r: &crate::write::request::Request) -> Self {
        Self::new(r.method(), r.path(), r.body())
    }
}

/// The requests a dry run would send, on stdout; the note that nothing was sent, on stderr.
pub fn dry_run(output: Output, requests: &[Request]) -> String {
    crate::say::say(&format!(
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

/// Whether `what` must be confirmed on the terminal: not with `--yes`; without a terminal to
/// ask on, refused (exit 2).
fn must_ask(what: &str, yes: bool) -> Result<bool, RunError> {
    if yes {
        return Ok(false);
    }
    if !can_ask() {
        return Err(RunError::usage(format!(
            "{what} needs confirmation and there is no terminal to ask on: pass --yes; nothing was sent"
        )));
    }
    Ok(true)
}

/// A destructive write: `--yes`, else a y/N question on a terminal, else refused (exit 2).
pub fn confirm(question: &str, yes: bool) -> Result<(), RunError> {
    if !must_ask(question, yes)? {
        return Ok(());
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
    if !must_ask(&format!("deleting workspace '{slug}'"), yes)? {
        return Ok(());
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

tokio::task_local! {
    /// Set while `orws revert` sends its undo through the write commands: what they record is
    /// the undo of that entry (kind `revert`).
    static REVERTING: Reverting;
}

/// Runs `f` (an undo sent through the write commands) so that each entry it records is marked
/// as the undo of `undone` (kind `revert`, `of`, `reverts`), batches included.
pub async fn reverting<F: Future>(undone: &HistoryEntry, f: F) -> F::Output {
    REVERTING.scope(Reverting::of(undone), f).await
}

/// The entry being undone, inside [`reverting`].
pub fn reverting_now() -> Option<Reverting> {
    REVERTING.try_with(Clone::clone).ok()
}

/// Sends a plan of admin requests through the core's one send
/// ([`crate::write::send::send`]), telling each step on stderr as [`tell`] does, and each
/// note of its answers (a lost answer settled by reading again), those that landed before a
/// failure too. `landed` hears, as the plan goes, how many of its requests landed so far
/// (all before the one in flight), so a second signal that quits at once can still record
/// them. The outer error is such a quit (128 + n).
pub async fn send_plan(
    client: &Client,
    plan: &crate::write::send::Plan<'_>,
    landed: &std::cell::Cell<usize>,
) -> Result<Result<Vec<crate::write::request::Answer>, crate::write::send::Failure>, RunError> {
    use crate::write::request::Answer;
    let requests = plan.requests;
    let on_step = |r: &crate::write::request::Request, step: crate::write::Step<'_>| {
        // Reaching a request means every request before it landed.
        if let Some(i) = requests.iter().position(|q| std::ptr::eq(q, r)) {
            landed.set(landed.get().max(i));
        }
        tell(step);
    };
    let sent = crate::write::send::send(client, plan, RetryPolicy::default(), on_step);
    let sent = super::interrupt::finish_write(sent).await?;
    let answers = match &sent {
        Ok(answers) => answers,
        Err(f) => &f.landed,
    };
    for a in answers {
        if let Answer::Note(note) = a {
            crate::say::say(&escape(note));
        }
    }
    Ok(sent)
}

/// [`send_plan`], its failure the run's error ([`failed`]).
pub async fn send(
    client: &Client,
    plan: &crate::write::send::Plan<'_>,
    refused: impl FnOnce(ApiError) -> RunError,
    how: &str,
) -> Result<Vec<crate::write::request::Answer>, RunError> {
    let landed = std::cell::Cell::new(0);
    send_plan(client, plan, &landed)
        .await?
        .map_err(|f| failed(f, refused, how))
}

/// A plan's failure as the run's error: a refusal as `refused` explains it; a stop signal
/// before it was sent, 128 + n; a key moved or deleted since it was read, another writer's
/// value (during a wait, or found before anything was sent), a workspace that names another
/// unconfigured default guardrail when read again, or a workspace this create cannot tell
/// it made, a conflict (exit 3); a guardrail that is another workspace's, not applied,
/// partly applied or in doubt, exit 1 (`how` is the command that tells by hand).
pub fn failed(
    failure: crate::write::send::Failure,
    refused: impl FnOnce(ApiError) -> RunError,
    how: &str,
) -> RunError {
    use crate::write::send::Why;
    match failure.why {
        Why::Refused(e) => refused(e),
        Why::Stopped => RunError::Signalled(
            super::interrupt::stopped_by()
                .or_else(crate::write::stop::requested)
                .unwrap_or(libc::SIGINT),
        ),
        Why::KeyGone { hash, at } => RunError::conflict(format!(
            "key {hash} is no longer in workspace {} (moved or deleted since it was read); nothing was sent",
            at.as_deref().unwrap_or("(unknown)")
        )),
        Why::Unread(e) => RunError::from(e).with_detail("nothing was sent"),
        Why::NotApplied(error) => RunError::from(error)
            .with_detail("checked the server: it was not applied; nothing more was sent"),
        Why::Partial(error) => RunError::from(error).with_detail(
            "checked the server: part of it was applied, the rest was not; nothing more was sent",
        ),
        Why::Conflict { error, what } => RunError::conflict(format!(
            "conflict: {}; nothing more was sent (after: {})",
            escape(&what),
            escape(&error.to_string())
        )),
        why @ (Why::Changed(_) | Why::DefaultMoved { .. }) => {
            RunError::conflict(escape(&why.to_string()))
        }
        why @ Why::NotTheDefault(_) => RunError::api(escape(&why.to_string())),
        Why::NotOurs(line) => RunError::conflict(line),
        Why::InDoubt { error, reread } => RunError::api(format!(
            "{error}; reading again to tell whether it was applied failed too ({reread}); check with `{how}`"
        )),
    }
}

/// A step of a write, on stderr: a busy server's wait, a re-read.
fn tell(step: crate::write::Step<'_>) {
    use crate::write::Step;
    match step {
        Step::Sending { .. } => {}
        Step::Waiting {
            error,
            wait,
            attempt,
            max,
        } => crate::say::say(&format!(
            "{}; reading again and retrying in {:.1} s (try {attempt} of {max})",
            escape(&error.to_string()),
            wait.as_secs_f64(),
        )),
        Step::Rechecking(error) => crate::say::say(&format!(
            "{}; reading again to tell whether it was applied",
            escape(&error.to_string())
        )),
    }
}

/// Appends an applied write to the history (inside [`reverting`], as the undo it is). A
/// failure does not undo the write (it stands); the run then ends with exit 1, see
/// [`not_recorded`].
pub fn record(conn: &Connection, entry: &HistoryEntry) {
    let Some(dir) = &conn.state_dir else {
        return;
    };
    let marked = reverting_now().map(|r| r.mark(entry.clone()));
    if let Err(e) = crate::state::history::append(dir, marked.as_ref().unwrap_or(entry)) {
        not_recorded(&e);
    }
}

/// Why a history entry could not be written (an unsafe state directory: a symlink; a full
/// disk), kept until the command ends. One run is one command, so this lives in the process.
static NOT_RECORDED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Notes that an applied write's history entry could not be written. The write stands; the
/// README's exit codes say orws's own files (history) failing is exit 1, so the command ends
/// with exit 1 after printing its result ([`with_history`]).
pub fn not_recorded(e: &std::io::Error) {
    not_recorded_because(e.to_string());
}

/// [`not_recorded`] with the reason as text (a batch's recorder says it as an event).
pub fn not_recorded_because(why: String) {
    let mut all = NOT_RECORDED.lock().unwrap_or_else(|p| p.into_inner());
    all.push(why);
}

/// A command's end, with what [`not_recorded`] noted folded in: a result is printed and then
/// exit 1 says the write stands unrecorded; an error keeps its line with that added (exit 1:
/// a failure outranks a conflict); a signal keeps its code, the line said on stderr.
pub fn with_history(result: Result<String, RunError>) -> Result<String, RunError> {
    let why: Vec<String> =
        std::mem::take(&mut *NOT_RECORDED.lock().unwrap_or_else(|p| p.into_inner()));
    let Some(first) = why.first() else {
        return result;
    };
    let line = format!(
        "what was written stands, but its history entry could not be written ({first}): `orws history` does not list it and `orws revert` cannot undo it"
    );
    match result {
        Ok(out) => {
            super::print_now(&out);
            Err(RunError::State(line))
        }
        Err(RunError::Signalled(n)) => {
            crate::say::warn(&line);
            Err(RunError::Signalled(n))
        }
        Err(e) => {
            let m = match e {
                RunError::Api(m)
                | RunError::State(m)
                | RunError::Terminal(m)
                | RunError::Usage(m)
                | RunError::Conflict(m) => m,
                other => other.to_string(),
            };
            Err(RunError::State(format!("{m}; {line}")))
        }
    }
}

/// Whether an error means the thing is not there.
pub fn is_not_found(e: &ApiError) -> bool {
    matches!(e, ApiError::NotFound { .. })
}
