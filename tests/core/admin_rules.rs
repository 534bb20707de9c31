//! The admin rules as data: budgets (R8–R10) with the safe request order as a property, and the
//! guardrail's minimal PATCH (R15).

use orws::admin::budgets::{
    self, BudgetRequest, BudgetRule, Budgets, Interval, Limits, order_is_safe, plan,
};
use orws::admin::guardrail::{self, GuardrailRule, TriState};
use orws::admin::keys::{self as keys, Key, KeyPatch};
use orws::admin::members::{self, Member, OrgMember};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn limits(d: Option<f64>, w: Option<f64>, m: Option<f64>, l: Option<f64>) -> Limits {
    Limits::default()
        .with(Interval::Daily, d)
        .with(Interval::Weekly, w)
        .with(Interval::Monthly, m)
        .with(Interval::Lifetime, l)
}

fn b(d: Option<f64>, w: Option<f64>, m: Option<f64>, l: Option<f64>) -> Budgets {
    Budgets {
        limits: limits(d, w, m, l),
        include_byok: Some(false),
    }
}

#[test]
fn r8_message_names_both_limits() {
    let broken = budgets::check(&limits(None, Some(600.0), Some(500.0), None));
    assert_eq!(broken.len(), 1);
    assert_eq!(
        broken[0].to_string(),
        "the monthly limit ($500) must be greater than the weekly limit ($600)"
    );
}

#[test]
fn r8_only_among_those_set_and_equal_is_refused() {
    assert!(budgets::check(&limits(Some(10.0), None, None, Some(11.0))).is_empty());
    let broken = budgets::check(&limits(Some(10.0), None, None, Some(10.0)));
    assert!(matches!(
        broken[..],
        [BudgetRule::NotDecreasing {
            broader: Interval::Lifetime,
            narrower: Interval::Daily,
            ..
        }]
    ));
}

#[test]
fn r9_limits_must_be_positive_numbers() {
    assert_eq!(budgets::parse_limit(Interval::Daily, " "), Ok(None));
    assert_eq!(
        budgets::parse_limit(Interval::Daily, "$12.5"),
        Ok(Some(12.5))
    );
    for bad in ["0", "-1", "abc", "NaN", "inf"] {
        let e = budgets::parse_limit(Interval::Weekly, bad).unwrap_err();
        assert!(e.to_string().contains("weekly limit"), "{e}");
    }
}

#[test]
fn lowering_everything_goes_narrowest_first() {
    let held = b(Some(10.0), Some(20.0), Some(30.0), Some(40.0));
    let target = b(Some(1.0), Some(2.0), Some(3.0), Some(4.0));
    let order: Vec<Interval> = plan(&held, &target)
        .unwrap()
        .iter()
        .map(BudgetRequest::interval)
        .collect();
    assert_eq!(order, Interval::ALL);
}

#[test]
fn unchanged_intervals_send_nothing_and_cleared_ones_are_deleted() {
    let held = b(Some(10.0), None, Some(30.0), None);
    let target = b(None, None, Some(30.0), Some(50.0));
    assert_eq!(
        plan(&held, &target).unwrap(),
        vec![
            BudgetRequest::Delete {
                interval: Interval::Daily
            },
            BudgetRequest::Put {
                interval: Interval::Lifetime,
                limit_usd: 50.0,
                include_byok: None
            },
        ]
    );
    assert_eq!(plan(&held, &held).unwrap(), vec![]);
}

#[test]
fn r10_byok_alone_resends_one_unchanged_limit_or_cannot_change() {
    let held = b(Some(10.0), None, Some(30.0), None);
    let mut target = held;
    target.include_byok = Some(true);
    assert_eq!(
        plan(&held, &target).unwrap(),
        vec![BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 30.0,
            include_byok: Some(true)
        }]
    );
    let none = b(None, None, None, None);
    let mut target = none;
    target.include_byok = Some(true);
    assert_eq!(
        plan(&none, &target),
        Err(vec![BudgetRule::ByokNeedsABudget])
    );
}

#[test]
fn a_rule_breaking_target_is_refused_with_its_rules() {
    let held = b(None, None, None, None);
    let target = b(Some(5.0), Some(5.0), None, None);
    let e = plan(&held, &target).unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "the weekly limit ($5) must be greater than the daily limit ($5)"
    );
}

#[test]
fn budget_conflicts_are_only_overlapping_changes() {
    let base = b(Some(1.0), Some(2.0), None, None);
    let now = b(Some(1.5), Some(2.0), None, Some(9.0));
    let target = b(Some(1.2), Some(3.0), None, None);
    assert_eq!(
        budgets::conflicts(&base, &now, &target),
        vec![Some(Interval::Daily)]
    );
}

