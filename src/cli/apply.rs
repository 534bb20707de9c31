//! `orws apply FILE|PLAN [--yes]`: shows the plan and its count, asks, then writes through the
//! batch engine: at most `concurrency` at once, each workspace checked right before its PATCH
//! against the values the plan saw (else a conflict, nothing sent). One history entry.

use super::Output;
use super::admin_io::confirm;
use super::output::{field_cell, json_pretty, table};
use super::plan::{Shape, Source, count_line, plan_file, plan_table, terminal_width};
use crate::batch::{self, Event, Item, Options, Status};
use crate::code::saved::SavedPlan;
use crate::connection::Connection;
use crate::error::RunError;
use crate::say::{say, warn};
use crate::text::escape;
use serde_json::json;
use std::io::{IsTerminal, Write};

pub async fn run(
    conn: &Connection,
    output: Output,
    concurrency: usize,
    source: Source,
    yes: bool,
    policy: super::policy::Judge,
) -> Result<String, RunError> {
    let client = &conn.client;
    let plan = match source {
        Source::Saved(saved) => {
            // Values seen on one server say nothing about another. The base URL, not the host:
            // two servers on one host (ports) differ. Reading the plan required it.
            let (made, here) = (saved.server.as_str(), client.base_url());
            if made != here {
                return Err(RunError::usage(format!(
                    "the plan was made against {}, not {}; make a new one with `orws plan`; nothing was sent",
                    crate::text::escape(made),
                    here
                )));
            }
            refuse_if_moved(conn, &saved).await?;
            saved.plan
        }
        Source::File { name, doc } => plan_file(conn, &name, &doc).await?,
    };
    let items: Vec<Item> = plan
        .changed()
        .map(|w| Item {
            id: w.id.clone(),
            label: w.label.clone(),
            base: w.base.clone(),
            patch: w.patch(),
        })
        .collect();
    if items.is_empty() && plan.org.is_empty() {
        say(&format!(
            "nothing to change: {}",
            count_line(&plan).trim_start_matches("no changes: ")
        ));
        return Ok(match output {
            Output::Json => {
                json_pretty(&json!({"results": [], "applied": 0, "conflicts": 0, "failed": 0}))
            }
            Output::Table => String::new(),
        });
    }
    for item in &items {
        // An id of `..` or with `/` would address another resource: refused before any write.
        crate::api::check_workspace_name(&item.id).map_err(|e| {
            RunError::usage(format!(
                "workspace id '{}' cannot be one ({e}); nothing was sent",
                item.id
            ))
        })?;
    }
    // The plan goes to stderr (stdout carries only the result); the unchanged ones as a count.
    let shape = Shape {
        width: terminal_width(&std::io::stderr()),
        ..Shape::default()
    };
    let _ = write!(std::io::stderr(), "{}", plan_table(&plan, shape));
    // A deny stops the apply before it asks or writes anything (exit 5).
    super::policy::verdict(&super::policy::judge(conn, &policy, &plan, "apply", false).await?)?;
    let fields: usize = items.iter().map(|i| i.patch.len()).sum();
    let mut asked = Vec::new();
    if !items.is_empty() {
        asked.push(format!(
            "{} workspace{} ({fields} field{})",
            items.len(),
            if items.len() == 1 { "" } else { "s" },
            if fields == 1 { "" } else { "s" },
        ));
    }
    let (resources, org_fields) = super::org::org_counts(&plan.org);
    if resources > 0 {
        asked.push(format!(
            "{resources} resource{} of budgets, members, guardrails or keys ({org_fields} field{})",
            if resources == 1 { "" } else { "s" },
            if org_fields == 1 { "" } else { "s" },
        ));
    }
    let question = format!("apply to {}", asked.join(" and "));
    for w in super::org::warnings(&plan.org) {
        crate::say::warn(&w);
    }
    if yes {
        // The count is shown even when not asked.
        say(&question);
    }
    confirm(&question, yes)?;
    // Each write is in the history as it lands.
    let outcomes = if items.is_empty() {
        Vec::new()
    } else {
        run_batch(conn, &items, concurrency).await?
    };
    let [applied, conflicts, failed, not_started] = batch::counts(&outcomes);
    // The rest of the organisation, once every workspace landed: each through its own write.
    let mut done = Vec::new();
    let org_error = if resources > 0
        && failed + conflicts + not_started == 0
        && super::interrupt::stopped_by().is_none()
    {
        super::org::apply(conn, &plan.org, &mut done).await.err()
    } else {
        None
    };
    let org_rows: Vec<Vec<String>> = done
        .iter()
        .map(|d| {
            vec![
                format!("{} ({})", d.label, d.kind.as_str()),
                d.id.clone(),
                d.status.to_string(),
                String::new(),
            ]
        })
        .collect();
    let out = match output {
        Output::Json => json_pretty(&json!({
            "results": items.iter().zip(&outcomes).map(|(item, o)| json!({
                "id": item.id,
                "label": item.label,
                "status": batch::status(o.as_ref()).label(),
                "reason": batch::reason(o.as_ref()),
            })).collect::<Vec<_>>(),
            "applied": applied,
            "conflicts": conflicts,
            "failed": failed,
            "not_started": not_started,
            "resources": done.iter().map(|d| json!({
                "kind": d.kind.as_str(),
                "id": d.id,
                "label": d.label,
                "status": d.status,
            })).collect::<Vec<_>>(),
        })),
        Output::Table => {
            let rows: Vec<Vec<String>> = items
                .iter()
                .zip(&outcomes)
                .map(|(item, o)| {
                    vec![
                        item.label.clone(),
                        item.id.clone(),
                        batch::status(o.as_ref()).label().to_string(),
                        detail(batch::status(o.as_ref()), &batch::reason(o.as_ref())),
                    ]
                })
                .chain(org_rows)
                .collect();
            table(&["WORKSPACE", "ID", "RESULT", "DETAIL"], &rows)
        }
    };
    let summary = if items.is_empty() {
        format!(
            "{} of {resources} budgets, members, guardrails or keys applied",
            done.len()
        )
    } else {
        format!(
            "{applied} applied, {conflicts} stopped by a conflict, {failed} failed{}",
            if not_started > 0 {
                format!(", {not_started} not started")
            } else {
                String::new()
            }
        )
    };
    let stopped = super::interrupt::stopped_by();
    if let Some(e) = org_error {
        super::print_now(&out);
        return Err(e.with_detail(format!(
            "{} of {resources} budgets, members, guardrails or keys landed before it (in the history); nothing more was sent",
            done.len()
        )));
    }
    if failed + conflicts + not_started == 0 && stopped.is_none() {
        say(&summary);
        return Ok(out);
    }
    if resources > 0 {
        say("budgets, members, guardrails and keys were not started: a workspace did not land");
    }
    super::print_now(&out);
    if let Some(n) = stopped {
        say(&format!(
            "{summary}; stopped by {}: what landed is recorded in the history",
            super::interrupt::name(n)
        ));
        return Err(RunError::Signalled(n));
    }
    if failed > 0 || not_started > 0 {
        Err(RunError::api(format!(
            "{summary}; a conflict or failure left that workspace as it was"
        )))
    } else {
        Err(RunError::conflict(format!(
            "{summary}; a workspace changed on the server since the plan was left as it was: plan again"
        )))
    }
}

