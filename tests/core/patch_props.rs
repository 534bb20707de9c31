//! Property tests of the minimal patch (product.md section 3): `PatchBody::between`, `apply_to`,
//! `inverse` and `values_equal`, checked against an independent model of "equal as values".

use crate::support::common;
use common::production;

use orws::workspace::{FIELDS, FieldKind, FieldSpec, PatchBody, Workspace, field, values_equal};
use proptest::prelude::*;
use serde_json::{Map, Number, Value, json};
use std::collections::BTreeSet;

// ---------------------------------------------------------------- the model

/// What a value means, independently of how it is written: the oracle for "equal as values".
#[derive(Debug, PartialEq)]
enum Meaning {
    Null,
    Same(Value),
    Number(u64),
    Set(BTreeSet<String>),
}

fn meaning(spec: &FieldSpec, value: Option<&Value>) -> Meaning {
    let value = value.unwrap_or(&Value::Null);
    match (spec.kind, value) {
        // Absent and [] mean "none disabled", the same as null.
        (FieldKind::ToolList, Value::Null) => Meaning::Set(BTreeSet::new()),
        (FieldKind::ToolList, Value::Array(items)) => Meaning::Set(
            items
                .iter()
                .map(|v| v.as_str().unwrap().to_string())
                .collect(),
        ),
        (_, Value::Null) => Meaning::Null,
        (FieldKind::Rate, Value::Number(n)) => Meaning::Number(n.as_f64().unwrap().to_bits()),
        (FieldKind::KeyIds, Value::Array(items)) => Meaning::Set(
            items
                .iter()
                .map(|v| v.as_u64().unwrap().to_string())
                .collect(),
        ),
        (_, v) => Meaning::Same(v.clone()),
    }
}

fn same(spec: &FieldSpec, a: Option<&Value>, b: Option<&Value>) -> bool {
    meaning(spec, a) == meaning(spec, b)
}

fn spec(name: &str) -> &'static FieldSpec {
    field(name).unwrap()
}

// ---------------------------------------------------------------- generators

const TOOL_NAMES: [&str; 5] = [
    "openrouter:web_search",
    "openrouter:bash",
    "openrouter:web_fetch",
    "openrouter:datetime",
    "acme:unknown_tool",
];

/// A valid value for the field (a small alphabet, so bases and edits collide often).
fn value_of(spec: &'static FieldSpec) -> BoxedStrategy<Value> {
    let nullable = |s: BoxedStrategy<Value>| prop_oneof![1 => Just(Value::Null), 3 => s].boxed();
    match spec.name {
        "name" => prop_oneof![
            Just(json!("Production")),
            Just(json!("Prod 2")),
            Just(json!("漢字 😀")),
            "[A-Za-z][A-Za-z0-9 ]{0,12}".prop_map(Value::String),
        ]
        .boxed(),
        "slug" => "[a-z0-9]{1,6}(-[a-z0-9]{1,6}){0,2}"
            .prop_map(Value::String)
            .boxed(),
        "description" => nullable(
            prop_oneof![
                Just(json!("")),
                Just(json!("null")),
                Just(json!("Production environment workspace")),
                "[a-z \n]{0,20}".prop_map(Value::String),
            ]
            .boxed(),
        ),
        "default_text_model" => nullable(
            prop::sample::select(vec!["openai/gpt-4o", "anthropic/claude-3.5-sonnet", "x/y"])
                .prop_map(|s| json!(s))
                .boxed(),
        ),
        "default_image_model" => nullable(
            prop::sample::select(vec!["openai/dall-e-3", "google/imagen-3", "x/y"])
                .prop_map(|s| json!(s))
                .boxed(),
        ),
        "default_provider_sort" => nullable(
            prop::sample::select(vec!["price", "throughput", "latency", "exacto"])
                .prop_map(|s| json!(s))
                .boxed(),
        ),
        "io_logging_sampling_rate" => prop_oneof![
            Just(json!(1)),
            Just(json!(1.0)),
            Just(json!(0.5)),
            Just(json!(0.25)),
            Just(json!(0.0001)),
            (1u32..=10_000).prop_map(|n| json!(f64::from(n) / 10_000.0)),
        ]
        .boxed(),
        "io_logging_api_key_ids" => nullable(
            prop::collection::vec(0u64..6, 0..5)
                .prop_map(|ids| json!(ids))
                .boxed(),
        ),
        "disabled_server_tools" => nullable(
            prop::collection::vec(prop::sample::select(TOOL_NAMES.to_vec()), 0..4)
                .prop_map(|t| json!(t))
                .boxed(),
        ),
        _ => any::<bool>().prop_map(Value::Bool).boxed(),
    }
}

