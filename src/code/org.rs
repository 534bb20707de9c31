//! What a file manages beyond the twelve workspace fields (product.md §13, §15 "The file"):
//! per workspace entry `budgets`, `members` and `guardrail` (its default guardrail); at the top
//! level `guardrails.<id>` (a named guardrail's fields and its `keys`/`members` assignment sets)
//! and `keys.<hash>`. Same meaning as the workspace fields: absent is not managed, a value sets,
//! `null` or a name in the table's own `clear = [...]` clears. Each value is checked by the
//! resource's own rules (`crate::admin`) when read, each problem with its line.

use super::file::{CLEAR_KEY, NOT_MANAGED_KEY, Problem, READ_ONLY_KEY};
use super::tree::{Key, Kind, Node};
use crate::admin::budgets::Interval;
use crate::admin::{guardrail, guardrails};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// The key of a workspace entry's budgets table.
pub const BUDGETS_KEY: &str = "budgets";
/// The key of a workspace entry's members set (and a named guardrail's member assignments).
pub const MEMBERS_KEY: &str = "members";
/// The key of a workspace entry's default guardrail table.
pub const GUARDRAIL_KEY: &str = "guardrail";
/// The top-level key of the named guardrails.
pub const GUARDRAILS_KEY: &str = "guardrails";
/// The top-level key of the API keys (and a named guardrail's key assignments).
pub const KEYS_KEY: &str = "keys";

/// The fields of a key the file manages (never a secret).
pub const KEY_FIELDS: &[&str] = &[
    "name",
    "limit",
    "limit_reset",
    "include_byok_in_limit",
    "disabled",
];

/// A table of fields as read: a value sets, `null` clears; each field's line.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    /// The line of the table's key.
    pub line: usize,
    pub values: Map<String, Value>,
    pub lines: HashMap<String, usize>,
}

/// A set of ids (user ids, key hashes) as read, each once, with the line of each.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct IdSet {
    pub line: usize,
    pub ids: Vec<String>,
    pub lines: HashMap<String, usize>,
}

/// A named guardrail's entry: `guardrails.<id>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GuardrailEntry {
    pub id: String,
    pub line: usize,
    /// Name, description and the guardrail fields.
    pub fields: Fields,
    pub keys: Option<IdSet>,
    pub members: Option<IdSet>,
}

/// A key's entry: `keys.<hash>`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyEntry {
    pub hash: String,
    pub line: usize,
    pub fields: Fields,
}

/// Where a problem is, for its message.
pub(super) struct At<'a> {
    pub workspace: Option<&'a str>,
    /// `guardrail ID`, `key HASH`: what the problem is in when it is not a workspace.
    pub within: Option<String>,
    /// Put before each field's name (`budgets.`, `guardrail.`).
    pub prefix: &'a str,
}

impl At<'_> {
    pub fn problem(&self, line: usize, message: impl Into<String>) -> Problem {
        Problem {
            line,
            workspace: self.workspace.map(str::to_string),
            within: self.within.clone(),
            message: message.into(),
        }
    }
}

