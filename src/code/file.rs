//! What a file means (product.md §11): one entry per workspace, keyed by its uuid, under
//! `workspaces`. A field absent from an entry is not managed; a value sets it; `null` (JSON,
//! YAML) or a name in `clear = [...]` (any format; TOML has no null) clears it. Every value is
//! checked by the form's own rules before anything is sent; each problem names its line.

use super::org::{
    self, BUDGETS_KEY, Fields, GUARDRAIL_KEY, GUARDRAILS_KEY, GuardrailEntry, IdSet, KEYS_KEY,
    KeyEntry, MEMBERS_KEY,
};
use super::tree::{Key, Kind, Node, SyntaxError, parse_json, parse_toml, parse_yaml};
use crate::workspace::identity::is_uuid;
use crate::workspace::{FIELDS, FieldSpec, READ_ONLY, field};
use serde_json::{Map, Value};
use std::collections::HashMap;
use std::fmt;

/// The key under which an entry's read-only fields stand in JSON (ignored when read).
pub const READ_ONLY_KEY: &str = "_read_only";
/// JSON's place for values exported but not managed (they break a rule as the server holds
/// them); ignored when read, like [`READ_ONLY_KEY`].
pub const NOT_MANAGED_KEY: &str = "_not_managed";
/// The list of fields to clear, in an entry.
pub const CLEAR_KEY: &str = "clear";
/// The top-level key holding the entries.
pub const WORKSPACES_KEY: &str = "workspaces";

/// The formats a file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Toml,
    Yaml,
    Json,
}

impl Format {
    /// The format a file's name says (`.toml`, `.yaml`/`.yml`, `.json`), else its first
    /// character (`{` is JSON); `None` when neither tells.
    pub fn guess(path: &std::path::Path, text: &str) -> Option<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("toml") => Some(Format::Toml),
            Some("yaml" | "yml") => Some(Format::Yaml),
            Some("json") => Some(Format::Json),
            _ if text.trim_start().starts_with('{') => Some(Format::Json),
            _ => None,
        }
    }

    /// The format's name for people.
    pub fn label(self) -> &'static str {
        match self {
            Format::Toml => "TOML",
            Format::Yaml => "YAML",
            Format::Json => "JSON",
        }
    }

    pub fn parse(self, text: &str) -> Result<Node, SyntaxError> {
        match self {
            Format::Toml => parse_toml(text),
            Format::Yaml => parse_yaml(text),
            Format::Json => parse_json(text),
        }
    }
}

/// One workspace's managed fields: a value sets, `null` clears.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileEntry {
    /// The uuid, lowercase.
    pub id: String,
    /// The line of its key, for messages.
    pub line: usize,
    /// Only editable fields, each checked against its rule.
    pub fields: EntryFields,
    /// `budgets`: interval → USD, `null` removes (absent: not managed). Boxed, like the two
    /// below: most entries have none, and an entry is held per workspace of the file.
    pub budgets: Option<Box<Fields>>,
    /// `members`: the set of user ids (absent: not managed; empty: no member).
    pub members: Option<Box<IdSet>>,
    /// `guardrail`: the default guardrail's fields.
    pub guardrail: Option<Box<Fields>>,
}

/// An entry's fields held compactly: as JSON text, in their order, every number with its
/// digits (a fifth of the size of a map of values; an entry is held per workspace of the
/// file, 50,000 of them in an export of that many). Made into a map where it is read.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EntryFields(Box<str>);

impl EntryFields {
    /// The fields as a map, in their order.
    pub fn map(&self) -> Map<String, Value> {
        if self.0.is_empty() {
            return Map::new();
        }
        // Written by `From<Map>` below from a map of values: it reads back.
        serde_json::from_str(&self.0).expect("an entry's own text")
    }

    /// The value of a field, when the entry has it.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.map().remove(key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Map<String, Value>> for EntryFields {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            return Self::default();
        }
        // A map of JSON values always serialises.
        Self(serde_json::to_string(&map).unwrap_or_default().into())
    }
}