/// A valid set of limits: each interval maybe set, strictly increasing as they broaden.
fn valid_budgets() -> impl Strategy<Value = Budgets> {
    (
        proptest::collection::vec((any::<bool>(), 1u32..1000), 4),
        any::<Option<bool>>(),
    )
        .prop_map(|(parts, byok)| {
            let mut l = Limits::default();
            let mut floor = 0.0;
            for (i, (set, step)) in Interval::ALL.into_iter().zip(parts) {
                let v = floor + f64::from(step) / 4.0;
                if set {
                    l.set(i, Some(v));
                    floor = v;
                }
            }
            Budgets {
                limits: l,
                include_byok: byok,
            }
        })
}

proptest! {
    #[test]
    fn every_step_keeps_r8_and_all_steps_reach_the_target(held in valid_budgets(), target in valid_budgets()) {
        match plan(&held, &target) {
            Ok(requests) => {
                prop_assert!(order_is_safe(&held, &requests), "unsafe order {:?}", requests);
                let end = requests.iter().fold(held, |s, r| r.apply(&s));
                prop_assert_eq!(end.limits, target.limits);
                if target.include_byok.is_some() {
                    prop_assert_eq!(end.include_byok, target.include_byok);
                }
                // Minimal: one request per interval at most.
                let mut seen: Vec<Interval> = requests.iter().map(BudgetRequest::interval).collect();
                seen.sort();
                seen.dedup();
                prop_assert_eq!(seen.len(), requests.len());
                // Undo of any landed prefix, newest first, keeps R8 and restores what was held.
                for landed in 0..=requests.len() {
                    let state = requests[..landed].iter().fold(held, |s, r| r.apply(&s));
                    let undo = budgets::undo_plan(&held, &requests[..landed]);
                    prop_assert!(order_is_safe(&state, &undo), "unsafe undo {:?}", undo);
                    let back = undo.iter().fold(state, |s, r| r.apply(&s));
                    prop_assert_eq!(back.limits, held.limits);
                }
            }
            Err(rules) => prop_assert_eq!(rules, vec![BudgetRule::ByokNeedsABudget]),
        }
    }
}

fn obj(v: Value) -> Map<String, Value> {
    v.as_object().cloned().unwrap()
}

#[test]
fn guardrail_patch_sends_changed_lists_whole_emptied_as_null_and_never_the_name() {
    let base = obj(json!({
        "id": "g", "name": "Workspace w Default", "allowed_models": ["openai/gpt-4o", "x/y"],
        "allowed_providers": ["openai"], "enforce_zdr_openai": true, "limit_usd": 10, "reset_interval": "monthly",
        "include_byok_in_budgets": false
    }));
    let mut target = base.clone();
    target.insert(
        "allowed_models".into(),
        json!(["openai/gpt-4o", "x/y", "a/b"]),
    );
    target.insert("allowed_providers".into(), json!([]));
    target.insert("enforce_zdr_openai".into(), TriState::Inherit.to_value());
    target.insert("name".into(), json!("renamed"));
    let p = guardrail::patch(Some(&base), &target).unwrap();
    assert_eq!(
        Value::Object(p),
        json!({"allowed_models": ["openai/gpt-4o", "x/y", "a/b"], "allowed_providers": null, "enforce_zdr_openai": null})
    );
}

#[test]
fn guardrail_limit_and_interval_travel_together() {
    let base = obj(json!({"limit_usd": 10, "reset_interval": "monthly"}));
    let mut target = base.clone();
    target.insert("limit_usd".into(), json!(20));
    let p = guardrail::patch(Some(&base), &target).unwrap();
    assert_eq!(
        Value::Object(p),
        json!({"limit_usd": 20, "reset_interval": "monthly"})
    );
    let mut bad = base.clone();
    bad.insert("limit_usd".into(), Value::Null);
    assert_eq!(
        guardrail::patch(Some(&base), &bad),
        Err(vec![GuardrailRule::IntervalWithoutLimit])
    );
}

#[test]
fn guardrail_models_compare_in_canonical_form_and_unconfigured_base_is_all_null() {
    let base = obj(json!({"allowed_models": ["openai/gpt-4o"]}));
    let target = obj(json!({"allowed_models": ["OpenAI/GPT-4o "]}));
    assert!(guardrail::patch(Some(&base), &target).unwrap().is_empty());
    let target = obj(json!({"allowed_data_regions": ["europe"], "enforce_zdr_google": false}));
    assert_eq!(
        Value::Object(guardrail::patch(None, &target).unwrap()),
        json!({"allowed_data_regions": ["europe"], "enforce_zdr_google": false})
    );
}

#[test]
fn guardrail_field_rules() {
    assert_eq!(
        guardrail::check_field("name", &json!("x")),
        vec![GuardrailRule::NameFixed]
    );
    assert!(matches!(
        guardrail::check_field("allowed_data_regions", &json!(["mars"]))[..],
        [GuardrailRule::UnknownRegion(_)]
    ));
    assert!(matches!(
        guardrail::check_field("allowed_models", &json!(["a/b", "A/B"]))[..],
        [GuardrailRule::Duplicate { .. }]
    ));
    assert!(!guardrail::check_field("enforce_zdr_xai", &json!("yes")).is_empty());
    assert!(!guardrail::check_field("reset_interval", &json!("yearly")).is_empty());
    assert!(!guardrail::check_field("limit_usd", &json!(-1)).is_empty());
    assert_eq!(TriState::On.next().next().next(), TriState::On);
}

