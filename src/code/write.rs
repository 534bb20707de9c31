//! `orws export`'s text: deterministic and diff-friendly. Entries sorted by uuid, fields in
//! the form's order, only fields the server sent; read-only and unknown fields as comments
//! (TOML, YAML) or under `_read_only` (JSON). Server nulls are `null` (JSON, YAML) or listed in
//! `clear` (TOML), so a file exported and planned at once shows no changes.

use super::file::{CLEAR_KEY, Format, NOT_MANAGED_KEY, READ_ONLY_KEY, WORKSPACES_KEY};
use super::org::{BUDGETS_KEY, GUARDRAIL_KEY, GUARDRAILS_KEY, KEY_FIELDS, KEYS_KEY, MEMBERS_KEY};
use super::org_plan::Server;
use crate::text::{escape, escape_json};
use crate::workspace::{CompactList, FIELDS, READ_ONLY, Workspace};
use serde_json::{Map, Value};

const HEADER: &str = "orws export: one entry per workspace, keyed by its uuid. A field left out is not\n\
managed; a value sets it; null clears it. Read-only fields are comments.";
const TOML_HEADER: &str = "orws export: one entry per workspace, keyed by its uuid. A field left out is not\n\
managed; a value sets it; `clear = [...]` sets fields to null. Read-only fields are comments.";

/// The file for `workspaces` in `format`.
pub fn export(format: Format, workspaces: &[Workspace]) -> String {
    export_org(
        format,
        &workspaces.iter().collect(),
        true,
        &Server::default(),
    )
}

/// The file for `workspaces` (their twelve fields when `fields`) and what `org` holds of
/// them: budgets, members, default guardrails, named guardrails with their assignment sets,
/// and keys (only what was read is written). Each workspace is made from its text as its
/// entry is written.
pub fn export_org(format: Format, workspaces: &CompactList, fields: bool, org: &Server) -> String {
    let mut sorted = workspaces.by_id_sorted();
    let ctx = Ctx { fields, org };
    // Without the fields, a workspace with nothing else read has no entry.
    sorted.retain(|&i| {
        let id = workspaces.id_at(i);
        fields || !ctx.subtables(id).is_empty() || ctx.members(id).is_some()
    });
    let sorted = Sorted {
        list: workspaces,
        order: &sorted,
    };
    match format {
        Format::Toml => toml(sorted, &ctx),
        Format::Yaml => yaml(sorted, &ctx),
        Format::Json => json(sorted, &ctx),
    }
}

/// The workspaces an export writes, in its order, each made as it is reached.
#[derive(Clone, Copy)]
struct Sorted<'a> {
    list: &'a CompactList,
    order: &'a [usize],
}

impl Sorted<'_> {
    fn is_empty(self) -> bool {
        self.order.is_empty()
    }

    fn iter(self) -> impl Iterator<Item = Workspace> {
        self.order.iter().map(move |&i| self.list.at(i))
    }
}

/// What is exported besides the workspaces themselves.
struct Ctx<'a> {
    fields: bool,
    org: &'a Server,
}

type Table = Vec<(String, Value)>;
/// A named guardrail as exported: its id, fields and assignment sets.
type Named<'a> = (&'a str, Table, Vec<(&'static str, Vec<String>)>);

impl Ctx<'_> {
    /// The workspace's members, sorted.
    fn members(&self, id: &str) -> Option<Vec<String>> {
        self.org
            .members
            .get(id)
            .map(|m| crate::code::normal::set(m))
    }

    /// The workspace's sub-tables: budgets (the intervals set) and the default guardrail
    /// (when configured), each as (field, value) in their order.
    fn subtables(&self, id: &str) -> Vec<(&'static str, Table)> {
        let mut out = Vec::new();
        if let Some(b) = self.org.budgets.get(id).filter(|b| !b.limits.is_empty()) {
            let t: Table = b
                .limits
                .set_intervals()
                .map(|(i, l)| (i.as_str().to_string(), limit_value(l)))
                .collect();
            out.push((BUDGETS_KEY, t));
        }
        if let Some((_, Some(g))) = self.org.guardrails.get(id) {
            out.push((GUARDRAIL_KEY, guardrail_table(g, &[])));
        }
        out
    }

    /// The named guardrails: id, fields, and the key and member sets that were read.
    fn named(&self) -> Vec<Named<'_>> {
        self.org
            .named
            .iter()
            .map(|(id, g)| {
                let mut sets = Vec::new();
                if let Some(k) = self.org.key_assignments.get(id) {
                    sets.push((KEYS_KEY, crate::code::normal::set(k)));
                }
                if let Some(m) = self.org.member_assignments.get(id) {
                    sets.push((MEMBERS_KEY, crate::code::normal::set(m)));
                }
                (
                    id.as_str(),
                    guardrail_table(g, crate::admin::guardrails::TEXT_FIELDS),
                    sets,
                )
            })
            .collect()
    }

    /// The keys: hash, read-only comments (workspace, label), fields.
    fn keys(&self) -> Vec<(&str, Table, Table)> {
        self.org
            .keys
            .iter()
            .map(|(hash, k)| {
                let fields = crate::code::org_plan::key_fields(k);
                let t: Table = KEY_FIELDS
                    .iter()
                    .map(|f| {
                        let v = fields.get(*f).cloned().unwrap_or(Value::Null);
                        let v = match v.as_f64() {
                            Some(l) if *f == "limit" => limit_value(l),
                            _ => v,
                        };
                        (f.to_string(), v)
                    })
                    // A value breaking its rule (written elsewhere) is left out: not managed.
                    .filter(|(f, v)| crate::code::org::check_key_field(f, v).is_ok())
                    .collect();
                let ro: Table = vec![
                    ("workspace_id".into(), Value::String(k.workspace_id.clone())),
                    ("label".into(), Value::String(k.label.clone())),
                ];
                (hash.as_str(), ro, t)
            })
            .collect()
    }
}

