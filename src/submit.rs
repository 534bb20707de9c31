//! The safe write, shared by the CLI `patch` and the TUI submit (product.md §6): every request
//! goes to the uuid that was loaded, the server's state is checked before each try, a write is
//! never retried blindly, and a write that may have landed is re-read and called applied or not.

use crate::api::{ApiError, Client, RetryNotice};
use crate::workspace::{
    Change, ConflictReport, PatchBody, Workspace, check_conflicts, display_value, field,
    values_equal,
};
use crate::write::{End, Settled, Step};
use serde_json::Value;

/// A PATCH that went through.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmitOutcome {
    /// The server's state just before the PATCH.
    pub before: Workspace,
    pub after: Workspace,
    pub patch: PatchBody,
    /// Fields changed remotely that we did not touch (folded into the base).
    pub remote_changes: Vec<Change>,
}

/// A requested field the server stored differently from what was sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Mismatch {
    pub field: String,
    pub sent: Value,
    /// `None`: the answer does not hold the field at all.
    pub stored: Option<Value>,
}

/// How a requested field fared, as the result screen and the CLI table mark it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    Applied,
    /// The server holds another value than the one sent.
    StoredDifferently,
    /// The server kept the value it had before.
    Ignored,
}

impl Fate {
    pub fn label(self) -> &'static str {
        match self {
            Fate::Applied => "✓ applied",
            Fate::StoredDifferently => "! stored differently",
            Fate::Ignored => "! ignored",
        }
    }
}

/// How the field `name`, sent as `sent`, fared between `before` and `after`.
pub fn fate(name: &str, sent: &Value, before: Option<&Value>, after: Option<&Value>) -> Fate {
    let same = |a: Option<&Value>, b: Option<&Value>| match field(name) {
        Some(spec) => values_equal(spec, a, b),
        None => a == b,
    };
    if same(after, Some(sent)) {
        Fate::Applied
    } else if same(before, after) {
        Fate::Ignored
    } else {
        Fate::StoredDifferently
    }
}

/// Requested fields the server stored differently (the echo check), as data.
pub fn mismatches(patch: &PatchBody, after: &Workspace) -> Vec<Mismatch> {
    patch
        .fields()
        .iter()
        .filter(|(name, sent)| {
            field(name).is_some_and(|spec| !values_equal(spec, after.get(name), Some(sent)))
        })
        .map(|(name, sent)| Mismatch {
            field: name.clone(),
            sent: sent.clone(),
            stored: after.get(name).cloned(),
        })
        .collect()
}

/// A precondition (CLI `--expect`): FIELD must hold VALUE on the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub field: String,
    pub value: Value,
}

/// The first expectation the server's state breaks, as a message.
pub fn broken_expectation(server: &Workspace, expects: &[Expectation]) -> Option<String> {
    expects.iter().find_map(|e| {
        let actual = server.get(&e.field);
        let holds = match field(&e.field) {
            Some(spec) => values_equal(spec, actual, Some(&e.value)),
            None => display_value(actual) == display_value(Some(&e.value)),
        };
        (!holds).then(|| {
            format!(
                "conflict: {} is \"{}\" on the server, not the expected \"{}\"; nothing was sent",
                e.field,
                display_value(actual),
                display_value(Some(&e.value))
            )
        })
    })
}

pub use crate::write::Holds;

/// The pure decision after a doubtful end or before a retry of a write: the three-way settle
/// over the patched fields, with the fields' own equality.
pub fn server_holds(before: &Workspace, patch: &PatchBody, server: &Workspace) -> Holds {
    type Cell<'a> = (&'a str, Option<&'a Value>);
    let parts: Vec<(Cell, Cell, Cell)> = patch
        .fields()
        .iter()
        .map(|(name, sent)| {
            let n = name.as_str();
            ((n, before.get(n)), (n, Some(sent)), (n, server.get(n)))
        })
        .collect();
    Holds::of(parts.iter().map(|(b, s, n)| (b, s, n)), |a, b| {
        field(a.0).is_some_and(|spec| values_equal(spec, a.1, b.1))
    })
}