/// A base workspace as a server sends it: all twelve fields (disabled_server_tools sometimes
/// missing), read-only fields and an unknown one.
fn base_strategy() -> impl Strategy<Value = Workspace> {
    let values: Vec<BoxedStrategy<Value>> = FIELDS.iter().map(value_of).collect();
    (values, any::<bool>()).prop_map(|(values, has_tools)| {
        let mut m = Map::new();
        m.insert("id".into(), json!("550e8400-e29b-41d4-a716-446655440000"));
        for (spec, v) in FIELDS.iter().zip(values) {
            if spec.name == "disabled_server_tools" && !has_tools {
                continue;
            }
            m.insert(spec.name.into(), v);
        }
        m.insert("created_at".into(), json!("2025-08-24T10:30:00Z"));
        m.insert("updated_at".into(), json!("2025-08-24T10:30:00Z"));
        m.insert("budget_alerts".into(), json!({"x": [1, 2]}));
        Workspace::from_json(Value::Object(m)).unwrap()
    })
}

/// What the person did to one field.
#[derive(Debug, Clone)]
enum Edit {
    /// Not touched: absent from the current values.
    Keep,
    /// Set to the base value, written another way (seed picks the way).
    Equivalent(u64),
    /// Set to a (valid) value, which may or may not equal the base.
    Set(Value),
}

fn edits_strategy() -> impl Strategy<Value = Vec<Edit>> {
    FIELDS
        .iter()
        .map(|spec| {
            prop_oneof![
                2 => Just(Edit::Keep),
                1 => any::<u64>().prop_map(Edit::Equivalent),
                3 => value_of(spec).prop_map(Edit::Set),
            ]
        })
        .collect::<Vec<_>>()
}

/// The same value as `value`, written differently: 1 as 1.0, lists reordered and repeated,
/// and for disabled_server_tools `[]`/`null`/absent swapped.
fn equivalent(spec: &FieldSpec, value: Option<&Value>, seed: u64) -> Value {
    let value = value.cloned().unwrap_or(Value::Null);
    match (spec.kind, &value) {
        (FieldKind::Rate, Value::Number(n)) => {
            let x = n.as_f64().unwrap();
            if seed.is_multiple_of(2) && x.fract() == 0.0 {
                // 1 <-> 1.0
                if n.is_f64() {
                    json!(x as u64)
                } else {
                    Value::Number(Number::from_f64(x).unwrap())
                }
            } else {
                value
            }
        }
        (FieldKind::KeyIds | FieldKind::ToolList, Value::Array(items)) => {
            if items.is_empty() && spec.kind == FieldKind::ToolList && seed.is_multiple_of(2) {
                return Value::Null;
            }
            let mut items = items.clone();
            let n = items.len();
            if n > 1 {
                items.rotate_left((seed as usize) % n);
            }
            if n > 0 && seed.is_multiple_of(3) {
                let dup = items[(seed as usize / 3) % n].clone();
                items.push(dup);
            }
            if seed.is_multiple_of(5) {
                items.reverse();
            }
            Value::Array(items)
        }
        (FieldKind::ToolList, Value::Null) if seed % 2 == 1 => json!([]),
        _ => value,
    }
}

/// A base, the state some edits give (with or without a read-only field beside them), and
/// the patch from the one to the other.
fn edited_strategy() -> impl Strategy<Value = (Workspace, Map<String, Value>, PatchBody)> {
    (base_strategy(), edits_strategy(), any::<bool>()).prop_map(|(base, edits, extra)| {
        let current = current_from(&base, &edits, extra);
        let patch = PatchBody::between(&base, &current);
        (base, current, patch)
    })
}

fn current_from(base: &Workspace, edits: &[Edit], extra_read_only: bool) -> Map<String, Value> {
    let mut current = Map::new();
    for (spec, edit) in FIELDS.iter().zip(edits) {
        match edit {
            Edit::Keep => {}
            Edit::Equivalent(seed) => {
                current.insert(
                    spec.name.into(),
                    equivalent(spec, base.get(spec.name), *seed),
                );
            }
            Edit::Set(v) => {
                current.insert(spec.name.into(), v.clone());
            }
        }
    }
    if extra_read_only {
        // Never editable, so never sent, whatever the form holds.
        current.insert("id".into(), json!("someone-else"));
        current.insert("updated_at".into(), json!("2030-01-01T00:00:00Z"));
        current.insert("budget_alerts".into(), json!(null));
    }
    current
}

fn form_position(name: &str) -> usize {
    FIELDS.iter().position(|f| f.name == name).unwrap()
}