/// A limit as written: whole dollars as an integer.
fn limit_value(l: f64) -> Value {
    if l.fract() == 0.0 && l.abs() < 1e15 {
        Value::from(l as i64)
    } else {
        Value::from(l)
    }
}

/// A guardrail's exported fields: `first` (a named one's name and description), then the
/// editable ones, each as the server holds it (absent as null) when it keeps its rule.
fn guardrail_table(g: &Map<String, Value>, first: &[&str]) -> Table {
    first
        .iter()
        .copied()
        .chain(
            crate::admin::guardrail::GUARDRAIL_FIELDS
                .iter()
                .map(|(f, _)| *f),
        )
        .filter_map(|f| {
            let v = g.get(f).cloned().unwrap_or(Value::Null);
            let keeps = if first.is_empty() {
                crate::admin::guardrail::check_field(f, &v).is_empty()
            } else {
                crate::admin::guardrails::check_field(f, &v).is_empty()
            };
            // A name cannot be cleared: a named guardrail without one is left out; nor can a
            // reset be without a limit (the server holding one so is left alone).
            let unpaired = f == "reset_interval"
                && !v.is_null()
                && g.get("limit_usd").is_none_or(Value::is_null);
            (keeps && !unpaired && !(f == "name" && v.is_null())).then(|| (f.to_string(), v))
        })
        .collect()
}

/// The editable fields the server sent, in form order, that keep the field's rule.
fn editable(ws: &Workspace) -> impl Iterator<Item = (&'static str, &Value)> {
    FIELDS
        .iter()
        .filter_map(|s| ws.get(s.name).map(|v| (s, v)))
        .filter(|(s, v)| s.check(v).is_ok())
        .map(|(s, v)| (s.name, v))
}

/// Editable fields whose value on the server breaks the field's rule (written elsewhere): left
/// out of the entry, so not managed, with why; else the file could never be planned unchanged.
fn breaking(ws: &Workspace) -> Vec<(&'static str, &Value, String)> {
    FIELDS
        .iter()
        .filter_map(|s| {
            let v = ws.get(s.name)?;
            let why = s.check(v).err()?;
            Some((s.name, v, why.to_string()))
        })
        .collect()
}

/// `# name = "…" (not managed: …)`, escaped, one line.
fn not_managed_comment(prefix: &str, sep: &str, name: &str, value: &Value, why: &str) -> String {
    format!(
        "{prefix}# {name}{sep}{} (not managed: the server's value breaks the rule: {})\n",
        compact(value),
        escape(why).replace('\n', " ")
    )
}

/// Read-only fields the server sent, then fields orws does not know.
fn read_only(ws: &Workspace) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = READ_ONLY
        .iter()
        .filter_map(|k| ws.get(k).map(|v| (k.to_string(), v.clone())))
        .collect();
    out.extend(ws.unknown_fields().map(|(k, v)| (k.clone(), v.clone())));
    out
}

/// Compact JSON with every terminal-unsafe character escaped: valid as a TOML basic string
/// or a YAML double-quoted scalar, and one line.
fn compact(value: &Value) -> String {
    escape_json(&value.to_string()).into_owned()
}

fn comment(text: &str) -> String {
    text.lines().map(|l| format!("# {l}\n")).collect()
}