/// The part of `patch` the server holds (the fields that landed) and the names of the rest.
pub fn landed_part(
    before: &Workspace,
    patch: &PatchBody,
    server: &Workspace,
) -> (PatchBody, Vec<String>) {
    let mut landed = serde_json::Map::new();
    let mut missing = Vec::new();
    for (name, sent) in patch.fields() {
        let holds =
            field(name).is_some_and(|spec| values_equal(spec, server.get(name), Some(sent)));
        let changed =
            !field(name).is_some_and(|spec| values_equal(spec, before.get(name), Some(sent)));
        if holds && changed {
            landed.insert(name.clone(), sent.clone());
        } else if !holds {
            missing.push(name.clone());
        }
    }
    (PatchBody::from_fields(landed), missing)
}

/// `server` with the patched fields as they were in `before`: the state before a write
/// whose first try may have landed in part, as history and undo need it.
fn before_of_write(before: &Workspace, patch: &PatchBody, server: Workspace) -> Workspace {
    let mut out = server;
    for name in patch.fields().keys() {
        if let Some(v) = before.get(name) {
            out.set(name, v.clone());
        }
    }
    out
}

pub use crate::write::RetryPolicy;

/// What the write is doing now, for the person watching.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// GET before the PATCH: identity and conflict check.
    Checking,
    /// The PATCH is on its way (1 = first try).
    Sending { attempt: u32 },
    /// The server asked to wait; a fresh GET follows, then maybe another try.
    Waiting(RetryNotice),
    /// Re-reading to tell whether a doubtful write landed.
    Rechecking,
}

/// One write to do.
#[derive(Debug, Clone, Copy)]
pub struct WriteRequest<'a> {
    /// The uuid that was loaded and shown on the review: every request goes there.
    pub id: &'a str,
    /// The state the edits were made on.
    pub base: &'a Workspace,
    pub patch: &'a PatchBody,
    /// CLI `--expect`: checked against every fresh GET.
    pub expects: &'a [Expectation],
    /// The base was read just now (CLI): it is the conflict check, no second GET before the
    /// first try.
    pub base_is_fresh: bool,
}

/// The server answered about another workspace than the one asked for.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error(
    "{what}: the server answered {when} about workspace {answered}, not {asked}, the one loaded and reviewed{advice}"
)]
pub struct WrongTarget {
    pub asked: String,
    pub answered: String,
    when: &'static str,
    what: &'static str,
    advice: &'static str,
}

impl WrongTarget {
    /// `sent`: whether the PATCH had gone out when the wrong answer came.
    pub fn new(asked: &str, answered: &str, sent: bool) -> Self {
        Self {
            asked: asked.to_string(),
            answered: answered.to_string(),
            when: if sent {
                "the PATCH"
            } else {
                "the check before the PATCH"
            },
            what: if sent {
                "nothing more was sent"
            } else {
                "nothing was sent"
            },
            advice: if sent {
                "; look at the workspace before trying again"
            } else {
                ""
            },
        }
    }
}

/// A write that ended: how.
#[derive(Debug, Clone, PartialEq)]
pub enum WriteOutcome {
    Applied(Box<Applied>),
    /// A field being changed holds another value on the server than the base: nothing (more)
    /// was sent.
    Conflict {
        server: Workspace,
        report: ConflictReport,
    },
    /// An `--expect` does not hold on the server: nothing (more) was sent.
    Expectation {
        server: Workspace,
        message: String,
    },
    WrongTarget(WrongTarget),
    /// Part of the write landed, the rest did not (`error` ended it): `applied` holds the
    /// part that landed (its patch names only those fields), `missing` the fields that did not.
    PartlyApplied {
        applied: Box<Applied>,
        missing: Vec<String>,
        error: ApiError,
    },
    /// Not applied: refused, or a re-read shows it did not land. `checked` says how that is
    /// known when the answer alone did not tell.
    NotApplied {
        error: ApiError,
        checked: Option<String>,
        /// The server's state when it was re-read.
        server: Option<Box<Workspace>>,
    },
    /// It may have landed and re-reading could not tell.
    InDoubt {
        error: ApiError,
        reread: String,
    },
}

