//! Values as the API treats them, for comparison only (product.md §13 "Never a perpetual
//! diff"): absent, `null` and `[]` are one where the API treats them alike, sets compare as
//! sets, model ids in canonical form, numbers by value, and the defaults the server fills in
//! count as given. A plan compares the server's value and the file's after this, so a file
//! exported and planned at once shows no change.

use serde_json::Value;

/// A default or named guardrail's field: absent, null and an empty list are one; model ids in
/// canonical form (`admin::guardrail::canonical_model`); a list of names (models, providers,
/// regions) is a set — order and repeats do not count (content filters keep their order); a
/// number is its value (`5` and `5.0` are one).
pub fn guardrail(field: &str, v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Array(items)) if items.is_empty() => Value::Null,
        Some(Value::Array(items)) if !field.starts_with("content_filter") => {
            let mut names: Vec<Value> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) if field.ends_with("_models") => {
                        Value::String(crate::admin::guardrail::canonical_model(s))
                    }
                    other => other.clone(),
                })
                .collect();
            names.sort_by_key(|v| v.to_string());
            names.dedup();
            Value::Array(names)
        }
        Some(Value::Number(n)) => number(n),
        Some(other) => other.clone(),
    }
}

/// A named guardrail's field: [`guardrail`], with its name and description.
pub fn named_guardrail(field: &str, v: Option<&Value>) -> Value {
    match (field, v) {
        ("description", Some(Value::String(s))) if s.is_empty() => Value::Null,
        ("name" | "description", None) => Value::Null,
        ("name" | "description", Some(v)) => v.clone(),
        _ => guardrail(field, v),
    }
}

/// A key's field: the limit by value; the BYOK switch and the disabled flag false when the
/// server leaves them out (its defaults).
pub fn key(field: &str, v: Option<&Value>) -> Value {
    match (field, v) {
        ("include_byok_in_limit" | "disabled", None | Some(Value::Null)) => Value::Bool(false),
        (_, None) => Value::Null,
        (_, Some(Value::Number(n))) => number(n),
        (_, Some(v)) => v.clone(),
    }
}

fn number(n: &serde_json::Number) -> Value {
    n.as_f64()
        .and_then(serde_json::Number::from_f64)
        .map_or_else(|| Value::Number(n.clone()), Value::Number)
}

/// Two budget limits are one (`500` and `500.0`).
pub fn same_limit(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => x == y,
        (None, None) => true,
        _ => false,
    }
}

/// A set of ids: sorted, each once.
pub fn set(ids: &[String]) -> Vec<String> {
    let mut out = ids.to_vec();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn the_api_s_equivalences() {
        for empty in [None, Some(&Value::Null), Some(&json!([]))] {
            assert_eq!(guardrail("allowed_models", empty), Value::Null);
        }
        assert_eq!(
            guardrail("allowed_models", Some(&json!(["B/x", " a/y", "b/x"]))),
            guardrail("allowed_models", Some(&json!(["a/y", "b/x"])))
        );
        assert_eq!(
            guardrail("limit_usd", Some(&json!(5))),
            guardrail("limit_usd", Some(&json!(5.0)))
        );
        // Content filters keep their order.
        assert_ne!(
            guardrail("content_filters", Some(&json!([{"a": 1}, {"b": 2}]))),
            guardrail("content_filters", Some(&json!([{"b": 2}, {"a": 1}])))
        );
        assert_eq!(key("include_byok_in_limit", None), json!(false));
        assert_eq!(
            key("limit", Some(&json!(10))),
            key("limit", Some(&json!(10.0)))
        );
        assert_eq!(set(&["b".into(), "a".into(), "b".into()]), ["a", "b"]);
    }

    fn list_field() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            "allowed_models",
            "ignored_models",
            "allowed_providers",
            "ignored_providers",
            "allowed_data_regions",
        ])
    }

    proptest! {
        /// Normalising is idempotent, blind to order, repeats and (for models) case, and
        /// an empty list is null.
        #[test]
        fn normalisation_is_a_set_view(
            field in list_field(),
            items in prop::collection::vec("[a-zA-Z]{1,3}(/[a-z]{1,3})?", 0..6),
            seed in any::<u64>(),
        ) {
            let v = json!(items);
            let n = guardrail(field, Some(&v));
            prop_assert_eq!(guardrail(field, Some(&n)), n.clone());
            let mut shuffled = items.clone();
            if !shuffled.is_empty() {
                let k = (seed as usize) % shuffled.len();
                shuffled.rotate_left(k);
                shuffled.push(items[k].clone());
            }
            prop_assert_eq!(guardrail(field, Some(&json!(shuffled))), n.clone());
            if items.is_empty() {
                prop_assert_eq!(n, Value::Null);
            }
            if field.ends_with("_models") {
                let upper: Vec<String> = items.iter().map(|s| s.to_uppercase()).collect();
                prop_assert_eq!(guardrail(field, Some(&json!(upper))), guardrail(field, Some(&v)));
            }
        }

        /// A number is its value however it is written, and a set is a set.
        #[test]
        fn numbers_by_value_and_sets_by_members(
            x in 0u32..100_000,
            ids in prop::collection::vec("[a-z]{1,4}", 0..8),
        ) {
            let int = json!(x);
            let float = json!(f64::from(x));
            prop_assert_eq!(key("limit", Some(&int)), key("limit", Some(&float)));
            prop_assert_eq!(guardrail("limit_usd", Some(&int)), guardrail("limit_usd", Some(&float)));
            let mut rev = ids.clone();
            rev.reverse();
            prop_assert_eq!(set(&ids), set(&rev));
            prop_assert_eq!(set(&set(&ids)), set(&ids));
        }
    }
}
