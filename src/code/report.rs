//! The reports of `orws drift --report json|junit|markdown` (product.md §13), pure functions of
//! a [`Drift`]. Names and values come from the server and the file, so from anyone who could
//! write either: each format escapes them its own way (JSON by serde, XML's five characters
//! and its forbidden control characters, every markdown punctuation character).
//!
//! The JSON report's shape is `schemas/drift-report.v1.json` ([`SCHEMA`]); a change to it that
//! a reader could trip on is a new version.

use super::drift::{Drift, FieldDrift, Resource, ServerValue};
use serde_json::{Value, json};

/// The JSON report's `schema`.
pub const SCHEMA: &str = "orws.drift/v1";

/// A value as one line of text: a string as itself, anything else as compact JSON.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The server's side as text: its value, `absent` (the resource is gone) or `(not sent)`.
pub fn server_text(v: &ServerValue) -> String {
    match v {
        ServerValue::Value(v) => value_text(v),
        ServerValue::Missing => "(not sent)".to_string(),
        ServerValue::Absent => "absent".to_string(),
    }
}

/// The JSON report: `{"schema": "orws.drift/v1", "drifted": N, "resources": [...]}`.
pub fn json(drift: &Drift) -> Value {
    let resources: Vec<Value> = drift.resources.iter().map(resource_json).collect();
    json!({
        "schema": SCHEMA,
        "drifted": drift.drifted_count(),
        "in_sync": drift.resources.len() - drift.drifted_count(),
        "unmanaged": drift.unmanaged,
        "resources": resources,
    })
}

fn resource_json(r: &Resource) -> Value {
    let mut out = json!({
        "kind": r.kind.as_str(),
        "id": r.id,
        "label": r.label,
        "status": r.status(),
        "workspace_id": r.workspace_id,
        "updated_at": r.updated_at,
        "fields": r.fields.iter().map(field_json).collect::<Vec<_>>(),
    });
    if let Some(line) = r.line {
        out["line"] = json!(line);
    }
    out
}

fn field_json(f: &FieldDrift) -> Value {
    let mut out = json!({
        "field": f.field,
        "file": f.file,
        "server_state": f.server.state(),
        "updated_at": f.updated_at,
        "assigned_by": f.assigned_by,
    });
    if let ServerValue::Value(v) = &f.server {
        out["server"] = v.clone();
    }
    out
}

/// [`xml_escape`] for an attribute value: tab, newline and carriage return as character
/// references too (a parser would turn them into spaces).
pub fn xml_attr(s: &str) -> String {
    xml_escape(s)
        .replace('\t', "&#9;")
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
}

/// Text fit for XML 1.0 content and attribute values: the five special characters as
/// entities; tab, newline and carriage return kept; any other control character (XML cannot
/// hold C0 ones) and the bidi controls made visible as the terminal's escape does (`\x1b`).
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if crate::text::is_unsafe(c) || c == '\u{fffe}' || c == '\u{ffff}' => {
                out.push_str(&crate::text::escape(&c.to_string()))
            }
            c => out.push(c),
        }
    }
    out
}

/// One line per drifted field: `field: file VALUE, server VALUE (updated_at …, assigned_by …)`.
fn field_lines(r: &Resource) -> Vec<String> {
    if r.fields.is_empty() && r.absent {
        return vec!["absent on the server".to_string()];
    }
    r.fields
        .iter()
        .map(|f| {
            let mut line = format!(
                "{}: file {}, server {}",
                f.field,
                value_text(&f.file),
                server_text(&f.server)
            );
            let mut why = Vec::new();
            if let Some(t) = &f.updated_at {
                why.push(format!("updated_at {t}"));
            }
            if let Some(b) = &f.assigned_by {
                why.push(format!("assigned_by {b}"));
            }
            if !why.is_empty() {
                line.push_str(&format!(" ({})", why.join(", ")));
            }
            line
        })
        .collect()
}

