//! Never a perpetual diff (product.md §13, issue 22 item 2): for any state of the in-process
//! fake — budgets (R8 kept or not), members, guardrail fields written in any order, case or
//! form the API treats alike, key fields, assignments — `export` then `plan` (and `drift`)
//! finds nothing, in TOML, YAML and JSON. 32 cases by default; `PROPTEST_CASES` raises it.

use crate::support::cli_bin::*;
use orws::admin::budgets::Interval;
use orws::fake::FakeServer;
use proptest::prelude::*;
use serde_json::{Value, json};

const WORKSPACES: [&str; 4] = [
    PROD_ID,
    STAGING_ID,
    DEV_ID,
    "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b",
];
/// The stored guardrails: production's default one and the named ones.
const GUARDRAILS: [&str; 5] = [
    "595d5849-7e86-51fd-a7c0-705c34e4afff",
    "7b1e4c2a-3d5f-4a6b-9c8d-0e1f2a3b4c5d",
    "8c2f5d3b-4e6a-4b7c-8d9e-1f2a3b4c5d6e",
    "9d3a6e4c-5f7b-4c8d-9e0f-2a3b4c5d6e7f",
    "ae4b7f5d-6a8c-4d9e-8f1a-3b4c5d6e7f8a",
];
const KEYS: [&str; 4] = [
    "5e7c2b7eeb49ee2d64d51b8d7ce84190d7f10f757c8b0dce49109484a1cc78cc",
    "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b",
    "c16d64f85bccaef4add76fb399f54c51819f5131a1c7320dad4d15a200a24d2d",
    "0dec07abf92dbe7289d69e237b93540aa5421478748103f37712e518c3be3f94",
];
const USERS: [&str; 4] = [
    "user_abc123",
    "user_2dHFtVWx2n56w6HkM0000000001",
    "user_2dHFtVWx2n56w6HkM0000000003",
    "user_someone_else",
];

/// One change made to the fake behind the client's back.
#[derive(Debug, Clone)]
enum Change {
    Budget(usize, Interval, Option<f64>),
    Members(usize, Vec<usize>),
    Guardrail(usize, &'static str, Value),
    Key(usize, &'static str, Value),
    Assign(usize, usize),
}

fn list_value() -> impl Strategy<Value = Value> {
    let names = prop::sample::select(vec![
        "openai/gpt-4o",
        "OpenAI/GPT-4o-mini",
        " anthropic/claude-sonnet-4",
        "openai",
        "anthropic",
        "google",
    ]);
    prop_oneof![
        Just(Value::Null),
        Just(json!([])),
        prop::collection::vec(names, 1..4).prop_map(|v| json!(v)),
    ]
}

fn change() -> impl Strategy<Value = Change> {
    let limit = prop_oneof![
        Just(None),
        (1u32..3000).prop_map(|l| Some(f64::from(l))),
        (1u32..3000).prop_map(|l| Some(f64::from(l) + 0.5)),
    ];
    let interval = prop::sample::select(Interval::ALL.to_vec());
    let list_field = prop::sample::select(vec![
        "allowed_models",
        "ignored_models",
        "allowed_providers",
        "ignored_providers",
    ]);
    let tri = prop::sample::select(vec![
        "enforce_zdr_anthropic",
        "enforce_zdr_openai",
        "enable_paid_model_training",
    ]);
    let tri_value = prop_oneof![Just(Value::Null), any::<bool>().prop_map(Value::Bool)];
    let number = prop_oneof![
        Just(Value::Null),
        (0u32..900).prop_map(|n| json!(n)),
        (0u32..900).prop_map(|n| json!(f64::from(n) + 0.25)),
    ];
    let key_field = prop_oneof![
        number.clone().prop_map(|v| ("limit", v)),
        prop::sample::select(vec!["daily", "weekly", "monthly"])
            .prop_map(|r| ("limit_reset", json!(r))),
        Just(("limit_reset", Value::Null)),
        any::<bool>().prop_map(|b| ("disabled", json!(b))),
        any::<bool>().prop_map(|b| ("include_byok_in_limit", json!(b))),
        "[a-zA-Z \"é]{1,8}".prop_map(|n| ("name", json!(n))),
    ];
    prop_oneof![
        (0..WORKSPACES.len(), interval, limit).prop_map(|(w, i, l)| Change::Budget(w, i, l)),
        (
            1..WORKSPACES.len(),
            prop::collection::vec(0..USERS.len(), 0..4)
        )
            .prop_map(|(w, u)| Change::Members(w, u)),
        (0..GUARDRAILS.len(), list_field, list_value())
            .prop_map(|(g, f, v)| Change::Guardrail(g, f, v)),
        (0..GUARDRAILS.len(), tri, tri_value).prop_map(|(g, f, v)| Change::Guardrail(g, f, v)),
        (0..GUARDRAILS.len(), number).prop_map(|(g, v)| Change::Guardrail(g, "limit_usd", v)),
        (0..KEYS.len(), key_field).prop_map(|(k, (f, v))| Change::Key(k, f, v)),
        (1..GUARDRAILS.len(), 0..KEYS.len()).prop_map(|(g, k)| Change::Assign(g, k)),
    ]
}

fn make(server: &FakeServer, c: &Change) {
    match c {
        Change::Budget(w, i, l) => {
            server.set_budget(WORKSPACES[*w], *i, *l);
        }
        Change::Members(w, users) => {
            let users: Vec<&str> = users.iter().map(|u| USERS[*u]).collect();
            server.set_members(WORKSPACES[*w], &users);
        }
        Change::Guardrail(g, f, v) => {
            server.set_guardrail_field(GUARDRAILS[*g], f, v.clone());
        }
        Change::Key(k, f, v) => {
            server.set_key_field(KEYS[*k], f, v.clone());
        }
        Change::Assign(g, k) => server.assign_key(GUARDRAILS[*g], KEYS[*k]),
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(32)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn export_then_plan_and_drift_find_nothing_in_every_format(
        changes in prop::collection::vec(change(), 0..10)
    ) {
        let (server, home) = fake_and_home();
        for c in &changes {
            make(&server, c);
        }
        let d = tempfile::tempdir().unwrap();
        for name in ["org.toml", "org.yaml", "org.json"] {
            let path = d.path().join(name);
            let p = path.to_str().unwrap();
            let r = orws_at(home.path(), &server, &["export", "--all", "-o", p]);
            prop_assert_eq!(r.code, 0, "{:?}", r);
            let r = orws_at(home.path(), &server, &["plan", p, "--detailed-exitcode"]);
            prop_assert_eq!(
                r.code,
                0,
                "{}: {:?}\n{}",
                name,
                r,
                std::fs::read_to_string(&path).unwrap()
            );
            // And what CI runs: drift finds nothing either (exit 0, not 4).
            let r = orws_at(home.path(), &server, &["drift", p]);
            prop_assert_eq!(r.code, 0, "drift of {}: {:?}", name, r);
        }
        prop_assert!(writes(&server).is_empty());
    }
}
