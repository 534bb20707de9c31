//! What a write leaves in the history, per kind, built in one place for both front ends
//! (product.md §6 "Record"): the TUI hands a [`Record`] to its runtime, the CLI appends its
//! [`Record::entry`]; `crate::revert` reads both the same way.

use super::request::{Answer, Members, Request};
use crate::admin::budgets::{BudgetRequest, Budgets};
use crate::admin::keys::Key;
use crate::state::history::{HistoryEntry, Kind};
use serde_json::{Map, Value};

/// A write's history entry before it is given its host and time.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: Kind,
    pub workspace_id: String,
    pub target: Option<String>,
    pub patch: Map<String, Value>,
    pub before: Map<String, Value>,
    pub after: Map<String, Value>,
    /// Set by [`Record::reverting`]: the entry this write undoes, so it is recorded as kind
    /// `revert` naming it (its fields keep this record's kind's shape).
    pub reverting: Option<Reverting>,
    /// The entry's id when it was given before recording ([`Record::stamp`]); else a fresh one.
    pub id: Option<String>,
}

/// What a revert's entry says of the entry it undoes: its id (`of`) and the kind of write it
/// recorded (`reverts`, see [`HistoryEntry::reverts`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Reverting {
    pub of: String,
    pub reverts: Kind,
}

impl Reverting {
    /// The undo of `undone`.
    pub fn of(undone: &HistoryEntry) -> Self {
        Self {
            of: undone.id.clone(),
            reverts: undone.undone_kind(),
        }
    }

    /// `entry` marked as this undo: kind `revert`, `of`, `reverts`.
    pub fn mark(&self, mut entry: HistoryEntry) -> HistoryEntry {
        entry.kind = Kind::Revert;
        entry.of = Some(self.of.clone());
        entry.reverts = Some(self.reverts);
        entry
    }
}

impl Record {
    /// The history line, for `host`, stamped now.
    pub fn entry(self, host: &str) -> HistoryEntry {
        let entry = HistoryEntry::admin(
            self.kind,
            host,
            &self.workspace_id,
            self.target,
            self.patch,
            self.before,
            self.after,
        );
        let mut entry = match &self.reverting {
            Some(r) => r.mark(entry),
            None => entry,
        };
        if let Some(id) = self.id {
            entry.id = id;
        }
        entry
    }

    /// Gives the record its id now, before it is written: what its own undo says of it (the
    /// TUI's `u` on a Result is then recorded as the revert of this entry).
    pub fn stamp(&mut self) -> Reverting {
        let id = crate::state::history::new_id();
        self.id = Some(id.clone());
        Reverting {
            of: id,
            reverts: self.reverting.as_ref().map_or(self.kind, |r| r.reverts),
        }
    }

    /// This write as the undo of `undone` (any kind): recorded as kind `revert` with `of`
    /// naming `undone` and `reverts` its kind, so `orws history` lists it as a revert and it
    /// can be undone in turn (unless it deleted). Build the record as the write it is (a
    /// guardrail patch, a key move, the delete that undoes a create), then mark it.
    pub fn reverting(mut self, undone: &HistoryEntry) -> Self {
        self.reverting = Some(Reverting::of(undone));
        self
    }

    /// Budget requests that landed, in order, on `before`; `after` what they made of it.
    pub fn budgets(
        workspace_id: &str,
        landed: &[BudgetRequest],
        before: &Budgets,
        after: &Budgets,
    ) -> Self {
        let requests: Vec<Value> = landed.iter().map(|r| r.to_history(workspace_id)).collect();
        Self {
            kind: Kind::Budgets,
            workspace_id: workspace_id.to_string(),
            target: None,
            patch: requests_map(requests),
            before: before.to_history(),
            after: after.to_history(),
            reverting: None,
            id: None,
        }
    }

    /// A guardrail PATCH of `body`: before and after of the fields it sent. `recorded_under` is
    /// the workspace whose guardrail it was (another one's when the answer said so, so its undo
    /// goes there).
    pub fn guardrail(
        recorded_under: &str,
        guardrail_id: &str,
        body: &Map<String, Value>,
        before: Option<&Map<String, Value>>,
        after: Option<&Map<String, Value>>,
    ) -> Self {
        let pick = |g: Option<&Map<String, Value>>| -> Map<String, Value> {
            body.keys()
                .map(|k| {
                    let v = g.and_then(|g| g.get(k)).cloned();
                    (k.clone(), v.unwrap_or(Value::Null))
                })
                .collect()
        };
        Self {
            kind: Kind::Guardrail,
            workspace_id: recorded_under.to_string(),
            target: Some(guardrail_id.to_string()),
            patch: body.clone(),
            before: pick(before),
            after: pick(after),
            reverting: None,
            id: None,
        }
    }

