//! The safe write, shared by the CLI `patch` and the TUI submit (product.md §6): every request
//! goes to the uuid that was loaded, the server's state is checked before each try, a write is
//! never retried blindly, and a write that may have landed is re-read and called applied or not.

use crate::api::{ApiError, Client, RetryNotice, WriteFailure};
use crate::workspace::{
    Change, ConflictReport, PatchBody, Workspace, check_conflicts, display_value, field,
    values_equal,
};
use serde_json::Value;
use std::time::Duration;

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

/// What the server holds for the patched fields, compared with what was sent and the state
/// the PATCH was made on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Every patched field holds the value sent: the write landed.
    Sent,
    /// Every patched field holds its value from before: not landed, and sending it again
    /// overwrites nothing.
    Base,
    /// Some patched fields hold the value sent, the others their value from before: partly
    /// landed (a backend that is not atomic); sending it again still overwrites nothing.
    Partial,
    /// Some patched field holds a third value: someone else changed it.
    Other,
}

/// The pure decision after a doubtful end or before a retry of a write.
pub fn server_holds(before: &Workspace, patch: &PatchBody, server: &Workspace) -> Holds {
    let eq = |name: &str, a: Option<&Value>, b: Option<&Value>| {
        field(name).is_some_and(|spec| values_equal(spec, a, b))
    };
    let mut all_sent = true;
    let mut some_landed = false;
    for (name, sent) in patch.fields() {
        let now = server.get(name);
        if eq(name, now, Some(sent)) {
            some_landed |= !eq(name, before.get(name), Some(sent));
            continue;
        }
        all_sent = false;
        if !eq(name, now, before.get(name)) {
            return Holds::Other;
        }
    }
    match (all_sent, some_landed) {
        (true, _) => Holds::Sent,
        (false, true) => Holds::Partial,
        (false, false) => Holds::Base,
    }
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

/// Limits for retrying a write the server asked to come back later for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Tries of the PATCH in all.
    pub max_tries: u32,
    /// The first wait when the server gives no Retry-After; each next one is 1.5× longer.
    pub backoff: Duration,
    /// The longest wait, whatever Retry-After says.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_tries: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
        }
    }
}

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

/// The safe write: conflict check (unless the base is fresh), one PATCH to `req.id`, and on a
/// 429/503 a fresh GET before each further try (at most `policy.max_tries` in all).
pub async fn safe_patch(
    client: &Client,
    req: WriteRequest<'_>,
    policy: RetryPolicy,
    mut on_phase: impl FnMut(Phase) + Send,
) -> WriteOutcome {
    let mut before = if req.base_is_fresh {
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
    let mut remote_changes = report.remote_changes;
    let max = policy.max_tries.max(1);
    let mut attempt = 1;
    loop {
        on_phase(Phase::Sending { attempt });
        let (error, retry_after) = match client.patch_once(req.id, req.patch).await {
            Ok(answer) => return answered(client, &req, before, answer, remote_changes).await,
            Err(WriteFailure::Failed(error)) if error.may_have_landed() => {
                on_phase(Phase::Rechecking);
                return landed_or_not(client, &req, before, remote_changes, error).await;
            }
            Err(WriteFailure::Failed(error)) => {
                return WriteOutcome::NotApplied {
                    error,
                    checked: None,
                    server: None,
                };
            }
            Err(WriteFailure::Busy { error, retry_after }) => (error, retry_after),
        };
        if attempt >= max {
            // A 503 can come after the write was applied: ask before calling it not applied.
            let error = match error {
                ApiError::Server { status, message } => ApiError::Busy {
                    status,
                    message,
                    attempts: attempt,
                },
                other => other,
            };
            on_phase(Phase::Rechecking);
            return landed_or_not(client, &req, before, remote_changes, error).await;
        }
        let wait = retry_after
            .unwrap_or_else(|| policy.backoff.mul_f64(1.5f64.powi(attempt as i32 - 1)))
            .min(policy.max_wait);
        attempt += 1;
        on_phase(Phase::Waiting(RetryNotice {
            attempt,
            max_attempts: max,
            wait,
            reason: error.to_string(),
        }));
        tokio::time::sleep(wait).await;
        on_phase(Phase::Checking);
        let server = match read(client, req.id, true).await {
            Ok(ws) => ws,
            Err(Reread::WrongTarget(w)) => return WriteOutcome::WrongTarget(w),
            Err(Reread::Failed(e)) => {
                return WriteOutcome::InDoubt {
                    error,
                    reread: e.to_string(),
                };
            }
        };
        match server_holds(&before, req.patch, &server) {
            Holds::Sent => {
                return applied_after_all(req.patch, before, server, remote_changes);
            }
            Holds::Other => {
                let report = check_conflicts(&before, &server, req.patch);
                return WriteOutcome::Conflict { server, report };
            }
            // Decision: a partly applied try is retried whole (the landed fields hold what is
            // sent again, so nothing is overwritten); `before` stays the state before the first
            // try for the patched fields, so history and undo bring back the true values.
            Holds::Base | Holds::Partial => {
                let report = check_conflicts(&before, &server, req.patch);
                let next = before_of_write(&before, req.patch, server.clone());
                // `--expect` is about the state our write started from, not our own part.
                if let Some(message) = broken_expectation(&next, req.expects) {
                    return WriteOutcome::Expectation { server, message };
                }
                remote_changes.extend(report.remote_changes);
                before = next;
            }
        }
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

/// The write may have landed: read the workspace and say which.
async fn landed_or_not(
    client: &Client,
    req: &WriteRequest<'_>,
    before: Workspace,
    remote_changes: Vec<Change>,
    error: ApiError,
) -> WriteOutcome {
    let server = match read(client, req.id, true).await {
        Ok(ws) => ws,
        Err(Reread::WrongTarget(w)) => return WriteOutcome::WrongTarget(w),
        Err(Reread::Failed(e)) => {
            return WriteOutcome::InDoubt {
                error,
                reread: e.to_string(),
            };
        }
    };
    match server_holds(&before, req.patch, &server) {
        Holds::Sent => applied_after_all(req.patch, before, server, remote_changes),
        Holds::Base => WriteOutcome::NotApplied {
            error,
            checked: Some("checked the server: the change was not applied".into()),
            server: Some(Box::new(server)),
        },
        Holds::Partial => {
            let (landed, missing) = landed_part(&before, req.patch, &server);
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
        Holds::Other => {
            let changed: Vec<String> = check_conflicts(&before, &server, req.patch)
                .conflicts
                .into_iter()
                .map(|c| c.field)
                .collect();
            WriteOutcome::NotApplied {
                error,
                checked: Some(format!(
                    "checked the server: the change was not applied as sent ({} now hold{} other values)",
                    changed.join(", "),
                    if changed.len() == 1 { "s" } else { "" }
                )),
                server: Some(Box::new(server)),
            }
        }
    }
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