/// The JUnit report: one `<testcase>` per resource, named `KIND LABEL (ID)`; a drifted one has
/// a `<failure>` whose message (and text, a line per field) names each field and its values.
pub fn junit(drift: &Drift) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (tests, failures) = (drift.resources.len(), drift.drifted_count());
    out.push_str(&format!(
        "<testsuites name=\"orws drift\" tests=\"{tests}\" failures=\"{failures}\">\n"
    ));
    out.push_str(&format!(
        "  <testsuite name=\"orws drift\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"0\">\n"
    ));
    for r in &drift.resources {
        let name = xml_attr(&format!("{} ({})", r.label, r.id));
        let class = xml_attr(r.kind.as_str());
        if !r.drifted() {
            out.push_str(&format!(
                "    <testcase classname=\"{class}\" name=\"{name}\"/>\n"
            ));
            continue;
        }
        let lines = field_lines(r);
        let message = if r.absent {
            format!("absent on the server: {}", lines.join("; "))
        } else {
            format!("drifted: {}", lines.join("; "))
        };
        out.push_str(&format!(
            "    <testcase classname=\"{class}\" name=\"{name}\">\n      <failure message=\"{}\" type=\"drift\">{}</failure>\n    </testcase>\n",
            xml_attr(&message),
            xml_escape(&lines.join("\n")),
        ));
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Text fit for one cell of a GitHub-flavoured markdown table: control characters made
/// visible, every ASCII punctuation character backslash-escaped (no link, emphasis, mention,
/// HTML or `|` can come out of a value), a line break as `<br>`.
pub fn markdown_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c if crate::text::is_unsafe(c) => out.push_str(&crate::text::escape(&c.to_string())),
            c => out.push(c),
        }
    }
    out
}

