//! The batch write: many workspaces' minimal patches, each through the safe write of
//! [`crate::submit`] (its own conflict check right before its PATCH, its own tries), at most
//! `concurrency` in flight. A 429/503 slows the whole batch: new writes wait out the server's
//! delay and fewer run at once, growing back by one per success. Used by the TUI bulk edit
//! and by `orws apply`.
//!
//! With a [`Journal`] the batch records itself as it goes (product.md §6 "Record", §15 "Batch
//! history lines"): its `batch` line before the first write, then one `patch` line per write
//! as it lands, naming the batch. A crash or `kill -9` loses at most the writes in flight.

use crate::api::Client;
use crate::state::history::HistoryEntry;
use crate::submit::{Phase, RetryPolicy, WriteOutcome, WriteRequest, safe_patch};
use crate::workspace::{PatchBody, Workspace, display_value};
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// One workspace's write in a batch.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The uuid every request goes to.
    pub id: String,
    /// What the person knows it by (slug, else name, else id).
    pub label: String,
    /// The state the change was planned on: right before its PATCH the workspace is read
    /// again and each field the patch changes must still hold this value, else a conflict and
    /// nothing is sent. Only the fields the patch names (and `id`) need to be present.
    pub base: Workspace,
    /// The minimal patch; never empty.
    pub patch: PatchBody,
}

impl Item {
    /// The label for a workspace: its slug, else its name, else its id.
    pub fn label_of(ws: &Workspace) -> String {
        ws.label().to_string()
    }
}

#[derive(Debug, Clone)]
pub struct Options {
    /// Writes in flight at once, at least 1.
    pub concurrency: usize,
    /// Each item's own limits on 429/503.
    pub policy: RetryPolicy,
    /// Where the batch records what lands, as it lands; `None` records nothing.
    pub journal: Option<Journal>,
}

impl Options {
    pub fn new(concurrency: usize) -> Self {
        Self {
            concurrency: concurrency.max(1),
            policy: RetryPolicy::default(),
            journal: None,
        }
    }

    /// Records the batch in `dir`'s history, for `host`, as its writes land.
    pub fn recorded(mut self, dir: Option<PathBuf>, host: &str) -> Self {
        self.journal = dir.map(|dir| Journal::new(dir, host));
        self
    }

    /// The batch is the undo of an entry: its line is a `revert` naming it (call after
    /// [`Options::recorded`]; `None` leaves it a batch).
    pub fn reverting(mut self, of: Option<crate::write::record::Reverting>) -> Self {
        if let Some(journal) = &mut self.journal {
            journal.reverting = of;
        }
        self
    }
}

/// A batch's history: the `batch` line, written when the first write is about to start, then
/// a part line for each write as it lands.
#[derive(Debug, Clone, PartialEq)]
pub struct Journal {
    pub dir: PathBuf,
    pub host: String,
    /// The batch line's id, which each part names.
    pub id: String,
    /// When the batch undoes an entry: its line is kind `revert` (`of`, `reverts: batch`),
    /// its parts `patch` lines naming it as any batch's do.
    pub reverting: Option<crate::write::record::Reverting>,
    started: bool,
    /// Set once an append failed: said once.
    failed: bool,
}

impl Journal {
    pub fn new(dir: PathBuf, host: &str) -> Self {
        Self {
            dir,
            host: host.to_string(),
            id: crate::state::history::new_id(),
            reverting: None,
            started: false,
            failed: false,
        }
    }

    /// The batch line, once. An error is returned the first time only.
    fn start(&mut self) -> Option<String> {
        if self.started {
            return None;
        }
        self.started = true;
        let mut head = HistoryEntry::batch(&self.host, Vec::new());
        head.id = self.id.clone();
        if let Some(r) = &self.reverting {
            head = r.mark(head);
        }
        self.append(&head)
    }

    /// The part line for what landed of `outcome`, if anything did.
    fn part(&mut self, outcome: &WriteOutcome) -> Option<String> {
        let s = landed(Some(outcome))?;
        let part = HistoryEntry::new(
            crate::state::now_rfc3339(),
            &self.host,
            &s.patch,
            &s.before,
            &s.after,
        )
        .part_of(&self.id);
        self.append(&part)
    }

