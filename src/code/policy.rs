//! Policies (product.md §13): built-in, parameterised rules read from TOML `[[rule]]` tables,
//! judged on a pure [`Input`] — the planned end state of the resources a change touches, and
//! the change itself. The same document is what `--policy-input PATH` writes for OPA or
//! conftest (schema `schemas/policy-input.v1.json`, [`INPUT_SCHEMA`]).
//!
//! ```toml
//! [[rule]]
//! check = "changes.forbid"          # one of CHECKS
//! value = ["members.remove"]        # the check's parameter
//! level = "deny"                    # or "warn" (default: deny)
//! workspaces = "prod-*"             # a slug glob, `*` and `?` (default: every workspace)
//! ```
//!
//! Nothing here reads a file or the server: the CLI (src/cli/policy.rs) does, and fills
//! [`Observed`] with what the rules need that a plan does not carry.

use super::plan::Plan;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;
use toml::Spanned;

/// The policy input's `schema`.
pub const INPUT_SCHEMA: &str = "orws.policy-input/v1";

/// The built-in checks, as a rule's `check` names them.
pub const CHECKS: [&str; 7] = [
    "keys.require_limit",
    "keys.max_limit_usd",
    "keys.require_expiry",
    "workspaces.require_budgets",
    "workspaces.require_guardrail_fields",
    "guardrails.allowed_data_regions_within",
    "changes.forbid",
];

/// The kinds of write `changes.forbid` names, and a change's `kind` in the policy input.
pub const WRITE_KINDS: [&str; 19] = [
    "workspaces.patch",
    "create",
    "delete",
    "members.add",
    "members.remove",
    "keys.create",
    "keys.edit",
    "keys.move",
    "keys.disable",
    "keys.enable",
    "keys.delete",
    "budgets.set",
    "budgets.delete",
    "guardrail.patch",
    "guardrails.create",
    "guardrails.patch",
    "guardrails.delete",
    "guardrails.assign",
    "guardrails.unassign",
];

const INTERVALS: [&str; 4] = ["daily", "weekly", "monthly", "lifetime"];
const REGIONS: [&str; 3] = ["global", "europe", "us"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Deny,
    Warn,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Deny => "deny",
            Level::Warn => "warn",
        }
    }
}

/// A check with its parameter, checked when read.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    KeysRequireLimit,
    KeysMaxLimitUsd(f64),
    KeysRequireExpiry,
    RequireBudgets(Vec<String>),
    RequireGuardrailFields(Map<String, Value>),
    AllowedDataRegionsWithin(Vec<String>),
    ChangesForbid(Vec<String>),
    /// `keys.require_limit = false` and the like: a rule that asks nothing.
    Nothing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    /// The check's name, one of [`CHECKS`].
    pub name: &'static str,
    pub check: Check,
    pub level: Level,
    /// A slug glob; `None`: every workspace.
    pub workspaces: Option<String>,
    /// The line of its `[[rule]]`.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Policy {
    pub rules: Vec<Rule>,
}

/// A policy file that cannot be used: its line and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    rule: Vec<Spanned<RawRule>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    check: Spanned<String>,
    value: Option<Spanned<toml::Value>>,
    level: Option<Spanned<String>>,
    workspaces: Option<Spanned<String>>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads a policy file's text. An unknown check, level or write kind, or a value of the wrong
/// shape, is an error naming its line (and the known names).
pub fn parse(text: &str) -> Result<Policy, PolicyError> {
    let at = |span: std::ops::Range<usize>, message: String| PolicyError {
        line: Some(line_of(text, span.start)),
        message,
    };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| PolicyError {
        line: e.span().map(|s| line_of(text, s.start)),
        message: e.message().trim_end().to_string(),
    })?;
    let mut rules = Vec::new();
    for spanned in raw.rule {
        let rule_line = line_of(text, spanned.span().start);
        let raw = spanned.into_inner();
        let name = raw.check.get_ref().as_str();
        let Some(&known) = CHECKS.iter().find(|c| **c == name) else {
            return Err(at(
                raw.check.span(),
                format!(
                    "unknown check `{}`; the checks are {}",
                    crate::text::escape(name),
                    CHECKS.join(", ")
                ),
            ));
        };
        let value_span = raw.value.as_ref().map_or(raw.check.span(), |v| v.span());
        let value = raw.value.map(Spanned::into_inner);
        let check = check(known, value).map_err(|m| at(value_span, format!("{known}: {m}")))?;
        let level = match raw.level {
            None => Level::Deny,
            Some(l) => match l.get_ref().as_str() {
                "deny" => Level::Deny,
                "warn" => Level::Warn,
                other => {
                    return Err(at(
                        l.span(),
                        format!(
                            "level `{}`: a rule's level is \"deny\" or \"warn\"",
                            crate::text::escape(other)
                        ),
                    ));
                }
            },
        };
        rules.push(Rule {
            name: known,
            check,
            level,
            workspaces: raw.workspaces.map(Spanned::into_inner),
            line: rule_line,
        });
    }
    Ok(Policy { rules })
}

