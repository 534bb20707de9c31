//! `orws keys policy HASH` of the real binary against the fake (product.md §12 "Effective
//! policy", §15): the guardrail in force and why, the lists, every budget layer in R24's order,
//! labelled as computed by orws; and the same after an assignment changes it.

use crate::support::cli_bin::*;
use crate::support::common::assert_has;
use serde_json::Value;

/// "Production backend" holds the seeded "EU data only" guardrail.
const BACKEND: &str = "5e7c2b7eeb49ee2d64d51b8d7ce84190d7f10f757c8b0dce49109484a1cc78cc";

#[test]
fn a_keys_policy_names_its_guardrail_and_the_budget_layers_in_order() {
    let server = fake();
    let r = at(&server, &["keys", "policy", BACKEND]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "computed by orws");
    assert_has(&r.stdout, "EU data only");
    assert_has(&r.stdout, "assigned to the key");
    assert_has(&r.stdout, "data regions       europe");
    // R24: the default's limit first (for every key, assigned or not), the key's own last.
    let at_line = |s: &str| {
        r.stdout
            .lines()
            .position(|l| l.contains(s))
            .unwrap_or_else(|| panic!("{s} missing:\n{}", r.stdout))
    };
    assert!(at_line("default guardrail, against the member") < at_line("workspace budget, daily"));
    assert!(at_line("workspace budget, monthly") < at_line("the key's own limit"));

    let r = at(&server, &["--output", "json", "keys", "policy", BACKEND]);
    assert_eq!(r.code, 0, "{r:?}");
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["computed"], true);
    assert_eq!(v["guardrails"][0]["why"], "assigned_to_key");
    assert_eq!(v["allowed_data_regions"], serde_json::json!(["europe"]));
    assert!(v["note"].as_str().unwrap().contains("R22–R24"));
}

#[test]
fn unassigned_the_key_falls_back_to_the_default_and_an_unknown_hash_is_an_error() {
    let server = fake();
    let r = at(&server, &["--output", "json", "keys", "policy", BACKEND]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let id = v["guardrails"][0]["id"].as_str().unwrap().to_string();
    let r = at(
        &server,
        &["guardrails", "unassign", &id, "--key", BACKEND, "--yes"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let r = at(&server, &["--output", "json", "keys", "policy", BACKEND]);
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["guardrails"][0]["why"], "workspace_default", "{v}");
    let r = at(&server, &["keys", "policy", "no-such-hash"]);
    assert_eq!(r.code, 1, "{r:?}");
    assert_has(&r.stderr, "no API key with the hash");
}