/// The markdown report, for a pull-request comment: a heading with the count, then one table
/// row per drifted field (`Resource | Field | File | Server | Updated`).
pub fn markdown(drift: &Drift) -> String {
    let n = drift.drifted_count();
    let mut out = String::from("### orws drift\n\n");
    if n == 0 {
        out.push_str(&format!(
            "No drift: the server holds what the file says ({} resource{} checked).\n",
            drift.resources.len(),
            if drift.resources.len() == 1 { "" } else { "s" }
        ));
        return out;
    }
    out.push_str(&format!(
        "{n} of {} resource{} drifted.\n\n",
        drift.resources.len(),
        if drift.resources.len() == 1 { "" } else { "s" }
    ));
    out.push_str("| Resource | Field | File | Server | Updated |\n|---|---|---|---|---|\n");
    for r in drift.drifted() {
        let name = markdown_escape(&format!("{} {} ({})", r.kind.as_str(), r.label, r.id));
        if r.fields.is_empty() {
            out.push_str(&format!("| {name} | | | absent | |\n"));
        }
        for f in &r.fields {
            let mut when = f.updated_at.clone().unwrap_or_default();
            if let Some(b) = &f.assigned_by {
                when = format!("{when} by {b}").trim().to_string();
            }
            out.push_str(&format!(
                "| {name} | {} | {} | {} | {} |\n",
                markdown_escape(&f.field),
                markdown_escape(&value_text(&f.file)),
                markdown_escape(&server_text(&f.server)),
                markdown_escape(&when),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::drift::{Resource, ResourceKind};

    fn hostile() -> Drift {
        Drift {
            resources: vec![
                Resource {
                    kind: ResourceKind::Workspace,
                    id: "a".into(),
                    label: "prod|<b>&\"x'\n[l](http://e)\u{1b}[2J".into(),
                    workspace_id: Some("a".into()),
                    line: None,
                    absent: false,
                    updated_at: Some("t1".into()),
                    fields: vec![FieldDrift {
                        field: "description".into(),
                        file: json!("new | one\nline2 </failure>"),
                        server: ServerValue::Value(json!(null)),
                        updated_at: Some("t1".into()),
                        assigned_by: Some("user_1".into()),
                    }],
                },
                Resource {
                    kind: ResourceKind::Workspace,
                    id: "b".into(),
                    label: "dev".into(),
                    workspace_id: Some("b".into()),
                    line: None,
                    absent: false,
                    updated_at: None,
                    fields: vec![],
                },
                Resource {
                    kind: ResourceKind::Workspace,
                    id: "c".into(),
                    label: "gone".into(),
                    workspace_id: Some("c".into()),
                    line: Some(9),
                    absent: true,
                    updated_at: None,
                    fields: vec![FieldDrift {
                        field: "name".into(),
                        file: json!("G"),
                        server: ServerValue::Absent,
                        updated_at: None,
                        assigned_by: None,
                    }],
                },
            ],
            unmanaged: 4,
        }
    }

    #[test]
    fn the_json_report_parses_back_with_its_schema_name() {
        let text = serde_json::to_string(&json(&hostile())).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["schema"], "orws.drift/v1");
        assert_eq!(v["drifted"], 2);
        assert_eq!(v["in_sync"], 1);
        assert_eq!(v["unmanaged"], 4);
        let r = &v["resources"][0];
        assert_eq!(r["status"], "drifted");
        assert_eq!(r["fields"][0]["server"], Value::Null);
        assert_eq!(r["fields"][0]["server_state"], "value");
        assert_eq!(r["fields"][0]["assigned_by"], "user_1");
        assert_eq!(r["label"], hostile().resources[0].label);
        let gone = &v["resources"][2];
        assert_eq!(
            (gone["status"].as_str(), gone["line"].as_u64()),
            (Some("absent"), Some(9))
        );
        assert_eq!(gone["fields"][0]["server_state"], "absent");
        assert!(gone["fields"][0].get("server").is_none());
    }

    /// A careful string check of the XML: one testcase per resource, a failure per drifted
    /// one, and no markup out of a value.
    #[test]
    fn the_junit_report_has_a_testcase_per_resource_and_escapes_values() {
        let x = junit(&hostile());
        assert!(x.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
        assert_eq!(x.matches("<testcase ").count(), 3, "{x}");
        assert_eq!(x.matches("<failure ").count(), 2, "{x}");
        assert_eq!(x.matches("</failure>").count(), 2, "{x}");
        assert!(x.contains("tests=\"3\" failures=\"2\""), "{x}");
        assert!(x.contains("name=\"dev (b)\"/>"), "{x}");
        assert!(x.contains("message=\"drifted: description: file new | one&#10;line2 &lt;/failure&gt;, server null"), "{x}");
        assert!(
            x.contains("message=\"absent on the server: name: file G, server absent\""),
            "{x}"
        );
        assert!(x.contains("name: file G, server absent"), "{x}");
        assert!(
            x.contains("prod|&lt;b&gt;&amp;&quot;x&apos;&#10;[l]"),
            "{x}"
        );
        assert!(x.contains("\\x1b[2J"), "{x}");
        assert!(!x.contains('\u{1b}'));
        assert!(x.contains("line2 &lt;/failure&gt;"), "{x}");
        assert!(x.contains("(updated_at t1, assigned_by user_1)"), "{x}");
        // Balanced: every element opened is closed.
        let opened = x.matches("<testcase").count() + x.matches("<failure").count();
        let closed = x.matches("</testcase>").count()
            + x.matches("/>").count()
            + x.matches("</failure>").count();
        assert_eq!(opened, closed, "{x}");
    }

    #[test]
    fn the_markdown_report_is_a_table_a_value_cannot_break() {
        let m = markdown(&hostile());
        assert!(m.contains("2 of 3 resources drifted."), "{m}");
        let rows: Vec<&str> = m.lines().filter(|l| l.starts_with('|')).collect();
        assert_eq!(rows.len(), 4, "{m}");
        for row in &rows {
            // Five cells: six unescaped pipes.
            let bare = row.replace("\\|", "");
            assert_eq!(bare.matches('|').count(), 6, "{row}");
        }
        assert!(
            rows[2].contains("new \\| one<br>line2 \\<\\/failure\\>"),
            "{m}"
        );
        assert!(rows[2].contains("\\[l\\]\\(http\\:\\/\\/e\\)"), "{m}");
        assert!(!m.contains('\u{1b}'));
        assert!(rows[2].contains("t1 by user\\_1"), "{m}");
        assert!(rows[3].contains("| absent |"), "{m}");
        let clean = markdown(&Drift::default());
        assert!(clean.contains("No drift"), "{clean}");
    }

    #[test]
    fn xml_escape_makes_control_characters_visible() {
        assert_eq!(xml_escape("a\u{0}b\tc\u{7f}"), "a\\x00b\tc\\x7f");
    }
}
