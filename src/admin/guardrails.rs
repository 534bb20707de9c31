//! Named guardrails (product.md §12, §15): their fields (every one editable, name and
//! description included; the default guardrail's field table, labels and PATCH reused), the
//! rules R16, R17 and R22 as pure checks, the identity of a created guardrail, and the plan
//! of an assignment (which keys and members are added or removed, and what each replaces).

use super::guardrail::{self, GUARDRAIL_FIELDS};
use crate::write::Settled;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The fields of a named guardrail beyond the default's: both editable (R15 fixes only the
/// default's name).
pub const TEXT_FIELDS: &[&str] = &["name", "description"];

/// R16, said wherever a named guardrail is created.
pub const ENFORCES_NOTHING: &str = "a new guardrail enforces nothing until it is assigned to keys or members (R16); only the default guardrail covers the whole workspace";

/// A field as a person reads it.
pub fn label(field: &str) -> &str {
    match field {
        "name" => "Name",
        "description" => "Description",
        other => guardrail::label(other),
    }
}

/// Every rule `value` breaks for `field` of a named guardrail, as one line each.
pub fn check_field(field: &str, value: &Value) -> Vec<String> {
    match field {
        "name" => match value.as_str() {
            Some(n) if !n.trim().is_empty() => vec![],
            _ => vec!["name must be a non-empty text".into()],
        },
        "description" if value.is_null() || value.is_string() => vec![],
        "description" => vec!["description must be a text or null".into()],
        other => guardrail::check_field(other, value)
            .iter()
            .map(ToString::to_string)
            .collect(),
    }
}

/// R17 and the fields of a create's body: name required, `limit_usd` with `reset_interval`.
pub fn check_create(body: &Map<String, Value>) -> Vec<String> {
    let mut broken = Vec::new();
    if !body.contains_key("name") {
        broken.push("name is required".to_string());
    }
    for (k, v) in body {
        if k != "workspace_id" {
            broken.extend(check_field(k, v));
        }
    }
    if body.contains_key("limit_usd") != body.contains_key("reset_interval") {
        broken.push(
            "limit_usd and reset_interval must be given together (R17): a budget needs its reset"
                .to_string(),
        );
    }
    broken
}

/// The minimal PATCH of a named guardrail from `base` to `target`: the default's (lists whole,
/// limit and interval together) plus a changed name or description.
pub fn patch(
    base: &Map<String, Value>,
    target: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<String>> {
    let mut broken: Vec<String> = TEXT_FIELDS
        .iter()
        .filter_map(|f| target.get(*f).map(|v| check_field(f, v)))
        .flatten()
        .collect();
    let mut out = match guardrail::patch(Some(base), target) {
        Ok(p) => p,
        Err(rules) => {
            broken.extend(rules.iter().map(ToString::to_string));
            Map::new()
        }
    };
    if !broken.is_empty() {
        return Err(broken);
    }
    for f in TEXT_FIELDS {
        let (b, t) = (base.get(*f).unwrap_or(&Value::Null), target.get(*f));
        if let Some(t) = t.filter(|t| *t != b) {
            out.insert((*f).to_string(), t.clone());
        }
    }
    Ok(out)
}

/// The three-way settle of a named guardrail's PATCH: the default's, with name and description.
pub fn settle(
    base: &Map<String, Value>,
    sent: &Map<String, Value>,
    now: Option<&Map<String, Value>>,
) -> Settled<String> {
    let Some(now) = now else {
        return Settled::Conflict("the guardrail is gone (deleted meanwhile)".into());
    };
    guardrail::settle(Some(base), sent, Some(now))
}

/// Why guardrail `g` is not the one a write was about (`id`, in workspace `workspace` when
/// known): the answer names another id or another workspace. `None` when it is.
pub fn not_the_one(g: &Map<String, Value>, id: &str, workspace: Option<&str>) -> Option<String> {
    let got = g.get("id").and_then(Value::as_str).unwrap_or_default();
    if got != id {
        return Some(format!("the answer is about guardrail '{got}', not '{id}'"));
    }
    let owner = guardrail::workspace_of(g);
    match (workspace, owner) {
        (Some(w), Some(o)) if !o.eq_ignore_ascii_case(w) => Some(format!(
            "the answer says guardrail '{id}' belongs to workspace {o}, not {w}"
        )),
        (Some(w), None) => Some(format!(
            "the answer says guardrail '{id}' belongs to no workspace, not {w}"
        )),
        _ => None,
    }
}

/// What a re-read found of a create (product.md §15 "Identity of created keys and guardrails").
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    /// None: the create was not applied.
    None,
    /// The one guardrail this create made.
    Ours(Box<Map<String, Value>>),
    /// Several candidates, or one that does not match: nothing is recorded.
    CannotTell(String),
}

/// Why `g` is not the guardrail a create of `sent` in `workspace` made at or after `since`
/// (the request's start on the server's clock less [`crate::admin::workspaces::SKEW`]).
pub fn created_mismatch(
    sent: &Map<String, Value>,
    g: &Map<String, Value>,
    workspace: &str,
    since: OffsetDateTime,
) -> Option<String> {
    if guardrail::workspace_of(g).is_none_or(|w| !w.eq_ignore_ascii_case(workspace)) {
        return Some(format!(
            "it belongs to workspace {}, not {workspace}",
            guardrail::workspace_of(g).unwrap_or("(none)")
        ));
    }
    let created = g.get("created_at").and_then(Value::as_str);
    match created.map(|t| OffsetDateTime::parse(t, &Rfc3339)) {
        None => Some("it has no created_at".into()),
        Some(Err(_)) => Some(format!(
            "its created_at {} is not a time",
            created.unwrap_or_default()
        )),
        Some(Ok(t)) if t < since - crate::admin::workspaces::SKEW => Some(format!(
            "it was created at {}, before this request started",
            created.unwrap_or_default()
        )),
        Some(Ok(_)) => fields_differ(sent, g),
    }
}