#[test]
fn guardrail_conflicts_are_fields_someone_else_changed() {
    let base = obj(json!({"allowed_providers": ["a"], "enforce_zdr_xai": true}));
    let now = obj(json!({"allowed_providers": ["b"], "enforce_zdr_xai": false}));
    let patch = obj(json!({"allowed_providers": ["c"], "enforce_zdr_xai": false}));
    assert_eq!(
        guardrail::conflicts(Some(&base), Some(&now), &patch),
        vec!["allowed_providers"]
    );
}

proptest! {
    #[test]
    fn guardrail_patch_applied_reaches_the_target(
        lists in proptest::collection::vec(proptest::collection::vec("[a-c]/[a-c]", 0..3), 4),
        tri in proptest::collection::vec(0u8..3, 4),
    ) {
        let names = ["allowed_models", "allowed_providers", "ignored_providers", "ignored_models"];
        let bools = ["enforce_zdr_openai", "enforce_zdr_google", "enable_paid_model_training", "allow_safety_retention_other"];
        let mut base = Map::new();
        let mut target = Map::new();
        for (i, n) in names.iter().enumerate() {
            let mut l = lists[i].clone();
            l.sort();
            l.dedup();
            target.insert((*n).into(), json!(l));
            base.insert((*n).into(), json!(lists[(i + 1) % 4].iter().collect::<std::collections::BTreeSet<_>>()));
        }
        for (i, n) in bools.iter().enumerate() {
            let t = [TriState::On, TriState::Off, TriState::Inherit][tri[i] as usize];
            target.insert((*n).into(), t.to_value());
        }
        let p = guardrail::patch(Some(&base), &target).unwrap();
        let mut applied = base.clone();
        for (k, v) in &p {
            applied.insert(k.clone(), v.clone());
        }
        prop_assert!(guardrail::patch(Some(&applied), &target).unwrap().is_empty());
        prop_assert!(!p.contains_key("name"));
    }
}

fn key(hash: &str, ws: &str, creator: Option<&str>, disabled: bool) -> Key {
    serde_json::from_value(json!({
        "hash": hash, "name": hash, "workspace_id": ws, "creator_user_id": creator, "disabled": disabled
    }))
    .unwrap()
}

#[test]
fn r6_the_keys_a_member_created_block_removal_disabled_ones_too() {
    let ks = [
        key("a", "w", Some("u1"), false),
        key("b", "w", Some("u1"), true),
        key("c", "w", Some("u2"), true),
        key("d", "w", None, false),
    ];
    let users = ["u1".to_string(), "u2".to_string(), "u3".to_string()];
    let blocked = members::keys_blocking_removal(&users, &ks);
    let shown: Vec<(&str, Vec<&str>)> = blocked
        .iter()
        .map(|(u, keys)| (u.as_str(), keys.iter().map(|k| k.hash.as_str()).collect()))
        .collect();
    // A disabled key counts as active (product.md §15); a key with no creator blocks nobody.
    assert_eq!(shown, vec![("u1", vec!["a", "b"]), ("u2", vec!["c"])]);
}

#[test]
fn members_join_with_the_organisation_and_name_themselves() {
    let m: Member = serde_json::from_value(json!({
        "id": "m", "workspace_id": "w", "user_id": "u1", "role": "member", "created_at": "t"
    }))
    .unwrap();
    let orphan = Member {
        user_id: "gone".into(),
        ..m.clone()
    };
    let org: Vec<OrgMember> = serde_json::from_value(json!([
        {"id": "u1", "first_name": "Jane", "last_name": null, "email": "j@x", "role": "org:member"},
        {"id": "u2", "first_name": null, "last_name": " ", "email": "bot@x", "role": "org:member"}
    ]))
    .unwrap();
    let rows = members::join(vec![m, orphan], &org);
    assert_eq!(
        rows[0].who.as_ref().map(OrgMember::display_name).as_deref(),
        Some("Jane")
    );
    assert_eq!(rows[1].who, None);
    assert_eq!(org[1].display_name(), "bot@x");
}

#[test]
fn r21_default_workspace_from_keys_and_key_patch_bodies() {
    assert_eq!(keys::default_workspace_from_keys(&[]), None);
    let same = [key("a", "d", None, false), key("b", "d", None, true)];
    assert_eq!(keys::default_workspace_from_keys(&same), Some("d"));
    let mixed = [key("a", "d", None, false), key("b", "e", None, true)];
    assert_eq!(keys::default_workspace_from_keys(&mixed), None);
    let body = serde_json::to_value(KeyPatch {
        disabled: Some(true),
        ..KeyPatch::default()
    })
    .unwrap();
    assert_eq!(body, json!({"disabled": true}));
}
