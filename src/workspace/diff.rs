//! Before/after rows between two states of a workspace, and word diffs of long text.

use super::field::field;
use super::model::Workspace;
use super::patch::values_equal;
use serde_json::Value;

/// One field that differs between two states of a workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub field: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

/// Every field (editable, read-only or unknown) whose value differs, editable fields first in
/// form order, then the rest in the server's order.
pub fn changes_between(before: &Workspace, after: &Workspace) -> Vec<Change> {
    let mut keys: Vec<&str> = super::FIELDS.iter().map(|f| f.name).collect();
    for k in before.fields().keys().chain(after.fields().keys()) {
        if !keys.contains(&k.as_str()) {
            keys.push(k);
        }
    }
    keys.into_iter()
        .filter(|k| {
            let (b, a) = (before.get(k), after.get(k));
            match field(k) {
                Some(spec) => !values_equal(spec, b, a),
                None => b != a,
            }
        })
        .map(|k| Change {
            field: k.to_string(),
            before: before.get(k).cloned(),
            after: after.get(k).cloned(),
        })
        .collect()
}

/// A piece of a word diff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffPart {
    Same,
    Removed,
    Added,
}

/// A word-level diff of two texts, for long text on the result screen.
pub fn word_diff(before: &str, after: &str) -> Vec<(DiffPart, String)> {
    let diff = similar::TextDiff::from_words(before, after);
    let mut out: Vec<(DiffPart, String)> = Vec::new();
    for change in diff.iter_all_changes() {
        let part = match change.tag() {
            similar::ChangeTag::Equal => DiffPart::Same,
            similar::ChangeTag::Delete => DiffPart::Removed,
            similar::ChangeTag::Insert => DiffPart::Added,
        };
        match out.last_mut() {
            Some((p, text)) if *p == part => text.push_str(change.value()),
            _ => out.push((part, change.value().to_string())),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_changed_fields_including_read_only_and_unknown() {
        let before = Workspace::from_json(
            json!({"id":"u","name":"A","slug":"a","updated_at":"t1","x":1,
            "io_logging_sampling_rate": 1}),
        )
        .unwrap();
        let after = Workspace::from_json(
            json!({"id":"u","name":"B","slug":"a","updated_at":"t2","x":2,
            "io_logging_sampling_rate": 1.0}),
        )
        .unwrap();
        let fields: Vec<_> = changes_between(&before, &after)
            .into_iter()
            .map(|c| c.field)
            .collect();
        assert_eq!(fields, ["name", "updated_at", "x"]);
    }

    #[test]
    fn word_diff_marks_the_changed_word() {
        let d = word_diff("the quick fox", "the slow fox");
        assert!(d.contains(&(DiffPart::Removed, "quick".into())));
        assert!(d.contains(&(DiffPart::Added, "slow".into())));
        assert_eq!(d[0], (DiffPart::Same, "the ".into()));
    }
}