fn strings(value: Option<toml::Value>, what: &str, known: &[&str]) -> Result<Vec<String>, String> {
    let Some(toml::Value::Array(items)) = value else {
        return Err(format!(
            "value is a list of {what}, e.g. [\"{}\"]",
            known[0]
        ));
    };
    let mut out = Vec::new();
    for item in items {
        match item.as_str() {
            Some(s) if known.contains(&s) => out.push(s.to_string()),
            Some(s) => {
                return Err(format!(
                    "`{}` is not one of the {what}: {}",
                    crate::text::escape(s),
                    known.join(", ")
                ));
            }
            None => {
                return Err(format!(
                    "value is a list of {what}, not a {}",
                    item.type_str()
                ));
            }
        }
    }
    Ok(out)
}

fn check(name: &str, value: Option<toml::Value>) -> Result<Check, String> {
    let flag = |value: Option<toml::Value>, yes: Check| match value {
        None | Some(toml::Value::Boolean(true)) => Ok(yes),
        Some(toml::Value::Boolean(false)) => Ok(Check::Nothing),
        Some(v) => Err(format!("value is true or false, not a {}", v.type_str())),
    };
    match name {
        "keys.require_limit" => flag(value, Check::KeysRequireLimit),
        "keys.require_expiry" => flag(value, Check::KeysRequireExpiry),
        "keys.max_limit_usd" => match value {
            Some(toml::Value::Integer(n)) if n >= 0 => Ok(Check::KeysMaxLimitUsd(n as f64)),
            Some(toml::Value::Float(x)) if x.is_finite() && x >= 0.0 => {
                Ok(Check::KeysMaxLimitUsd(x))
            }
            _ => Err("value is a number of US dollars, 0 or more".into()),
        },
        "workspaces.require_budgets" => {
            strings(value, "intervals", &INTERVALS).map(Check::RequireBudgets)
        }
        "guardrails.allowed_data_regions_within" => {
            strings(value, "data regions", &REGIONS).map(Check::AllowedDataRegionsWithin)
        }
        "changes.forbid" => strings(value, "write kinds", &WRITE_KINDS).map(Check::ChangesForbid),
        "workspaces.require_guardrail_fields" => match value {
            Some(toml::Value::Table(t)) if !t.is_empty() => {
                let v = serde_json::to_value(&t).map_err(|e| e.to_string())?;
                Ok(Check::RequireGuardrailFields(
                    v.as_object().cloned().unwrap_or_default(),
                ))
            }
            _ => Err("value is a table of guardrail fields, e.g. {enforce_zdr = true}".into()),
        },
        _ => unreachable!("a name from CHECKS"),
    }
}

/// Whether `text` matches `pattern`, where `*` stands for any run of characters and `?` for
/// one; every other character for itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut i, mut j) = (0, 0);
    // Where the last `*` was, and the text position it stands up to so far.
    let mut star: Option<(usize, usize)> = None;
    while j < t.len() {
        if i < p.len() && (p[i] == '?' || (p[i] != '*' && p[i] == t[j])) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some((i, j));
            i += 1;
        } else if let Some((si, sj)) = star {
            i = si + 1;
            j = sj + 1;
            star = Some((si, sj + 1));
        } else {
            return false;
        }
    }
    p[i..].iter().all(|c| *c == '*')
}

/// The document rules are judged on (and `--policy-input` writes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Input {
    pub schema: String,
    /// `plan`, `apply` or `drift`.
    pub command: String,
    pub workspaces: Vec<WorkspaceState>,
    pub keys: Vec<KeyState>,
    /// Named guardrails (a workspace's default one is its `guardrail`).
    pub guardrails: Vec<GuardrailState>,
    pub changes: Vec<Change>,
}

/// A workspace as it will be once the change is made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkspaceState {
    pub id: String,
    /// The planned slug.
    pub slug: String,
    /// The slug on the server now, when it differs (a rule's glob judges both).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_slug: Option<String>,
    /// Every field, the server's with the file's applied.
    pub fields: Map<String, Value>,
    /// Interval → USD (`null`: none set). Absent: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budgets: Option<Map<String, Value>>,
    /// The members' user ids. Absent: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<String>>,
    /// The default guardrail's fields; `null`: not configured. Absent: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guardrail: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyState {
    pub hash: String,
    pub workspace_id: String,
    pub name: String,
    pub limit: Option<f64>,
    pub limit_reset: Option<String>,
    pub expires_at: Option<String>,
    pub disabled: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GuardrailState {
    pub id: String,
    /// `None`: account-wide.
    pub workspace_id: Option<String>,
    pub fields: Map<String, Value>,
}