/// The DETAIL of a result row: the reason without the status the RESULT column already says
/// ("applied" said once, not twice); empty when there is nothing more to say.
fn detail(status: Status, reason: &str) -> String {
    let rest = reason.strip_prefix(status.label()).unwrap_or(reason);
    let rest = rest.trim_start_matches([':', ';', ' ']);
    match rest.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        Some(inner) if !inner.contains('(') => inner.to_string(),
        _ => rest.to_string(),
    }
}

/// A saved plan is checked against the server before it is shown or asked about: if a field
/// it changes no longer holds the value the plan saw (or a workspace is gone), the plan is
/// stale and nothing is asked or sent (exit 3). Each moved field is named on stderr.
async fn refuse_if_moved(conn: &Connection, saved: &SavedPlan) -> Result<(), RunError> {
    let changed: Vec<_> = saved.plan.changed().collect();
    let org_moved = super::org::moved(conn, &saved.plan.org).await?;
    for line in &org_moved {
        say(line);
    }
    if changed.is_empty() && org_moved.is_empty() {
        return Ok(());
    }
    let now = if changed.is_empty() {
        crate::workspace::CompactList::new()
    } else {
        conn.client.list_compact().await?
    };
    let mut moved = org_moved.len();
    let mut workspaces = 0;
    for w in changed {
        let Some(server) = now.get(&w.id) else {
            say(&format!(
                "{} ({}): no longer on the server",
                w.label,
                escape(&w.id)
            ));
            moved += 1;
            workspaces += 1;
            continue;
        };
        let report = crate::workspace::check_conflicts(&w.base, &server, &w.patch());
        for c in &report.conflicts {
            say(&format!(
                "{} ({}): {} is now {}; the plan saw {}",
                w.label,
                escape(&w.id),
                c.field,
                escape(&field_cell(&c.field, c.theirs.as_ref(), usize::MAX)),
                escape(&field_cell(&c.field, c.base.as_ref(), usize::MAX)),
            ));
        }
        moved += report.conflicts.len();
        workspaces += usize::from(report.has_conflicts());
    }
    if moved == 0 {
        return Ok(());
    }
    if workspaces == 0 {
        return Err(RunError::conflict(format!(
            "the server changed since the plan was made ({moved} of its budgets, guardrails or keys): plan again with `orws plan {}`; nothing was sent",
            escape(&saved.file),
        )));
    }
    Err(RunError::conflict(format!(
        "the server changed since the plan was made ({} in {}): plan again with `orws plan {}`; nothing was sent",
        if moved == 1 {
            "1 field".to_string()
        } else {
            format!("{moved} fields")
        },
        if workspaces == 1 {
            "1 workspace".to_string()
        } else {
            format!("{workspaces} workspaces")
        },
        escape(&saved.file),
    )))
}