// ---------------------------------------------------------------- properties

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// The library's notion of equality is the model's, and every rewriting is equal.
    #[test]
    fn values_equal_matches_the_model(
        i in 0..FIELDS.len(),
        xs in FIELDS.iter().map(value_of).collect::<Vec<_>>(),
        ys in FIELDS.iter().map(value_of).collect::<Vec<_>>(),
        seed in any::<u64>(),
        absent in any::<bool>(),
    ) {
        let spec = &FIELDS[i];
        let (x, y) = (&xs[i], &ys[i]);
        let x_opt = if absent { None } else { Some(x) };
        prop_assert_eq!(values_equal(spec, x_opt, Some(y)), same(spec, x_opt, Some(y)),
            "{}: {:?} vs {}", spec.name, x_opt, y);
        let e = equivalent(spec, x_opt, seed);
        prop_assert!(values_equal(spec, x_opt, Some(&e)), "{}: {:?} vs equivalent {}", spec.name, x_opt, e);
        prop_assert!(values_equal(spec, Some(&e), x_opt), "symmetry: {}", spec.name);
    }

    /// Applying the patch to the base gives the edited state, field by field, as values;
    /// everything else of the base is left alone.
    #[test]
    fn apply_gives_the_edited_state(
        (base, current, patch) in edited_strategy(),
    ) {
        let after = patch.apply_to(&base);
        for spec in &FIELDS {
            let expected = current.get(spec.name).or(base.get(spec.name));
            prop_assert!(
                same(spec, after.get(spec.name), expected),
                "{}: after {:?}, expected {:?}", spec.name, after.get(spec.name), expected
            );
            prop_assert!(values_equal(spec, after.get(spec.name), expected));
        }
        for (k, v) in base.fields() {
            if field(k).is_none() {
                prop_assert_eq!(after.get(k), Some(v), "non-editable {} changed", k);
            }
        }
        prop_assert_eq!(after.id(), base.id());
    }

    /// The patch holds exactly the modified fields: none equal to its base, none read-only,
    /// every field that differs, in form order.
    #[test]
    fn patch_holds_exactly_the_modified_fields(
        (base, current, patch) in edited_strategy(),
    ) {
        for (k, v) in patch.fields() {
            let spec = field(k);
            prop_assert!(spec.is_some(), "non-editable {} in the patch", k);
            let spec = spec.unwrap();
            prop_assert!(!same(spec, base.get(k), Some(v)), "{} equals its base", k);
            prop_assert_eq!(Some(v), current.get(k), "{} is not the current value", k);
        }
        for spec in &FIELDS {
            let modified = current
                .get(spec.name)
                .is_some_and(|v| !same(spec, base.get(spec.name), Some(v)));
            prop_assert_eq!(patch.contains(spec.name), modified, "{}", spec.name);
        }
        prop_assert!(!patch.contains("id") && !patch.contains("updated_at"));
        let positions: Vec<usize> = patch.fields().keys().map(|k| form_position(k)).collect();
        prop_assert!(positions.windows(2).all(|w| w[0] < w[1]), "not in form order: {:?}", positions);
        // The exact bytes: compact JSON of exactly these fields.
        let sent: Value = serde_json::from_str(&patch.to_body_string()).unwrap();
        prop_assert_eq!(sent, patch.to_json());
        prop_assert_eq!(patch.is_empty(), patch.fields().is_empty());
        prop_assert_eq!(patch.len(), patch.fields().len());
    }

    /// Editing every field back to its base value (however written) empties the patch.
    #[test]
    fn editing_back_to_base_empties_the_patch(
        base in base_strategy(),
        edits in edits_strategy(),
        seeds in prop::collection::vec(any::<u64>(), FIELDS.len()),
    ) {
        let mut current = current_from(&base, &edits, false);
        // Something may be modified now; then every touched field goes back.
        for (spec, seed) in FIELDS.iter().zip(&seeds) {
            if current.contains_key(spec.name) {
                current.insert(spec.name.into(), equivalent(spec, base.get(spec.name), *seed));
            }
        }
        let patch = PatchBody::between(&base, &current);
        prop_assert!(patch.is_empty(), "{}", patch.to_body_string());
    }

    /// The inverse patch, applied to the state after, gives the state before back.
    #[test]
    fn inverse_restores_before(
        base in base_strategy(),
        edits in edits_strategy(),
    ) {
        let current = current_from(&base, &edits, false);
        let patch = PatchBody::between(&base, &current);
        let after = patch.apply_to(&base);
        let inverse = patch.inverse(&base);
        // The inverse touches exactly the fields the patch touched.
        let keys: Vec<&String> = patch.fields().keys().collect();
        let inverse_keys: Vec<&String> = inverse.fields().keys().collect();
        prop_assert_eq!(keys, inverse_keys);
        let back = inverse.apply_to(&after);
        for spec in &FIELDS {
            prop_assert!(
                same(spec, back.get(spec.name), base.get(spec.name)),
                "{}: {:?} != {:?}", spec.name, back.get(spec.name), base.get(spec.name)
            );
        }
        for (k, v) in base.fields() {
            if field(k).is_none() {
                prop_assert_eq!(back.get(k), Some(v));
            }
        }
        // Nothing is left to send between before and the reverted state.
        prop_assert!(PatchBody::between(&base, back.fields()).is_empty());
        // And the inverse of the inverse is the patch again, as values.
        let again = inverse.inverse(&after);
        for (k, v) in patch.fields() {
            prop_assert!(same(spec(k), again.fields().get(k), Some(v)), "{}", k);
        }
    }
}

