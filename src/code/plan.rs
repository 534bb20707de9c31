//! The plan: for each workspace a file manages, the minimal patch from the server's state to
//! the file's. A pure function of the file's entries and the server's workspaces.

use super::file::FileEntry;
pub use super::org_plan::{OrgPlan, Resource, ResourceKind};
use crate::workspace::{CompactList, PatchBody, Workspace};
use serde_json::Value;

/// One field that would change.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldChange {
    pub field: String,
    /// What the server holds (`None`: it did not send the field).
    pub server: Option<Value>,
    /// What the file asks for (`null` clears).
    pub file: Value,
}

/// One managed workspace: what would change, and the state that was planned on.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkspacePlan {
    pub id: String,
    /// Slug (else name, else id), escaped for a terminal.
    pub label: String,
    /// Empty when the workspace already holds what the file says.
    pub changes: Vec<FieldChange>,
    /// The server's workspace as planned on: right before the PATCH, each changed field must
    /// still hold its value here. Only `id`, `name`, `slug`, `updated_at` and the changed
    /// fields are kept.
    pub base: Workspace,
}

impl WorkspacePlan {
    /// The PATCH body: exactly the changed fields.
    pub fn patch(&self) -> PatchBody {
        PatchBody::from_fields(
            self.changes
                .iter()
                .map(|c| (c.field.clone(), c.file.clone()))
                .collect(),
        )
    }
}

/// Every workspace the file manages (by uuid), and how many on the server it leaves alone;
/// and the budgets, members, guardrails and keys it manages (`org`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Plan {
    pub workspaces: Vec<WorkspacePlan>,
    pub unmanaged: usize,
    pub org: OrgPlan,
}

impl Plan {
    /// Every managed resource with its field-level changes (empty: unchanged): the
    /// workspaces' fields first, then budgets, members, default guardrails, keys and named
    /// guardrails, each change as (field, server value, file value). The one generic walk of
    /// a plan, for reports and policies.
    pub fn resources(&self) -> Vec<Resource> {
        let mut out: Vec<Resource> = self
            .workspaces
            .iter()
            .map(|w| Resource {
                kind: ResourceKind::Workspace,
                id: w.id.clone(),
                label: w.label.clone(),
                changes: w.changes.clone(),
            })
            .collect();
        out.extend(self.org.resources());
        out
    }

    /// Every field-level change: (kind, id, label, change).
    pub fn field_changes(&self) -> Vec<(ResourceKind, String, String, FieldChange)> {
        self.resources()
            .into_iter()
            .flat_map(|r| {
                let (kind, id, label) = (r.kind, r.id, r.label);
                r.changes
                    .into_iter()
                    .map(move |c| (kind, id.clone(), label.clone(), c))
            })
            .collect()
    }

    /// Whether anything at all would change.
    pub fn has_changes(&self) -> bool {
        self.changed_count() > 0 || !self.org.is_empty()
    }

    /// The workspaces with at least one change.
    pub fn changed(&self) -> impl Iterator<Item = &WorkspacePlan> {
        self.workspaces.iter().filter(|w| !w.changes.is_empty())
    }

    pub fn changed_count(&self) -> usize {
        self.changed().count()
    }

    pub fn field_count(&self) -> usize {
        self.changed().map(|w| w.changes.len()).sum()
    }
}

/// The order a plan is shown and saved in: by slug, then by id (a person finds a workspace by
/// its slug; uuids are in no order a person can follow).
pub fn sort(workspaces: &mut [WorkspacePlan]) {
    workspaces.sort_by(|a, b| {
        a.base
            .slug()
            .cmp(b.base.slug())
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A label a person knows the workspace by, safe to print.
pub fn label(ws: &Workspace) -> String {
    crate::text::escape(ws.label()).into_owned()
}

/// The plan of `entries` against `server`; an entry whose workspace is not on the server is
/// an error (a file never creates one), returned as those entries.
pub fn plan<'a>(
    entries: &'a [FileEntry],
    server: &[Workspace],
) -> Result<Plan, Vec<&'a FileEntry>> {
    plan_compact(entries, &server.iter().collect())
}

/// [`plan`] against the server's list held compactly: each workspace is made from its text
/// only while its entry is compared.
pub fn plan_compact<'a>(
    entries: &'a [FileEntry],
    server: &CompactList,
) -> Result<Plan, Vec<&'a FileEntry>> {
    let mut missing = Vec::new();
    let mut workspaces = Vec::new();
    for entry in entries {
        let Some(ws) = server.get(&entry.id) else {
            missing.push(entry);
            continue;
        };
        let ws = &ws;
        let patch = PatchBody::between(ws, &entry.fields.map());
        let changes: Vec<FieldChange> = patch
            .fields()
            .iter()
            .map(|(field, file)| FieldChange {
                field: field.clone(),
                server: ws.get(field).cloned(),
                file: file.clone(),
            })
            .collect();
        // The base keeps what a conflict check and a report read (as a saved plan does), not
        // the whole workspace: the server's list is not held twice.
        let base = ws.trimmed(changes.iter().map(|c| c.field.as_str()));
        workspaces.push(WorkspacePlan {
            id: ws.id().to_string(),
            label: label(ws),
            changes,
            base,
        });
    }
    if !missing.is_empty() {
        return Err(missing);
    }
    sort(&mut workspaces);
    let managed = workspaces.len();
    Ok(Plan {
        workspaces,
        unmanaged: server.len().saturating_sub(managed),
        org: OrgPlan::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Map, json};

    fn ws(id: &str, extra: Value) -> Workspace {
        let mut v = json!({"id": id, "name": "N", "slug": "n", "description": "d", "io_logging_sampling_rate": 1});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        Workspace::from_json(v).unwrap()
    }

    fn entry(id: &str, fields: Value) -> FileEntry {
        FileEntry {
            id: id.into(),
            line: 1,
            fields: fields.as_object().cloned().unwrap_or_else(Map::new).into(),
            ..FileEntry::default()
        }
    }

    #[test]
    fn only_differing_fields_are_planned_and_unmanaged_counted() {
        let server = [ws("a", json!({})), ws("b", json!({})), ws("c", json!({}))];
        let entries = [
            entry("b", json!({"name": "N", "io_logging_sampling_rate": 1.0})),
            entry("a", json!({"name": "M", "description": null})),
        ];
        let p = plan(&entries, &server).unwrap();
        assert_eq!(p.unmanaged, 1);
        assert_eq!(p.workspaces[0].id, "a");
        assert_eq!(
            p.workspaces[0].patch().to_body_string(),
            r#"{"name":"M","description":null}"#
        );
        assert_eq!(p.workspaces[0].changes[1].server, Some(json!("d")));
        assert!(p.workspaces[1].changes.is_empty());
        assert_eq!(p.changed_count(), 1);
        assert_eq!(p.field_count(), 2);
    }

    #[test]
    fn an_entry_not_on_the_server_is_an_error() {
        let server = [ws("a", json!({}))];
        let entries = [entry("z", json!({"name": "x"}))];
        let missing = plan(&entries, &server).unwrap_err();
        assert_eq!(missing[0].id, "z");
    }

    #[test]
    fn labels_are_escaped() {
        let w =
            Workspace::from_json(json!({"id": "a", "name": "N", "slug": "x\u{1b}[2J"})).unwrap();
        assert_eq!(label(&w), "x\\x1b[2J");
    }
}