/// Reads a table of fields: `check(name, value)` says whether a field exists (`Err(None)`:
/// unknown, with the known names in `known`) and whether the value keeps its rule; `special`
/// takes keys the caller handles itself (it returns true when it took one).
pub(super) fn fields(
    node: &Node,
    line: usize,
    at: &At<'_>,
    known: &[&str],
    check: &dyn Fn(&str, &Value) -> Result<(), String>,
    special: &mut dyn FnMut(&Key, &Node, &mut Vec<Problem>) -> bool,
    problems: &mut Vec<Problem>,
) -> Option<Fields> {
    let Kind::Map(items) = &node.kind else {
        problems.push(at.problem(
            node.line,
            format!(
                "{}must be a table of fields; found {}",
                at.prefix_name(),
                node.type_name()
            ),
        ));
        return None;
    };
    let before = problems.len();
    let mut out = Fields {
        line,
        ..Fields::default()
    };
    let mut clear: Vec<(String, usize)> = Vec::new();
    let mut seen_clear = false;
    let p = at.prefix;
    let unknown = |name: &str| {
        format!(
            "unknown field '{p}{name}'; the fields here are: {}",
            known.join(", ")
        )
    };
    for (key, value) in items {
        let (name, line) = (key.name.as_str(), key.line);
        if name == READ_ONLY_KEY || name == NOT_MANAGED_KEY {
            continue;
        }
        if special(key, value, problems) {
            continue;
        }
        if name == CLEAR_KEY {
            if std::mem::replace(&mut seen_clear, true) {
                problems.push(at.problem(line, format!("`{p}{CLEAR_KEY}` appears twice")));
                continue;
            }
            let Kind::List(names) = &value.kind else {
                problems.push(at.problem(
                    line,
                    format!(
                        "`{p}{CLEAR_KEY}` must be a list of field names; found {}",
                        value.type_name()
                    ),
                ));
                continue;
            };
            for item in names {
                let Kind::String(n) = &item.kind else {
                    problems.push(at.problem(
                        item.line,
                        format!(
                            "`{p}{CLEAR_KEY}` must list field names; found {}",
                            item.type_name()
                        ),
                    ));
                    continue;
                };
                if !known.contains(&n.as_str()) {
                    problems.push(at.problem(item.line, unknown(n)));
                } else if clear.iter().any(|(c, _)| c == n) {
                    problems
                        .push(at.problem(item.line, format!("{p}{n} is in `{CLEAR_KEY}` twice")));
                } else if let Err(e) = check(n, &Value::Null) {
                    problems.push(at.problem(
                        item.line,
                        format!("{p}{n}: {e}, so it cannot be in `{CLEAR_KEY}`"),
                    ));
                } else {
                    clear.push((n.clone(), item.line));
                }
            }
            continue;
        }
        if !known.contains(&name) {
            problems.push(at.problem(line, unknown(name)));
            continue;
        }
        if let Some(first) = out.lines.get(name) {
            problems.push(at.problem(
                line,
                format!("{p}{name} is set twice (first on line {first})"),
            ));
            continue;
        }
        out.lines.insert(name.to_string(), line);
        let Some(json) = value.to_json() else {
            problems.push(at.problem(line, format!("{p}{name} cannot hold {}", value.type_name())));
            continue;
        };
        match check(name, &json) {
            Ok(()) => {
                out.values.insert(name.to_string(), json);
            }
            Err(e) => problems.push(at.problem(line, format!("{p}{name}: {e}"))),
        }
    }
    for (name, line) in clear {
        if let Some(set_line) = out.lines.get(&name) {
            problems.push(at.problem(
                line,
                format!("{p}{name} is both set (line {set_line}) and in `{CLEAR_KEY}`; keep one"),
            ));
        } else {
            out.lines.insert(name.clone(), line);
            out.values.insert(name, Value::Null);
        }
    }
    // In the order of `known`, so plans list fields in one order.
    out.values = known
        .iter()
        .filter_map(|k| out.values.get(*k).map(|v| (k.to_string(), v.clone())))
        .collect();
    (problems.len() == before).then_some(out)
}

impl At<'_> {
    fn prefix_name(&self) -> String {
        match self.prefix.strip_suffix('.') {
            Some(p) => format!("{p} "),
            None => String::new(),
        }
    }
}

/// A list of ids (`what`: "user id", "key hash"), each once.
pub(super) fn id_set(
    node: &Node,
    line: usize,
    at: &At<'_>,
    name: &str,
    what: &str,
    problems: &mut Vec<Problem>,
) -> Option<IdSet> {
    let Kind::List(items) = &node.kind else {
        problems.push(at.problem(
            line,
            format!(
                "{name} must be a list of {what}s; found {}",
                node.type_name()
            ),
        ));
        return None;
    };
    let before = problems.len();
    let mut out = IdSet {
        line,
        ..IdSet::default()
    };
    for item in items {
        match &item.kind {
            Kind::String(s) if !s.trim().is_empty() => {
                if let Some(first) = out.lines.get(s) {
                    problems.push(at.problem(
                        item.line,
                        format!("{name}: '{s}' is listed twice (first on line {first})"),
                    ));
                } else {
                    out.lines.insert(s.clone(), item.line);
                    out.ids.push(s.clone());
                }
            }
            _ => problems.push(at.problem(
                item.line,
                format!("{name} must list {what}s; found {}", item.type_name()),
            )),
        }
    }
    (problems.len() == before).then_some(out)
}