fn toml(workspaces: Sorted<'_>, ctx: &Ctx<'_>) -> String {
    let mut out = comment(TOML_HEADER);
    for ws in workspaces.iter() {
        let ws = &ws;
        let head = format!(
            "{WORKSPACES_KEY}.{}",
            compact(&Value::String(ws.id().into()))
        );
        out.push_str(&format!("\n[{head}]\n"));
        let mut table = Table::new();
        if ctx.fields {
            toml_workspace(&mut out, ws);
            table.extend(editable(ws).map(|(k, v)| (k.to_string(), v.clone())));
        }
        // Before `clear`, which ends the entry's own fields.
        if let Some(m) = ctx.members(ws.id()) {
            table.push((MEMBERS_KEY.to_string(), serde_json::json!(m)));
        }
        toml_table(&mut out, &table);
        for (name, table) in ctx.subtables(ws.id()) {
            out.push_str(&format!("\n[{head}.{name}]\n"));
            toml_table(&mut out, &table);
        }
    }
    for (id, table, sets) in ctx.named() {
        out.push_str(&format!(
            "\n[{GUARDRAILS_KEY}.{}]\n",
            compact(&Value::String(id.into()))
        ));
        toml_table(&mut out, &table);
        for (name, ids) in sets {
            out.push_str(&format!("{name} = {}\n", strings(&ids)));
        }
    }
    for (hash, ro, table) in ctx.keys() {
        out.push_str(&format!(
            "\n[{KEYS_KEY}.{}]\n",
            compact(&Value::String(hash.into()))
        ));
        for (k, v) in ro {
            out.push_str(&format!("# {k} = {}\n", compact(&v)));
        }
        toml_table(&mut out, &table);
    }
    out
}

fn strings(ids: &[String]) -> String {
    list(
        &ids.iter()
            .map(|s| Value::String(s.clone()))
            .collect::<Vec<_>>(),
    )
}

/// `name = value` lines; nulls in one `clear` list; a value TOML cannot hold as a comment.
fn toml_table(out: &mut String, table: &Table) {
    let mut clear = Vec::new();
    for (name, value) in table {
        if value.is_null() {
            clear.push(Value::String(name.clone()));
            continue;
        }
        match toml_value(value) {
            Some(text) => out.push_str(&format!("{name} = {text}\n")),
            None => out.push_str(&format!(
                "# {name} = {} (not managed: TOML cannot hold this value)\n",
                compact(value)
            )),
        }
    }
    if !clear.is_empty() {
        out.push_str(&format!("{CLEAR_KEY} = {}\n", list(&clear)));
    }
}

/// The entry's comments: read-only fields, and fields not managed (their values break a rule).
fn toml_workspace(out: &mut String, ws: &Workspace) {
    for (k, v) in read_only(ws) {
        // A name from the server: a newline in it would end the comment.
        out.push_str(&format!("# {} = {}\n", escape(&k), compact(&v)));
    }
    for (name, value, why) in breaking(ws) {
        out.push_str(&not_managed_comment("", " = ", name, value, &why));
    }
}

fn list(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(compact).collect();
    format!("[{}]", parts.join(", "))
}

fn toml_value(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) | Value::Number(_) | Value::String(_) => compact(value),
        Value::Array(items) => {
            let parts = items.iter().map(toml_value).collect::<Option<Vec<_>>>()?;
            format!("[{}]", parts.join(", "))
        }
        Value::Object(map) => {
            let parts = map
                .iter()
                .map(|(k, v)| {
                    Some(format!(
                        "{} = {}",
                        compact(&Value::String(k.clone())),
                        toml_value(v)?
                    ))
                })
                .collect::<Option<Vec<_>>>()?;
            format!("{{ {} }}", parts.join(", "))
        }
    })
}

