//! The plan of what a file manages beyond the workspace fields: per resource, what the server
//! holds, what the file asks for and the changes between them, compared after the API's own
//! normalisation (`normal`), so a file exported and planned at once shows none. A pure function
//! of the file and [`Server`] (what the CLI read); nothing here talks to a server.
//!
//! Every resource plan lists its field-level changes as [`FieldChange`]s, so a consumer
//! (`drift`, policies) can walk a whole plan generically: [`super::Plan::resources`].

use super::file::{Document, FileEntry};
use super::normal;
use super::org::{Fields, IdSet};
use super::plan::FieldChange;
use crate::admin::budgets::{self, BudgetRequest, Budgets, Interval};
use crate::admin::guardrail;
use crate::admin::key_labels::KeyEdit;
use crate::admin::keys::Key;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// What kind of resource a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Workspace,
    Budgets,
    Members,
    /// A workspace's default guardrail.
    Guardrail,
    /// A named guardrail (its fields and assignment sets).
    NamedGuardrail,
    Key,
}

impl ResourceKind {
    /// The name a report uses.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Workspace => "workspace",
            ResourceKind::Budgets => "budgets",
            ResourceKind::Members => "members",
            ResourceKind::Guardrail => "guardrail",
            ResourceKind::NamedGuardrail => "named_guardrail",
            ResourceKind::Key => "key",
        }
    }
}

/// One managed resource and its changes (empty: it holds what the file says).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub kind: ResourceKind,
    /// The workspace uuid (budgets, members, default guardrail: the workspace's), the named
    /// guardrail's id, the key's hash.
    pub id: String,
    /// What a person knows it by, escaped for a terminal.
    pub label: String,
    pub changes: Vec<FieldChange>,
}

/// Who made an assignment and when (`assigned_by`, `created_at`), as the server said.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assigned {
    pub by: Option<String>,
    pub at: Option<String>,
}

/// What the server holds of what a file manages, as read for a plan or an export. Only what
/// was read is here: a workspace missing from `budgets` had its budgets not read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Server {
    /// The default workspace's uuid (R21), when it was read.
    pub default_workspace: Option<String>,
    pub budgets: BTreeMap<String, Budgets>,
    /// Per workspace uuid, the members' user ids.
    pub members: BTreeMap<String, Vec<String>>,
    /// Per workspace uuid, its default guardrail: the id and the guardrail (`None`: not
    /// configured yet, R14).
    pub guardrails: BTreeMap<String, (String, Option<Map<String, Value>>)>,
    /// Named guardrails by id.
    pub named: BTreeMap<String, Map<String, Value>>,
    /// Per named guardrail id, the keys (hashes) and members (user ids) assigned, when read.
    pub key_assignments: BTreeMap<String, Vec<String>>,
    pub member_assignments: BTreeMap<String, Vec<String>>,
    /// Per named guardrail id, per holder (key hash or user id): who assigned it and when,
    /// where the server said.
    pub assigned: BTreeMap<String, BTreeMap<String, Assigned>>,
    pub keys: BTreeMap<String, Key>,
}

/// A workspace's budgets: what the server holds, what the file makes of them, and the
/// requests in R8-safe order (`admin::budgets::plan`, as the Budgets tab sends them).
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetsPlan {
    pub workspace: String,
    pub label: String,
    pub base: Budgets,
    pub target: Budgets,
    pub requests: Vec<BudgetRequest>,
}

/// A set of ids and what changes in it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SetPlan {
    /// What the server holds, sorted.
    pub base: Vec<String>,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