/// One write the change makes (a plan's field change is one `workspaces.patch` per field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// One of [`WRITE_KINDS`].
    pub kind: String,
    /// `workspace`, `key`, `guardrail`, `named_guardrail`, `budgets`, `members`.
    pub resource: String,
    pub id: String,
    pub workspace_id: Option<String>,
    pub field: Option<String>,
    /// The server's value now (absent: the server did not send one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Value>,
}

/// What the server holds beside the plan, read by the CLI for the rules that need it (keyed by
/// workspace id). The plan's own changes to these (once the file manages them) are applied
/// over it in [`input`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub budgets: HashMap<String, Map<String, Value>>,
    pub members: HashMap<String, Vec<String>>,
    /// `Value::Null`: not configured.
    pub guardrail: HashMap<String, Value>,
    pub guardrails: Vec<GuardrailState>,
    pub keys: Vec<KeyState>,
}

/// Whether `plan` changes workspace `id`: its fields, budgets, members or default guardrail,
/// or a key or named guardrail of it.
pub fn touches(plan: &Plan, id: &str) -> bool {
    let org = &plan.org;
    plan.workspaces
        .iter()
        .any(|w| w.id == id && !w.changes.is_empty())
        || org
            .resources()
            .iter()
            .any(|r| r.id == id && !r.changes.is_empty())
        || org
            .keys
            .iter()
            .any(|k| k.workspace == id && !k.changes().is_empty())
        || org
            .named
            .iter()
            .any(|n| n.workspace.as_deref() == Some(id) && !n.changes().is_empty())
}

/// The policy input of `plan`: the workspaces it touches (`all`: every one the file manages,
/// for `drift`), each in its planned end state, with what `observed` holds for them, and the
/// changes.
pub fn input(plan: &Plan, command: &str, all: bool, observed: &Observed) -> Input {
    let mut workspaces = Vec::new();
    let mut changes = Vec::new();
    let org = &plan.org;
    for w in &plan.workspaces {
        if !all && !touches(plan, &w.id) {
            continue;
        }
        let mut fields = w.base.fields().clone();
        for c in &w.changes {
            fields.insert(c.field.clone(), c.file.clone());
            changes.push(Change {
                kind: "workspaces.patch".into(),
                resource: "workspace".into(),
                id: w.id.clone(),
                workspace_id: Some(w.id.clone()),
                field: Some(c.field.clone()),
                from: c.server.clone(),
                to: Some(c.file.clone()),
            });
        }
        let slug = fields
            .get("slug")
            .and_then(Value::as_str)
            .unwrap_or(w.base.slug())
            .to_string();
        let server_slug = (slug != w.base.slug()).then(|| w.base.slug().to_string());
        // The plan's budgets, members and default guardrail go over what was observed.
        let mut budgets = observed.budgets.get(&w.id).cloned();
        let mut members = observed.members.get(&w.id).cloned();
        let mut guardrail = observed.guardrail.get(&w.id).cloned();
        org_workspace_changes(
            org,
            &w.id,
            &mut budgets,
            &mut members,
            &mut guardrail,
            &mut changes,
        );
        workspaces.push(WorkspaceState {
            id: w.id.clone(),
            slug,
            server_slug,
            fields,
            budgets,
            members,
            guardrail,
        });
    }
    let inside = |ws: &Option<String>| {
        ws.as_ref()
            .is_none_or(|id| workspaces.iter().any(|w| &w.id == id))
    };
    let mut guardrails: Vec<GuardrailState> = observed
        .guardrails
        .iter()
        .filter(|g| inside(&g.workspace_id))
        .cloned()
        .collect();
    let mut keys: Vec<KeyState> = observed
        .keys
        .iter()
        .filter(|k| workspaces.iter().any(|w| w.id == k.workspace_id))
        .cloned()
        .collect();
    org_key_and_guardrail_changes(org, &mut keys, &mut guardrails, &mut changes);
    Input {
        schema: INPUT_SCHEMA.into(),
        command: command.into(),
        workspaces,
        keys,
        guardrails,
        changes,
    }
}

fn change(
    kind: &str,
    resource: &str,
    id: &str,
    workspace: Option<&str>,
    field: Option<&str>,
    from: Option<Value>,
    to: Option<Value>,
) -> Change {
    Change {
        kind: kind.into(),
        resource: resource.into(),
        id: id.into(),
        workspace_id: workspace.map(str::to_string),
        field: field.map(str::to_string),
        from,
        to,
    }
}