impl WriteOutcome {
    /// A write answered cleanly with `outcome`: the fields the server stored differently are
    /// found, and there is nothing more to tell.
    pub fn applied(outcome: SubmitOutcome) -> Self {
        WriteOutcome::Applied(Box::new(Applied {
            mismatches: mismatches(&outcome.patch, &outcome.after),
            outcome,
            notes: vec![],
            after_all: false,
        }))
    }
}

/// A write that landed, and what to tell about it.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub outcome: SubmitOutcome,
    /// Requested fields the server stored differently.
    pub mismatches: Vec<Mismatch>,
    /// Things the person should know (a malformed answer that was re-read, …), one line each.
    pub notes: Vec<String>,
    /// The answer was lost or refused, and a re-read showed the change landed anyway.
    pub after_all: bool,
}

/// GET the workspace by uuid; an answer about another id is refused.
async fn read(client: &Client, id: &str, sent: bool) -> Result<Workspace, Reread> {
    match client.get(id).await {
        Ok(ws) if ws.id() == id => Ok(ws),
        Ok(ws) => Err(Reread::WrongTarget(WrongTarget::new(id, ws.id(), sent))),
        Err(e) => Err(Reread::Failed(e)),
    }
}

enum Reread {
    WrongTarget(WrongTarget),
    Failed(ApiError),
}

/// What the loop has learnt of the server while settling a write.
struct Tracked {
    /// The state the write is made on; after a try that did not land, the server's state with
    /// the patched fields as they were before the first try (history and undo need them).
    before: Workspace,
    remote_changes: Vec<Change>,
    /// The server's state at the last re-read.
    server: Option<Workspace>,
}

/// The three-way settle of a PATCH (product.md §6) against a fresh read of the workspace.
fn judge(t: &mut Tracked, req: &WriteRequest<'_>, server: Workspace) -> Settled<WriteOutcome> {
    let holds = server_holds(&t.before, req.patch, &server);
    match holds {
        Holds::Sent => {
            t.server = Some(server);
            Settled::Applied
        }
        Holds::Other => {
            let report = check_conflicts(&t.before, &server, req.patch);
            Settled::Conflict(WriteOutcome::Conflict { server, report })
        }
        // Decision: a partly applied try is retried whole (the landed fields hold what is
        // sent again, so nothing is overwritten); `before` stays the state before the first
        // try for the patched fields, so history and undo bring back the true values.
        Holds::Base | Holds::Partial => {
            let report = check_conflicts(&t.before, &server, req.patch);
            let next = before_of_write(&t.before, req.patch, server.clone());
            // `--expect` is about the state our write started from, not our own part.
            if let Some(message) = broken_expectation(&next, req.expects) {
                // A try was sent (and answered busy or lost): say so.
                let message = message.replace("nothing was sent", "nothing more was sent");
                return Settled::Conflict(WriteOutcome::Expectation { server, message });
            }
            t.remote_changes.extend(report.remote_changes);
            t.before = next;
            t.server = Some(server);
            if holds == Holds::Base {
                Settled::NotApplied
            } else {
                Settled::Partial
            }
        }
    }
}

/// Reads the workspace by its own id and settles the write three ways.
async fn reread_and_judge(
    client: &Client,
    req: &WriteRequest<'_>,
    tracked: &std::sync::Mutex<Tracked>,
) -> Result<Settled<WriteOutcome>, ApiError> {
    match read(client, req.id, true).await {
        Ok(server) => {
            let mut t = tracked.lock().unwrap_or_else(|p| p.into_inner());
            Ok(judge(&mut t, req, server))
        }
        Err(Reread::WrongTarget(w)) => Ok(Settled::Conflict(WriteOutcome::WrongTarget(w))),
        Err(Reread::Failed(e)) => Err(e),
    }
}