/// Runs the batch with a progress line on stderr, recording each write in the history as it
/// lands. The first SIGINT, SIGTERM or SIGHUP stops starting new writes (those in flight
/// settle and are recorded; the run then ends with 128 + n); a second one, or SIGQUIT, quits
/// at once, naming the writes that may still land. `orws revert` of a batch runs through it too.
pub(super) async fn run_batch(
    conn: &Connection,
    items: &[Item],
    concurrency: usize,
) -> Result<Vec<Option<crate::submit::WriteOutcome>>, RunError> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut progress = Progress::new(items.len(), std::io::stderr().is_terminal());
    let options = Options::new(concurrency)
        .recorded(conn.state_dir.clone(), conn.client.state_key())
        .reverting(super::admin_io::reverting_now());
    // The handlers are in place before the first write is sent.
    let mut stops = super::interrupt::Stops::new();
    let running = batch::run(&conn.client, items, options, tx, stop_rx);
    tokio::pin!(running);
    // Sent and not yet settled: what may land after a quit.
    let mut sent = std::collections::BTreeSet::new();
    // Why the history could not be written, if it could not.
    let mut unrecorded = None;
    let outcomes = loop {
        let stop = async {
            match &mut stops {
                Some(s) => s.next().await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            outcomes = &mut running => break outcomes,
            Some(event) = rx.recv() => {
                match &event {
                    Event::Phase { index, phase: crate::submit::Phase::Sending { .. } } => {
                        sent.insert(*index);
                    }
                    Event::Done { index, .. } => {
                        sent.remove(index);
                    }
                    Event::Unrecorded(e) => unrecorded = Some(e.clone()),
                    _ => {}
                }
                progress.on(&event);
            }
            stop = stop => match stop {
                super::interrupt::Stop::Settle(n) => {
                    let _ = stop_tx.send(true);
                    progress.clear();
                    warn(&format!(
                        "{}: stopping: writes in flight finish and are recorded, no new ones start; a second signal (or SIGQUIT) quits at once",
                        super::interrupt::name(n)
                    ));
                }
                super::interrupt::Stop::Now(n) => {
                    // What settled meanwhile is already in the history.
                    while let Ok(event) = rx.try_recv() {
                        if let Event::Done { index, .. } = event {
                            sent.remove(&index);
                        }
                    }
                    progress.clear();
                    warn(&quit_line(n, items, &sent));
                    return Err(RunError::Signalled(n));
                }
            }
        }
    };
    while let Ok(event) = rx.try_recv() {
        if let Event::Unrecorded(e) = &event {
            unrecorded = Some(e.clone());
        }
        progress.on(&event);
    }
    progress.finish();
    // What landed unrecorded stands, and the run ends with exit 1 (orws's own files failed).
    if let Some(why) = unrecorded
        && outcomes.iter().any(|o| batch::landed(o.as_ref()).is_some())
    {
        super::admin_io::not_recorded_because(why);
    }
    say_overwritten(batch::read_back(&conn.client, items, &outcomes).await);
    Ok(outcomes)
}