/// A workspace's planned budgets, members and default guardrail over what was observed, and
/// their changes (`budgets.set`/`budgets.delete` per interval, `members.add`/`members.remove`
/// per user, `guardrail.patch` per field).
fn org_workspace_changes(
    org: &crate::code::org_plan::OrgPlan,
    id: &str,
    budgets: &mut Option<Map<String, Value>>,
    members: &mut Option<Vec<String>>,
    guardrail: &mut Option<Value>,
    changes: &mut Vec<Change>,
) {
    if let Some(b) = org.budgets.iter().find(|b| b.workspace == id) {
        *budgets = Some(b.target.limits.to_map());
        for c in b.changes() {
            let kind = if c.file.is_null() {
                "budgets.delete"
            } else {
                "budgets.set"
            };
            changes.push(change(
                kind,
                "budgets",
                id,
                Some(id),
                Some(&c.field),
                c.server,
                Some(c.file),
            ));
        }
    }
    if let Some(m) = org.members.iter().find(|m| m.workspace == id) {
        *members = Some(m.set.target());
        for u in &m.set.add {
            changes.push(change(
                "members.add",
                "members",
                id,
                Some(id),
                None,
                None,
                Some(Value::from(u.clone())),
            ));
        }
        for u in &m.set.remove {
            changes.push(change(
                "members.remove",
                "members",
                id,
                Some(id),
                None,
                Some(Value::from(u.clone())),
                None,
            ));
        }
    }
    if let Some(g) = org.guardrails.iter().find(|g| g.workspace == id) {
        let mut fields = g.base.clone().unwrap_or_default();
        for c in g.changes() {
            fields.insert(c.field.clone(), c.file.clone());
            changes.push(change(
                "guardrail.patch",
                "guardrail",
                &g.guardrail_id,
                Some(id),
                Some(&c.field),
                c.server,
                Some(c.file),
            ));
        }
        if !g.patch.is_empty() {
            *guardrail = Some(Value::Object(fields));
        }
    }
}

/// The planned keys and named guardrails over what was observed (a changed one not observed
/// is added: the rules judge the resources a change touches), and their changes.
fn org_key_and_guardrail_changes(
    org: &crate::code::org_plan::OrgPlan,
    keys: &mut Vec<KeyState>,
    guardrails: &mut Vec<GuardrailState>,
    changes: &mut Vec<Change>,
) {
    for k in &org.keys {
        let cs = k.changes();
        if cs.is_empty() {
            continue;
        }
        let text = |f: &str| k.base.get(f).and_then(Value::as_str).map(str::to_string);
        let at = match keys.iter().position(|s| s.hash == k.hash) {
            Some(i) => i,
            None => {
                keys.push(KeyState {
                    hash: k.hash.clone(),
                    workspace_id: k.workspace.clone(),
                    name: text("name").unwrap_or_default(),
                    limit: k.base.get("limit").and_then(Value::as_f64),
                    limit_reset: text("limit_reset"),
                    expires_at: text("expires_at"),
                    disabled: k
                        .base
                        .get("disabled")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                });
                keys.len() - 1
            }
        };
        let state = &mut keys[at];
        for c in cs {
            let kind = match (c.field.as_str(), c.file.as_bool()) {
                ("disabled", Some(true)) => "keys.disable",
                ("disabled", _) => "keys.enable",
                _ => "keys.edit",
            };
            match c.field.as_str() {
                "name" => state.name = c.file.as_str().unwrap_or_default().to_string(),
                "limit" => state.limit = c.file.as_f64(),
                "limit_reset" => state.limit_reset = c.file.as_str().map(str::to_string),
                "disabled" => state.disabled = c.file.as_bool().unwrap_or(false),
                _ => {}
            }
            changes.push(change(
                kind,
                "key",
                &k.hash,
                Some(&k.workspace),
                Some(&c.field),
                c.server,
                Some(c.file),
            ));
        }
    }
    for n in &org.named {
        if n.changes().is_empty() {
            continue;
        }
        let mut fields = n.base.clone();
        for (f, v) in &n.patch {
            fields.insert(f.clone(), v.clone());
            changes.push(change(
                "guardrails.patch",
                "named_guardrail",
                &n.id,
                n.workspace.as_deref(),
                Some(f),
                n.base.get(f).cloned(),
                Some(v.clone()),
            ));
        }
        for (set, what) in [(&n.keys, "keys"), (&n.members, "members")] {
            let Some(set) = set else { continue };
            for id in &set.add {
                changes.push(change(
                    "guardrails.assign",
                    "named_guardrail",
                    &n.id,
                    n.workspace.as_deref(),
                    Some(what),
                    None,
                    Some(Value::from(id.clone())),
                ));
            }
            for id in &set.remove {
                changes.push(change(
                    "guardrails.unassign",
                    "named_guardrail",
                    &n.id,
                    n.workspace.as_deref(),
                    Some(what),
                    Some(Value::from(id.clone())),
                    None,
                ));
            }
        }
        match guardrails.iter_mut().find(|g| g.id == n.id) {
            Some(g) => g.fields = fields,
            None => guardrails.push(GuardrailState {
                id: n.id.clone(),
                workspace_id: n.workspace.clone(),
                fields,
            }),
        }
    }
}