impl SetPlan {
    fn between(server: &[String], file: &[String]) -> SetPlan {
        let base = normal::set(server);
        let target = normal::set(file);
        SetPlan {
            add: target
                .iter()
                .filter(|u| !base.contains(u))
                .cloned()
                .collect(),
            remove: base
                .iter()
                .filter(|u| !target.contains(u))
                .cloned()
                .collect(),
            base,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.add.is_empty() && self.remove.is_empty()
    }

    /// The set the file asks for, sorted.
    pub fn target(&self) -> Vec<String> {
        let mut t: Vec<String> = self
            .base
            .iter()
            .filter(|u| !self.remove.contains(u))
            .chain(&self.add)
            .cloned()
            .collect();
        t.sort();
        t
    }

    /// Removes every one (the file's set is empty and the server's is not).
    pub fn removes_all(&self) -> bool {
        !self.base.is_empty() && self.remove.len() == self.base.len() && self.add.is_empty()
    }

    fn change(&self, field: &str) -> Option<FieldChange> {
        (!self.is_empty()).then(|| FieldChange {
            field: field.to_string(),
            server: Some(json!(self.base)),
            file: json!(self.target()),
        })
    }
}

/// A workspace's members.
#[derive(Debug, Clone, PartialEq)]
pub struct MembersPlan {
    pub workspace: String,
    pub label: String,
    pub set: SetPlan,
}

/// A PATCH of a guardrail: what it held (`None`: a default guardrail not configured yet) and
/// the minimal body (`admin::guardrail::patch`).
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailPlan {
    /// The workspace whose default guardrail it is.
    pub workspace: String,
    pub label: String,
    pub guardrail_id: String,
    pub base: Option<Map<String, Value>>,
    pub patch: Map<String, Value>,
}

/// A limit as a person wrote it: whole dollars without a `.0` (`500`, not `500.0`).
fn usd_value(limit: Option<f64>) -> Value {
    match limit {
        Some(x) if x.fract() == 0.0 && x.abs() < 9.0e15 => json!(x as i64),
        other => json!(other),
    }
}

impl GuardrailPlan {
    /// Writing it configures it (it was not configured yet).
    pub fn configures(&self) -> bool {
        self.base.is_none() && !self.patch.is_empty()
    }
}

/// A named guardrail: its fields' PATCH and its assignment sets.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedPlan {
    pub id: String,
    pub label: String,
    /// The workspace it belongs to (`None`: account-wide).
    pub workspace: Option<String>,
    pub base: Map<String, Value>,
    pub patch: Map<String, Value>,
    pub keys: Option<SetPlan>,
    pub members: Option<SetPlan>,
    /// Who assigned the keys and members it holds now, where the server said.
    pub assigned: BTreeMap<String, Assigned>,
}

/// A key: the edit of its name, limit, reset and BYOK switch, and its disabled flag.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPlan {
    pub hash: String,
    pub label: String,
    pub workspace: String,
    /// The key's managed fields as the server held them.
    pub base: Map<String, Value>,
    pub edit: KeyEdit,
    pub disabled: Option<bool>,
}

/// Everything beyond the workspace fields a file manages, in the order it is applied.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrgPlan {
    pub budgets: Vec<BudgetsPlan>,
    pub members: Vec<MembersPlan>,
    pub guardrails: Vec<GuardrailPlan>,
    pub keys: Vec<KeyPlan>,
    pub named: Vec<NamedPlan>,
}

/// Why a file cannot be planned: the line and what is wrong (a resource that does not exist,
/// members of the default workspace, a budgets target that breaks R8 with the server's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub line: usize,
    pub message: String,
}

fn refuse(line: usize, message: impl Into<String>) -> Refusal {
    Refusal {
        line,
        message: message.into(),
    }
}

impl BudgetsPlan {
    pub fn changes(&self) -> Vec<FieldChange> {
        Interval::ALL
            .iter()
            .filter(|i| self.base.limits.get(**i) != self.target.limits.get(**i))
            .map(|i| FieldChange {
                field: i.as_str().to_string(),
                server: Some(usd_value(self.base.limits.get(*i))),
                file: usd_value(self.target.limits.get(*i)),
            })
            .collect()
    }
}

impl GuardrailPlan {
    pub fn changes(&self) -> Vec<FieldChange> {
        patch_changes(self.base.as_ref(), &self.patch)
    }
}

fn patch_changes(
    base: Option<&Map<String, Value>>,
    patch: &Map<String, Value>,
) -> Vec<FieldChange> {
    patch
        .iter()
        .map(|(f, v)| FieldChange {
            field: f.clone(),
            server: Some(base.and_then(|b| b.get(f)).cloned().unwrap_or(Value::Null)),
            file: v.clone(),
        })
        .collect()
}

impl NamedPlan {
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut out = patch_changes(Some(&self.base), &self.patch);
        out.extend(self.keys.as_ref().and_then(|s| s.change("keys")));
        out.extend(self.members.as_ref().and_then(|s| s.change("members")));
        out
    }
}

impl KeyPlan {
    pub fn changes(&self) -> Vec<FieldChange> {
        let mut sent = self.edit.to_map();
        if let Some(d) = self.disabled {
            sent.insert("disabled".into(), json!(d));
        }
        super::org::KEY_FIELDS
            .iter()
            .filter_map(|f| {
                Some(FieldChange {
                    field: f.to_string(),
                    server: Some(self.base.get(*f).cloned().unwrap_or(Value::Null)),
                    file: sent.get(*f)?.clone(),
                })
            })
            .collect()
    }
}