/// After the batch: the workspaces another writer changed since this batch wrote them (a
/// warning: what landed did land, and the history has it).
fn say_overwritten(read: Result<Vec<batch::Overwritten>, crate::api::ApiError>) {
    match read {
        Ok(list) if list.is_empty() => {}
        Ok(list) => {
            warn(&format!(
                "read back after the batch: {} workspace{} changed again on the server since this batch wrote {} (another writer); `orws plan` shows what they hold now:",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                if list.len() == 1 { "it" } else { "them" },
            ));
            for o in list.iter().take(20) {
                warn(&format!("  {}", escape(&o.line())));
            }
            if list.len() > 20 {
                warn(&format!("  and {} more", list.len() - 20));
            }
        }
        Err(e) => warn(&format!(
            "the workspaces could not be read back after the batch ({}); what landed is in the history",
            escape(&e.to_string())
        )),
    }
}

/// What a quit in the middle of a batch says: the writes sent and not settled may still land.
fn quit_line(n: i32, items: &[Item], sent: &std::collections::BTreeSet<usize>) -> String {
    let name = super::interrupt::name(n);
    if sent.is_empty() {
        return format!(
            "{name}: quitting at once; no write was in flight, and what landed is in the history"
        );
    }
    const SHOWN: usize = 20;
    let mut names: Vec<String> = sent
        .iter()
        .take(SHOWN)
        .map(|&i| format!("{} ({})", escape(&items[i].label), escape(&items[i].id)))
        .collect();
    if sent.len() > SHOWN {
        names.push(format!("and {} more", sent.len() - SHOWN));
    }
    format!(
        "{name}: quitting at once; {} write{} may still land on the server, unrecorded: {}; what landed before is in the history",
        sent.len(),
        if sent.len() == 1 { "" } else { "s" },
        names.join(", ")
    )
}

/// The progress line: `applying 12/37 · 2 conflicts · 1 failed`. On a terminal it is redrawn
/// in place; otherwise a plain line at each tenth of the way (and at the end), so a log gets
/// at most about eleven lines whatever the size of the batch.
struct Progress {
    total: usize,
    done: usize,
    conflicts: usize,
    failed: usize,
    /// Left unstarted by a stop: ended, but not done.
    not_started: usize,
    tty: bool,
    /// Plain mode: the done count at which the next line is written.
    next_line: usize,
    drawn: bool,
}

impl Progress {
    fn new(total: usize, tty: bool) -> Self {
        Self {
            total,
            done: 0,
            conflicts: 0,
            failed: 0,
            not_started: 0,
            tty,
            next_line: 1,
            drawn: false,
        }
    }