/// What the rules need read beyond the plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Needs {
    pub keys: bool,
    pub budgets: bool,
    pub guardrails: bool,
    pub members: bool,
}

impl Needs {
    pub const ALL: Needs = Needs {
        keys: true,
        budgets: true,
        guardrails: true,
        members: true,
    };

    pub fn any(self) -> bool {
        self.keys || self.budgets || self.guardrails || self.members
    }
}

impl Policy {
    pub fn needs(&self) -> Needs {
        let mut n = Needs::default();
        for r in &self.rules {
            match r.check {
                Check::KeysRequireLimit | Check::KeysMaxLimitUsd(_) | Check::KeysRequireExpiry => {
                    n.keys = true
                }
                Check::RequireBudgets(_) => n.budgets = true,
                Check::RequireGuardrailFields(_) | Check::AllowedDataRegionsWithin(_) => {
                    n.guardrails = true
                }
                Check::ChangesForbid(_) | Check::Nothing => {}
            }
        }
        n
    }
}

/// A rule a resource or a change breaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    pub level: Level,
    pub check: &'static str,
    /// The rule's line in the policy file.
    pub line: usize,
    /// What breaks it: `workspace prod (uuid)`, `key NAME (hash)`, … unescaped.
    pub subject: String,
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} (rule at line {}): {}: {}",
            self.level.as_str(),
            self.check,
            self.line,
            self.subject,
            self.message
        )
    }
}

/// Two values as the API means them: numbers as numbers, lists as sets, `null` as `[]`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.iter().all(|i| y.iter().any(|j| same(i, j)))
                && y.iter().all(|j| x.iter().any(|i| same(i, j)))
        }
        (Value::Null, Value::Array(v)) | (Value::Array(v), Value::Null) => v.is_empty(),
        _ => a == b,
    }
}

fn usd(x: f64) -> String {
    format!("${x}")
}