fn yaml(workspaces: Sorted<'_>, ctx: &Ctx<'_>) -> String {
    let mut out = comment(HEADER);
    let named = ctx.named();
    let keys = ctx.keys();
    if workspaces.is_empty() {
        if named.is_empty() && keys.is_empty() {
            out.push_str(&format!("{WORKSPACES_KEY}: {{}}\n"));
        }
    } else {
        out.push_str(&format!("{WORKSPACES_KEY}:\n"));
    }
    for ws in workspaces.iter() {
        let ws = &ws;
        out.push_str(&format!("  {}:\n", compact(&Value::String(ws.id().into()))));
        let mut any = false;
        if ctx.fields {
            for (k, v) in read_only(ws) {
                out.push_str(&format!("    # {}: {}\n", escape(&k), compact(&v)));
            }
            for (name, value, why) in breaking(ws) {
                out.push_str(&not_managed_comment("    ", ": ", name, value, &why));
            }
            for (name, value) in editable(ws) {
                any = true;
                out.push_str(&format!("    {name}: {}\n", compact(value)));
            }
        }
        if let Some(m) = ctx.members(ws.id()) {
            any = true;
            out.push_str(&format!("    {MEMBERS_KEY}: {}\n", strings(&m)));
        }
        for (name, table) in ctx.subtables(ws.id()) {
            any = true;
            yaml_table(&mut out, "    ", name, &table);
        }
        if !any {
            // An entry with no field: an empty mapping, not null.
            out.push_str("    {}\n");
        }
    }
    if !named.is_empty() {
        out.push_str(&format!("{GUARDRAILS_KEY}:\n"));
        for (id, table, sets) in named {
            let mut table = table;
            table.extend(
                sets.into_iter()
                    .map(|(n, ids)| (n.to_string(), serde_json::json!(ids))),
            );
            yaml_table(&mut out, "  ", &compact(&Value::String(id.into())), &table);
        }
    }
    if !keys.is_empty() {
        out.push_str(&format!("{KEYS_KEY}:\n"));
        for (hash, ro, table) in keys {
            out.push_str(&format!("  {}:\n", compact(&Value::String(hash.into()))));
            for (k, v) in ro {
                out.push_str(&format!("    # {k}: {}\n", compact(&v)));
            }
            for (name, value) in &table {
                out.push_str(&format!("    {name}: {}\n", compact(value)));
            }
        }
    }
    out
}

/// `name:` and its fields one level deeper (an empty table as `{}`).
fn yaml_table(out: &mut String, indent: &str, name: &str, table: &Table) {
    if table.is_empty() {
        out.push_str(&format!("{indent}{name}: {{}}\n"));
        return;
    }
    out.push_str(&format!("{indent}{name}:\n"));
    for (k, v) in table {
        out.push_str(&format!("{indent}  {k}: {}\n", compact(v)));
    }
}