impl FromIterator<(String, Value)> for EntryFields {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(iter: I) -> Self {
        iter.into_iter().collect::<Map<String, Value>>().into()
    }
}

/// A whole file: the workspace entries and the top-level named guardrails and keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Document {
    pub workspaces: Vec<FileEntry>,
    pub guardrails: Vec<GuardrailEntry>,
    pub keys: Vec<KeyEntry>,
}

/// One thing wrong in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    /// The entry it is in, when it is in one.
    pub workspace: Option<String>,
    /// What else it is in (`guardrail ID`, `key HASH`), when not a workspace.
    pub within: Option<String>,
    /// One sentence; it starts with the field's name when it is about a field.
    pub message: String,
}

/// Everything wrong in a file: nothing is sent while there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileErrors {
    pub file: String,
    pub problems: Vec<Problem>,
}

impl fmt::Display for FileErrors {
    /// One line per problem: `FILE:LINE: workspace UUID: FIELD …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}:{}: ", self.file, p.line)?;
            if let Some(ws) = &p.workspace {
                write!(f, "workspace {ws}: ")?;
            } else if let Some(what) = &p.within {
                write!(f, "{what}: ")?;
            }
            write!(f, "{}", p.message)?;
        }
        Ok(())
    }
}

/// Reads a file's workspace entries; `file` names it in messages.
pub fn read(file: &str, text: &str, format: Format) -> Result<Vec<FileEntry>, FileErrors> {
    read_document(file, text, format).map(|d| d.workspaces)
}

/// Reads a whole file; `file` names it in messages.
pub fn read_document(file: &str, text: &str, format: Format) -> Result<Document, FileErrors> {
    let fail = |problems: Vec<Problem>| FileErrors {
        file: file.to_string(),
        problems,
    };
    let root = format.parse(text).map_err(|e| {
        fail(vec![Problem {
            line: e.line,
            workspace: None,
            within: None,
            message: format!("not valid {}: {}", format.label(), e.message),
        }])
    })?;
    let mut problems = Vec::new();
    // The tree is taken apart as its entries are read: it and the entries are never whole
    // at once (at 50,000 workspaces each is about 100 MB).
    let doc = entries(root, &mut problems);
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(fail(problems))
    }
}

fn problem(line: usize, workspace: Option<&str>, message: impl Into<String>) -> Problem {
    Problem {
        line,
        workspace: workspace.map(str::to_string),
        within: None,
        message: message.into(),
    }
}

/// The top-level keys a file may hold.
const TOP_KEYS: [&str; 3] = [WORKSPACES_KEY, GUARDRAILS_KEY, KEYS_KEY];