/// The budgets table: interval → USD (greater than 0, R9), `null` or `clear` removes.
pub(super) fn budgets(
    node: &Node,
    line: usize,
    at: &At<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Fields> {
    let known: Vec<&str> = Interval::ALL.iter().map(|i| i.as_str()).collect();
    let check = |name: &str, v: &Value| -> Result<(), String> {
        if name == "include_byok_in_budgets" {
            return Err("is not managed by the file".into());
        }
        match v {
            Value::Null => Ok(()),
            Value::Number(n) if n.as_f64().is_some_and(|f| f.is_finite() && f > 0.0) => Ok(()),
            other => Err(format!(
                "must be a number of US dollars greater than 0 (got {other})"
            )),
        }
    };
    let mut special = |key: &Key, _: &Node, problems: &mut Vec<Problem>| {
        if key.name == "include_byok_in_budgets" {
            problems.push(at.problem(
                key.line,
                "budgets.include_byok_in_budgets is not managed by the file (set it with `orws budgets set --include-byok`)",
            ));
            return true;
        }
        false
    };
    // R8 is judged at plan time, on the limits the file leaves to the server too (and only
    // when something changes: a server already holding limits out of order plans nothing).
    fields(node, line, at, &known, &check, &mut special, problems)
}

/// The default guardrail's table: its editable fields (the name is fixed).
pub(super) fn default_guardrail(
    node: &Node,
    line: usize,
    at: &At<'_>,
    problems: &mut Vec<Problem>,
) -> Option<Fields> {
    let known: Vec<&str> = guardrail::GUARDRAIL_FIELDS
        .iter()
        .map(|(f, _)| *f)
        .collect();
    let check = |name: &str, v: &Value| -> Result<(), String> {
        match guardrail::check_field(name, v).first() {
            Some(rule) => Err(rule.to_string()),
            None => Ok(()),
        }
    };
    let mut special = |key: &Key, _: &Node, problems: &mut Vec<Problem>| {
        if key.name == "name" {
            problems.push(at.problem(
                key.line,
                "guardrail.name is fixed for a default guardrail; only a named guardrail's name can change",
            ));
            return true;
        }
        false
    };
    let read = fields(node, line, at, &known, &check, &mut special, problems)?;
    pair_rule(&read, at, problems).then_some(read)
}

/// R17 within one table: `reset_interval` needs a `limit_usd`.
fn pair_rule(read: &Fields, at: &At<'_>, problems: &mut Vec<Problem>) -> bool {
    let set = |f: &str| read.values.get(f).is_some_and(|v| !v.is_null());
    if set("reset_interval") && read.values.get("limit_usd").is_some_and(Value::is_null) {
        let line = read
            .lines
            .get("reset_interval")
            .copied()
            .unwrap_or(read.line);
        problems.push(at.problem(
            line,
            format!(
                "{}reset_interval needs a limit_usd (a reset without a limit)",
                at.prefix
            ),
        ));
        return false;
    }
    true
}

/// A named guardrail's entry.
pub(super) fn named_guardrail(
    key: &Key,
    node: &Node,
    problems: &mut Vec<Problem>,
) -> Option<GuardrailEntry> {
    let at = At {
        workspace: None,
        within: Some(format!("guardrail {}", key.name)),
        prefix: "",
    };
    let mut known: Vec<&str> = guardrails::TEXT_FIELDS.to_vec();
    known.extend(guardrail::GUARDRAIL_FIELDS.iter().map(|(f, _)| *f));
    let check = |name: &str, v: &Value| -> Result<(), String> {
        match guardrails::check_field(name, v).first() {
            Some(rule) => Err(rule.clone()),
            None => Ok(()),
        }
    };
    let mut keys = None;
    let mut members = None;
    let mut special = |k: &Key, v: &Node, problems: &mut Vec<Problem>| {
        let (slot, what) = match k.name.as_str() {
            KEYS_KEY => (&mut keys, "key hash"),
            MEMBERS_KEY => (&mut members, "user id"),
            _ => return false,
        };
        if slot.is_some() {
            problems.push(at.problem(k.line, format!("{} appears twice", k.name)));
        } else {
            *slot = Some(id_set(v, k.line, &at, &k.name, what, problems));
        }
        true
    };
    let fields = fields(node, key.line, &at, &known, &check, &mut special, problems);
    let fields = fields.filter(|f| pair_rule(f, &at, problems))?;
    Some(GuardrailEntry {
        id: key.name.clone(),
        line: key.line,
        fields,
        keys: match keys {
            Some(set) => Some(set?),
            None => None,
        },
        members: match members {
            Some(set) => Some(set?),
            None => None,
        },
    })
}

/// One key field's rule.
pub fn check_key_field(name: &str, v: &Value) -> Result<(), String> {
    let ok = match name {
        "name" => v.as_str().is_some_and(|s| !s.trim().is_empty()),
        "limit" => v.is_null() || v.as_f64().is_some_and(|f| f.is_finite() && f >= 0.0),
        "limit_reset" => v.is_null() || matches!(v.as_str(), Some("daily" | "weekly" | "monthly")),
        "include_byok_in_limit" | "disabled" => v.is_boolean(),
        _ => return Err("is not a key field".into()),
    };
    if ok {
        return Ok(());
    }
    Err(match name {
        "name" => "must be a non-empty text".into(),
        "limit" => format!("must be a number of US dollars, 0 or more, or null (got {v})"),
        "limit_reset" => format!("must be daily, weekly, monthly or null (got {v})"),
        _ => format!("must be true or false (got {v})"),
    })
}

/// A key's entry.
pub(super) fn key(key: &Key, node: &Node, problems: &mut Vec<Problem>) -> Option<KeyEntry> {
    let at = At {
        workspace: None,
        within: Some(format!("key {}", key.name)),
        prefix: "",
    };
    let mut special = |k: &Key, _: &Node, problems: &mut Vec<Problem>| {
        if matches!(k.name.as_str(), "key" | "secret") {
            problems.push(at.problem(
                k.line,
                format!("{} is a secret: a file never holds one", k.name),
            ));
            return true;
        }
        false
    };
    let fields = fields(
        node,
        key.line,
        &at,
        KEY_FIELDS,
        &check_key_field,
        &mut special,
        problems,
    )?;
    Some(KeyEntry {
        hash: key.name.clone(),
        line: key.line,
        fields,
    })
}

/// R22 in the file: a key holds one guardrail, so a key in two assignment sets is an error
/// naming both lines.
pub(super) fn keys_once(entries: &[GuardrailEntry], problems: &mut Vec<Problem>) {
    let mut first: HashMap<&str, (&str, usize)> = HashMap::new();
    for g in entries {
        let Some(set) = &g.keys else { continue };
        for hash in &set.ids {
            let line = set.lines.get(hash).copied().unwrap_or(set.line);
            match first.get(hash.as_str()) {
                Some((other, at)) => problems.push(Problem {
                    line,
                    workspace: None,
                    within: Some(format!("guardrail {}", g.id)),
                    message: format!(
                        "key {hash} is also assigned to guardrail {other} (line {at}); a key holds one guardrail"
                    ),
                }),
                None => {
                    first.insert(hash, (&g.id, line));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::code::file::{Document, Format, read_document};
    use serde_json::json;

    const A: &str = "550e8400-e29b-41d4-a716-446655440000";

    fn doc(text: &str, format: Format) -> Document {
        read_document("f", text, format).unwrap_or_else(|e| panic!("{e}"))
    }

    fn errors(text: &str, format: Format) -> String {
        read_document("org.file", text, format)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_part_reads_in_toml() {
        let text = format!(
            "[workspaces.\"{A}\"]\nname = \"P\"\nmembers = [\"u1\", \"u2\"]\n\n\
             [workspaces.\"{A}\".budgets]\nmonthly = 500\nclear = [\"daily\"]\n\n\
             [workspaces.\"{A}\".guardrail]\nallowed_models = [\"a/b\"]\nclear = [\"limit_usd\"]\n\n\
             [guardrails.g1]\nname = \"G\"\nkeys = [\"k1\"]\nmembers = []\n\n\
             [keys.k1]\nname = \"K\"\nlimit = 5\nclear = [\"limit_reset\"]\n"
        );
        let d = doc(&text, Format::Toml);
        let w = &d.workspaces[0];
        assert_eq!(w.fields.get("name"), Some(json!("P")));
        assert_eq!(w.members.as_ref().unwrap().ids, ["u1", "u2"]);
        let b = w.budgets.as_ref().unwrap();
        assert_eq!(
            serde_json::Value::Object(b.values.clone()),
            json!({"daily": null, "monthly": 500})
        );
        assert_eq!(b.line, 5);
        let g = w.guardrail.as_ref().unwrap();
        assert_eq!(g.values.get("limit_usd"), Some(&json!(null)));
        assert_eq!(d.guardrails[0].id, "g1");
        assert_eq!(d.guardrails[0].keys.as_ref().unwrap().ids, ["k1"]);
        assert!(d.guardrails[0].members.as_ref().unwrap().ids.is_empty());
        assert_eq!(d.keys[0].hash, "k1");
        assert_eq!(d.keys[0].line, 18);
        assert_eq!(
            d.keys[0].fields.values.get("limit_reset"),
            Some(&json!(null))
        );
    }

    #[test]
    fn yaml_and_json_clear_with_null() {
        let yaml = format!(
            "workspaces:\n  {A}:\n    budgets:\n      weekly: null\n    guardrail:\n      allowed_models: null\nkeys:\n  k1:\n    limit: null\n"
        );
        let d = doc(&yaml, Format::Yaml);
        let b = d.workspaces[0].budgets.as_ref().unwrap();
        assert_eq!(b.values.get("weekly"), Some(&json!(null)));
        assert_eq!(d.keys[0].fields.values.get("limit"), Some(&json!(null)));
        let json_text = format!(
            "{{\"workspaces\": {{\"{A}\": {{\"members\": []}}}}, \"guardrails\": {{\"g\": {{\"description\": null, \"_read_only\": {{}}}}}}}}"
        );
        let d = doc(&json_text, Format::Json);
        assert!(d.workspaces[0].members.as_ref().unwrap().ids.is_empty());
        assert_eq!(
            d.guardrails[0].fields.values.get("description"),
            Some(&json!(null))
        );
    }

    #[test]
    fn broken_values_name_their_lines() {
        let text = format!(
            "[workspaces.\"{A}\"]\nmembers = [\"u1\", 3]\n\n\
             [workspaces.\"{A}\".budgets]\nmonthly = -5\ninclude_byok_in_budgets = true\nhourly = 1\n\n\
             [workspaces.\"{A}\".guardrail]\nname = \"x\"\nallowed_data_regions = [\"mars\"]\n\n\
             [keys.k1]\nname = \"\"\nsecret = \"sk\"\nlimit_reset = \"yearly\"\nclear = [\"name\"]\n"
        );
        let e = errors(&text, Format::Toml);
        for (line, needle) in [
            (2, "members must list user ids; found a number"),
            (
                5,
                "budgets.monthly: must be a number of US dollars greater than 0",
            ),
            (
                6,
                "budgets.include_byok_in_budgets is not managed by the file",
            ),
            (7, "unknown field 'budgets.hourly'"),
            (10, "guardrail.name is fixed"),
            (11, "guardrail.allowed_data_regions"),
            (14, "key k1: name: must be a non-empty text"),
            (15, "key k1: secret is a secret"),
            (16, "limit_reset: must be daily, weekly, monthly or null"),
            (
                17,
                "name: must be a non-empty text, so it cannot be in `clear`",
            ),
        ] {
            assert!(
                e.lines()
                    .any(|l| l.starts_with(&format!("org.file:{line}: ")) && l.contains(needle)),
                "line {line}: {needle}\n{e}"
            );
        }
    }

    #[test]
    fn a_key_in_two_assignment_sets_names_both_lines() {
        let text = "[guardrails.g1]\nkeys = [\"k1\"]\n\n[guardrails.g2]\nkeys = [\n  \"k2\",\n  \"k1\",\n]\n";
        let e = errors(text, Format::Toml);
        assert_eq!(
            e,
            "org.file:7: guardrail g2: key k1 is also assigned to guardrail g1 (line 2); a key holds one guardrail"
        );
        // Members may hold several guardrails.
        let ok = "[guardrails.g1]\nmembers = [\"u\"]\n[guardrails.g2]\nmembers = [\"u\"]\n";
        assert_eq!(doc(ok, Format::Toml).guardrails.len(), 2);
    }

    #[test]
    fn unknown_top_level_keys_list_the_known_ones() {
        let e = errors("[other]\n", Format::Toml);
        assert!(e.contains("`workspaces`, `guardrails` and `keys`"), "{e}");
        let e = errors("keys = 3\n", Format::Toml);
        assert!(
            e.contains("`keys` must be a table keyed by key hash"),
            "{e}"
        );
    }
}
