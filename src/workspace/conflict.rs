//! The conflict check before a PATCH: did the server change a field we are about to change?

use super::diff::{Change, changes_between};
use super::field::field;
use super::model::Workspace;
use super::patch::{PatchBody, values_equal};
use serde_json::Value;

/// A field changed both here and on the server since it was loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub field: String,
    pub base: Option<Value>,
    pub theirs: Option<Value>,
    pub yours: Value,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConflictReport {
    /// Fields in the patch whose server value is no longer the base: these block the submit.
    pub conflicts: Vec<ConflictRow>,
    /// Other fields that changed remotely: folded into the base and reported, never blocking.
    pub remote_changes: Vec<Change>,
}

impl ConflictReport {
    pub fn has_conflicts(&self) -> bool {
        !self.conflicts.is_empty()
    }
}

/// Compares the base the edits were made on with the server's state just before the PATCH.
pub fn check_conflicts(base: &Workspace, server: &Workspace, patch: &PatchBody) -> ConflictReport {
    let mut report = ConflictReport::default();
    for change in changes_between(base, server) {
        if change.field == "updated_at" {
            continue;
        }
        match patch.fields().get(&change.field) {
            // The server already holds what we want: no conflict, nothing lost.
            Some(yours)
                if field(&change.field)
                    .is_some_and(|spec| values_equal(spec, change.after.as_ref(), Some(yours))) =>
            {
                report.remote_changes.push(change)
            }
            Some(yours) => report.conflicts.push(ConflictRow {
                field: change.field.clone(),
                base: change.before,
                theirs: change.after,
                yours: yours.clone(),
            }),
            None => report.remote_changes.push(change),
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn ws(v: Value) -> Workspace {
        Workspace::from_json(v).unwrap()
    }

    fn patch(v: Value, base: &Workspace) -> PatchBody {
        let m: Map<String, Value> = v.as_object().unwrap().clone();
        PatchBody::between(base, &m)
    }

    #[test]
    fn a_remote_change_to_a_field_we_change_conflicts() {
        let base = ws(json!({"id":"u","name":"A","slug":"a","description":"d"}));
        let server =
            ws(json!({"id":"u","name":"Theirs","slug":"a","description":"d2","updated_at":"t"}));
        let p = patch(json!({"name":"Mine"}), &base);
        let r = check_conflicts(&base, &server, &p);
        assert_eq!(r.conflicts.len(), 1);
        assert_eq!(r.conflicts[0].field, "name");
        assert_eq!(r.conflicts[0].theirs, Some(json!("Theirs")));
        assert_eq!(r.remote_changes.len(), 1);
        assert_eq!(r.remote_changes[0].field, "description");
    }

    #[test]
    fn the_same_value_on_both_sides_is_no_conflict() {
        let base = ws(json!({"id":"u","name":"A","slug":"a"}));
        let server = ws(json!({"id":"u","name":"Mine","slug":"a"}));
        let p = patch(json!({"name":"Mine"}), &base);
        assert!(!check_conflicts(&base, &server, &p).has_conflicts());
    }
}
