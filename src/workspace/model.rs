//! A workspace as the server sent it: a JSON object kept whole, so fields orws does not know
//! survive a round trip and are shown read-only.

use serde_json::{Map, Value};

/// Why a JSON value is not a workspace.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    #[error("a workspace must be a JSON object")]
    NotAnObject,
    #[error("the workspace has no `{0}` string")]
    Missing(&'static str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Workspace {
    fields: Map<String, Value>,
}

impl Workspace {
    /// Accepts any object with string `id`, `name` and `slug`; everything else is kept as sent.
    pub fn from_json(value: Value) -> Result<Self, WorkspaceError> {
        let Value::Object(fields) = value else {
            return Err(WorkspaceError::NotAnObject);
        };
        for key in ["id", "name", "slug"] {
            if !fields.get(key).is_some_and(Value::is_string) {
                return Err(WorkspaceError::Missing(key));
            }
        }
        Ok(Self { fields })
    }

    pub fn id(&self) -> &str {
        self.str_field("id")
    }

    pub fn name(&self) -> &str {
        self.str_field("name")
    }

    pub fn slug(&self) -> &str {
        self.str_field("slug")
    }

    /// What a person knows the workspace by: its slug, else its name, else its id (not
    /// escaped: [`crate::code::plan::label`] is, for printing).
    pub fn label(&self) -> &str {
        [self.slug(), self.name(), self.id()]
            .into_iter()
            .find(|t| !t.is_empty())
            .unwrap_or_default()
    }

    /// `updated_at`, if the server sent one.
    pub fn updated_at(&self) -> Option<&str> {
        self.fields.get("updated_at").and_then(Value::as_str)
    }

    fn str_field(&self, key: &str) -> &str {
        self.fields
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The value of a field; `None` when the server did not send it (not the same as `null`).
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// Sets a field, keeping the object's key order (new keys go last).
    pub fn set(&mut self, key: &str, value: Value) {
        self.fields.insert(key.to_string(), value);
    }

    /// A copy holding only `id`, `name`, `slug`, `updated_at` and the fields named in `keep`
    /// (those the server sent), in the server's order: what a plan needs of the state it was
    /// made on, without a second copy of every workspace.
    pub fn trimmed<'a>(&self, keep: impl IntoIterator<Item = &'a str>) -> Self {
        let keep: Vec<&str> = keep.into_iter().collect();
        let fields = self
            .fields
            .iter()
            .filter(|(k, _)| {
                ["id", "name", "slug", "updated_at"].contains(&k.as_str())
                    || keep.contains(&k.as_str())
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Self { fields }
    }

    pub fn fields(&self) -> &Map<String, Value> {
        &self.fields
    }

    /// The workspace as compact JSON text, every field in its order and every number with
    /// its digits: what [`Workspace::from_json_text`] reads back into the same workspace.
    pub fn to_json_text(&self) -> Box<str> {
        // A map of JSON values always serialises.
        serde_json::to_string(&self.fields)
            .unwrap_or_default()
            .into_boxed_str()
    }

    /// Reads back what [`Workspace::to_json_text`] wrote.
    pub fn from_json_text(text: &str) -> Result<Self, String> {
        let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Self::from_json(value).map_err(|e| e.to_string())
    }

    pub fn to_json(&self) -> Value {
        Value::Object(self.fields.clone())
    }

    /// Fields the server sent that orws neither edits nor lists as read-only.
    pub fn unknown_fields(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.fields
            .iter()
            .filter(|(k, _)| super::field(k).is_none() && !super::READ_ONLY.contains(&k.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keeps_unknown_fields_and_order() {
        let ws = Workspace::from_json(
            json!({"id":"u","name":"N","slug":"n","zeta":1,"alpha":{"x":[1]}}),
        )
        .unwrap();
        assert_eq!(ws.get("zeta"), Some(&json!(1)));
        let unknown: Vec<_> = ws.unknown_fields().map(|(k, _)| k.as_str()).collect();
        assert_eq!(unknown, ["zeta", "alpha"]);
        assert_eq!(
            ws.to_json().to_string(),
            r#"{"id":"u","name":"N","slug":"n","zeta":1,"alpha":{"x":[1]}}"#
        );
    }

    /// The text form keeps every field in order, unknown ones too, and numbers digit for digit.
    #[test]
    fn json_text_round_trips_exactly() {
        let text = r#"{"id":"u","zeta":1.10,"name":"N","big":123456789012345678901234567890,"slug":"n","alpha":{"x":[1e400,-0.0,"\u00e9"]},"nothing":null}"#;
        let ws = Workspace::from_json(serde_json::from_str(text).unwrap()).unwrap();
        let packed = ws.to_json_text();
        let back = Workspace::from_json_text(&packed).unwrap();
        assert_eq!(back, ws);
        assert_eq!(back.to_json_text(), packed);
        let keys: Vec<_> = back.fields().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            ["id", "zeta", "name", "big", "slug", "alpha", "nothing"]
        );
        assert_eq!(back.get("zeta").unwrap().to_string(), "1.10");
        assert_eq!(
            back.get("big").unwrap().to_string(),
            "123456789012345678901234567890"
        );
        assert_eq!(
            Workspace::from_json_text("[1]").unwrap_err(),
            "a workspace must be a JSON object"
        );
    }

    #[test]
    fn refuses_what_is_not_a_workspace() {
        assert_eq!(
            Workspace::from_json(json!([1])),
            Err(WorkspaceError::NotAnObject)
        );
        assert_eq!(
            Workspace::from_json(json!({"id":"u","name":"N"})),
            Err(WorkspaceError::Missing("slug"))
        );
        assert_eq!(
            Workspace::from_json(json!({"id":7,"name":"N","slug":"n"})),
            Err(WorkspaceError::Missing("id"))
        );
    }
}
