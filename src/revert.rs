//! What undoing a history entry means, as data (no I/O): the write(s) that put back what the
//! entry changed, each carrying the state it expects to find, so a later change is a conflict
//! and never overwritten. Both front ends send these through their existing safe writes.
//!
//! Entries come in two shapes for admin writes: the CLI's (`patch` holds the fields or the
//! members `action`, `before` the old values) and the TUI's (`patch.requests` holds the exact
//! requests). Both are read here.

use crate::admin::budgets::{Budgets, Interval};
use crate::admin::key_labels::KeyEdit;
use crate::admin::keys::KeyPatch;
use crate::state::history::{HistoryEntry, Kind};
use crate::workspace::{FIELDS, PatchBody, Workspace};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A settings patch back to the values before, checked against the values after.
#[derive(Debug, Clone, PartialEq)]
pub struct PatchRevert {
    /// The uuid every request goes to.
    pub id: String,
    /// What the person knows it by (slug, else the id).
    pub label: String,
    /// The entry's `after` values (plus `id`): right before the PATCH each field the patch
    /// changes must still hold this, else a conflict and nothing is sent.
    pub base: Workspace,
    /// The entry's `before` values.
    pub patch: PatchBody,
}

/// Members added or removed, and the users the undo names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembersAction {
    Add,
    Remove,
}

impl MembersAction {
    pub fn as_str(self) -> &'static str {
        match self {
            MembersAction::Add => "add",
            MembersAction::Remove => "remove",
        }
    }
}

/// The undo of a named guardrail's write or of an assignment.
#[derive(Debug, Clone, PartialEq)]
pub enum NamedUndo {
    /// A PATCH back: `patch` the fields' values before, `expect` those the entry left (each
    /// must still hold, else a conflict).
    Patch {
        workspace_id: String,
        guardrail_id: String,
        expect: Map<String, Value>,
        patch: Map<String, Value>,
    },
    /// A created guardrail deleted (asks), while it is still the one created at `created_at`.
    DeleteCreated {
        workspace_id: String,
        guardrail_id: String,
        name: String,
        created_at: String,
    },
    /// The opposite assignment: `adding` is what the undo does.
    Assign {
        workspace_id: String,
        guardrail_id: String,
        members: bool,
        adding: bool,
        ids: Vec<String>,
    },
}

/// The writes that undo one entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Revert {
    /// `PATCH /workspaces/{id}` back to `before`.
    Patch(PatchRevert),
    /// The default guardrail's fields back to `before`; `expect` holds the values the entry
    /// left (each must still hold, else a conflict).
    Guardrail {
        workspace_id: String,
        guardrail_id: String,
        expect: Map<String, Value>,
        patch: Map<String, Value>,
    },
    /// A named guardrail's write undone (product.md §12): see [`NamedUndo`].
    Named(NamedUndo),
    /// The inverse members request (an add is undone by removing the same users).
    Members {
        workspace_id: String,
        action: MembersAction,
        user_ids: Vec<String>,
    },
    /// A key back where it was, or enabled/disabled back; `expect` is its state after the entry.
    Key {
        /// The workspace the entry is about (where the key was before it moved).
        workspace_id: String,
        hash: String,
        expect: KeyPatch,
        patch: KeyPatch,
    },
    /// A key's edited fields (name, limit, reset, BYOK switch) back to `patch`, provided they
    /// still hold `expect` (what the entry left).
    KeyEdit {
        workspace_id: String,
        hash: String,
        expect: KeyEdit,
        patch: KeyEdit,
    },
    /// A created key is undone by deleting it: destructive, confirmed like any delete, and only
    /// while the key with `hash` still has the recorded `created_at`.
    DeleteCreatedKey {
        workspace_id: String,
        hash: String,
        name: String,
        created_at: String,
    },
    /// The budgets back: each interval (and the BYOK switch) the entry changed goes back to its
    /// `before`, provided it still holds its `after`; see [`budget_target`].
    Budgets {
        workspace_id: String,
        expect: Budgets,
        restore: Budgets,
        /// The intervals the entry changed.
        changed: Vec<Interval>,
        /// Whether the entry changed the BYOK switch.
        byok_changed: bool,
    },
    /// A created workspace is undone by deleting it: destructive, confirmed like any delete,
    /// and only while the workspace with `workspace_id` still has the recorded `slug` and
    /// `created_at` (one deleted and recreated meanwhile is someone else's).
    DeleteCreated {
        workspace_id: String,
        slug: String,
        name: String,
        created_at: String,
    },
    /// One patch per part of a batch that landed, for [`crate::batch::run`]: base = the part's
    /// `after`, patch = its `before`.
    Batch(Vec<crate::batch::Item>),
}

/// One write an undo makes, for a policy's `changes.forbid`: its kind, resource, id, and the
/// workspace (uuid, and slug when the undo knows it).
#[derive(Debug, Clone, PartialEq)]
pub struct UndoWrite {
    pub kind: &'static str,
    pub resource: &'static str,
    pub id: String,
    pub workspace: String,
    pub slug: Option<String>,
}