/// The safe write: conflict check (unless the base is fresh), one PATCH to `req.id`, and on a
/// 429/503 a fresh GET before each further try (at most `policy.max_tries` in all), all through
/// the one retry loop ([`crate::write::run`]).
pub async fn safe_patch(
    client: &Client,
    req: WriteRequest<'_>,
    policy: RetryPolicy,
    mut on_phase: impl FnMut(Phase) + Send,
) -> WriteOutcome {
    let before = if req.base_is_fresh {
        if req.base.id() != req.id {
            return WriteOutcome::WrongTarget(WrongTarget::new(req.id, req.base.id(), false));
        }
        req.base.clone()
    } else {
        on_phase(Phase::Checking);
        match read(client, req.id, false).await {
            Ok(ws) => ws,
            Err(Reread::WrongTarget(w)) => return WriteOutcome::WrongTarget(w),
            Err(Reread::Failed(error)) => {
                return WriteOutcome::NotApplied {
                    error,
                    checked: None,
                    server: None,
                };
            }
        }
    };
    let report = check_conflicts(req.base, &before, req.patch);
    if report.has_conflicts() {
        return WriteOutcome::Conflict {
            server: before,
            report,
        };
    }
    if let Some(message) = broken_expectation(&before, req.expects) {
        return WriteOutcome::Expectation {
            server: before,
            message,
        };
    }
    let tracked = std::sync::Mutex::new(Tracked {
        before,
        remote_changes: report.remote_changes,
        server: None,
    });
    let end = crate::write::run(
        || client.patch_once(req.id, req.patch),
        || reread_and_judge(client, &req, &tracked),
        policy,
        |step| match step {
            Step::Sending { attempt } => on_phase(Phase::Sending { attempt }),
            Step::Waiting {
                error,
                wait,
                attempt,
                max,
            } => on_phase(Phase::Waiting(RetryNotice {
                attempt,
                max_attempts: max,
                wait,
                reason: error.to_string(),
            })),
            Step::Rechecking(_) => on_phase(Phase::Rechecking),
        },
    )
    .await;
    let t = tracked.into_inner().unwrap_or_else(|p| p.into_inner());
    match end {
        End::Done(answer) if answer.id() == req.id => {
            answered(client, &req, t.before, answer, t.remote_changes).await
        }
        // An answer about another workspace proves nothing about ours: read ours and settle.
        End::Done(answer) => {
            on_phase(Phase::Rechecking);
            let wrong = WrongTarget::new(req.id, answer.id(), true);
            let error = ApiError::Malformed(format!(
                "the server answered the PATCH about workspace {}, not {}",
                wrong.answered, wrong.asked
            ));
            let tracked = std::sync::Mutex::new(t);
            let settled = reread_and_judge(client, &req, &tracked).await;
            let t = tracked.into_inner().unwrap_or_else(|p| p.into_inner());
            let end = match settled {
                Ok(Settled::Applied) => End::AfterAll,
                Ok(Settled::NotApplied) => End::NotApplied(error),
                Ok(Settled::Partial) => End::Partial(error),
                Ok(Settled::Conflict(what)) => End::Conflict { error, what },
                Err(reread) => End::InDoubt { error, reread },
            };
            let mut outcome = settled_outcome(req.patch, t, end);
            if let WriteOutcome::Applied(a) = &mut outcome {
                a.notes.push(format!(
                    "the server answered about workspace {}; reading {} again shows the change landed",
                    wrong.answered, wrong.asked
                ));
            }
            outcome
        }
        end => settled_outcome(req.patch, t, end),
    }
}