// ---------------------------------------------------------------- fixed cases

fn body(base: &Workspace, current: Value) -> String {
    PatchBody::between(base, current.as_object().unwrap()).to_body_string()
}

#[test]
fn null_empty_text_and_absent_are_three_states() {
    let base = production();
    assert_eq!(body(&base, json!({})), "{}");
    assert_eq!(
        body(&base, json!({"description": null})),
        r#"{"description":null}"#
    );
    assert_eq!(
        body(&base, json!({"description": ""})),
        r#"{"description":""}"#
    );
    let mut cleared = base.clone();
    cleared.set("description", Value::Null);
    assert_eq!(
        body(&cleared, json!({"description": ""})),
        r#"{"description":""}"#
    );
    assert_eq!(body(&cleared, json!({"description": null})), "{}");
    // The text "null" is not null.
    assert_eq!(
        body(&cleared, json!({"description": "null"})),
        r#"{"description":"null"}"#
    );
}

#[test]
fn one_equals_one_point_zero() {
    let base = production();
    assert_eq!(body(&base, json!({"io_logging_sampling_rate": 1.0})), "{}");
    assert_eq!(
        body(&base, json!({"io_logging_sampling_rate": 0.5})),
        r#"{"io_logging_sampling_rate":0.5}"#
    );
    let mut half = base.clone();
    half.set("io_logging_sampling_rate", json!(0.5));
    assert_eq!(
        body(&half, json!({"io_logging_sampling_rate": 1})),
        r#"{"io_logging_sampling_rate":1}"#
    );
}

#[test]
fn key_id_lists_are_sets_but_null_is_not_empty() {
    let mut base = production();
    base.set("io_logging_api_key_ids", json!([3, 1, 2]));
    assert_eq!(
        body(&base, json!({"io_logging_api_key_ids": [1, 2, 3, 3]})),
        "{}"
    );
    assert_eq!(
        body(&base, json!({"io_logging_api_key_ids": [1, 2]})),
        r#"{"io_logging_api_key_ids":[1,2]}"#
    );
    let base = production(); // null = all keys
    assert_eq!(
        body(&base, json!({"io_logging_api_key_ids": []})),
        r#"{"io_logging_api_key_ids":[]}"#
    );
    assert_eq!(body(&base, json!({"io_logging_api_key_ids": null})), "{}");
}

#[test]
fn empty_tool_list_equals_null_and_absent() {
    // production() has no disabled_server_tools at all.
    let base = production();
    assert_eq!(body(&base, json!({"disabled_server_tools": []})), "{}");
    assert_eq!(body(&base, json!({"disabled_server_tools": null})), "{}");
    assert_eq!(
        body(
            &base,
            json!({"disabled_server_tools": ["openrouter:web_search"]})
        ),
        r#"{"disabled_server_tools":["openrouter:web_search"]}"#
    );
    let mut with = base.clone();
    with.set("disabled_server_tools", json!(["b", "a"]));
    assert_eq!(
        body(&with, json!({"disabled_server_tools": ["a", "b", "a"]})),
        "{}"
    );
    assert_eq!(
        body(&with, json!({"disabled_server_tools": []})),
        r#"{"disabled_server_tools":[]}"#
    );
}

#[test]
fn never_sends_id_or_read_only_fields() {
    let base = production();
    assert_eq!(
        body(
            &base,
            json!({"id": "other", "created_by": "me", "name": "Prod 2", "slug": "production"})
        ),
        r#"{"name":"Prod 2"}"#
    );
}

#[test]
fn body_is_in_form_order_whatever_the_edit_order() {
    let base = production();
    assert_eq!(
        body(
            &base,
            json!({"is_observability_broadcast_enabled": true, "slug": "prod", "name": "P"})
        ),
        r#"{"name":"P","slug":"prod","is_observability_broadcast_enabled":true}"#
    );
}

#[test]
fn inverse_of_a_new_tool_list_clears_it() {
    let before = production();
    let patch = PatchBody::between(
        &before,
        json!({"disabled_server_tools": ["openrouter:bash"], "description": null})
            .as_object()
            .unwrap(),
    );
    let after = patch.apply_to(&before);
    let inverse = patch.inverse(&before);
    assert_eq!(
        inverse.to_body_string(),
        r#"{"description":"Production environment workspace","disabled_server_tools":null}"#
    );
    let back = inverse.apply_to(&after);
    assert!(PatchBody::between(&before, back.fields()).is_empty());
}