/// Every rule of `policy` each resource and change of `input` breaks, in the policy's order.
pub fn evaluate(policy: &Policy, input: &Input) -> Vec<Violation> {
    let slug_of = |id: &str| input.workspaces.iter().find(|w| w.id == id);
    let mut out = Vec::new();
    for rule in &policy.rules {
        // A workspace is in scope when its planned or its current slug matches.
        let in_scope = |id: Option<&str>| -> bool {
            let Some(pattern) = &rule.workspaces else {
                return true;
            };
            // An account-wide guardrail applies to every workspace: every rule judges it.
            let Some(id) = id else { return true };
            slug_of(id).is_some_and(|w| {
                glob(pattern, &w.slug) || w.server_slug.as_ref().is_some_and(|s| glob(pattern, s))
            })
        };
        let mut say = |subject: String, message: String| {
            out.push(Violation {
                level: rule.level,
                check: rule.name,
                line: rule.line,
                subject,
                message,
            })
        };
        let ws_subject = |w: &WorkspaceState| format!("workspace {} ({})", w.slug, w.id);
        match &rule.check {
            Check::Nothing => {}
            Check::KeysRequireLimit | Check::KeysMaxLimitUsd(_) | Check::KeysRequireExpiry => {
                for k in input
                    .keys
                    .iter()
                    .filter(|k| in_scope(Some(&k.workspace_id)))
                {
                    let subject = format!("key {} ({})", k.name, k.hash);
                    match (&rule.check, k.limit) {
                        (Check::KeysRequireLimit, None) => {
                            say(subject, "has no credit limit".into())
                        }
                        (Check::KeysMaxLimitUsd(max), None) => say(
                            subject,
                            format!("has no credit limit; at most {} is allowed", usd(*max)),
                        ),
                        (Check::KeysMaxLimitUsd(max), Some(l)) if l > *max => {
                            say(subject, format!("limit {} is above {}", usd(l), usd(*max)))
                        }
                        (Check::KeysRequireExpiry, _) if k.expires_at.is_none() => {
                            say(subject, "has no expiry".into())
                        }
                        _ => {}
                    }
                }
            }
            Check::RequireBudgets(intervals) => {
                for w in input.workspaces.iter().filter(|w| in_scope(Some(&w.id))) {
                    let Some(budgets) = &w.budgets else {
                        say(ws_subject(w), "its budgets could not be read".into());
                        continue;
                    };
                    let missing: Vec<&str> = intervals
                        .iter()
                        .filter(|i| budgets.get(i.as_str()).is_none_or(Value::is_null))
                        .map(String::as_str)
                        .collect();
                    if !missing.is_empty() {
                        say(
                            ws_subject(w),
                            format!("has no {} budget", missing.join(", ")),
                        );
                    }
                }
            }
            Check::RequireGuardrailFields(want) => {
                for w in input.workspaces.iter().filter(|w| in_scope(Some(&w.id))) {
                    let fields = match &w.guardrail {
                        None => {
                            say(ws_subject(w), "its default guardrail was not read".into());
                            continue;
                        }
                        Some(Value::Object(m)) => m.clone(),
                        Some(_) => Map::new(),
                    };
                    for (field, value) in want {
                        let has = fields.get(field).unwrap_or(&Value::Null);
                        if !same(has, value) {
                            say(
                                ws_subject(w),
                                format!(
                                    "default guardrail {field} is {has}; the policy requires {value}"
                                ),
                            );
                        }
                    }
                }
            }
            Check::AllowedDataRegionsWithin(allowed) => {
                let only = allowed.join(", ");
                let problem = |fields: Option<&Map<String, Value>>| -> Option<String> {
                    let list: Vec<&str> = fields
                        .and_then(|f| f.get("allowed_data_regions"))
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).collect())
                        .unwrap_or_default();
                    if list.is_empty() {
                        return Some(format!(
                            "allows every data region; the policy allows only {only}"
                        ));
                    }
                    let bad = list.iter().find(|r| !allowed.iter().any(|a| a == *r))?;
                    Some(format!(
                        "allows data region {bad}; the policy allows only {only}"
                    ))
                };
                for w in input.workspaces.iter().filter(|w| in_scope(Some(&w.id))) {
                    match &w.guardrail {
                        None => say(ws_subject(w), "its default guardrail was not read".into()),
                        Some(g) => {
                            if let Some(m) = problem(g.as_object()) {
                                say(format!("default guardrail of {}", ws_subject(w)), m);
                            }
                        }
                    }
                }
                for g in input
                    .guardrails
                    .iter()
                    .filter(|g| in_scope(g.workspace_id.as_deref()))
                {
                    if let Some(m) = problem(Some(&g.fields)) {
                        let name = g.fields.get("name").and_then(Value::as_str).unwrap_or("");
                        say(format!("guardrail {name} ({})", g.id), m);
                    }
                }
            }
            Check::ChangesForbid(kinds) => {
                for c in input
                    .changes
                    .iter()
                    .filter(|c| in_scope(c.workspace_id.as_deref()))
                    .filter(|c| kinds.contains(&c.kind))
                {
                    let subject = match c.workspace_id.as_deref().and_then(slug_of) {
                        Some(w) => ws_subject(w),
                        None => format!("{} {}", c.resource, c.id),
                    };
                    let what = match &c.field {
                        Some(f) => format!(" ({f})"),
                        None => String::new(),
                    };
                    say(subject, format!("{}{what} is forbidden", c.kind));
                }
            }
        }
    }
    out
}

/// The most a policy file may hold.
const MAX_POLICY_BYTES: u64 = 1024 * 1024;

/// Reads and parses the policy file at `path` (`--policy`, or the config's `policy`); why
/// not, naming the file and the line, safe to print.
pub fn read_file(path: &std::path::Path) -> Result<Policy, String> {
    let name = crate::text::escape(&path.display().to_string()).into_owned();
    let size = std::fs::metadata(path)
        .map_err(|e| format!("cannot read the policy {name}: {e}"))?
        .len();
    if size > MAX_POLICY_BYTES {
        return Err(format!(
            "the policy {name} is {size} bytes; the limit is {MAX_POLICY_BYTES}"
        ));
    }
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read the policy {name}: {e}"))?;
    parse(&text).map_err(|e| match e.line {
        Some(l) => format!("{name}:{l}: {}", e.message),
        None => format!("{name}: {}", e.message),
    })
}

/// One write a front end is about to make (a CLI write command, a TUI Review), judged alone.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    /// One of [`WRITE_KINDS`].
    pub kind: &'static str,
    /// `workspace`, `key`, `members`, `budgets`, `guardrail`, `named_guardrail`.
    pub resource: &'static str,
    pub id: String,
    /// The workspace it belongs to, (uuid, slug); `None`: account-wide or not known, judged
    /// by every rule whatever its `workspaces` glob.
    pub workspace: Option<(String, String)>,
}

