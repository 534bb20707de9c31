//! The one review language of every write (product.md §4): FIELD | BEFORE | AFTER, people by
//! name and email, keys by name and label, workspaces by name and slug (ids second), `∅` for
//! null; then the exact requests. Both front ends draw a write's rows from here.

use unicode_width::UnicodeWidthStr;

/// How null (nothing set, nobody, no place) is written in a review.
pub const NULL: &str = "∅";

/// One thing a write changes, before → after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub field: String,
    pub before: String,
    pub after: String,
}

impl Row {
    pub fn new(
        field: impl Into<String>,
        before: impl Into<String>,
        after: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            before: before.into(),
            after: after.into(),
        }
    }
}

/// A person: "Ada Lovelace <ada@example.com>", the email alone when no name is known, the
/// user id when the organisation does not know them.
pub fn person(name: Option<&str>, email: Option<&str>, user_id: &str) -> String {
    match (name.filter(|n| !n.trim().is_empty()), email) {
        (Some(n), Some(e)) if n != e => format!("{n} <{e}>"),
        (_, Some(e)) => e.to_string(),
        (Some(n), None) => n.to_string(),
        (None, None) => user_id.to_string(),
    }
}

/// A key: `ci (sk-or-v1-…abc)`.
pub fn key(name: &str, label: &str) -> String {
    if label.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({label})")
    }
}

/// A workspace: `Production (production)`.
pub fn workspace(name: &str, slug: &str) -> String {
    if name.is_empty() || name == slug {
        slug.to_string()
    } else {
        format!("{name} ({slug})")
    }
}

/// A JSON value as a review shows it: `∅` for null, text bare, the rest as JSON.
pub fn value(v: Option<&serde_json::Value>) -> String {
    match v {
        None | Some(serde_json::Value::Null) => NULL.to_string(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The rows as aligned text lines, the header first; each cell cut to fit `width` columns.
pub fn table(rows: &[Row], width: usize) -> Vec<String> {
    let head = Row::new("FIELD", "BEFORE", "AFTER");
    let all: Vec<&Row> = std::iter::once(&head).chain(rows).collect();
    let w0 = all
        .iter()
        .map(|r| r.field.width())
        .max()
        .unwrap_or(0)
        .min((width / 2).max(8));
    let rest = width.saturating_sub(w0 + 4);
    let w1 = all
        .iter()
        .map(|r| r.before.width())
        .max()
        .unwrap_or(0)
        .min(rest / 2)
        .max(6);
    all.iter()
        .map(|r| {
            let line = format!(
                "{:<w0$}  {:<w1$}  {}",
                cut(&r.field, w0),
                cut(&r.before, w1),
                r.after
            );
            cut(&line, width).trim_end().to_string()
        })
        .collect()
}

/// `s` cut to `w` columns, with `…` where it was cut; padded by the caller.
fn cut(s: &str, w: usize) -> String {
    if s.width() <= w {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        if out.width() + c.to_string().width() + 1 > w {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn people_keys_and_workspaces_are_named_ids_second() {
        assert_eq!(
            person(Some("Ada Lovelace"), Some("ada@x.io"), "user_1"),
            "Ada Lovelace <ada@x.io>"
        );
        assert_eq!(person(None, Some("ada@x.io"), "user_1"), "ada@x.io");
        assert_eq!(person(None, None, "user_1"), "user_1");
        assert_eq!(key("ci", "sk-or-v1-…abc"), "ci (sk-or-v1-…abc)");
        assert_eq!(
            workspace("Production", "production"),
            "Production (production)"
        );
    }

    #[test]
    fn null_is_the_empty_set_sign_never_the_word() {
        assert_eq!(value(Some(&json!(null))), "∅");
        assert_eq!(value(None), "∅");
        assert_eq!(value(Some(&json!("null"))), "null");
        assert_eq!(value(Some(&json!(5))), "5");
    }

    #[test]
    fn a_table_has_a_header_and_aligned_columns() {
        let t = table(
            &[
                Row::new("monthly", "$500", "$777"),
                Row::new("include BYOK", "off", "on"),
            ],
            60,
        );
        assert_eq!(t[0], "FIELD         BEFORE  AFTER");
        assert_eq!(t[1], "monthly       $500    $777");
        assert_eq!(t[2], "include BYOK  off     on");
        assert!(
            table(&[Row::new("x", "y".repeat(100), "z")], 20)
                .iter()
                .all(|l| l.width() <= 20)
        );
    }
}