impl Revert {
    /// The writes this undo makes, by kind (`code::policy::WRITE_KINDS`).
    pub fn writes(&self) -> Vec<UndoWrite> {
        let w = |kind, resource, id: &str, ws: &str| UndoWrite {
            kind,
            resource,
            id: id.to_string(),
            workspace: ws.to_string(),
            slug: None,
        };
        match self {
            Revert::Patch(p) => vec![w("workspaces.patch", "workspace", &p.id, &p.id)],
            Revert::Guardrail {
                workspace_id,
                guardrail_id,
                ..
            } => vec![w(
                "guardrail.patch",
                "guardrail",
                guardrail_id,
                workspace_id,
            )],
            Revert::Named(NamedUndo::Patch {
                workspace_id,
                guardrail_id,
                ..
            }) => vec![w(
                "guardrails.patch",
                "named_guardrail",
                guardrail_id,
                workspace_id,
            )],
            Revert::Named(NamedUndo::DeleteCreated {
                workspace_id,
                guardrail_id,
                ..
            }) => vec![w(
                "guardrails.delete",
                "named_guardrail",
                guardrail_id,
                workspace_id,
            )],
            Revert::Named(NamedUndo::Assign {
                workspace_id,
                guardrail_id,
                adding,
                ..
            }) => {
                let kind = if *adding {
                    "guardrails.assign"
                } else {
                    "guardrails.unassign"
                };
                vec![w(kind, "named_guardrail", guardrail_id, workspace_id)]
            }
            Revert::Members {
                workspace_id,
                action,
                ..
            } => {
                let kind = match action {
                    MembersAction::Add => "members.add",
                    MembersAction::Remove => "members.remove",
                };
                vec![w(kind, "members", workspace_id, workspace_id)]
            }
            Revert::Key {
                workspace_id,
                hash,
                patch,
                ..
            } => {
                let kind = match (&patch.workspace_id, patch.disabled) {
                    (Some(_), _) => "keys.move",
                    (None, Some(true)) => "keys.disable",
                    (None, Some(false)) => "keys.enable",
                    (None, None) => "keys.edit",
                };
                vec![w(kind, "key", hash, workspace_id)]
            }
            Revert::KeyEdit {
                workspace_id, hash, ..
            } => vec![w("keys.edit", "key", hash, workspace_id)],
            Revert::DeleteCreatedKey {
                workspace_id, hash, ..
            } => vec![w("keys.delete", "key", hash, workspace_id)],
            Revert::Budgets {
                workspace_id,
                restore,
                changed,
                ..
            } => {
                let mut out: Vec<UndoWrite> = changed
                    .iter()
                    .map(|i| match restore.limits.get(*i) {
                        Some(_) => w("budgets.set", "budgets", workspace_id, workspace_id),
                        None => w("budgets.delete", "budgets", workspace_id, workspace_id),
                    })
                    .collect();
                if out.is_empty() {
                    out.push(w("budgets.set", "budgets", workspace_id, workspace_id));
                }
                out
            }
            Revert::DeleteCreated {
                workspace_id, slug, ..
            } => vec![UndoWrite {
                slug: Some(slug.clone()),
                ..w("delete", "workspace", workspace_id, workspace_id)
            }],
            Revert::Batch(items) => items
                .iter()
                .map(|i| UndoWrite {
                    slug: Some(i.base.slug().to_string()).filter(|s| !s.is_empty()),
                    ..w("workspaces.patch", "workspace", &i.id, &i.id)
                })
                .collect(),
        }
    }
}

/// Why an entry cannot be undone, one line for the person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotRevertable {
    #[error(
        "entry {id} deleted workspace '{slug}' ({name}, {workspace_id}); orws cannot bring it back: a deleted workspace cannot be recreated with its id. A new workspace with its settings: {command}"
    )]
    DeletedWorkspace {
        id: String,
        workspace_id: String,
        slug: String,
        name: String,
        command: String,
    },
    #[error(
        "entry {id} created workspace '{slug}' ({workspace_id}) but recorded no created_at; orws cannot tell that workspace from one recreated since with the same slug, so it cannot undo this entry: delete it yourself after checking (`orws delete {workspace_id}`)"
    )]
    CreatedWithoutTime {
        id: String,
        workspace_id: String,
        slug: String,
    },
    #[error(
        "entry {id} is the undo of the create {of}: it deleted {what}, and a deleted workspace cannot be brought back with its id, so this revert cannot be undone. A new workspace with its settings: {command}"
    )]
    RevertDeleted {
        id: String,
        of: String,
        /// "workspace 'slug' (name, uuid)".
        what: String,
        command: String,
    },
    #[error("entry {id} deleted key {hash}; a deleted key cannot be brought back")]
    DeletedKey { id: String, hash: String },
    #[error("entry {id} cannot be undone: {why}")]
    Malformed { id: String, why: String },
}

/// The writes that undo `entry`. `labels` names workspaces by uuid (see [`labels`]).
pub fn revert(
    entry: &HistoryEntry,
    labels: &HashMap<String, String>,
) -> Result<Revert, NotRevertable> {
    let bad = |why: &str| NotRevertable::Malformed {
        id: entry.id.clone(),
        why: why.to_string(),
    };
    match entry.kind {
        // A revert is undone as the write it made: its `after` is the base, as for any entry.
        Kind::Revert if entry.shape() == Kind::Delete => Err(NotRevertable::RevertDeleted {
            id: entry.id.clone(),
            of: entry.of.clone().unwrap_or_default(),
            what: format!(
                "workspace '{}' ({}, {})",
                text(&entry.before, "slug").unwrap_or_default(),
                text(&entry.before, "name").unwrap_or_default(),
                entry.workspace_id
            ),
            command: create_command(&entry.before),
        }),
        Kind::Revert => revert(&entry.as_written(), labels),
        Kind::Patch => patch_revert(entry, labels)
            .map(Revert::Patch)
            .map_err(|w| bad(&w)),
        // A named guardrail's writes keep their requests: undone by what the request was.
        Kind::Guardrail if entry.patch.contains_key("requests") => {
            named_revert(entry).map(Revert::Named).map_err(|w| bad(&w))
        }
        Kind::Assignment => assignment_revert(entry)
            .map(Revert::Named)
            .map_err(|w| bad(&w)),
        Kind::Guardrail => {
            let guardrail_id = entry
                .target
                .clone()
                .ok_or_else(|| bad("it does not say which guardrail"))?;
            if entry.patch.is_empty() {
                return Err(bad("it names no field"));
            }
            let pick = |m: &Map<String, Value>| {
                entry
                    .patch
                    .keys()
                    .map(|k| (k.clone(), m.get(k).cloned().unwrap_or(Value::Null)))
                    .collect()
            };
            Ok(Revert::Guardrail {
                workspace_id: entry.workspace_id.clone(),
                guardrail_id,
                expect: pick(&entry.after),
                patch: pick(&entry.before),
            })
        }
        Kind::Members => members_revert(entry).map_err(|w| bad(&w)),
        Kind::Keys => key_revert(entry).map_err(|w| bad(&w)),
        Kind::Budgets => {
            let expect = budgets_from(&entry.after).ok_or_else(|| bad("it holds no budgets"))?;
            let restore = budgets_from(&entry.before).ok_or_else(|| bad("it holds no budgets"))?;
            let changed: Vec<Interval> = Interval::ALL
                .into_iter()
                .filter(|i| expect.limits.get(*i) != restore.limits.get(*i))
                .collect();
            let byok_changed = expect.include_byok != restore.include_byok;
            if changed.is_empty() && !byok_changed {
                return Err(bad("it changed no budget"));
            }
            Ok(Revert::Budgets {
                workspace_id: entry.workspace_id.clone(),
                expect,
                restore,
                changed,
                byok_changed,
            })
        }
        Kind::Create => {
            let slug = text(&entry.after, "slug")
                .or_else(|| text(&entry.patch, "slug"))
                .unwrap_or_default();
            let Some(created_at) = text(&entry.after, "created_at").filter(|t| !t.is_empty())
            else {
                return Err(NotRevertable::CreatedWithoutTime {
                    id: entry.id.clone(),
                    workspace_id: entry.workspace_id.clone(),
                    slug,
                });
            };
            Ok(Revert::DeleteCreated {
                workspace_id: entry.workspace_id.clone(),
                slug,
                name: text(&entry.after, "name")
                    .or_else(|| text(&entry.patch, "name"))
                    .unwrap_or_default(),
                created_at,
            })
        }
        Kind::Delete => match &entry.target {
            Some(hash) => Err(NotRevertable::DeletedKey {
                id: entry.id.clone(),
                hash: hash.clone(),
            }),
            None => Err(NotRevertable::DeletedWorkspace {
                id: entry.id.clone(),
                workspace_id: entry.workspace_id.clone(),
                slug: text(&entry.before, "slug").unwrap_or_default(),
                name: text(&entry.before, "name").unwrap_or_default(),
                command: create_command(&entry.before),
            }),
        },
        Kind::Batch => {
            if entry.parts.is_empty() {
                return Err(bad(
                    "nothing landed in that batch, so there is nothing to undo",
                ));
            }
            entry
                .parts
                .iter()
                .map(|p| patch_revert(p, labels).map(PatchRevert::into_item))
                .collect::<Result<Vec<_>, _>>()
                .and_then(once_each)
                .map(Revert::Batch)
                .map_err(|w| bad(&w))
        }
    }
}