/// The `changes.forbid` rules `writes` break: a single write has no planned end state, so
/// the rules on end states are for `plan`, `apply` and `drift`.
pub fn judge_writes(policy: &Policy, writes: &[Write]) -> Vec<Violation> {
    let rules: Vec<Rule> = policy
        .rules
        .iter()
        .filter(|r| matches!(&r.check, Check::ChangesForbid(k) if writes.iter().any(|w| k.iter().any(|k| k == w.kind))))
        .cloned()
        .collect();
    if rules.is_empty() {
        return Vec::new();
    }
    let mut workspaces: Vec<WorkspaceState> = Vec::new();
    for (id, slug) in writes.iter().filter_map(|w| w.workspace.as_ref()) {
        if !workspaces.iter().any(|w| &w.id == id) {
            workspaces.push(WorkspaceState {
                id: id.clone(),
                slug: slug.clone(),
                server_slug: None,
                fields: Map::new(),
                budgets: None,
                members: None,
                guardrail: None,
            });
        }
    }
    let input = Input {
        schema: INPUT_SCHEMA.into(),
        command: writes.first().map_or("", |w| w.kind).into(),
        workspaces,
        keys: Vec::new(),
        guardrails: Vec::new(),
        changes: writes
            .iter()
            .map(|w| Change {
                kind: w.kind.into(),
                resource: w.resource.into(),
                id: w.id.clone(),
                workspace_id: w.workspace.as_ref().map(|(id, _)| id.clone()),
                field: None,
                from: None,
                to: None,
            })
            .collect(),
    };
    evaluate(&Policy { rules }, &input)
}