    /// The one entry of an admin write ([`Request`]s), from either front end: `workspace_id`
    /// the workspace the write was reviewed in (a key's is where the key was; a created
    /// workspace's id, from its answer, wins); `requests` those that landed, in order; `seen`
    /// what the Review saw of the target (a key: [`key_seen`]; a deleted workspace: its
    /// fields; the people a members write names: [`people_seen`]); `answers` what the server answered, as settled. `after` is what the answers
    /// tell: the key as answered, the workspace created, who was added or removed. `None`
    /// without requests.
    pub fn sent(
        workspace_id: &str,
        requests: &[Request],
        seen: &Map<String, Value>,
        answers: &[Answer],
    ) -> Option<Self> {
        let first = requests.first()?;
        let mut workspace_id = workspace_id.to_string();
        let mut after = Map::new();
        // Who the Review named (a members write's `people`: user id → "Name <email>") is kept
        // in `after` for those it settled as added or removed, so history names them.
        let mut before = seen.clone();
        let people = before.remove("people");
        let named = |users: &[String]| -> Option<Value> {
            let people = people.as_ref()?.as_object()?;
            let named: Map<String, Value> = users
                .iter()
                .filter_map(|u| Some((u.clone(), people.get(u)?.clone())))
                .collect();
            (!named.is_empty()).then_some(Value::Object(named))
        };
        let mut target = first.target();
        for a in answers {
            match a {
                Answer::Key(key) => {
                    after = key_seen(key);
                    if let Request::EditKey { edit, .. } = first {
                        after.extend(crate::admin::key_labels::held(key, &edit.to_map()));
                    }
                }
                // Never the secret: the key as created, and its hash as the target.
                Answer::KeyCreated { key, .. } => {
                    after = key_seen(key);
                    after.extend(key_created_seen(key));
                    target = Some(key.hash.clone());
                }
                Answer::Created(ws) => {
                    workspace_id = ws.id().to_string();
                    after = ws.fields().clone();
                }
                Answer::MembersAdded(Members(users)) => {
                    after.insert("added".into(), serde_json::json!(users));
                    after.extend(named(users).map(|p| ("people".to_string(), p)));
                }
                Answer::MembersRemoved(Members(users)) => {
                    after.insert("removed".into(), serde_json::json!(users));
                    after.extend(named(users).map(|p| ("people".to_string(), p)));
                }
                // Their entries keep the state before and after: [`Record::budgets`],
                // [`Record::guardrail`].
                Answer::NamedGuardrail(g) => after = (**g).clone(),
                Answer::Assigned { adding, ids, .. } => {
                    let what = if *adding { "assigned" } else { "unassigned" };
                    after.insert(what.into(), serde_json::json!(ids));
                }
                Answer::KeyDeleted(_)
                | Answer::GuardrailDeleted(_)
                | Answer::WorkspaceDeleted
                | Answer::Note(_)
                | Answer::Budget(_)
                | Answer::Guardrail { .. } => {}
            }
        }
        Some(Self::requests(
            first.kind(),
            &workspace_id,
            target,
            requests.iter().map(Request::to_history).collect(),
            before,
            after,
        ))
    }

    /// Admin requests as sent (`method`, `path`, `body` each), under `patch.requests`; `before`
    /// what the Review saw of the target (a key's name, label, place and state), `after` what the
    /// server answered where it tells more (a created workspace).
    pub fn requests(
        kind: Kind,
        workspace_id: &str,
        target: Option<String>,
        requests: Vec<Value>,
        before: Map<String, Value>,
        after: Map<String, Value>,
    ) -> Self {
        Self {
            kind,
            workspace_id: workspace_id.to_string(),
            target,
            patch: requests_map(requests),
            before,
            after,
            reverting: None,
            id: None,
        }
    }
}