fn entries(root: Node, problems: &mut Vec<Problem>) -> Document {
    let mut doc = Document::default();
    let top = match root.kind {
        Kind::Map(top) => top,
        // An empty YAML document manages nothing.
        Kind::Null => return doc,
        _ => {
            problems.push(problem(
                root.line,
                None,
                format!(
                    "the file must be a table with `{WORKSPACES_KEY}`; found {}",
                    root.type_name()
                ),
            ));
            return doc;
        }
    };
    let mut out = Vec::new();
    let mut seen_top: Vec<&str> = Vec::new();
    for (key, node) in top {
        let Some(&name) = TOP_KEYS.iter().find(|k| **k == key.name) else {
            problems.push(problem(
                key.line,
                None,
                format!(
                    "unknown top-level key '{}'; the file holds only `{WORKSPACES_KEY}`, `{GUARDRAILS_KEY}` and `{KEYS_KEY}`",
                    key.name
                ),
            ));
            continue;
        };
        if seen_top.contains(&name) {
            problems.push(problem(key.line, None, format!("`{name}` appears twice")));
            continue;
        }
        seen_top.push(name);
        if name != WORKSPACES_KEY {
            top_level(name, &node, &mut doc, problems);
            continue;
        }
        let items = match node.kind {
            Kind::Map(items) => items,
            Kind::Null => continue,
            _ => {
                problems.push(problem(
                    node.line,
                    None,
                    format!(
                        "`{WORKSPACES_KEY}` must be a table keyed by workspace uuid; found {}",
                        node.type_name()
                    ),
                ));
                continue;
            }
        };
        let mut first_line: HashMap<String, usize> = HashMap::new();
        for (key, node) in items {
            let id = key.name.to_ascii_lowercase();
            if !is_uuid(&id) {
                problems.push(problem(
                    key.line,
                    None,
                    format!(
                        "'{}' is not a workspace uuid; entries are keyed by uuid (the slug is a field)",
                        key.name
                    ),
                ));
                continue;
            }
            if let Some(first) = first_line.get(&id) {
                problems.push(problem(
                    key.line,
                    Some(&id),
                    format!("the workspace appears twice (first on line {first})"),
                ));
                continue;
            }
            first_line.insert(id.clone(), key.line);
            if let Some(entry) = entry_fields(&id, key.line, &node, problems) {
                out.push(entry);
            }
        }
    }
    org::keys_once(&doc.guardrails, problems);
    out.shrink_to_fit();
    doc.workspaces = out;
    doc
}

/// `guardrails` or `keys`: a table keyed by guardrail id or key hash.
fn top_level(name: &str, node: &Node, doc: &mut Document, problems: &mut Vec<Problem>) {
    let items = match &node.kind {
        Kind::Map(items) => items,
        Kind::Null => return,
        _ => {
            let by = if name == KEYS_KEY {
                "key hash"
            } else {
                "guardrail id"
            };
            problems.push(problem(
                node.line,
                None,
                format!(
                    "`{name}` must be a table keyed by {by}; found {}",
                    node.type_name()
                ),
            ));
            return;
        }
    };
    let mut first_line: HashMap<&str, usize> = HashMap::new();
    for (key, node) in items {
        let what = if name == KEYS_KEY { "key" } else { "guardrail" };
        if key.name.trim().is_empty() || key.name.contains('/') {
            problems.push(problem(
                key.line,
                None,
                format!("'{}' is not a {what} id", key.name),
            ));
            continue;
        }
        if let Some(first) = first_line.get(key.name.as_str()) {
            problems.push(problem(
                key.line,
                None,
                format!("{what} {} appears twice (first on line {first})", key.name),
            ));
            continue;
        }
        first_line.insert(&key.name, key.line);
        if name == KEYS_KEY {
            doc.keys.extend(org::key(key, node, problems));
        } else {
            doc.guardrails
                .extend(org::named_guardrail(key, node, problems));
        }
    }
}

/// The editable field of that name, or the problem with the name.
fn editable(name: &str) -> Result<&'static FieldSpec, String> {
    if let Some(spec) = field(name) {
        return Ok(spec);
    }
    if READ_ONLY.contains(&name) {
        return Err(format!(
            "{name} is read-only: it can stand only as a comment (under `{READ_ONLY_KEY}` in JSON)"
        ));
    }
    let names: Vec<&str> = FIELDS.iter().map(|f| f.name).collect();
    Err(format!(
        "unknown field '{name}'; the editable fields are: {}",
        names.join(", ")
    ))
}