/// Whether any violation is a deny.
pub fn denies(violations: &[Violation]) -> bool {
    violations.iter().any(|v| v.level == Level::Deny)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ws(id: &str, slug: &str) -> WorkspaceState {
        WorkspaceState {
            id: id.into(),
            slug: slug.into(),
            server_slug: None,
            fields: Map::new(),
            budgets: Some(Map::from_iter([("monthly".to_string(), json!(100))])),
            members: None,
            guardrail: Some(json!({"enforce_zdr": true, "allowed_data_regions": ["europe"]})),
        }
    }

    fn key(hash: &str, ws: &str, limit: Option<f64>, expires: Option<&str>) -> KeyState {
        KeyState {
            hash: hash.into(),
            workspace_id: ws.into(),
            name: format!("k-{hash}"),
            limit,
            limit_reset: None,
            expires_at: expires.map(str::to_string),
            disabled: false,
        }
    }

    /// Two workspaces: `prod-a` (everything set) and `dev` (no budgets, an unconfigured
    /// guardrail), with a key each and a change in each.
    fn sample() -> Input {
        let mut dev = ws("d", "dev");
        dev.budgets = Some(Map::new());
        dev.guardrail = Some(Value::Null);
        let change = |id: &str, kind: &str| Change {
            kind: kind.into(),
            resource: "workspace".into(),
            id: id.into(),
            workspace_id: Some(id.into()),
            field: None,
            from: None,
            to: None,
        };
        Input {
            schema: INPUT_SCHEMA.into(),
            command: "plan".into(),
            workspaces: vec![ws("p", "prod-a"), dev],
            keys: vec![
                key("h1", "p", Some(10.0), Some("2027-01-01T00:00:00Z")),
                key("h2", "d", None, None),
            ],
            guardrails: vec![GuardrailState {
                id: "g1".into(),
                workspace_id: Some("p".into()),
                fields: Map::from_iter([
                    ("name".to_string(), json!("G")),
                    ("allowed_data_regions".to_string(), json!(["us"])),
                ]),
            }],
            changes: vec![
                change("p", "workspaces.patch"),
                change("d", "members.remove"),
            ],
        }
    }

    fn run(rule: &str) -> Vec<Violation> {
        let policy = parse(rule).unwrap();
        evaluate(&policy, &sample())
    }

    /// Each check: what it finds over the sample, at deny and at warn, and narrowed by a glob.
    #[test]
    fn each_built_in_check_denies_and_warns() {
        let cases: [(&str, &str, &str); 7] = [
            ("keys.require_limit", "true", "key k-h2 (h2)"),
            ("keys.max_limit_usd", "5", "key k-h1 (h1)"),
            ("keys.require_expiry", "true", "key k-h2 (h2)"),
            (
                "workspaces.require_budgets",
                "[\"monthly\"]",
                "workspace dev (d)",
            ),
            (
                "workspaces.require_guardrail_fields",
                "{enforce_zdr = true}",
                "workspace dev (d)",
            ),
            (
                "guardrails.allowed_data_regions_within",
                "[\"europe\"]",
                "guardrail G (g1)",
            ),
            (
                "changes.forbid",
                "[\"members.remove\"]",
                "workspace dev (d)",
            ),
        ];
        for (check, value, subject) in cases {
            for level in ["deny", "warn"] {
                let v = run(&format!(
                    "[[rule]]\ncheck = \"{check}\"\nvalue = {value}\nlevel = \"{level}\"\n"
                ));
                let subjects: Vec<&str> = v.iter().map(|v| v.subject.as_str()).collect();
                assert!(subjects.contains(&subject), "{check}: {v:?}");
                assert!(v.iter().all(|v| v.level.as_str() == level && v.line == 1));
                assert_eq!(denies(&v), level == "deny");
            }
        }
        // The same rules narrowed to prod-*: dev's problems are out of scope.
        let v = run("[[rule]]\ncheck = \"keys.require_limit\"\nworkspaces = \"prod-*\"\n");
        assert!(v.is_empty(), "{v:?}");
        let v = run(
            "[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"workspaces.patch\"]\nworkspaces = \"prod-?\"\n",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].to_string().starts_with("deny: changes.forbid (rule at line 1): workspace prod-a (p): workspaces.patch is forbidden"), "{}", v[0]);
        // The default guardrail with only europe passes; dev's unconfigured one allows all.
        let v = run(
            "[[rule]]\ncheck = \"guardrails.allowed_data_regions_within\"\nvalue = [\"europe\", \"us\"]\n",
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert!(v[0].message.contains("every data region"), "{v:?}");
        // false asks nothing.
        assert!(run("[[rule]]\ncheck = \"keys.require_limit\"\nvalue = false\n").is_empty());
    }

    #[test]
    fn an_unknown_check_names_its_line_and_the_known_ones() {
        let e =
            parse("[[rule]]\ncheck = \"keys.require_limit\"\n\n[[rule]]\ncheck = \"keys.nope\"\n")
                .unwrap_err();
        assert_eq!(e.line, Some(5), "{e}");
        assert!(e.message.contains("unknown check `keys.nope`"), "{e}");
        assert!(e.message.contains("changes.forbid"), "{e}");
        let e = parse("[[rule]]\ncheck = \"changes.forbid\"\nvalue = [\"explode\"]\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(e.message.contains("members.remove"), "{e}");
        let e = parse("[[rule]]\ncheck = \"keys.require_limit\"\nlevel = \"maybe\"\n").unwrap_err();
        assert!(e.message.contains("\"deny\" or \"warn\""), "{e}");
        let e = parse("[[rule]]\ncheck = \"keys.require_limit\"\nwhat = 1\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(parse("").unwrap().rules.is_empty());
    }

    #[test]
    fn glob_matches_star_and_question_mark() {
        assert!(glob("prod-*", "prod-eu"));
        assert!(glob("prod-*", "prod-"));
        assert!(!glob("prod-*", "production"));
        assert!(glob("prod*", "production"));
        assert!(glob("*-eu", "prod-eu"));
        assert!(glob("p?od", "prod"));
        assert!(!glob("p?od", "pod"));
        assert!(glob("*a*b*", "xxaxxbxx"));
        assert!(!glob("*a*b", "xxaxxbxx"));
        assert!(glob("*", ""));
        assert!(!glob("", "a"));
        assert!(glob("日*", "日本"));
        assert!(glob("a**b", "ab"));
    }

    #[test]
    fn the_input_holds_the_planned_state_and_the_changes() {
        use crate::code::FileEntry;
        use crate::code::plan;
        use crate::workspace::Workspace;
        let server = [
            Workspace::from_json(json!({"id": "a", "name": "A", "slug": "prod"})).unwrap(),
            Workspace::from_json(json!({"id": "b", "name": "B", "slug": "dev"})).unwrap(),
        ];
        let entries = [
            FileEntry {
                id: "a".into(),
                line: 1,
                fields: json!({"slug": "renamed"})
                    .as_object()
                    .cloned()
                    .unwrap()
                    .into(),
                ..FileEntry::default()
            },
            FileEntry {
                id: "b".into(),
                line: 2,
                fields: json!({"name": "B"}).as_object().cloned().unwrap().into(),
                ..FileEntry::default()
            },
        ];
        let p = plan::plan(&entries, &server).unwrap();
        let observed = Observed {
            keys: vec![key("h", "a", None, None), key("x", "b", None, None)],
            ..Observed::default()
        };
        let i = input(&p, "apply", false, &observed);
        assert_eq!(i.workspaces.len(), 1);
        let w = &i.workspaces[0];
        assert_eq!(
            (w.slug.as_str(), w.server_slug.as_deref()),
            ("renamed", Some("prod"))
        );
        assert_eq!(w.fields["name"], "A");
        assert_eq!(i.keys.len(), 1, "only the touched workspace's keys");
        assert_eq!(i.changes[0].from, Some(json!("prod")));
        assert_eq!(i.changes[0].to, Some(json!("renamed")));
        // The old slug still puts it in scope.
        let v = evaluate(
            &parse("[[rule]]\ncheck = \"keys.require_limit\"\nworkspaces = \"prod\"\n").unwrap(),
            &i,
        );
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(input(&p, "drift", true, &observed).workspaces.len(), 2);
    }
}