/// What a key's history entry keeps of it (its place, state, name and label): `before` as the
/// Review saw the key, `after` as the server answered it.
pub fn key_seen(key: &Key) -> Map<String, Value> {
    let v = serde_json::json!({
        "workspace_id": key.workspace_id, "disabled": key.disabled,
        "key_name": key.name, "key_label": key.label,
    });
    v.as_object().cloned().unwrap_or_default()
}

/// What a created key's entry keeps besides [`key_seen`]: its `hash` and `created_at` (what
/// its undo, a delete, checks), and the fields a create sends.
pub fn key_created_seen(key: &Key) -> Map<String, Value> {
    let whole = serde_json::to_value(key).unwrap_or(Value::Null);
    [
        "hash",
        "created_at",
        "limit",
        "limit_reset",
        "include_byok_in_limit",
        "expires_at",
    ]
    .into_iter()
    .map(|f| (f.to_string(), whole.get(f).cloned().unwrap_or(Value::Null)))
    .collect()
}

/// What a members write's history entry keeps of the people it names (those the organisation
/// knows): `{"people": {user id: "Name <email>"}}`, the `seen` of [`Record::sent`].
pub fn people_seen<'a>(
    users: &[String],
    org: impl IntoIterator<Item = &'a crate::admin::members::OrgMember>,
) -> Map<String, Value> {
    let people: Map<String, Value> = org
        .into_iter()
        .filter(|o| users.contains(&o.id))
        .map(|o| {
            let who = super::review::person(Some(&o.display_name()), Some(&o.email), &o.id);
            (o.id.clone(), Value::String(who))
        })
        .collect();
    let mut seen = Map::new();
    if !people.is_empty() {
        seen.insert("people".into(), Value::Object(people));
    }
    seen
}

/// One request as history keeps it.
pub fn request(method: &str, path: &str, body: Option<Value>) -> Value {
    serde_json::json!({"method": method, "path": path, "body": body})
}

fn requests_map(requests: Vec<Value>) -> Map<String, Value> {
    let mut patch = Map::new();
    patch.insert("requests".into(), Value::Array(requests));
    patch
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::budgets::{Interval, Limits};
    use serde_json::json;

    #[test]
    fn a_guardrail_record_keeps_the_sent_fields_before_and_after() {
        let body = json!({"limit_usd": 200}).as_object().cloned().unwrap();
        let before = json!({"limit_usd": 100, "name": "x"}).as_object().cloned();
        let r = Record::guardrail("ws", "g", &body, before.as_ref(), None);
        assert_eq!(r.before, *json!({"limit_usd": 100}).as_object().unwrap());
        assert_eq!(r.after, *json!({"limit_usd": null}).as_object().unwrap());
        assert_eq!(r.target.as_deref(), Some("g"));
    }

    #[test]
    fn any_record_can_be_marked_as_the_undo_of_an_entry() {
        let undone = Record::guardrail("ws", "g", &Map::new(), None, None).entry("h");
        let e = Record::guardrail("ws", "g", &Map::new(), None, None)
            .reverting(&undone)
            .entry("h");
        assert_eq!(e.kind, Kind::Revert);
        assert_eq!(e.of.as_deref(), Some(undone.id.as_str()));
        assert_eq!(e.reverts, Some(Kind::Guardrail));
        assert_eq!(e.target.as_deref(), Some("g"));
        let line = serde_json::to_value(&e).unwrap();
        assert_eq!(
            (line["kind"].as_str(), line["reverts"].as_str()),
            (Some("revert"), Some("guardrail"))
        );
        // Lines without the fields (every other kind) do not write them.
        let plain = serde_json::to_value(&undone).unwrap();
        assert!(plain.get("of").is_none() && plain.get("reverts").is_none());
    }

    #[test]
    fn a_budgets_record_lists_the_requests_that_landed() {
        let b = Budgets {
            limits: Limits::default().with(Interval::Monthly, Some(500.0)),
            include_byok: Some(false),
        };
        let put = BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 600.0,
            include_byok: None,
        };
        let after = put.apply(&b);
        let e = Record::budgets("ws", std::slice::from_ref(&put), &b, &after).entry("h");
        assert_eq!(e.kind, Kind::Budgets);
        assert_eq!(e.patch["requests"][0]["method"], "PUT");
        assert_eq!(e.after["monthly"], json!(600.0));
    }
}