/// The outcome of a write the loop settled by reading again (or that was refused).
fn settled_outcome(
    patch: &PatchBody,
    t: Tracked,
    end: End<Workspace, ApiError, WriteOutcome>,
) -> WriteOutcome {
    let Tracked {
        before,
        remote_changes,
        server,
    } = t;
    match (end, server) {
        (End::AfterAll, Some(server)) => applied_after_all(patch, before, server, remote_changes),
        (End::Partial(error), Some(server)) => {
            let (landed, missing) = landed_part(&before, patch, &server);
            WriteOutcome::PartlyApplied {
                applied: Box::new(Applied {
                    mismatches: mismatches(&landed, &server),
                    outcome: SubmitOutcome {
                        before,
                        after: server,
                        patch: landed,
                        remote_changes,
                    },
                    notes: Vec::new(),
                    after_all: true,
                }),
                missing,
                error,
            }
        }
        (End::NotApplied(error), server) => WriteOutcome::NotApplied {
            error,
            checked: Some("checked the server: the change was not applied".into()),
            server: server.map(Box::new),
        },
        (End::Refused(error), _) => WriteOutcome::NotApplied {
            error,
            checked: None,
            server: None,
        },
        (End::Conflict { what, .. }, _) => what,
        (End::InDoubt { error, reread }, _) => WriteOutcome::InDoubt {
            error,
            reread: reread.to_string(),
        },
        // The loop reports applied or partial only after a read that it kept.
        (End::AfterAll | End::Partial(_) | End::Done(_), _) => WriteOutcome::InDoubt {
            error: ApiError::Malformed("the write ended without a reading of the server".into()),
            reread: "no reading was kept".into(),
        },
    }
}

/// The PATCH was answered: check whose answer it is and that it is whole.
async fn answered(
    client: &Client,
    req: &WriteRequest<'_>,
    before: Workspace,
    answer: Workspace,
    remote_changes: Vec<Change>,
) -> WriteOutcome {
    if answer.id() != req.id {
        return WriteOutcome::WrongTarget(WrongTarget::new(req.id, answer.id(), true));
    }
    let mut notes = Vec::new();
    let missing: Vec<&str> = before
        .fields()
        .keys()
        .filter(|k| answer.get(k).is_none())
        .map(String::as_str)
        .collect();
    let after = if missing.is_empty() {
        answer
    } else {
        // A partial answer is a malformed answer, not a remote change to "(absent)".
        let list = missing.join(", ");
        match read(client, req.id, true).await {
            Ok(ws) => {
                notes.push(format!(
                    "the server's answer to the PATCH lacked {list}; the workspace was read again"
                ));
                ws
            }
            Err(Reread::WrongTarget(w)) => return WriteOutcome::WrongTarget(w),
            Err(Reread::Failed(e)) => {
                notes.push(format!(
                    "the server's answer to the PATCH lacked {list}, and reading it again failed ({e}); those fields are shown as they were"
                ));
                let mut after = answer;
                for k in missing {
                    if let Some(v) = before.get(k) {
                        after.set(k, v.clone());
                    }
                }
                after
            }
        }
    };
    WriteOutcome::Applied(Box::new(Applied {
        mismatches: mismatches(req.patch, &after),
        outcome: SubmitOutcome {
            before,
            after,
            patch: req.patch.clone(),
            remote_changes,
        },
        notes,
        after_all: false,
    }))
}

fn applied_after_all(
    patch: &PatchBody,
    before: Workspace,
    after: Workspace,
    remote_changes: Vec<Change>,
) -> WriteOutcome {
    WriteOutcome::Applied(Box::new(Applied {
        mismatches: mismatches(patch, &after),
        outcome: SubmitOutcome {
            before,
            after,
            patch: patch.clone(),
            remote_changes,
        },
        notes: Vec::new(),
        after_all: true,
    }))
}