fn json(workspaces: Sorted<'_>, ctx: &Ctx<'_>) -> String {
    let mut entries = Map::new();
    let object = |t: Table| Value::Object(t.into_iter().collect());
    for ws in workspaces.iter() {
        let ws = &ws;
        let mut entry = Map::new();
        if let Some(m) = ctx.members(ws.id()) {
            entry.insert(MEMBERS_KEY.into(), serde_json::json!(m));
        }
        for (name, table) in ctx.subtables(ws.id()) {
            entry.insert(name.into(), object(table));
        }
        if !ctx.fields {
            entries.insert(ws.id().to_string(), Value::Object(entry));
            continue;
        }
        entry.extend(editable(ws).map(|(k, v)| (k.to_string(), v.clone())));
        entry.insert(
            READ_ONLY_KEY.into(),
            Value::Object(read_only(ws).into_iter().collect()),
        );
        let broken = breaking(ws);
        if !broken.is_empty() {
            let why: Map<String, Value> = broken
                .into_iter()
                .map(|(k, v, why)| {
                    let mut m = Map::new();
                    m.insert("value".into(), v.clone());
                    m.insert("breaks".into(), Value::String(why));
                    (k.to_string(), Value::Object(m))
                })
                .collect();
            entry.insert(NOT_MANAGED_KEY.into(), Value::Object(why));
        }
        entries.insert(ws.id().to_string(), Value::Object(entry));
    }
    let mut root = Map::new();
    let (named, keys) = (ctx.named(), ctx.keys());
    if !entries.is_empty() || (named.is_empty() && keys.is_empty()) {
        root.insert(WORKSPACES_KEY.into(), Value::Object(entries));
    }
    if !named.is_empty() {
        let all = named
            .into_iter()
            .map(|(id, mut table, sets)| {
                table.extend(
                    sets.into_iter()
                        .map(|(n, ids)| (n.to_string(), serde_json::json!(ids))),
                );
                (id.to_string(), object(table))
            })
            .collect();
        root.insert(GUARDRAILS_KEY.into(), Value::Object(all));
    }
    if !keys.is_empty() {
        let all = keys
            .into_iter()
            .map(|(hash, ro, table)| {
                let mut m: Map<String, Value> = table.into_iter().collect();
                m.insert(READ_ONLY_KEY.into(), object(ro));
                (hash.to_string(), Value::Object(m))
            })
            .collect();
        root.insert(KEYS_KEY.into(), Value::Object(all));
    }
    let text = serde_json::to_string_pretty(&Value::Object(root)).unwrap_or_default();
    // serde_json leaves DEL, C1 and bidi controls raw.
    format!("{}\n", escape_json(&text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::file::read;
    use serde_json::json;

    fn sample() -> Vec<Workspace> {
        vec![
            Workspace::from_json(json!({
                "id": "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b", "name": "Staging \"β\"",
                "slug": "staging", "description": "two\nlines\t",
                "io_logging_sampling_rate": 0.0001, "io_logging_api_key_ids": null,
                "disabled_server_tools": ["openrouter:web_search"],
                "is_data_discount_logging_enabled": false,
                "created_at": "2025-01-01T00:00:00Z", "future_thing": {"a": [1], "t": "\u{1b}\u{202e}"}
            }))
            .unwrap(),
            Workspace::from_json(json!({
                "id": "550e8400-e29b-41d4-a716-446655440000", "name": "Production",
                "slug": "production", "description": null, "io_logging_api_key_ids": [3, 1]
            }))
            .unwrap(),
        ]
    }

    #[test]
    fn every_format_reads_back_as_the_exported_values() {
        for format in [Format::Toml, Format::Yaml, Format::Json] {
            let text = export(format, &sample());
            let entries =
                read("x", &text, format).unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
            assert_eq!(entries.len(), 2);
            // Sorted by uuid.
            assert_eq!(entries[0].id, "550e8400-e29b-41d4-a716-446655440000");
            for (entry, ws) in entries.iter().zip([&sample()[1], &sample()[0]]) {
                let expected: Map<String, Value> = editable(ws)
                    .map(|(k, v)| (k.to_string(), v.clone()))
                    .collect();
                assert_eq!(entry.fields.map(), expected, "{format:?}\n{text}");
            }
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{202e}'),
                "{text}"
            );
            assert_eq!(export(format, &sample()), text, "deterministic");
        }
    }

    #[test]
    fn toml_shape() {
        let text = export(Format::Toml, &sample()[1..]);
        assert_eq!(
            text,
            "# orws export: one entry per workspace, keyed by its uuid. A field left out is not\n\
             # managed; a value sets it; `clear = [...]` sets fields to null. Read-only fields are comments.\n\
             \n\
             [workspaces.\"550e8400-e29b-41d4-a716-446655440000\"]\n\
             # id = \"550e8400-e29b-41d4-a716-446655440000\"\n\
             name = \"Production\"\n\
             slug = \"production\"\n\
             io_logging_api_key_ids = [3, 1]\n\
             clear = [\"description\"]\n"
        );
    }

    #[test]
    fn json_keeps_read_only_apart() {
        let text = export(Format::Json, &sample()[..1]);
        let v: Value = serde_json::from_str(&text).unwrap();
        let entry = &v["workspaces"]["8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b"];
        assert_eq!(entry["_read_only"]["created_at"], "2025-01-01T00:00:00Z");
        assert_eq!(
            entry["_read_only"]["future_thing"],
            json!({"a": [1], "t": "\u{1b}\u{202e}"})
        );
        assert!(entry.get("created_at").is_none());
    }

    /// A value the server holds that breaks the field's rule (written elsewhere) is exported
    /// as not managed, with why: before, the export itself was refused by `plan` (file:line),
    /// so exporting then planning at once failed instead of saying "no changes".
    #[test]
    fn a_value_breaking_its_rule_is_exported_as_not_managed() {
        let ws = Workspace::from_json(json!({
            "id": "550e8400-e29b-41d4-a716-446655440000", "name": "Prod\u{202e}uction",
            "slug": "production", "io_logging_sampling_rate": 2
        }))
        .unwrap();
        for format in [Format::Toml, Format::Yaml, Format::Json] {
            let text = export(format, std::slice::from_ref(&ws));
            let entries =
                read("x", &text, format).unwrap_or_else(|e| panic!("{format:?}: {e}\n{text}"));
            assert_eq!(
                Value::Object(entries[0].fields.map()),
                json!({"slug": "production"}),
                "{format:?}\n{text}"
            );
            assert!(!text.contains('\u{202e}'), "{text}");
            if format != Format::Json {
                assert!(
                    text.contains("not managed: the server's value breaks the rule"),
                    "{text}"
                );
            } else {
                let v: Value = serde_json::from_str(&text).unwrap();
                let nm = &v["workspaces"]["550e8400-e29b-41d4-a716-446655440000"]["_not_managed"];
                assert_eq!(nm["io_logging_sampling_rate"]["value"], json!(2));
            }
            let plan = crate::code::plan(&entries, std::slice::from_ref(&ws)).unwrap();
            assert_eq!(plan.changed_count(), 0, "{format:?}");
        }
    }
}