impl PatchRevert {
    /// The same write as one item of a batch.
    pub fn into_item(self) -> crate::batch::Item {
        crate::batch::Item {
            id: self.id,
            label: self.label,
            base: self.base,
            patch: self.patch,
        }
    }
}

/// Refuses a batch naming one workspace twice, as `apply` refuses such a plan: two writes to
/// one workspace at once would each pass its check before the other lands.
fn once_each(items: Vec<crate::batch::Item>) -> Result<Vec<crate::batch::Item>, String> {
    for (n, item) in items.iter().enumerate() {
        if let Some(first) = items[..n]
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(&item.id))
        {
            return Err(format!(
                "workspace {} appears twice in it; nothing was sent",
                crate::text::escape(&first.id)
            ));
        }
    }
    Ok(items)
}

fn patch_revert(
    entry: &HistoryEntry,
    labels: &HashMap<String, String>,
) -> Result<PatchRevert, String> {
    if entry.workspace_id.is_empty() {
        return Err("it names no workspace".into());
    }
    let names: Vec<&String> = entry.patch.keys().collect();
    if names.is_empty() {
        return Err("it changed no field".into());
    }
    // Only editable fields are ever sent (never `id`), whatever a history line says.
    if let Some(name) = names.iter().find(|n| crate::workspace::field(n).is_none()) {
        return Err(format!(
            "it names '{}', which is not an editable field",
            crate::text::escape(name)
        ));
    }
    let mut base = Map::new();
    base.insert("id".into(), Value::String(entry.workspace_id.clone()));
    // A workspace needs a name and a slug to be one; the patch's fields override these.
    base.insert("name".into(), Value::String(String::new()));
    base.insert("slug".into(), Value::String(String::new()));
    let mut patch = Map::new();
    for name in names {
        base.insert(
            name.clone(),
            entry.after.get(name).cloned().unwrap_or(Value::Null),
        );
        patch.insert(
            name.clone(),
            entry.before.get(name).cloned().unwrap_or(Value::Null),
        );
    }
    // What is sent meets the rules `patch` and `apply` apply: the line may have been edited.
    for (name, value) in &patch {
        if let Some(spec) = crate::workspace::field(name) {
            spec.check(value).map_err(|e| {
                format!(
                    "a value it would send back breaks a field's rule: {}; nothing was sent",
                    crate::text::escape(&e.to_string())
                )
            })?;
        }
    }
    let base = Workspace::from_json(Value::Object(base))
        .map_err(|_| "its values are not a workspace's".to_string())?;
    Ok(PatchRevert {
        id: entry.workspace_id.clone(),
        label: label_of(labels, &entry.workspace_id),
        base,
        patch: PatchBody::from_fields(patch),
    })
}

/// The first request the TUI recorded, when the entry has that shape.
fn first_request(entry: &HistoryEntry) -> Option<&Map<String, Value>> {
    entry
        .patch
        .get("requests")?
        .as_array()?
        .first()?
        .as_object()
}

/// A named guardrail's create (deleted, asking), PATCH (patched back) or delete (lost).
fn named_revert(entry: &HistoryEntry) -> Result<NamedUndo, String> {
    let r = first_request(entry).ok_or("it holds no request")?;
    let method = r.get("method").and_then(Value::as_str).unwrap_or_default();
    let workspace_id = entry.workspace_id.clone();
    match method {
        "POST" => {
            let id =
                text(&entry.after, "id").ok_or("it does not say which guardrail it created")?;
            let created_at = text(&entry.after, "created_at")
                .filter(|t| !t.is_empty())
                .ok_or("it recorded no created_at: orws cannot tell that guardrail from another")?;
            Ok(NamedUndo::DeleteCreated {
                workspace_id,
                guardrail_id: id,
                name: text(&entry.after, "name").unwrap_or_default(),
                created_at,
            })
        }
        "PATCH" => {
            let guardrail_id = entry
                .target
                .clone()
                .ok_or("it does not say which guardrail")?;
            let body = r
                .get("body")
                .and_then(Value::as_object)
                .ok_or("it names no field")?;
            let pick = |m: &Map<String, Value>| -> Map<String, Value> {
                body.keys()
                    .map(|k| (k.clone(), m.get(k).cloned().unwrap_or(Value::Null)))
                    .collect()
            };
            Ok(NamedUndo::Patch {
                workspace_id,
                guardrail_id,
                expect: pick(&entry.after),
                patch: pick(&entry.before),
            })
        }
        _ => Err("it deleted a guardrail, and a deleted guardrail cannot be brought back".into()),
    }
}