fn entry_fields(
    id: &str,
    line: usize,
    node: &Node,
    problems: &mut Vec<Problem>,
) -> Option<FileEntry> {
    let Kind::Map(items) = &node.kind else {
        problems.push(problem(
            node.line,
            Some(id),
            format!(
                "an entry must be a table of fields; found {}",
                node.type_name()
            ),
        ));
        return None;
    };
    let before = problems.len();
    let mut entry = FileEntry {
        id: id.to_string(),
        line,
        ..FileEntry::default()
    };
    let mut fields = Map::new();
    let mut lines: HashMap<&str, usize> = HashMap::new();
    let mut clear: Vec<(&'static FieldSpec, usize)> = Vec::new();
    let mut seen_clear = false;
    let mut bad = |line: usize, message: String| problems.push(problem(line, Some(id), message));
    for (Key { name, line }, value) in items {
        let line = *line;
        if name == READ_ONLY_KEY || name == NOT_MANAGED_KEY {
            continue;
        }
        if [BUDGETS_KEY, MEMBERS_KEY, GUARDRAIL_KEY].contains(&name.as_str()) {
            let at = org::At {
                workspace: Some(id),
                within: None,
                prefix: if name == BUDGETS_KEY {
                    "budgets."
                } else {
                    "guardrail."
                },
            };
            let mut sub = Vec::new();
            let twice = match name.as_str() {
                BUDGETS_KEY => entry.budgets.is_some(),
                MEMBERS_KEY => entry.members.is_some(),
                _ => entry.guardrail.is_some(),
            };
            if twice {
                bad(line, format!("{name} appears twice"));
                continue;
            }
            match name.as_str() {
                BUDGETS_KEY => {
                    entry.budgets = org::budgets(value, line, &at, &mut sub).map(Box::new)
                }
                MEMBERS_KEY => {
                    entry.members = org::id_set(value, line, &at, MEMBERS_KEY, "user id", &mut sub)
                        .map(Box::new)
                }
                _ => {
                    entry.guardrail =
                        org::default_guardrail(value, line, &at, &mut sub).map(Box::new)
                }
            }
            for p in sub {
                bad(p.line, p.message);
            }
            continue;
        }
        if name == CLEAR_KEY {
            if std::mem::replace(&mut seen_clear, true) {
                bad(line, format!("`{CLEAR_KEY}` appears twice"));
                continue;
            }
            let Kind::List(names) = &value.kind else {
                bad(
                    line,
                    format!(
                        "`{CLEAR_KEY}` must be a list of field names; found {}",
                        value.type_name()
                    ),
                );
                continue;
            };
            for item in names {
                let Kind::String(name) = &item.kind else {
                    bad(
                        item.line,
                        format!(
                            "`{CLEAR_KEY}` must list field names; found {}",
                            item.type_name()
                        ),
                    );
                    continue;
                };
                match editable(name) {
                    Err(message) => bad(item.line, message),
                    Ok(spec) => {
                        if clear.iter().any(|(s, _)| s.name == spec.name) {
                            bad(item.line, format!("{name} is in `{CLEAR_KEY}` twice"));
                        } else if let Err(e) = spec.check(&Value::Null) {
                            bad(item.line, format!("{e}, so it cannot be in `{CLEAR_KEY}`"));
                        } else {
                            clear.push((spec, item.line));
                        }
                    }
                }
            }
            continue;
        }
        let spec = match editable(name) {
            Ok(spec) => spec,
            Err(message) => {
                bad(line, message);
                continue;
            }
        };
        if let Some(first) = lines.get(spec.name) {
            bad(line, format!("{name} is set twice (first on line {first})"));
            continue;
        }
        lines.insert(spec.name, line);
        let Some(json) = value.to_json() else {
            bad(line, format!("{name} cannot hold {}", value.type_name()));
            continue;
        };
        match spec.check(&json) {
            Ok(()) => {
                fields.insert(spec.name.to_string(), json);
            }
            Err(e) => bad(line, e.to_string()),
        }
    }
    for (spec, line) in clear {
        if let Some(set_line) = lines.get(spec.name) {
            bad(
                line,
                format!(
                    "{} is both set (line {set_line}) and in `{CLEAR_KEY}`; keep one",
                    spec.name
                ),
            );
        } else {
            fields.insert(spec.name.to_string(), Value::Null);
        }
    }
    // Form order, so a plan lists fields as the form does.
    entry.fields = FIELDS
        .iter()
        .filter_map(|s| Some((s.name.to_string(), fields.remove(s.name)?)))
        .collect();
    (problems.len() == before).then_some(entry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "550e8400-e29b-41d4-a716-446655440000";
    const B: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";

    fn read_ok(text: &str, format: Format) -> Vec<FileEntry> {
        read("f", text, format).unwrap_or_else(|e| panic!("{e}"))
    }

    fn errors(text: &str, format: Format) -> String {
        read("ws.file", text, format).unwrap_err().to_string()
    }

    /// An entry's fields held as text give back the same map: order, digits and nulls kept.
    #[test]
    fn entry_fields_round_trip_in_order() {
        let map: Map<String, Value> =
            serde_json::from_str(r#"{"slug":"s","io_logging_sampling_rate":0.50,"description":null,"io_logging_api_key_ids":[7,8]}"#)
                .unwrap();
        let fields = EntryFields::from(map.clone());
        let back = fields.map();
        assert_eq!(back, map);
        let keys: Vec<&str> = back.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "slug",
                "io_logging_sampling_rate",
                "description",
                "io_logging_api_key_ids"
            ]
        );
        assert_eq!(
            fields.get("io_logging_sampling_rate").unwrap().to_string(),
            "0.50"
        );
        assert_eq!(fields.get("description"), Some(Value::Null));
        assert_eq!(fields.get("name"), None);
        assert!(!fields.is_empty());
        let empty = EntryFields::from(Map::new());
        assert!(empty.is_empty() && empty.map().is_empty());
        assert_eq!(empty, EntryFields::default());
        let collected: EntryFields = map.into_iter().collect();
        assert_eq!(collected, fields);
    }

    #[test]
    fn toml_sets_and_clears() {
        let text = format!(
            "[workspaces.\"{A}\"]\nname = \"Prod\"\nio_logging_sampling_rate = 1\nclear = [\"description\", \"io_logging_api_key_ids\"]\n"
        );
        let entries = read_ok(&text, Format::Toml);
        assert_eq!(entries.len(), 1);
        assert_eq!(entries[0].id, A);
        assert_eq!(entries[0].line, 1);
        assert_eq!(
            Value::Object(entries[0].fields.map()),
            json!({"name": "Prod", "description": null, "io_logging_sampling_rate": 1, "io_logging_api_key_ids": null})
        );
    }

    #[test]
    fn json_and_yaml_clear_with_null_and_ignore_read_only() {
        let json_text = format!(
            "{{\"workspaces\": {{\n  \"{A}\": {{\n    \"description\": null,\n    \"_read_only\": {{\"id\": \"{A}\"}}\n  }}\n}}}}"
        );
        let yaml_text = format!(
            "workspaces:\n  {A}:\n    # id: {A}\n    description: null\n    disabled_server_tools: []\n"
        );
        assert_eq!(
            Value::Object(read_ok(&json_text, Format::Json)[0].fields.map()),
            json!({"description": null})
        );
        assert_eq!(
            Value::Object(read_ok(&yaml_text, Format::Yaml)[0].fields.map()),
            json!({"description": null, "disabled_server_tools": []})
        );
    }

    #[test]
    fn a_rule_break_names_file_line_workspace_and_field() {
        let text = format!("[workspaces.\"{A}\"]\nname = \"Prod\"\nslug = \"Prod_1\"\n");
        assert_eq!(
            errors(&text, Format::Toml),
            format!(
                "ws.file:3: workspace {A}: slug has an uppercase letter 'P'; use lowercase a–z"
            )
        );
        let yaml = format!("workspaces:\n  {A}:\n    io_logging_sampling_rate: 2\n");
        let e = errors(&yaml, Format::Yaml);
        assert!(
            e.starts_with(&format!(
                "ws.file:3: workspace {A}: io_logging_sampling_rate"
            )),
            "{e}"
        );
        let json_text = format!("{{\"workspaces\":{{\n\"{A}\":{{\n\"name\":null}}}}}}");
        assert_eq!(
            errors(&json_text, Format::Json),
            format!("ws.file:3: workspace {A}: name cannot be null")
        );
    }

    #[test]
    fn unknown_read_only_and_wrongly_typed_fields_are_refused() {
        let text = format!(
            "[workspaces.\"{A}\"]\nnmae = \"x\"\nid = \"y\"\nis_data_discount_logging_enabled = \"yes\"\nwhen = 1979-05-27\n"
        );
        let e = errors(&text, Format::Toml);
        let lines: Vec<&str> = e.lines().collect();
        assert_eq!(lines.len(), 4, "{e}");
        assert!(
            lines[0].contains(":2: ") && lines[0].contains("unknown field 'nmae'"),
            "{e}"
        );
        assert!(
            lines[1].contains(":3: ") && lines[1].contains("id is read-only"),
            "{e}"
        );
        assert!(
            lines[2].contains(":4: ")
                && lines[2].contains("is_data_discount_logging_enabled must be true or false"),
            "{e}"
        );
        assert!(
            lines[3].contains(":5: ") && lines[3].contains("unknown field 'when'"),
            "{e}"
        );
    }

    #[test]
    fn set_and_cleared_at_once_is_refused() {
        let text = format!(
            "[workspaces.\"{A}\"]\ndescription = \"d\"\nclear = [\n  \"description\",\n  \"name\",\n]\n"
        );
        let e = errors(&text, Format::Toml);
        assert!(
            e.contains(":4: ") && e.contains("description is both set (line 2) and in `clear`"),
            "{e}"
        );
        assert!(
            e.contains(":5: ") && e.contains("name cannot be null"),
            "{e}"
        );
    }

    #[test]
    fn duplicates_are_refused_with_both_lines() {
        let json_text = format!(
            "{{\"workspaces\": {{\n\"{A}\": {{\"name\": \"a\"}},\n\"{B}\": {{\"name\": \"b\", \"name\": \"c\"}},\n\"{}\": {{}}\n}}}}",
            A.to_uppercase()
        );
        let e = errors(&json_text, Format::Json);
        assert!(
            e.contains(&format!(
                ":3: workspace {B}: name is set twice (first on line 3)"
            )),
            "{e}"
        );
        assert!(
            e.contains(&format!(
                ":4: workspace {A}: the workspace appears twice (first on line 2)"
            )),
            "{e}"
        );
        let yaml = format!("workspaces:\n  {A}:\n    name: a\n  {A}:\n    name: b\n");
        assert!(errors(&yaml, Format::Yaml).contains(":4: "));
        // TOML's parser refuses duplicate keys itself, and says where.
        let toml_text = format!("[workspaces.\"{A}\"]\nname = \"a\"\n[workspaces.\"{A}\"]\n");
        assert!(errors(&toml_text, Format::Toml).starts_with("ws.file:3: not valid TOML"));
    }

    #[test]
    fn syntax_errors_name_the_line_in_every_format() {
        assert!(errors("a = \n", Format::Toml).starts_with("ws.file:1: not valid TOML"));
        assert!(
            errors("{\n\"workspaces\": {\n}\n,}", Format::Json)
                .starts_with("ws.file:4: not valid JSON")
        );
        assert!(errors("workspaces:\n  a: [1\n", Format::Yaml).contains("not valid YAML"));
    }

    #[test]
    fn keys_must_be_uuids_and_the_top_level_only_workspaces() {
        let e = errors(
            "[workspaces.production]\nname = \"x\"\n[other]\n",
            Format::Toml,
        );
        assert!(
            e.contains(":1: 'production' is not a workspace uuid"),
            "{e}"
        );
        assert!(e.contains(":3: unknown top-level key 'other'"), "{e}");
        assert!(read_ok("", Format::Toml).is_empty());
        assert!(read_ok("", Format::Yaml).is_empty());
    }
}