    fn append(&mut self, entry: &HistoryEntry) -> Option<String> {
        let e = crate::state::history::append(&self.dir, entry).err()?;
        (!std::mem::replace(&mut self.failed, true)).then(|| e.to_string())
    }
}

/// Progress, sent as it happens.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Item `index` is at `phase`.
    Phase { index: usize, phase: Phase },
    /// Item `index` ended; its outcome is at the same index in what [`run`] returns.
    Done { index: usize, status: Status },
    /// The server asked to slow down: new writes wait `wait`, and `limit` run at once.
    Slowed { limit: usize, wait: Duration },
    /// The history could not be written (said once per batch): what lands is not recorded.
    Unrecorded(String),
}

/// How an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    /// The server holds another value than the plan saw: nothing was sent.
    Conflict,
    Failed,
    /// Stopped before it started.
    NotStarted,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Applied => "applied",
            Status::Conflict => "conflict",
            Status::Failed => "failed",
            Status::NotStarted => "not started",
        }
    }
}

type Running<'a> = Pin<Box<dyn Future<Output = (usize, WriteOutcome)> + Send + 'a>>;

/// Runs every item, at most `options.concurrency` at once, in the calling task (no spawn: it
/// works on a current-thread runtime). Once `stop` holds `true`, items not yet started stay
/// unstarted (`None`); those in flight finish. One entry per item, in order. With
/// `options.journal`, each write is in the history as soon as it lands.
pub async fn run(
    client: &Client,
    items: &[Item],
    options: Options,
    events: mpsc::UnboundedSender<Event>,
    mut stop: watch::Receiver<bool>,
) -> Vec<Option<WriteOutcome>> {
    let max = options.concurrency.max(1);
    let mut journal = options.journal.clone();
    let mut limit = max;
    let mut outcomes: Vec<Option<WriteOutcome>> = vec![None; items.len()];
    let mut next = 0;
    let mut not_before: Option<Instant> = None;
    let mut stop_open = true;
    let (phase_tx, mut phase_rx) = mpsc::unbounded_channel::<(usize, Phase)>();
    let mut running: FuturesUnordered<Running<'_>> = FuturesUnordered::new();
    loop {
        let stopped = *stop.borrow();
        let gate_open = not_before.is_none_or(|t| Instant::now() >= t);
        while !stopped && gate_open && next < items.len() && running.len() < limit {
            // The batch's line goes first, so each part names a batch already in the file.
            if let Some(error) = journal.as_mut().and_then(Journal::start) {
                let _ = events.send(Event::Unrecorded(error));
            }
            let index = next;
            next += 1;
            let tx = phase_tx.clone();
            let item = &items[index];
            running.push(Box::pin(async move {
                let req = WriteRequest {
                    id: &item.id,
                    base: &item.base,
                    patch: &item.patch,
                    expects: &[],
                    base_is_fresh: false,
                };
                let outcome = safe_patch(client, req, options.policy, move |phase| {
                    let _ = tx.send((index, phase));
                })
                .await;
                (index, outcome)
            }));
        }
        if running.is_empty() && (stopped || next >= items.len()) {
            break;
        }
        let gate = not_before.filter(|t| *t > Instant::now());
        tokio::select! {
            Some((index, outcome)) = running.next(), if !running.is_empty() => {
                // Recorded before anything else: the next moment may be a kill.
                if let Some(error) = journal.as_mut().and_then(|j| j.part(&outcome)) {
                    let _ = events.send(Event::Unrecorded(error));
                }
                let status = status(Some(&outcome));
                if status == Status::Applied {
                    limit = (limit + 1).min(max);
                }
                outcomes[index] = Some(outcome);
                let _ = events.send(Event::Done { index, status });
            }
            Some((index, phase)) = phase_rx.recv() => {
                if let Phase::Waiting(notice) = &phase {
                    limit = (limit / 2).max(1);
                    let until = Instant::now() + notice.wait;
                    not_before = Some(not_before.map_or(until, |t| t.max(until)));
                    let _ = events.send(Event::Slowed { limit, wait: notice.wait });
                }
                let _ = events.send(Event::Phase { index, phase });
            }
            _ = tokio::time::sleep_until(gate.unwrap_or_else(Instant::now)), if gate.is_some() => {}
            changed = stop.changed(), if stop_open => {
                // A dropped sender can never stop the batch: stop watching it.
                stop_open = changed.is_ok();
            }
        }
    }
    // Phases still queued belong to items that ended; they are of no more use.
    for (index, outcome) in outcomes.iter().enumerate() {
        if outcome.is_none() {
            let _ = events.send(Event::Done {
                index,
                status: Status::NotStarted,
            });
        }
    }
    outcomes
}