/// An assignment undone by the opposite one, for whom it settled.
fn assignment_revert(entry: &HistoryEntry) -> Result<NamedUndo, String> {
    let r = first_request(entry).ok_or("it holds no request")?;
    let path = r.get("path").and_then(Value::as_str).unwrap_or_default();
    let guardrail_id = entry
        .target
        .clone()
        .ok_or("it does not say which guardrail")?;
    let removing = path.ends_with("/remove");
    let members = path.trim_end_matches("/remove").ends_with("/members");
    let field = if members {
        "member_user_ids"
    } else {
        "key_hashes"
    };
    let settled = if removing { "unassigned" } else { "assigned" };
    let mut ids = strings(entry.after.get(settled));
    if ids.is_empty() {
        ids = strings(r.get("body").and_then(|b| b.get(field)));
    }
    if ids.is_empty() {
        return Err("it names no key or member".into());
    }
    Ok(NamedUndo::Assign {
        workspace_id: entry.workspace_id.clone(),
        guardrail_id,
        members,
        adding: removing,
        ids,
    })
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|u| u.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn members_revert(entry: &HistoryEntry) -> Result<Revert, String> {
    let (action, mut users) = match first_request(entry) {
        Some(r) => {
            let path = r.get("path").and_then(Value::as_str).unwrap_or_default();
            let action = if path.ends_with("/members/add") {
                "add"
            } else if path.ends_with("/members/remove") {
                "remove"
            } else {
                ""
            };
            let body = r.get("body").and_then(Value::as_object);
            (action, strings(body.and_then(|b| b.get("user_ids"))))
        }
        None => (
            entry
                .patch
                .get("action")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            strings(entry.patch.get("user_ids")),
        ),
    };
    // Who the server said it added: removing anyone else would remove a member from before.
    // Who was removed, as settled: adding anyone else back would add someone never removed.
    if action == "add" && entry.after.get("added").is_some() {
        users = strings(entry.after.get("added"));
    }
    if action == "remove" && entry.after.get("removed").is_some() {
        users = strings(entry.after.get("removed"));
    }
    if users.is_empty() {
        return Err("it names no user".into());
    }
    let action = match action {
        "add" => MembersAction::Remove,
        "remove" => MembersAction::Add,
        _ => return Err("it says neither add nor remove".into()),
    };
    Ok(Revert::Members {
        workspace_id: entry.workspace_id.clone(),
        action,
        user_ids: users,
    })
}

fn key_revert(entry: &HistoryEntry) -> Result<Revert, String> {
    let hash = entry.target.clone().ok_or("it does not say which key")?;
    let method = first_request(entry)
        .and_then(|r| r.get("method").and_then(Value::as_str).map(str::to_string));
    if method.as_deref() == Some("POST") {
        let created_at = text(&entry.after, "created_at")
            .filter(|t| !t.is_empty())
            .ok_or("it created the key but recorded no created_at, so orws cannot tell it from another; delete it yourself after checking")?;
        return Ok(Revert::DeleteCreatedKey {
            workspace_id: entry.workspace_id.clone(),
            hash,
            name: text(&entry.after, "key_name").unwrap_or_default(),
            created_at,
        });
    }
    let sent = match first_request(entry) {
        Some(r) => r
            .get("body")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        None => entry.patch.clone(),
    };
    if let Some(disabled) = sent.get("disabled").and_then(Value::as_bool) {
        let was = entry
            .before
            .get("disabled")
            .and_then(Value::as_bool)
            .unwrap_or(!disabled);
        return Ok(Revert::Key {
            workspace_id: entry.workspace_id.clone(),
            hash,
            expect: KeyPatch {
                workspace_id: None,
                disabled: Some(disabled),
            },
            patch: KeyPatch {
                workspace_id: None,
                disabled: Some(was),
            },
        });
    }
    if let Some(to) = sent.get("workspace_id").and_then(Value::as_str) {
        // The TUI records the move under the workspace the key left.
        let from =
            text(&entry.before, "workspace_id").unwrap_or_else(|| entry.workspace_id.clone());
        if from.is_empty() {
            return Err("it does not say where the key was".into());
        }
        return Ok(Revert::Key {
            workspace_id: entry.workspace_id.clone(),
            hash,
            expect: KeyPatch {
                workspace_id: Some(to.to_string()),
                disabled: None,
            },
            patch: KeyPatch {
                workspace_id: Some(from),
                disabled: None,
            },
        });
    }
    if let Some(sent) = KeyEdit::from_map(&sent).filter(|e| !e.is_empty()) {
        let pick = |m: &Map<String, Value>| -> Map<String, Value> {
            sent.to_map()
                .keys()
                .map(|k| (k.clone(), m.get(k).cloned().unwrap_or(Value::Null)))
                .collect()
        };
        let expect = KeyEdit::from_map(&pick(&entry.after)).ok_or("its after is not a key's")?;
        let patch = KeyEdit::from_map(&pick(&entry.before)).ok_or("its before is not a key's")?;
        return Ok(Revert::KeyEdit {
            workspace_id: entry.workspace_id.clone(),
            hash,
            expect,
            patch,
        });
    }
    Err("it is neither a move, a disable/enable, an edit nor a create".into())
}

/// Budgets as the history keeps them (`Budgets::to_history`); `None` when none is there.
pub fn budgets_from(m: &Map<String, Value>) -> Option<Budgets> {
    if m.is_empty() {
        return None;
    }
    let mut b = Budgets::default();
    for i in Interval::ALL {
        b.limits.set(i, m.get(i.as_str()).and_then(Value::as_f64));
    }
    b.include_byok = m.get("include_byok_in_budgets").and_then(Value::as_bool);
    Some(b)
}

/// What a budgets undo aims at, given what the server holds now: the intervals the entry
/// changed (and the switch) go back, the rest stay as they are now. `Err` names the intervals
/// changed since the entry (a conflict: nothing is sent).
pub fn budget_target(
    now: &Budgets,
    expect: &Budgets,
    restore: &Budgets,
    changed: &[Interval],
    byok_changed: bool,
) -> Result<Budgets, Vec<String>> {
    let mut moved: Vec<String> = changed
        .iter()
        .filter(|i| now.limits.get(**i) != expect.limits.get(**i))
        .map(|i| i.as_str().to_string())
        .collect();
    if byok_changed && now.include_byok != expect.include_byok {
        moved.push("include_byok_in_budgets".into());
    }
    if !moved.is_empty() {
        return Err(moved);
    }
    let mut target = *now;
    for i in changed {
        target.limits.set(*i, restore.limits.get(*i));
    }
    if byok_changed {
        target.include_byok = restore.include_byok;
    }
    Ok(target)
}

fn text(m: &Map<String, Value>, key: &str) -> Option<String> {
    m.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn label_of(labels: &HashMap<String, String>, id: &str) -> String {
    labels.get(id).cloned().unwrap_or_else(|| id.to_string())
}

/// What each workspace the history knows is called (its slug, else its name), newest wins:
/// creates and deletes hold whole workspaces, patches of the slug or name hold those.
pub fn labels(entries: &[HistoryEntry]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    let mut learn = |e: &HistoryEntry| {
        for m in [&e.before, &e.after] {
            if let Some(name) = text(m, "slug").or_else(|| text(m, "name"))
                && !e.workspace_id.is_empty()
                && e.target.is_none()
            {
                out.insert(e.workspace_id.clone(), name);
            }
        }
    };
    // Entries come newest first: learnt oldest first, so the newest name wins.
    for e in entries.iter().rev() {
        match e.shape() {
            Kind::Batch => e.parts.iter().for_each(&mut learn),
            // A guardrail's or a key's fields are not the workspace's.
            Kind::Guardrail
            | Kind::Assignment
            | Kind::Keys
            | Kind::Members
            | Kind::Budgets
            | Kind::Revert => {}
            Kind::Patch | Kind::Create | Kind::Delete => learn(e),
        }
    }
    out
}

/// The `orws create` command that would make a new workspace with a deleted one's settings.
pub fn create_command(ws: &Map<String, Value>) -> String {
    let mut cmd = String::from("orws create");
    for spec in FIELDS {
        let Some(v) = ws.get(spec.name).filter(|v| !v.is_null()) else {
            continue;
        };
        match v {
            Value::String(s) => cmd.push_str(&format!(" --set {}={}", spec.name, quote(s))),
            other => cmd.push_str(&format!(
                " --set-json {}={}",
                spec.name,
                quote(&other.to_string())
            )),
        }
    }
    cmd
}

/// Single-quoted for a POSIX shell when it needs quoting.
fn quote(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+,".contains(c));
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// What the lists know to name things by, besides what an entry recorded itself.
pub trait Names {
    /// A workspace by uuid: "Name (slug)", or its slug.
    fn workspace(&self, id: &str) -> Option<String>;
    /// A person by user id: "Name <email>".
    fn person(&self, _user_id: &str) -> Option<String> {
        None
    }
}

impl<S: std::hash::BuildHasher> Names for HashMap<String, String, S> {
    fn workspace(&self, id: &str) -> Option<String> {
        self.get(id).cloned()
    }
}

impl Names for std::collections::BTreeMap<String, String> {
    fn workspace(&self, id: &str) -> Option<String> {
        self.get(id).cloned()
    }
}

/// Workspaces and people by id, for [`summary`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Known {
    /// uuid → "Name (slug)" or slug.
    pub workspaces: HashMap<String, String>,
    /// user id → "Name <email>".
    pub people: HashMap<String, String>,
}

impl Names for Known {
    fn workspace(&self, id: &str) -> Option<String> {
        self.workspaces.get(id).cloned()
    }
    fn person(&self, user_id: &str) -> Option<String> {
        self.people.get(user_id).cloned()
    }
}

/// The people an entry recorded by name (`people`: user id → "Name <email>", in `before` or
/// `after`), which win over what `names` knows; the user id where neither knows them.
fn person_in(entry: &HistoryEntry, names: &dyn Names, user_id: &str) -> String {
    [&entry.after, &entry.before]
        .iter()
        .find_map(|m| m.get("people")?.get(user_id)?.as_str().map(str::to_string))
        .or_else(|| names.person(user_id))
        .unwrap_or_else(|| user_id.to_string())
}

/// The workspaces an entry names by uuid (its own, its parts', where a key moved to), for a
/// list to name them.
pub fn workspaces_named(entry: &HistoryEntry) -> Vec<String> {
    let e = entry.as_written();
    let mut out: Vec<String> = Vec::new();
    if !e.is_batch() && !e.workspace_id.is_empty() {
        out.push(e.workspace_id.clone());
    }
    out.extend(e.parts.iter().flat_map(workspaces_named));
    if e.kind == Kind::Keys
        && let Ok(Revert::Key { expect, patch, .. }) = key_revert(&e)
    {
        out.extend(expect.workspace_id);
        out.extend(patch.workspace_id);
    }
    out
}

/// The people an entry names by user id and did not record by name (members added or
/// removed), for a list to name them.
pub fn people_named(entry: &HistoryEntry) -> Vec<String> {
    let e = entry.as_written();
    match members_revert(&e) {
        Ok(Revert::Members { user_ids, .. }) if e.kind == Kind::Members => user_ids
            .into_iter()
            .filter(|u| person_in(&e, &HashMap::<String, String>::new(), u) == *u)
            .collect(),
        _ => Vec::new(),
    }
}

/// One line about what an entry did, for lists (`name: A → B`, `added Ada <ada@x.io>`, …),
/// naming workspaces and people by `names` where the entry holds only their ids. Escaped.
pub fn summary(entry: &HistoryEntry, names: &dyn Names) -> String {
    let show = |v: Option<&Value>| match v {
        None | Some(Value::Null) => "∅".to_string(),
        Some(Value::String(s)) => format!("\"{}\"", shorten(s, 30)),
        Some(other) => shorten(&other.to_string(), 30),
    };
    let fields = |e: &HistoryEntry| -> String {
        e.patch
            .keys()
            .map(|k| format!("{k}: {} → {}", show(e.before.get(k)), show(e.after.get(k))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let line = match entry.kind {
        Kind::Revert => {
            let of = entry.of.as_deref().map_or("?", short_id);
            let what = summary(&entry.as_written(), names);
            // `what` is escaped already.
            return format!("revert of {}: {what}", crate::text::escape(of));
        }
        Kind::Guardrail if entry.patch.contains_key("requests") => requests_line(entry),
        Kind::Assignment => requests_line(entry),
        Kind::Patch | Kind::Guardrail => fields(entry),
        Kind::Create => format!(
            "created '{}'",
            text(&entry.after, "slug").unwrap_or_default()
        ),
        Kind::Delete => match &entry.target {
            Some(hash) => {
                match text(&entry.before, "key_name").or_else(|| text(&entry.before, "name")) {
                    Some(name) => format!(
                        "deleted key {}",
                        crate::write::review::key(
                            &name,
                            &text(&entry.before, "key_label")
                                .or_else(|| text(&entry.before, "label"))
                                .unwrap_or_default()
                        )
                    ),
                    None => format!("deleted key {}", shorten(hash, 12)),
                }
            }
            None => format!(
                "deleted '{}'",
                text(&entry.before, "slug").unwrap_or_default()
            ),
        },
        Kind::Members => match members_revert(entry) {
            Ok(Revert::Members {
                action, user_ids, ..
            }) => {
                // The entry did the opposite of its undo.
                let did = match action {
                    MembersAction::Remove => "added",
                    MembersAction::Add => "removed",
                };
                let who: Vec<String> = user_ids
                    .iter()
                    .map(|u| person_in(entry, names, u))
                    .collect();
                format!("{did} {}", who.join(", "))
            }
            _ => "members".to_string(),
        },
        Kind::Keys => match key_revert(entry) {
            Ok(Revert::Key { hash, expect, .. }) => {
                // A key by its name and label where the entry knows them, its hash otherwise.
                let key = match (
                    text(&entry.before, "key_name"),
                    text(&entry.before, "key_label"),
                ) {
                    (Some(name), label) => {
                        crate::write::review::key(&name, &label.unwrap_or_default())
                    }
                    (None, _) => shorten(&hash, 12),
                };
                match (expect.disabled, expect.workspace_id) {
                    (Some(true), _) => format!("disabled key {key}"),
                    (Some(false), _) => format!("enabled key {key}"),
                    (None, Some(to)) => {
                        format!("moved key {key} to {}", names.workspace(&to).unwrap_or(to))
                    }
                    (None, None) => "keys".to_string(),
                }
            }
            Ok(Revert::KeyEdit { hash, patch, .. }) => {
                let changed: Vec<String> = patch
                    .to_map()
                    .keys()
                    .map(|k| {
                        format!(
                            "{k}: {} → {}",
                            show(entry.before.get(k)),
                            show(entry.after.get(k))
                        )
                    })
                    .collect();
                format!(
                    "edited key {}: {}",
                    text(&entry.before, "key_name").unwrap_or_else(|| shorten(&hash, 12)),
                    changed.join(", ")
                )
            }
            Ok(Revert::DeleteCreatedKey { name, hash, .. }) => {
                format!("created key {name} ({})", shorten(&hash, 12))
            }
            _ => "keys".to_string(),
        },
        Kind::Budgets => {
            let (b, a) = (budgets_from(&entry.before), budgets_from(&entry.after));
            let usd = |v: Option<f64>| {
                v.map_or(
                    crate::write::review::NULL.to_string(),
                    crate::admin::budgets::usd,
                )
            };
            match (b, a) {
                (Some(b), Some(a)) => Interval::ALL
                    .into_iter()
                    .filter(|i| b.limits.get(*i) != a.limits.get(*i))
                    .map(|i| format!("{i}: {} → {}", usd(b.limits.get(i)), usd(a.limits.get(i))))
                    .chain(
                        (b.include_byok != a.include_byok)
                            .then(|| "include BYOK changed".to_string()),
                    )
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => "budgets".to_string(),
            }
        }
        Kind::Batch if entry.parts.is_empty() => "nothing landed".to_string(),
        Kind::Batch => {
            let fields: std::collections::BTreeSet<&String> =
                entry.parts.iter().flat_map(|p| p.patch.keys()).collect();
            // The count is the workspace column's; here, what the batch set.
            format!(
                "set {}",
                fields.into_iter().cloned().collect::<Vec<_>>().join(", ")
            )
        }
    };
    crate::text::escape(&line).into_owned()
}

fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// What a batch entry is about, in the history's lists: "1 workspace", "3 workspaces".
/// A batch with no part (stopped or failed before any write landed): "nothing landed".
pub fn batch_size(e: &HistoryEntry) -> String {
    match e.parts.len() {
        0 => "nothing landed".to_string(),
        n => format!("{n} workspace{}", if n == 1 { "" } else { "s" }),
    }
}

/// A short id for lists: the first 8 characters (any unique prefix finds the entry).
pub fn short_id(id: &str) -> &str {
    if id.starts_with("line-") {
        return id;
    }
    id.char_indices().nth(8).map_or(id, |(i, _)| &id[..i])
}

/// A named guardrail's create, delete or assignment: its requests as sent.
fn requests_line(entry: &HistoryEntry) -> String {
    let requests = entry.patch.get("requests").and_then(Value::as_array);
    requests
        .into_iter()
        .flatten()
        .map(|r| {
            let s = |k: &str| {
                r.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            };
            format!("{} {}", s("method"), s("path"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The kind as the history file spells it.
pub fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Patch => "patch",
        Kind::Create => "create",
        Kind::Delete => "delete",
        Kind::Members => "members",
        Kind::Keys => "key",
        Kind::Budgets => "budgets",
        Kind::Guardrail => "guardrail",
        Kind::Assignment => "assignment",
        Kind::Batch => "batch",
        Kind::Revert => "revert",
    }
}

/// The entry whose id is `asked`, or the only one it is a prefix of (like git).
pub fn find<'a>(entries: &'a [HistoryEntry], asked: &str) -> Result<&'a HistoryEntry, FindError> {
    if asked.is_empty() {
        return Err(FindError::Unknown(asked.to_string()));
    }
    if let Some(e) = entries.iter().find(|e| e.id == asked) {
        return Ok(e);
    }
    let matches: Vec<&HistoryEntry> = entries.iter().filter(|e| e.id.starts_with(asked)).collect();
    match matches.as_slice() {
        [] => Err(FindError::Unknown(asked.to_string())),
        [one] => Ok(one),
        many => Err(FindError::Ambiguous {
            asked: asked.to_string(),
            count: many.len(),
        }),
    }
}

/// An id that names no entry, or more than one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FindError {
    #[error("no history entry '{0}' for this host; `orws history` lists them with their ids")]
    Unknown(String),
    #[error("'{asked}' is the start of {count} history entries' ids; give more of it")]
    Ambiguous { asked: String, count: usize },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn entry(kind: Kind, patch: Value, before: Value, after: Value) -> HistoryEntry {
        let mut e =
            HistoryEntry::admin(kind, "h", "ws-1", None, obj(patch), obj(before), obj(after));
        e.id = "e1".into();
        e
    }

    #[test]
    fn a_patch_reverts_to_before_with_after_as_base() {
        let e = entry(
            Kind::Patch,
            json!({"name": "B", "description": null}),
            json!({"name": "A", "description": "d"}),
            json!({"name": "B", "description": null}),
        );
        let labels = HashMap::from([("ws-1".to_string(), "prod".to_string())]);
        let Revert::Patch(p) = revert(&e, &labels).unwrap() else {
            panic!("not a patch");
        };
        assert_eq!((p.id.as_str(), p.label.as_str()), ("ws-1", "prod"));
        assert_eq!(p.patch.to_json(), json!({"name": "A", "description": "d"}));
        assert_eq!(p.base.get("name"), Some(&json!("B")));
        assert_eq!(p.base.get("description"), Some(&Value::Null));
        assert_eq!(p.base.id(), "ws-1");
    }

    #[test]
    fn a_guardrail_reverts_to_before_expecting_after() {
        let mut e = entry(
            Kind::Guardrail,
            json!({"enforce_zdr": true}),
            json!({"enforce_zdr": null}),
            json!({"enforce_zdr": true}),
        );
        e.target = Some("g-1".into());
        assert_eq!(
            revert(&e, &HashMap::new()).unwrap(),
            Revert::Guardrail {
                workspace_id: "ws-1".into(),
                guardrail_id: "g-1".into(),
                expect: obj(json!({"enforce_zdr": true})),
                patch: obj(json!({"enforce_zdr": null})),
            }
        );
    }

    #[test]
    fn members_add_is_undone_by_removing_who_was_added_in_both_shapes() {
        let cli = entry(
            Kind::Members,
            json!({"action": "add", "user_ids": ["u1", "u2"]}),
            json!({}),
            json!({"added": ["u1"]}),
        );
        let tui = entry(
            Kind::Members,
            json!({"requests": [{"method": "POST", "path": "/workspaces/ws-1/members/remove", "body": {"user_ids": ["u3"]}}]}),
            json!({}),
            json!({}),
        );
        assert_eq!(
            revert(&cli, &HashMap::new()).unwrap(),
            Revert::Members {
                workspace_id: "ws-1".into(),
                action: MembersAction::Remove,
                user_ids: vec!["u1".into()],
            }
        );
        assert_eq!(
            revert(&tui, &HashMap::new()).unwrap(),
            Revert::Members {
                workspace_id: "ws-1".into(),
                action: MembersAction::Add,
                user_ids: vec!["u3".into()],
            }
        );
    }

    #[test]
    fn members_remove_is_undone_by_adding_back_only_who_was_removed() {
        let e = entry(
            Kind::Members,
            json!({"requests": [{"method": "POST", "path": "/workspaces/ws-1/members/remove",
                "body": {"user_ids": ["u1", "u2"]}}]}),
            json!({}),
            json!({"removed": ["u2"]}),
        );
        assert_eq!(
            revert(&e, &HashMap::new()).unwrap(),
            Revert::Members {
                workspace_id: "ws-1".into(),
                action: MembersAction::Add,
                user_ids: vec!["u2".into()],
            }
        );
    }

    #[test]
    fn keys_go_back_enabled_or_to_where_they_were() {
        let mut disable = entry(
            Kind::Keys,
            json!({"disabled": true}),
            json!({"disabled": false}),
            json!({"disabled": true}),
        );
        disable.target = Some("k1".into());
        let Revert::Key { patch, expect, .. } = revert(&disable, &HashMap::new()).unwrap() else {
            panic!()
        };
        assert_eq!((patch.disabled, expect.disabled), (Some(false), Some(true)));

        let mut moved = entry(
            Kind::Keys,
            json!({"requests": [{"method": "PATCH", "path": "/keys/k1", "body": {"workspace_id": "ws-2"}}]}),
            json!({}),
            json!({}),
        );
        moved.target = Some("k1".into());
        let Revert::Key {
            patch,
            expect,
            hash,
            ..
        } = revert(&moved, &HashMap::new()).unwrap()
        else {
            panic!()
        };
        assert_eq!(hash, "k1");
        assert_eq!(patch.workspace_id.as_deref(), Some("ws-1"));
        assert_eq!(expect.workspace_id.as_deref(), Some("ws-2"));
    }

    #[test]
    fn budgets_restore_only_what_the_entry_changed_and_refuse_a_later_change() {
        let e = entry(
            Kind::Budgets,
            json!({"requests": []}),
            json!({"daily": null, "weekly": null, "monthly": 500.0, "lifetime": null, "include_byok_in_budgets": false}),
            json!({"daily": null, "weekly": null, "monthly": 600.0, "lifetime": null, "include_byok_in_budgets": false}),
        );
        let Revert::Budgets {
            expect,
            restore,
            changed,
            byok_changed,
            ..
        } = revert(&e, &HashMap::new()).unwrap()
        else {
            panic!()
        };
        assert_eq!(changed, vec![Interval::Monthly]);
        assert!(!byok_changed);
        // Someone set a weekly limit since: it stays; monthly goes back.
        let now = Budgets {
            limits: expect.limits.with(Interval::Weekly, Some(100.0)),
            include_byok: Some(false),
        };
        let target = budget_target(&now, &expect, &restore, &changed, byok_changed).unwrap();
        assert_eq!(target.limits.get(Interval::Monthly), Some(500.0));
        assert_eq!(target.limits.get(Interval::Weekly), Some(100.0));
        // Someone changed the monthly limit since: a conflict naming it.
        let moved = Budgets {
            limits: expect.limits.with(Interval::Monthly, Some(700.0)),
            include_byok: Some(false),
        };
        assert_eq!(
            budget_target(&moved, &expect, &restore, &changed, byok_changed),
            Err(vec!["monthly".to_string()])
        );
    }

    #[test]
    fn a_create_is_undone_by_deleting_it() {
        let e = entry(
            Kind::Create,
            json!({"name": "New", "slug": "new"}),
            json!({}),
            json!({"id": "ws-1", "name": "New", "slug": "new", "created_at": "2026-12-07T10:00:00Z"}),
        );
        assert_eq!(
            revert(&e, &HashMap::new()).unwrap(),
            Revert::DeleteCreated {
                workspace_id: "ws-1".into(),
                slug: "new".into(),
                name: "New".into(),
                created_at: "2026-12-07T10:00:00Z".into(),
            }
        );
    }

    #[test]
    fn a_create_without_created_at_cannot_be_undone_and_says_so() {
        let e = entry(
            Kind::Create,
            json!({"name": "New", "slug": "new"}),
            json!({}),
            json!({"id": "ws-1", "name": "New", "slug": "new"}),
        );
        let err = revert(&e, &HashMap::new()).unwrap_err();
        assert!(
            matches!(err, NotRevertable::CreatedWithoutTime { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("recorded no created_at"), "{err}");
    }

    #[test]
    fn a_delete_is_refused_saying_what_it_was_and_the_create_command() {
        let e = entry(
            Kind::Delete,
            json!({}),
            json!({"id": "ws-1", "name": "Old one", "slug": "old", "description": "it's", "io_logging_sampling_rate": 0.5, "created_at": "x"}),
            json!({}),
        );
        let err = revert(&e, &HashMap::new()).unwrap_err().to_string();
        assert!(
            err.contains("deleted workspace 'old' (Old one, ws-1)"),
            "{err}"
        );
        assert!(err.contains("cannot be recreated with its id"), "{err}");
        assert!(
            err.contains(
                r#"orws create --set name='Old one' --set slug=old --set description='it'\''s' --set-json io_logging_sampling_rate=0.5"#
            ),
            "{err}"
        );
        let mut key = entry(Kind::Delete, json!({}), json!({}), json!({}));
        key.target = Some("k1".into());
        assert!(matches!(
            revert(&key, &HashMap::new()),
            Err(NotRevertable::DeletedKey { .. })
        ));
    }

    #[test]
    fn a_batch_is_one_inverse_per_landed_part() {
        let part = |id: &str, before: &str, after: &str| {
            let mut p = HistoryEntry::admin(
                Kind::Patch,
                "h",
                id,
                None,
                obj(json!({"description": after})),
                obj(json!({"description": before})),
                obj(json!({"description": after})),
            );
            p.id = String::new();
            p
        };
        let e = HistoryEntry::batch("h", vec![part("a", "x", "y"), part("b", "p", "y")]);
        let Revert::Batch(items) = revert(&e, &HashMap::new()).unwrap() else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[1].id, "b");
        assert_eq!(items[1].patch.to_json(), json!({"description": "p"}));
        assert_eq!(items[1].base.get("description"), Some(&json!("y")));
        let empty = HistoryEntry::batch("h", vec![]);
        assert!(revert(&empty, &HashMap::new()).is_err());
    }

    #[test]
    fn ids_are_found_whole_or_by_a_unique_prefix() {
        let mut a = entry(Kind::Patch, json!({"name": "B"}), json!({}), json!({}));
        a.id = "abc-1".into();
        let mut b = a.clone();
        b.id = "abd-2".into();
        let all = vec![a, b];
        assert_eq!(find(&all, "abc").unwrap().id, "abc-1");
        assert_eq!(find(&all, "abd-2").unwrap().id, "abd-2");
        assert!(matches!(
            find(&all, "ab"),
            Err(FindError::Ambiguous { count: 2, .. })
        ));
        assert!(matches!(find(&all, "zz"), Err(FindError::Unknown(_))));
        assert!(matches!(find(&all, ""), Err(FindError::Unknown(_))));
    }

    #[test]
    fn labels_come_from_creates_deletes_and_slug_patches() {
        let create = entry(
            Kind::Create,
            json!({}),
            json!({}),
            json!({"id": "ws-1", "name": "N", "slug": "first"}),
        );
        let rename = entry(
            Kind::Patch,
            json!({"slug": "second"}),
            json!({"slug": "first"}),
            json!({"slug": "second"}),
        );
        // Newest first, as the history is read.
        let l = labels(&[rename, create]);
        assert_eq!(l.get("ws-1").map(String::as_str), Some("second"));
    }

    /// A revert has the shape of the write it made: undone in turn like it (its `after` the
    /// base), unless it deleted; listed as "revert of <id>: …".
    #[test]
    fn a_revert_is_undone_as_the_write_it_made_unless_it_deleted() {
        let original = entry(
            Kind::Patch,
            json!({"name": "B"}),
            json!({"name": "A"}),
            json!({"name": "B"}),
        );
        let mut undo = entry(
            Kind::Patch,
            json!({"name": "A"}),
            json!({"name": "B"}),
            json!({"name": "A"}),
        )
        .reverting(&original);
        undo.id = "e2".into();
        assert_eq!(
            (undo.kind, undo.of.as_deref(), undo.reverts),
            (Kind::Revert, Some("e1"), Some(Kind::Patch))
        );
        let Revert::Patch(p) = revert(&undo, &HashMap::new()).unwrap() else {
            panic!("not a patch");
        };
        assert_eq!(p.patch.to_json(), json!({"name": "B"}));
        assert_eq!(p.base.get("name"), Some(&json!("A")));
        let names = HashMap::<String, String>::new();
        assert_eq!(summary(&undo, &names), "revert of e1: name: \"B\" → \"A\"");
        // The undo of the undo keeps the first entry's kind.
        let again = original.clone().reverting(&undo);
        assert_eq!(
            (again.of.as_deref(), again.reverts),
            (Some("e2"), Some(Kind::Patch))
        );

        let create = entry(Kind::Create, json!({}), json!({}), json!({"slug": "new"}));
        let deleted = entry(
            Kind::Delete,
            json!({}),
            json!({"id": "ws-1", "name": "New", "slug": "new"}),
            json!({}),
        )
        .reverting(&create);
        assert_eq!(deleted.shape(), Kind::Delete);
        let err = revert(&deleted, &HashMap::new()).unwrap_err();
        assert!(
            matches!(err, NotRevertable::RevertDeleted { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("cannot be undone"), "{err}");
        assert_eq!(summary(&deleted, &names), "revert of e1: deleted 'new'");
    }

    /// A key moved is listed with where it went by name, members by who they are.
    #[test]
    fn summaries_name_workspaces_and_people_where_known() {
        let mut moved = entry(
            Kind::Keys,
            json!({"requests": [{"method": "PATCH", "path": "/keys/k1", "body": {"workspace_id": "ws-2"}}]}),
            json!({"key_name": "ci"}),
            json!({}),
        );
        moved.target = Some("k1".into());
        let names = Known {
            workspaces: HashMap::from([("ws-2".to_string(), "Dev (dev)".to_string())]),
            people: HashMap::from([("u1".to_string(), "Ada <ada@x.io>".to_string())]),
        };
        assert_eq!(summary(&moved, &names), "moved key ci to Dev (dev)");
        assert_eq!(workspaces_named(&moved), ["ws-1", "ws-2", "ws-1"]);
        let added = entry(
            Kind::Members,
            json!({"action": "add", "user_ids": ["u1", "u2"]}),
            json!({}),
            json!({"people": {"u2": "Bob <bob@x.io>"}}),
        );
        assert_eq!(
            summary(&added, &names),
            "added Ada <ada@x.io>, Bob <bob@x.io>"
        );
        assert_eq!(people_named(&added), ["u1"]);
    }

    #[test]
    fn summaries_say_what_changed_in_one_escaped_line() {
        let e = entry(
            Kind::Patch,
            json!({"name": "B\u{1b}"}),
            json!({"name": "A"}),
            json!({"name": "B\u{1b}"}),
        );
        let s = summary(&e, &HashMap::<String, String>::new());
        assert!(s.starts_with("name: \"A\" → \"B"), "{s}");
        assert!(!s.contains('\u{1b}'));
    }

    #[test]
    fn an_undo_is_judged_by_the_kind_of_what_it_writes() {
        let kinds = |r: Revert| r.writes().iter().map(|w| w.kind).collect::<Vec<_>>();
        let members = |action| Revert::Members {
            workspace_id: "w".into(),
            action,
            user_ids: vec!["u".into()],
        };
        assert_eq!(kinds(members(MembersAction::Remove)), ["members.remove"]);
        assert_eq!(kinds(members(MembersAction::Add)), ["members.add"]);
        let key = |patch: KeyPatch| Revert::Key {
            workspace_id: "w".into(),
            hash: "h".into(),
            expect: KeyPatch::default(),
            patch,
        };
        let enable = KeyPatch {
            disabled: Some(false),
            ..KeyPatch::default()
        };
        assert_eq!(kinds(key(enable)), ["keys.enable"]);
        let back = KeyPatch {
            workspace_id: Some("w0".into()),
            ..KeyPatch::default()
        };
        assert_eq!(kinds(key(back)), ["keys.move"]);
        let created = Revert::DeleteCreated {
            workspace_id: "w".into(),
            slug: "prod".into(),
            name: "P".into(),
            created_at: "t".into(),
        };
        let w = created.writes();
        assert_eq!((w[0].kind, w[0].slug.as_deref()), ("delete", Some("prod")));
    }
}