/// "partly applied: description landed, name did not"
pub fn partly_applied_text(landed: &PatchBody, missing: &[String]) -> String {
    let names: Vec<&str> = landed.fields().keys().map(String::as_str).collect();
    format!(
        "partly applied: {} landed, {} did not",
        names.join(", "),
        missing.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn ws(v: Value) -> Workspace {
        Workspace::from_json(v).unwrap()
    }

    fn patch(v: Value) -> PatchBody {
        let m: Map<String, Value> = v.as_object().unwrap().clone();
        PatchBody::from_fields(m)
    }

    #[test]
    fn the_server_holds_what_was_sent_the_base_or_something_else() {
        let before = ws(json!({"id":"u","name":"A","slug":"a","io_logging_sampling_rate":1}));
        let p = patch(json!({"name":"B","io_logging_sampling_rate":0.5}));
        let sent = ws(json!({"id":"u","name":"B","slug":"a","io_logging_sampling_rate":0.5}));
        assert_eq!(server_holds(&before, &p, &sent), Holds::Sent);
        // 1.0 is the base's 1: compared as values.
        let base = ws(json!({"id":"u","name":"A","slug":"b","io_logging_sampling_rate":1.0}));
        assert_eq!(server_holds(&before, &p, &base), Holds::Base);
        // Half of it there, half still the base: partly landed (sending again overwrites nothing).
        let half = ws(json!({"id":"u","name":"B","slug":"a","io_logging_sampling_rate":1}));
        assert_eq!(server_holds(&before, &p, &half), Holds::Partial);
        let (landed, missing) = landed_part(&before, &p, &half);
        assert_eq!(landed, patch(json!({"name":"B"})));
        assert_eq!(missing, ["io_logging_sampling_rate"]);
        let other = ws(json!({"id":"u","name":"C","slug":"a","io_logging_sampling_rate":1}));
        assert_eq!(server_holds(&before, &p, &other), Holds::Other);
    }

    #[test]
    fn the_before_of_a_retried_write_keeps_the_patched_fields_as_they_were() {
        let before = ws(json!({"id":"u","name":"A","description":"d","slug":"a"}));
        let p = patch(json!({"name":"B","description":"e"}));
        let server = ws(json!({"id":"u","name":"A","description":"e","slug":"z"}));
        let kept = before_of_write(&before, &p, server);
        assert_eq!(kept.get("description"), Some(&json!("d")));
        assert_eq!(kept.slug(), "z");
    }

    /// A message for a partly applied write: what landed and what did not.
    #[test]
    fn a_partly_applied_write_names_both_parts() {
        assert_eq!(
            partly_applied_text(&patch(json!({"description":"x"})), &["name".to_string()]),
            "partly applied: description landed, name did not"
        );
    }

    #[test]
    fn a_field_is_applied_stored_differently_or_ignored() {
        let sent = json!("Prod 2");
        let a = json!("Prod");
        assert_eq!(fate("name", &sent, Some(&a), Some(&sent)), Fate::Applied);
        assert_eq!(fate("name", &sent, Some(&a), Some(&a)), Fate::Ignored);
        let trimmed = json!("prod 2");
        assert_eq!(
            fate("name", &sent, Some(&a), Some(&trimmed)),
            Fate::StoredDifferently
        );
    }

    #[test]
    fn mismatches_name_what_was_sent_and_stored() {
        let after = ws(json!({"id":"u","name":"x","slug":"a"}));
        let m = mismatches(&patch(json!({"name":"X","slug":"a"})), &after);
        assert_eq!(
            m,
            [Mismatch {
                field: "name".into(),
                sent: json!("X"),
                stored: Some(json!("x"))
            }]
        );
    }

    #[test]
    fn the_wrong_target_message_says_what_was_sent() {
        let before = WrongTarget::new("u1", "u2", false).to_string();
        assert!(before.contains("u2, not u1") && before.starts_with("nothing was sent"));
        let after = WrongTarget::new("u1", "u2", true).to_string();
        assert!(after.contains("nothing more was sent"), "{after}");
    }
}
