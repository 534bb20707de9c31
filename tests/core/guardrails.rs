//! The pure rules of named guardrails (product.md §12, §15): R16/R17 on create, R22 on
//! assignment (one per key, replacing; only the guardrail's workspace's keys), the identity of
//! a created guardrail, whose answer a PATCH believes, and the assignment's settle.

use orws::admin::guardrails::{self, Found};
use orws::write::Settled;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

const WS: &str = "550e8400-e29b-41d4-a716-446655440000";
const OTHER_WS: &str = "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b";

fn map(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn ids(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn at(t: &str) -> OffsetDateTime {
    OffsetDateTime::parse(t, &Rfc3339).unwrap()
}

#[test]
fn a_create_needs_a_name_and_a_limit_with_its_reset_r17() {
    let broken = guardrails::check_create(&map(json!({"limit_usd": 5})));
    assert!(
        broken.iter().any(|b| b.contains("name is required")),
        "{broken:?}"
    );
    assert!(broken.iter().any(|b| b.contains("R17")), "{broken:?}");
    let ok = map(json!({"name": "N", "limit_usd": 5, "reset_interval": "daily"}));
    assert!(guardrails::check_create(&ok).is_empty());
    let bad = map(json!({"name": " ", "allowed_data_regions": ["mars"]}));
    assert_eq!(guardrails::check_create(&bad).len(), 2);
    assert!(guardrails::ENFORCES_NOTHING.contains("R16"));
}

#[test]
fn every_field_of_a_named_guardrail_is_editable_name_and_description_too() {
    let base = map(
        json!({"id": "g", "name": "Old", "description": null, "limit_usd": 5, "reset_interval": "daily"}),
    );
    let mut target = base.clone();
    target.insert("name".into(), json!("New"));
    target.insert("description".into(), json!("why"));
    target.insert("limit_usd".into(), json!(7));
    let body = guardrails::patch(&base, &target).unwrap();
    assert_eq!(
        Value::Object(body),
        json!({"name": "New", "description": "why", "limit_usd": 7, "reset_interval": "daily"})
    );
    target.insert("name".into(), json!(""));
    assert!(guardrails::patch(&base, &target).is_err());
    assert_eq!(guardrails::label("description"), "Description");
    assert_eq!(guardrails::label("allowed_models"), "Allowed models");
}

#[test]
fn a_key_holding_another_guardrail_says_it_replaces_it_r22() {
    let held = vec![
        ("k1".to_string(), "other".to_string()),
        ("k2".to_string(), "g".to_string()),
    ];
    let names = |id: &str| {
        if id == "other" {
            "Night".to_string()
        } else {
            id.to_string()
        }
    };
    let plan = guardrails::plan_keys("g", &ids(&["k1", "k2", "k3"]), true, &held, &names);
    assert_eq!(plan[0].note(), "replaces Night");
    assert!(plan[1].already);
    assert_eq!(plan[2].note(), "");
    assert!(guardrails::destructive(true, &plan));
    assert!(!guardrails::destructive(true, &plan[1..]));
    let off = guardrails::plan_keys("g", &ids(&["k1", "k2"]), false, &held, &names);
    assert!(off[0].already && !off[1].already, "{off:?}");
    assert!(guardrails::destructive(false, &off));
    let members =
        guardrails::plan_members("g", &ids(&["u1"]), true, &[("u1".into(), "other".into())]);
    assert_eq!(members[0].replaces, None, "a member may hold several");
}

#[test]
fn only_keys_of_the_guardrails_workspace_are_assigned_r22() {
    let at = |h: &str| match h {
        "here" => Some(WS.to_string()),
        "there" => Some(OTHER_WS.to_string()),
        _ => None,
    };
    let broken = guardrails::check_keys_workspace(Some(WS), &ids(&["here", "there", "gone"]), &at);
    assert_eq!(broken.len(), 2, "{broken:?}");
    assert!(broken[0].contains("R22"));
    assert!(guardrails::check_keys_workspace(None, &ids(&["there"]), &at).is_empty());
}

#[test]
fn a_created_guardrail_is_the_single_one_with_the_sent_fields_made_since_the_request() {
    let sent =
        map(json!({"name": "N", "workspace_id": WS, "limit_usd": 5, "reset_interval": "daily"}));
    let since = at("2026-01-01T10:00:00Z");
    let g = |id: &str, ws: &str, created: &str, limit: f64| {
        map(
            json!({"id": id, "name": "N", "workspace_id": ws, "limit_usd": limit, "reset_interval": "daily", "created_at": created}),
        )
    };
    let ours = g("a", WS, "2026-01-01T09:59:59Z", 5.0);
    let old = g("b", WS, "2025-12-01T00:00:00Z", 5.0);
    assert_eq!(guardrails::find_created(&sent, &[], WS, since), Found::None);
    assert_eq!(
        guardrails::find_created(&sent, std::slice::from_ref(&old), WS, since),
        Found::None,
        "older: not ours"
    );
    assert_eq!(
        guardrails::find_created(&sent, &[old.clone(), ours.clone()], WS, since),
        Found::Ours(Box::new(ours.clone()))
    );
    let twin = g("c", WS, "2026-01-01T10:00:01Z", 5.0);
    assert!(matches!(
        guardrails::find_created(&sent, &[ours.clone(), twin], WS, since),
        Found::CannotTell(_)
    ));
    let differs = g("d", WS, "2026-01-01T10:00:01Z", 9.0);
    assert!(matches!(
        guardrails::find_created(&sent, &[differs], WS, since),
        Found::CannotTell(_)
    ));
    let elsewhere = g("e", OTHER_WS, "2026-01-01T10:00:01Z", 5.0);
    assert!(guardrails::created_mismatch(&sent, &elsewhere, WS, since).is_some());
}

#[test]
fn a_patch_believes_only_an_answer_about_its_guardrail_in_its_workspace() {
    let g = map(json!({"id": "g", "workspace_id": WS}));
    assert_eq!(guardrails::not_the_one(&g, "g", Some(WS)), None);
    assert!(guardrails::not_the_one(&g, "h", Some(WS)).is_some());
    assert!(guardrails::not_the_one(&g, "g", Some(OTHER_WS)).is_some());
    let account_wide = map(json!({"id": "g", "workspace_id": null}));
    assert_eq!(guardrails::not_the_one(&account_wide, "g", None), None);
    assert!(guardrails::not_the_one(&account_wide, "g", Some(WS)).is_some());
}

#[test]
fn an_assignment_is_settled_by_the_list_read_again() {
    let sent = ids(&["k1", "k2"]);
    assert_eq!(
        guardrails::settle_assignment(&sent, true, &ids(&["k1", "k2", "x"])),
        Settled::Applied
    );
    assert_eq!(
        guardrails::settle_assignment(&sent, true, &ids(&["x"])),
        Settled::NotApplied
    );
    assert_eq!(
        guardrails::settle_assignment(&sent, true, &ids(&["k1"])),
        Settled::Partial
    );
    assert_eq!(
        guardrails::settle_assignment(&sent, false, &ids(&["x"])),
        Settled::Applied
    );
}