/// The first field `g` holds otherwise than `sent` (numbers as numbers, the guardrail fields
/// with their own normalisation).
fn fields_differ(sent: &Map<String, Value>, g: &Map<String, Value>) -> Option<String> {
    for (k, v) in sent.iter().filter(|(k, _)| *k != "workspace_id") {
        let held = g.get(k).unwrap_or(&Value::Null);
        let same = match (held.as_f64(), v.as_f64()) {
            (Some(a), Some(b)) => a == b,
            _ if guardrail::kind(k).is_some() => {
                guardrail::normalized(k, Some(held)) == guardrail::normalized(k, Some(v))
            }
            _ => held == v,
        };
        if !same {
            return Some(format!("it holds {k} = {held}, not {v} as sent"));
        }
    }
    None
}

/// The re-read of a create: among `listed` (the target workspace's guardrails), those with the
/// sent name; one that matches is ours, none is "not applied", anything else cannot be told.
pub fn find_created(
    sent: &Map<String, Value>,
    listed: &[Map<String, Value>],
    workspace: &str,
    since: OffsetDateTime,
) -> Found {
    let name = sent.get("name");
    let named: Vec<&Map<String, Value>> = listed
        .iter()
        .filter(|g| g.get("name") == name)
        .filter(|g| {
            // Older guardrails of that name (made before this request) are not candidates.
            created_mismatch(sent, g, workspace, since)
                .is_none_or(|why| !why.contains("before this request started"))
        })
        .collect();
    match named.as_slice() {
        [] => Found::None,
        [one] => match created_mismatch(sent, one, workspace, since) {
            None => Found::Ours(Box::new((*one).clone())),
            Some(why) => Found::CannotTell(format!(
                "a guardrail named {} was found, but {why}: orws cannot tell it made it; nothing was recorded",
                name.cloned().unwrap_or_default()
            )),
        },
        many => Found::CannotTell(format!(
            "{} guardrails named {} were created meanwhile: orws cannot tell which one is its own; nothing was recorded",
            many.len(),
            name.cloned().unwrap_or_default()
        )),
    }
}

/// One key or member of an assignment plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// A key's hash or a member's user id.
    pub id: String,
    /// The guardrail this assignment replaces (R22: a key holds one), by name.
    pub replaces: Option<String>,
    /// Already held as asked: nothing to send for it.
    pub already: bool,
}

impl Change {
    /// `replaces <name>` when it does.
    pub fn note(&self) -> String {
        match (&self.replaces, self.already) {
            (_, true) => "already".to_string(),
            (Some(name), _) => format!("replaces {name}"),
            (None, _) => String::new(),
        }
    }
}

/// The keys' plan of assigning (`adding`) or unassigning `hashes` to guardrail `id`:
/// `held` is every key assignment of the organisation as (key hash, guardrail id), `names`
/// the guardrails' names by id. A key holding another guardrail replaces it (R22).
pub fn plan_keys(
    id: &str,
    hashes: &[String],
    adding: bool,
    held: &[(String, String)],
    names: &dyn Fn(&str) -> String,
) -> Vec<Change> {
    hashes
        .iter()
        .map(|h| {
            let now = held.iter().find(|(k, _)| k == h).map(|(_, g)| g.as_str());
            Change {
                id: h.clone(),
                replaces: now.filter(|g| *g != id && adding).map(names),
                already: if adding {
                    now == Some(id)
                } else {
                    now != Some(id)
                },
            }
        })
        .collect()
}

/// The members' plan (a member may hold several guardrails: nothing is replaced).
pub fn plan_members(
    id: &str,
    users: &[String],
    adding: bool,
    held: &[(String, String)],
) -> Vec<Change> {
    users
        .iter()
        .map(|u| {
            let here = held.iter().any(|(m, g)| m == u && g == id);
            Change {
                id: u.clone(),
                replaces: None,
                already: here == adding,
            }
        })
        .collect()
}

/// R22 before sending: a workspace guardrail (`owner`) takes only keys of its workspace;
/// `key_workspace` says where each key is (`None`: unknown key). One line per key refused.
pub fn check_keys_workspace(
    owner: Option<&str>,
    hashes: &[String],
    key_workspace: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let Some(owner) = owner else { return vec![] };
    hashes
        .iter()
        .filter_map(|h| match key_workspace(h) {
            None => Some(format!("key {h} is not known")),
            Some(w) if !w.eq_ignore_ascii_case(owner) => Some(format!(
                "key {h} is in workspace {w}: a guardrail of workspace {owner} can be assigned only to keys of its workspace (R22)"
            )),
            Some(_) => None,
        })
        .collect()
}

/// Whether the plan is destructive (asks, or needs `--yes`): an unassignment, or an
/// assignment that replaces another guardrail.
pub fn destructive(adding: bool, plan: &[Change]) -> bool {
    !adding || plan.iter().any(|c| c.replaces.is_some() && !c.already)
}

/// An assignment settled by re-reading the guardrail's assignment list (`now`: the ids it
/// holds): every id sent in (or out) → applied.
pub fn settle_assignment(ids: &[String], adding: bool, now: &[String]) -> Settled<String> {
    crate::write::members::settle(ids, adding, now)
}

/// Whether `field` is one a named guardrail has (for `--set`).
pub fn is_field(field: &str) -> bool {
    TEXT_FIELDS.contains(&field) || GUARDRAIL_FIELDS.iter().any(|(f, _)| *f == field)
}