    fn line(&self) -> String {
        let mut s = format!("applying {}/{}", self.done, self.total);
        if self.conflicts > 0 {
            s.push_str(&format!(
                " · {} conflict{}",
                self.conflicts,
                if self.conflicts == 1 { "" } else { "s" }
            ));
        }
        if self.failed > 0 {
            s.push_str(&format!(" · {} failed", self.failed));
        }
        if self.not_started > 0 {
            s.push_str(&format!(" · {} not started", self.not_started));
        }
        s
    }

    fn on(&mut self, event: &Event) {
        match event {
            Event::Done { status, .. } => {
                match status {
                    Status::Conflict => self.conflicts += 1,
                    Status::Failed => self.failed += 1,
                    Status::Applied => {}
                    Status::NotStarted => self.not_started += 1,
                }
                self.done += usize::from(*status != Status::NotStarted);
                self.show();
            }
            Event::Slowed { limit, wait } => {
                self.clear();
                say(&format!(
                    "the server asked to slow down: waiting {:.1} s, then {limit} at once",
                    wait.as_secs_f64()
                ));
                self.show();
            }
            Event::Unrecorded(e) => {
                self.clear();
                warn(&format!(
                    "the history could not be written: {e}; what lands is not recorded"
                ));
                self.show();
            }
            Event::Phase { .. } => {}
        }
    }

    fn show(&mut self) {
        if self.tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2Korws: {}", escape(&self.line()));
            let _ = err.flush();
            self.drawn = true;
        } else if self.done >= self.next_line || self.done + self.not_started == self.total {
            say(&self.line());
            let step = (self.total / 10).max(1);
            self.next_line = (self.done / step + 1) * step;
        }
    }

    fn clear(&mut self) {
        if self.tty && self.drawn {
            let _ = write!(std::io::stderr(), "\r\x1b[2K");
            self.drawn = false;
        }
    }

    fn finish(&mut self) {
        if self.tty && self.drawn {
            let _ = writeln!(std::io::stderr());
            self.drawn = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The apply table said `applied` in RESULT and again in DETAIL (issue 20).
    #[test]
    fn the_detail_does_not_repeat_the_result() {
        assert_eq!(detail(Status::Applied, "applied"), "");
        assert_eq!(
            detail(Status::Applied, "applied; stored differently: name"),
            "stored differently: name"
        );
        assert_eq!(
            detail(
                Status::Applied,
                "applied (the answer was lost; a re-read shows it landed)"
            ),
            "the answer was lost; a re-read shows it landed"
        );
        assert_eq!(
            detail(
                Status::Conflict,
                "conflict: name changed on the server (A → B); nothing sent"
            ),
            "name changed on the server (A → B); nothing sent"
        );
        assert_eq!(
            detail(Status::Failed, "failed: 503 (checked)"),
            "503 (checked)"
        );
        assert_eq!(detail(Status::NotStarted, "not started"), "");
    }

    #[test]
    fn plain_progress_counts_and_names_conflicts_and_failures() {
        let mut p = Progress::new(37, false);
        for status in [
            Status::Applied,
            Status::Conflict,
            Status::Failed,
            Status::Conflict,
        ] {
            p.on(&Event::Done { index: 0, status });
        }
        assert_eq!(p.line(), "applying 4/37 · 2 conflicts · 1 failed");
        // A line at each tenth: the next after 3 of 37 is at 6.
        assert_eq!(p.next_line, 6);
    }

    /// After Ctrl-C the unstarted ones end too: they are not counted as done (the line read
    /// "applying 15/15" when 7 of the 15 were never sent).
    #[test]
    fn writes_a_stop_left_unstarted_are_not_counted_done() {
        let mut p = Progress::new(3, false);
        p.on(&Event::Done {
            index: 0,
            status: Status::Applied,
        });
        for index in 1..3 {
            p.on(&Event::Done {
                index,
                status: Status::NotStarted,
            });
        }
        assert_eq!(p.line(), "applying 1/3 · 2 not started");
    }
}