impl OrgPlan {
    /// Each managed resource with its changes, in the order they are applied.
    pub fn resources(&self) -> Vec<Resource> {
        let mut out = Vec::new();
        let mut push = |kind, id: &str, label: &str, changes| {
            out.push(Resource {
                kind,
                id: id.to_string(),
                label: label.to_string(),
                changes,
            })
        };
        for b in &self.budgets {
            push(ResourceKind::Budgets, &b.workspace, &b.label, b.changes());
        }
        for m in &self.members {
            let changes = m.set.change("members").into_iter().collect();
            push(ResourceKind::Members, &m.workspace, &m.label, changes);
        }
        for g in &self.guardrails {
            push(ResourceKind::Guardrail, &g.workspace, &g.label, g.changes());
        }
        for k in &self.keys {
            push(ResourceKind::Key, &k.hash, &k.label, k.changes());
        }
        for n in &self.named {
            push(ResourceKind::NamedGuardrail, &n.id, &n.label, n.changes());
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.resources().iter().all(|r| r.changes.is_empty())
    }
}

/// The key's managed fields as the server holds them (absent ones as the API's defaults).
pub fn key_fields(key: &Key) -> Map<String, Value> {
    let extra = |f: &str| key.extra.get(f).cloned().unwrap_or(Value::Null);
    let mut m = Map::new();
    m.insert("name".into(), json!(key.name));
    m.insert("limit".into(), json!(key.limit));
    m.insert("limit_reset".into(), extra("limit_reset"));
    m.insert(
        "include_byok_in_limit".into(),
        json!(extra("include_byok_in_limit").as_bool().unwrap_or(false)),
    );
    m.insert("disabled".into(), json!(key.disabled));
    m
}

/// The target of a table: the server's fields with the file's where they differ after
/// normalisation (so an unchanged field is never part of a patch).
fn target_of(
    base: Option<&Map<String, Value>>,
    file: &Fields,
    same: impl Fn(&str, &Value, Option<&Value>) -> bool,
) -> Map<String, Value> {
    let mut target = base.cloned().unwrap_or_default();
    for (f, v) in &file.values {
        if !same(f, v, base.and_then(|b| b.get(f))) {
            target.insert(f.clone(), v.clone());
        }
    }
    target
}

/// The plan of a workspace entry's budgets, members and default guardrail.
fn entry_plan(
    entry: &FileEntry,
    ws: &crate::workspace::Workspace,
    server: &Server,
    out: &mut OrgPlan,
    refused: &mut Vec<Refusal>,
) {
    let label = super::plan::label(ws);
    let id = ws.id().to_string();
    if let Some(file) = &entry.budgets {
        match server.budgets.get(&id) {
            None => refused.push(refuse(
                file.line,
                format!("workspace {id}: its budgets could not be read (budgets are an Enterprise-plan feature)"),
            )),
            Some(base) => {
                let mut target = *base;
                for i in Interval::ALL {
                    if let Some(v) = file.values.get(i.as_str()) {
                        let want = v.as_f64();
                        if !normal::same_limit(base.limits.get(i), want) {
                            target.limits.set(i, want);
                        }
                    }
                }
                // Nothing to change: no request, whatever rules the server's own limits break.
                let planned = if target == *base {
                    Ok(Vec::new())
                } else {
                    budgets::plan(base, &target)
                };
                match planned {
                    Ok(requests) => out.budgets.push(BudgetsPlan {
                        workspace: id.clone(),
                        label: label.clone(),
                        base: *base,
                        target,
                        requests,
                    }),
                    Err(rules) => refused.push(refuse(
                        file.line,
                        format!(
                            "workspace {id}: with the budgets the server holds, {}",
                            crate::text::joined(&rules)
                        ),
                    )),
                }
            }
        }
    }
    if let Some(file) = &entry.members {
        if server.default_workspace.as_deref() == Some(id.as_str()) {
            refused.push(refuse(
                file.line,
                format!(
                    "workspace {id} is the default workspace: every member of the organisation belongs to it, so `members` is not managed there"
                ),
            ));
        } else {
            match server.members.get(&id) {
                None => refused.push(refuse(
                    file.line,
                    format!("workspace {id}: its members could not be read"),
                )),
                Some(now) => out.members.push(MembersPlan {
                    workspace: id.clone(),
                    label: label.clone(),
                    set: SetPlan::between(now, &file.ids),
                }),
            }
        }
    }
    if let Some(file) = &entry.guardrail {
        match server.guardrails.get(&id) {
            None => refused.push(refuse(
                file.line,
                format!("workspace {id} names no default guardrail"),
            )),
            Some((gid, base)) => {
                let target = target_of(base.as_ref(), file, |f, v, b| {
                    normal::guardrail(f, Some(v)) == normal::guardrail(f, b)
                });
                let unchanged = base.as_ref().map_or(target.is_empty(), |b| *b == target);
                let planned = if unchanged {
                    Ok(Map::new())
                } else {
                    guardrail::patch(base.as_ref(), &target)
                };
                match planned {
                    Ok(patch) => out.guardrails.push(GuardrailPlan {
                        workspace: id.clone(),
                        label: label.clone(),
                        guardrail_id: gid.clone(),
                        base: base.clone(),
                        patch,
                    }),
                    Err(rules) => refused.push(refuse(
                        file.line,
                        format!("workspace {id}: guardrail: {}", crate::text::joined(&rules)),
                    )),
                }
            }
        }
    }
}

/// The plan of everything but the workspace fields. Refusals name their lines.
pub fn plan(
    doc: &Document,
    workspaces: &[crate::workspace::Workspace],
    server: &Server,
) -> Result<OrgPlan, Vec<Refusal>> {
    plan_compact(doc, &workspaces.iter().collect(), server)
}

/// [`plan`] against the server's list held compactly: a workspace is made from its text only
/// for an entry that manages its budgets, members or default guardrail.
pub fn plan_compact(
    doc: &Document,
    workspaces: &crate::workspace::CompactList,
    server: &Server,
) -> Result<OrgPlan, Vec<Refusal>> {
    let mut out = OrgPlan::default();
    let mut refused = Vec::new();
    for entry in &doc.workspaces {
        if entry.budgets.is_none() && entry.members.is_none() && entry.guardrail.is_none() {
            continue;
        }
        // A workspace not on the server is refused by the workspace plan.
        if let Some(ws) = workspaces.get(&entry.id) {
            entry_plan(entry, &ws, server, &mut out, &mut refused);
        }
    }
    for k in &doc.keys {
        let Some(key) = server.keys.get(&k.hash) else {
            refused.push(refuse(
                k.line,
                format!("key {} does not exist (a file never creates a key)", k.hash),
            ));
            continue;
        };
        let base = key_fields(key);
        let differs = |f: &str| {
            k.fields
                .values
                .get(f)
                .filter(|v| !normal::key(f, Some(v)).eq(&normal::key(f, base.get(f))))
        };
        let mut changed = Map::new();
        for f in ["name", "limit", "limit_reset", "include_byok_in_limit"] {
            if let Some(v) = differs(f) {
                changed.insert(f.to_string(), v.clone());
            }
        }
        out.keys.push(KeyPlan {
            hash: key.hash.clone(),
            label: crate::text::escape(&key.name).into_owned(),
            workspace: key.workspace_id.clone(),
            edit: KeyEdit::from_map(&changed).unwrap_or_default(),
            disabled: differs("disabled").and_then(Value::as_bool),
            base,
        });
    }
    for g in &doc.guardrails {
        let Some(base) = server.named.get(&g.id) else {
            refused.push(refuse(
                g.line,
                format!(
                    "guardrail {} does not exist (a file never creates a guardrail)",
                    g.id
                ),
            ));
            continue;
        };
        let target = target_of(Some(base), &g.fields, |f, v, b| {
            normal::named_guardrail(f, Some(v)) == normal::named_guardrail(f, b)
        });
        let planned = if *base == target {
            Ok(Map::new())
        } else {
            crate::admin::guardrails::patch(base, &target)
        };
        let patch = match planned {
            Ok(p) => p,
            Err(rules) => {
                refused.push(refuse(
                    g.line,
                    format!("guardrail {}: {}", g.id, rules.join("; ")),
                ));
                continue;
            }
        };
        let sets = |file: &Option<IdSet>, held: &BTreeMap<String, Vec<String>>| {
            file.as_ref().map(|f| {
                SetPlan::between(held.get(&g.id).map(Vec::as_slice).unwrap_or(&[]), &f.ids)
            })
        };
        out.named.push(NamedPlan {
            id: g.id.clone(),
            label: crate::text::escape(base.get("name").and_then(Value::as_str).unwrap_or(&g.id))
                .into_owned(),
            workspace: guardrail::workspace_of(base).map(str::to_string),
            base: base.clone(),
            patch,
            keys: sets(&g.keys, &server.key_assignments),
            members: sets(&g.members, &server.member_assignments),
            assigned: server.assigned.get(&g.id).cloned().unwrap_or_default(),
        });
    }
    if !refused.is_empty() {
        refused.sort_by_key(|r| r.line);
        return Err(refused);
    }
    out.budgets.sort_by(|a, b| a.label.cmp(&b.label));
    out.members.sort_by(|a, b| a.label.cmp(&b.label));
    out.guardrails.sort_by(|a, b| a.label.cmp(&b.label));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::file::{Format, read_document};
    use crate::workspace::Workspace;

    const A: &str = "550e8400-e29b-41d4-a716-446655440000";
    const B: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";

    fn workspaces() -> Vec<Workspace> {
        [(A, "prod"), (B, "dflt")]
            .iter()
            .map(|(id, slug)| {
                Workspace::from_json(json!({"id": id, "name": "N", "slug": slug})).unwrap()
            })
            .collect()
    }

    fn key(hash: &str, limit: Option<f64>) -> Key {
        serde_json::from_value(json!({
            "hash": hash, "name": "K", "workspace_id": A, "limit": limit,
            "limit_reset": "monthly"
        }))
        .unwrap()
    }

    fn server() -> Server {
        let mut s = Server {
            default_workspace: Some(B.into()),
            ..Server::default()
        };
        s.budgets.insert(
            A.into(),
            Budgets {
                limits: budgets::Limits::default()
                    .with(Interval::Daily, Some(30.0))
                    .with(Interval::Monthly, Some(500.0)),
                include_byok: Some(false),
            },
        );
        s.members.insert(A.into(), vec!["u2".into(), "u1".into()]);
        let g: Map<String, Value> = serde_json::from_value(json!({
            "id": "dg", "workspace_id": A, "allowed_models": ["openai/gpt-4o", "a/b"],
            "limit_usd": 5, "reset_interval": "daily", "allowed_providers": null
        }))
        .unwrap();
        s.guardrails.insert(A.into(), ("dg".into(), Some(g)));
        s.keys.insert("k1".into(), key("k1", Some(10.0)));
        let named: Map<String, Value> =
            serde_json::from_value(json!({"id": "g1", "name": "G", "workspace_id": A})).unwrap();
        s.named.insert("g1".into(), named);
        s.key_assignments.insert("g1".into(), vec!["k1".into()]);
        s
    }

    fn plan_of(text: &str) -> Result<OrgPlan, Vec<Refusal>> {
        let doc = read_document("f", text, Format::Toml).unwrap_or_else(|e| panic!("{e}"));
        plan(&doc, &workspaces(), &server())
    }

    #[test]
    fn the_server_s_own_values_written_otherwise_plan_nothing() {
        let p = plan_of(&format!(
            "[workspaces.\"{A}\"]\nmembers = [\"u2\", \"u1\"]\n\
             [workspaces.\"{A}\".budgets]\nmonthly = 500.0\ndaily = 30\nclear = [\"weekly\"]\n\
             [workspaces.\"{A}\".guardrail]\nallowed_models = [\"A/B\", \"openai/gpt-4o\"]\nlimit_usd = 5.0\nclear = [\"allowed_providers\", \"ignored_models\"]\n\
             [keys.k1]\nlimit = 10\ninclude_byok_in_limit = false\ndisabled = false\n\
             [guardrails.g1]\nname = \"G\"\nkeys = [\"k1\"]\nclear = [\"description\"]\n"
        ))
        .unwrap();
        assert!(p.is_empty(), "{:#?}", p.resources());
        assert_eq!(p.resources().len(), 5);
    }

    #[test]
    fn budgets_are_planned_as_their_r8_safe_requests() {
        let p = plan_of(&format!(
            "[workspaces.\"{A}\".budgets]\nweekly = 600\nmonthly = 1000\nclear = [\"daily\"]\n"
        ))
        .unwrap();
        let b = &p.budgets[0];
        let said: Vec<String> = b.requests.iter().map(BudgetRequest::summary).collect();
        assert_eq!(
            said,
            ["DELETE daily", "PUT monthly $1000", "PUT weekly $600"]
        );
        assert!(budgets::order_is_safe(&b.base, &b.requests));
        let fields: Vec<String> = b.changes().into_iter().map(|c| c.field).collect();
        assert_eq!(fields, ["daily", "weekly", "monthly"]);
    }

    #[test]
    fn a_budgets_target_breaking_r8_with_the_server_s_limits_is_refused_with_its_line() {
        let refused = plan_of(&format!("[workspaces.\"{A}\".budgets]\nweekly = 20\n")).unwrap_err();
        assert_eq!(refused[0].line, 1);
        assert!(
            refused[0]
                .message
                .contains("the weekly limit ($20) must be greater than the daily limit ($30)"),
            "{refused:?}"
        );
    }

    #[test]
    fn members_are_adds_and_removes_and_empty_removes_all() {
        let p = plan_of(&format!(
            "[workspaces.\"{A}\"]\nmembers = [\"u1\", \"u3\"]\n"
        ))
        .unwrap();
        assert_eq!(p.members[0].set.add, ["u3"]);
        assert_eq!(p.members[0].set.remove, ["u2"]);
        assert!(!p.members[0].set.removes_all());
        let p = plan_of(&format!("[workspaces.\"{A}\"]\nmembers = []\n")).unwrap();
        assert!(p.members[0].set.removes_all());
        let r = &p.resources()[0];
        assert_eq!(r.kind, ResourceKind::Members);
        assert_eq!(r.changes[0].server, Some(json!(["u1", "u2"])));
        assert_eq!(r.changes[0].file, json!([]));
    }

    #[test]
    fn members_of_the_default_workspace_and_missing_resources_are_refused_with_lines() {
        let refused = plan_of(&format!(
            "[workspaces.\"{B}\"]\nmembers = []\n\n[keys.nope]\nname = \"x\"\n\n[guardrails.gone]\nname = \"y\"\n"
        ))
        .unwrap_err();
        let lines: Vec<(usize, &str)> = refused
            .iter()
            .map(|r| (r.line, r.message.as_str()))
            .collect();
        assert_eq!(lines[0].0, 2);
        assert!(lines[0].1.contains("is the default workspace"), "{lines:?}");
        assert_eq!(lines[1].0, 4);
        assert!(lines[1].1.contains("key nope does not exist"), "{lines:?}");
        assert_eq!(lines[2].0, 7);
        assert!(
            lines[2].1.contains("guardrail gone does not exist"),
            "{lines:?}"
        );
    }

    #[test]
    fn guardrails_patch_only_what_differs_and_an_unconfigured_one_is_configured() {
        let p = plan_of(&format!(
            "[workspaces.\"{A}\".guardrail]\nallowed_models = [\"a/b\"]\nlimit_usd = 7\n"
        ))
        .unwrap();
        assert_eq!(
            Value::Object(p.guardrails[0].patch.clone()),
            json!({"allowed_models": ["a/b"], "limit_usd": 7, "reset_interval": "daily"})
        );
        assert!(!p.guardrails[0].configures());
        let mut s = server();
        s.guardrails.insert(A.into(), ("dg".into(), None));
        let doc = read_document(
            "f",
            &format!("[workspaces.\"{A}\".guardrail]\nallowed_data_regions = [\"europe\"]\n"),
            Format::Toml,
        )
        .unwrap();
        let p = plan(&doc, &workspaces(), &s).unwrap();
        assert!(p.guardrails[0].configures());
    }

    #[test]
    fn keys_and_named_guardrails_list_their_field_changes() {
        let p = plan_of(
            "[keys.k1]\nname = \"K2\"\nlimit = 20\ndisabled = true\n\n[guardrails.g1]\ndescription = \"d\"\nkeys = []\nmembers = [\"u9\"]\n",
        )
        .unwrap();
        let k = &p.keys[0];
        assert_eq!(k.edit.name.as_deref(), Some("K2"));
        assert_eq!(k.edit.limit, Some(Some(20.0)));
        assert_eq!(k.disabled, Some(true));
        let n = &p.named[0];
        assert_eq!(n.keys.as_ref().unwrap().remove, ["k1"]);
        assert_eq!(n.members.as_ref().unwrap().add, ["u9"]);
        let fields: Vec<(ResourceKind, String)> = p
            .resources()
            .into_iter()
            .flat_map(|r| r.changes.into_iter().map(move |c| (r.kind, c.field)))
            .collect();
        assert_eq!(
            fields,
            [
                (ResourceKind::Key, "name".to_string()),
                (ResourceKind::Key, "limit".to_string()),
                (ResourceKind::Key, "disabled".to_string()),
                (ResourceKind::NamedGuardrail, "description".to_string()),
                (ResourceKind::NamedGuardrail, "keys".to_string()),
                (ResourceKind::NamedGuardrail, "members".to_string()),
            ]
        );
    }
}
