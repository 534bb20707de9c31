//! The minimal patch: only the fields whose value differs from the base, compared as values.

use super::field::{FIELDS, FieldSpec};
use super::model::Workspace;
use serde_json::{Map, Value};

/// True when two values of a field mean the same thing: `1` = `1.0`, lists compare as sets,
/// and for disabled_server_tools `[]` = `null`. `null` still differs from `""`.
pub fn values_equal(spec: &FieldSpec, a: Option<&Value>, b: Option<&Value>) -> bool {
    let null = Value::Null;
    spec.kind.equal(a.unwrap_or(&null), b.unwrap_or(&null))
}

/// A PATCH request body: exactly the modified fields. Absent = keep, `null` = clear, value = set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PatchBody {
    fields: Map<String, Value>,
}

impl PatchBody {
    /// The fields of `current` (editable fields only) whose value differs from `base`.
    /// A field missing from `current` is unchanged.
    pub fn between(base: &Workspace, current: &Map<String, Value>) -> Self {
        let mut fields = Map::new();
        for spec in &FIELDS {
            if let Some(value) = current.get(spec.name)
                && !values_equal(spec, base.get(spec.name), Some(value))
            {
                fields.insert(spec.name.to_string(), value.clone());
            }
        }
        Self { fields }
    }

    /// A body from explicit fields, e.g. an inverse patch.
    pub fn from_fields(fields: Map<String, Value>) -> Self {
        Self { fields }
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    pub fn contains(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }

    pub fn to_json(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    /// The exact bytes sent: compact JSON, fields in form order.
    pub fn to_body_string(&self) -> String {
        self.to_json().to_string()
    }

    /// The workspace as it would be after the server applied this patch.
    pub fn apply_to(&self, base: &Workspace) -> Workspace {
        let mut out = base.clone();
        for (k, v) in &self.fields {
            out.set(k, v.clone());
        }
        out
    }

    /// The patch that undoes this one on `before` (the workspace it was applied to).
    pub fn inverse(&self, before: &Workspace) -> PatchBody {
        let fields = self
            .fields
            .keys()
            .map(|k| (k.clone(), before.get(k).cloned().unwrap_or(Value::Null)))
            .collect();
        PatchBody { fields }
    }
}

/// Requested fields the server stored differently, one sentence each (the server-echo check).
pub fn echo_mismatches(patch: &PatchBody, after: &Workspace) -> Vec<String> {
    patch
        .fields()
        .iter()
        .filter_map(|(name, asked)| {
            let spec = super::field(name)?;
            let stored = after.get(name);
            (!values_equal(spec, stored, Some(asked))).then(|| {
                format!(
                    "{name}: asked for \"{}\", the server holds \"{}\"",
                    super::display_value(Some(asked)),
                    super::display_value(stored)
                )
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::field;
    use serde_json::json;

    fn ws() -> Workspace {
        Workspace::from_json(json!({
            "id": "u", "name": "Production", "slug": "production", "description": "d",
            "io_logging_sampling_rate": 1, "io_logging_api_key_ids": [1, 2],
            "disabled_server_tools": null
        }))
        .unwrap()
    }

    fn current(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn only_modified_fields_are_sent() {
        let p = PatchBody::between(
            &ws(),
            &current(json!({"name": "Prod 2", "slug": "production"})),
        );
        assert_eq!(p.to_body_string(), r#"{"name":"Prod 2"}"#);
    }

    #[test]
    fn equal_values_are_not_modifications() {
        let p = PatchBody::between(
            &ws(),
            &current(json!({
                "io_logging_sampling_rate": 1.0,
                "io_logging_api_key_ids": [2, 1, 2],
                "disabled_server_tools": [],
            })),
        );
        assert!(p.is_empty(), "{p:?}");
    }

    #[test]
    fn null_differs_from_empty_text_and_from_absent_field() {
        let p = PatchBody::between(&ws(), &current(json!({"description": ""})));
        assert_eq!(p.to_body_string(), r#"{"description":""}"#);
        let p = PatchBody::between(&ws(), &current(json!({"description": null})));
        assert_eq!(p.to_body_string(), r#"{"description":null}"#);
        // A field the server never sent, set to null: absent counts as null.
        let p = PatchBody::between(&ws(), &current(json!({"default_text_model": null})));
        assert!(p.is_empty());
    }

    #[test]
    fn key_id_lists_null_is_not_empty() {
        let spec = field("io_logging_api_key_ids").unwrap();
        assert!(!values_equal(spec, Some(&json!(null)), Some(&json!([]))));
        let tools = field("disabled_server_tools").unwrap();
        assert!(values_equal(tools, Some(&json!(null)), Some(&json!([]))));
        assert!(values_equal(tools, None, Some(&json!([]))));
    }

    #[test]
    fn inverse_restores_before() {
        let before = ws();
        let p = PatchBody::between(&before, &current(json!({"name": "X", "description": null})));
        let after = p.apply_to(&before);
        let back = p.inverse(&before).apply_to(&after);
        assert_eq!(back, before);
    }
}