/// Applied (also partly: see [`reason`]) / Conflict / Failed / NotStarted.
pub fn status(outcome: Option<&WriteOutcome>) -> Status {
    match outcome {
        None => Status::NotStarted,
        Some(WriteOutcome::Applied(_)) => Status::Applied,
        Some(WriteOutcome::Conflict { .. } | WriteOutcome::Expectation { .. }) => Status::Conflict,
        Some(
            WriteOutcome::WrongTarget(_)
            | WriteOutcome::PartlyApplied { .. }
            | WriteOutcome::NotApplied { .. }
            | WriteOutcome::InDoubt { .. },
        ) => Status::Failed,
    }
}

/// One line for the person, escaped: "applied", "conflict: name changed on the server (A → B)",
/// "failed: …", "partly applied: …", "not started".
pub fn reason(outcome: Option<&WriteOutcome>) -> String {
    let text = match outcome {
        None => "not started".to_string(),
        Some(WriteOutcome::Applied(applied)) => {
            let mut s = if applied.after_all {
                "applied (the answer was lost; a re-read shows it landed)".to_string()
            } else {
                "applied".to_string()
            };
            if !applied.mismatches.is_empty() {
                let names: Vec<&str> = applied
                    .mismatches
                    .iter()
                    .map(|m| m.field.as_str())
                    .collect();
                s.push_str(&format!("; stored differently: {}", names.join(", ")));
            }
            s
        }
        Some(WriteOutcome::Conflict { report, .. }) => {
            let rows: Vec<String> = report
                .conflicts
                .iter()
                .map(|c| {
                    format!(
                        "{} changed on the server ({} → {})",
                        c.field,
                        display_value(c.base.as_ref()),
                        display_value(c.theirs.as_ref())
                    )
                })
                .collect();
            format!("conflict: {}; nothing sent", rows.join(", "))
        }
        Some(WriteOutcome::Expectation { message, .. }) => format!("conflict: {message}"),
        Some(WriteOutcome::WrongTarget(w)) => format!("failed: {w}"),
        Some(WriteOutcome::PartlyApplied {
            applied,
            missing,
            error,
        }) => format!(
            "failed: {} ({error})",
            crate::submit::partly_applied_text(&applied.outcome.patch, missing)
        ),
        Some(WriteOutcome::NotApplied { error, checked, .. }) => match checked {
            Some(how) => format!("failed: {error} ({how})"),
            None => format!("failed: {error}"),
        },
        Some(WriteOutcome::InDoubt { error, reread }) => {
            format!("failed: {error}; it may have landed, and reading it again failed ({reread})")
        }
    };
    crate::text::escape(&text).into_owned()
}

/// The landed part of an outcome: `(patch, before, after)`.
pub fn landed(outcome: Option<&WriteOutcome>) -> Option<&crate::submit::SubmitOutcome> {
    match outcome? {
        WriteOutcome::Applied(applied) => Some(&applied.outcome),
        WriteOutcome::PartlyApplied { applied, .. } => Some(&applied.outcome),
        _ => None,
    }
}

/// The history entry (kind `batch`) for what landed, as [`crate::state::history::read`] gives
/// back what a [`Journal`] wrote: one `patch` part per applied or partly applied item (its
/// landed part). `None` when nothing landed.
pub fn history_entry(host: &str, outcomes: &[Option<WriteOutcome>]) -> Option<HistoryEntry> {
    let time = crate::state::now_rfc3339();
    let parts: Vec<HistoryEntry> = outcomes
        .iter()
        .filter_map(|o| landed(o.as_ref()))
        .map(|s| HistoryEntry::new(time.clone(), host, &s.patch, &s.before, &s.after))
        .collect();
    (!parts.is_empty()).then(|| HistoryEntry::batch(host, parts))
}

