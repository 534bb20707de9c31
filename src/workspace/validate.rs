//! Checking values against a field's rule and parsing typed text, through the rule data of
//! [`super::rule`]. Every failure is one sentence that names the field and says what is wrong.

use super::error::RuleError;
use super::field::FieldSpec;
use serde_json::Value;

pub use super::rule::percentage;

/// Checks a JSON value against the field's type and rule (the message of [`FieldSpec::check`]).
pub fn check_value(spec: &FieldSpec, value: &Value) -> Result<(), String> {
    spec.check(value).map_err(|e| e.to_string())
}

/// Parses text typed in the form: text stays text (`null` typed in a text field is the text
/// "null"); numbers (`0.25`, `50%`), key ids (`1,2 3`, `[]`, `null`) and lists are parsed.
/// The result still has to pass [`check_value`].
pub fn parse_typed(spec: &FieldSpec, text: &str) -> Result<Value, String> {
    spec.parse(text).map_err(|e| e.to_string())
}

/// Parses a `--set FIELD=VALUE` value (see [`FieldSpec::parse_input`]); the result has passed
/// [`check_value`].
pub fn parse_input(spec: &FieldSpec, raw: &str) -> Result<Value, String> {
    spec.parse_input(raw).map_err(|e| e.to_string())
}

impl FieldSpec {
    /// Checks a JSON value against the field's nullability and rule.
    pub fn check(&self, value: &Value) -> Result<(), RuleError> {
        if value.is_null() {
            return if self.nullable {
                Ok(())
            } else {
                Err(RuleError::Null { field: self.name })
            };
        }
        self.rule.check(self.name, value)
    }

    /// Parses text typed in the form; the result still has to pass [`FieldSpec::check`].
    pub fn parse(&self, text: &str) -> Result<Value, RuleError> {
        self.rule.parse(self.name, text)
    }

    /// Parses a `--set FIELD=VALUE` value: as [`FieldSpec::parse`], plus `null` to clear any
    /// nullable field and `[]` for an empty list; then checks it.
    pub fn parse_input(&self, raw: &str) -> Result<Value, RuleError> {
        let value = if raw == "null" {
            Value::Null
        } else if raw.trim() == "[]" && self.rule.takes_list() {
            Value::Array(vec![])
        } else {
            self.parse(raw)?
        };
        self.check(&value)?;
        Ok(value)
    }
}

/// How a value is shown in messages, in one line: text as is, lists comma-separated.
/// Screens and tables use [`super::show_value`], which tells null, "null" and "" apart.
pub fn display_value(value: Option<&Value>) -> String {
    match value {
        None => "(absent)".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) if items.is_empty() => "[]".into(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Some(other) => other.to_string(),
    }
}

/// The text a text field's editor starts with for a value (the inverse of [`parse_typed`]).
pub fn edit_text(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(","),
        Some(v) => display_value(Some(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workspace::field;
    use serde_json::json;

    fn check(name: &str, value: Value) -> Result<(), String> {
        check_value(field(name).unwrap(), &value)
    }

    #[test]
    fn names_refuse_what_a_terminal_would_act_on() {
        let e = check("name", json!("Prod\x1b]0;x\x07\x1b[2J")).unwrap_err();
        assert_eq!(
            e,
            "name has an escape character (\\x1b); it must be visible text on one line"
        );
        for bad in [
            "a\nb",
            "a\tb",
            "a\u{7f}",
            "a\u{9b}",
            "abc\u{202e}",
            "\u{2066}x",
            "x\u{2028}",
        ] {
            assert!(check("name", json!(bad)).is_err(), "{bad:?}");
        }
        for good in ["Prod 2", "日本", "🧑‍💻 team", "Café", "שלום\u{200f} 2"] {
            assert_eq!(check("name", json!(good)), Ok(()), "{good:?}");
        }
    }

    #[test]
    fn descriptions_keep_line_breaks_and_tabs_only() {
        assert_eq!(check("description", json!("line 1\r\n\tline 2")), Ok(()));
        for bad in ["a\x1b[2Jb", "a\u{85}", "a\u{202d}b", "a\u{7f}", "a\x00"] {
            let e = check("description", json!(bad)).unwrap_err();
            assert!(e.starts_with("description has "), "{bad:?}: {e}");
        }
    }

    #[test]
    fn model_ids_and_tool_names_refuse_control_characters() {
        assert!(check("default_text_model", json!("openai/gpt\x1b[2J")).is_err());
        assert!(check("disabled_server_tools", json!(["web\u{9b}"])).is_err());
        assert_eq!(
            check("disabled_server_tools", json!(["web_search"])),
            Ok(())
        );
    }
}