/// The items that undo what landed: for each landed part, a patch back to its `before`, with
/// `after` as the base, so the undo refuses to overwrite a change made since.
pub fn undo_items(items: &[Item], outcomes: &[Option<WriteOutcome>]) -> Vec<Item> {
    items
        .iter()
        .zip(outcomes)
        .filter_map(|(item, o)| {
            let s = landed(o.as_ref())?;
            let patch = s.patch.inverse(&s.before);
            (!patch.is_empty()).then(|| Item {
                id: item.id.clone(),
                label: item.label.clone(),
                base: s.after.clone(),
                patch,
            })
        })
        .collect()
}

/// The failed items again (never conflicts, never applied, never unstarted), for "try the
/// failed ones again". A partly applied item is retried whole: its landed fields already hold
/// what is sent, which the conflict check accepts.
pub fn failed_items(items: &[Item], outcomes: &[Option<WriteOutcome>]) -> Vec<Item> {
    items
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| status(o.as_ref()) == Status::Failed)
        .map(|(item, _)| item.clone())
        .collect()
}

/// The items not started (after a stop), to start again.
pub fn unstarted_items(items: &[Item], outcomes: &[Option<WriteOutcome>]) -> Vec<Item> {
    items
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| o.is_none())
        .map(|(item, _)| item.clone())
        .collect()
}

/// Counts of each status, in [`Status`] order: applied, conflict, failed, not started.
pub fn counts(outcomes: &[Option<WriteOutcome>]) -> [usize; 4] {
    let mut n = [0; 4];
    for o in outcomes {
        n[match status(o.as_ref()) {
            Status::Applied => 0,
            Status::Conflict => 1,
            Status::Failed => 2,
            Status::NotStarted => 3,
        }] += 1;
    }
    n
}

/// A workspace this batch wrote that holds something else when read after the batch: another
/// writer changed it meanwhile (the API has no precondition header, so only a read-back tells).
#[derive(Debug, Clone, PartialEq)]
pub struct Overwritten {
    pub id: String,
    pub label: String,
    /// The fields that no longer hold what this batch wrote.
    pub fields: Vec<String>,
}

impl Overwritten {
    /// "staging (uuid): name, description"
    pub fn line(&self) -> String {
        format!("{} ({}): {}", self.label, self.id, self.fields.join(", "))
    }
}

/// The items whose landed fields no longer hold what landed, in `now` (the workspaces as read
/// after the batch; one missing from it was deleted meanwhile). Pure.
pub fn overwritten(
    items: &[Item],
    outcomes: &[Option<WriteOutcome>],
    now: &[Workspace],
) -> Vec<Overwritten> {
    items
        .iter()
        .zip(outcomes)
        .filter_map(|(item, o)| {
            let done = landed(o.as_ref())?;
            let fields: Vec<String> = match now.iter().find(|w| w.id() == item.id) {
                None => vec!["(the workspace is gone)".to_string()],
                Some(ws) => done
                    .patch
                    .fields()
                    .keys()
                    .filter(|k| {
                        let spec = crate::workspace::field(k);
                        !spec.is_some_and(|s| {
                            crate::workspace::values_equal(s, ws.get(k), done.after.get(k))
                        })
                    })
                    .cloned()
                    .collect(),
            };
            (!fields.is_empty()).then(|| Overwritten {
                id: item.id.clone(),
                label: item.label.clone(),
                fields,
            })
        })
        .collect()
}

/// Reads every workspace once (the list, all pages) after a batch that landed something, and
/// names those another writer changed since this batch wrote them. Nothing is read when nothing
/// landed or a stop signal came (after one, orws sends nothing but the re-reads that settle).
pub async fn read_back(
    client: &Client,
    items: &[Item],
    outcomes: &[Option<WriteOutcome>],
) -> Result<Vec<Overwritten>, crate::api::ApiError> {
    if crate::write::stop::requested().is_some()
        || !outcomes.iter().any(|o| landed(o.as_ref()).is_some())
    {
        return Ok(Vec::new());
    }
    let now = client.list().await?;
    Ok(overwritten(items, outcomes, &now))
}
