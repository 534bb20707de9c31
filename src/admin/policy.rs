//! A key's effective policy (R22–R24, product.md §15 "Effective policy"), computed by orws: the
//! API gives it only for the calling key (R31), so every answer says it is computed.
//!
//! The guardrails that apply: the key's assigned one, else the workspace's default (R23), and the
//! one assigned to the key's creator when that person is a member. Allowlists are intersected
//! (an empty or absent list allows everything), deny lists joined, ZDR on where any says on, an
//! "allow"/"enable" switch off where any says off; budget layers in R24's order.

use crate::admin::budgets::{Budgets, Interval};
use crate::admin::guardrail::canonical_model;
use crate::admin::keys::Key;
use serde::Serialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Why a guardrail applies to the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Assigned to the key (R22).
    AssignedToKey,
    /// The workspace's default: the key has no guardrail of its own (R23).
    WorkspaceDefault,
    /// Assigned to the member who created the key.
    AssignedToCreator,
}

impl Why {
    pub fn text(self) -> &'static str {
        match self {
            Why::AssignedToKey => "assigned to the key",
            Why::WorkspaceDefault => {
                "the workspace's default (the key has no guardrail of its own)"
            }
            Why::AssignedToCreator => "assigned to the key's creator",
        }
    }
}

/// A guardrail that applies, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Applied {
    pub id: String,
    pub name: String,
    pub why: Why,
}

/// A list as the layers leave it: `None` is "any" (no layer restricts it).
pub type Allow = Option<BTreeSet<String>>;

/// One budget layer, in the order they are checked (R24).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Layer {
    /// What the layer is, in words.
    pub what: String,
    pub limit_usd: f64,
    /// `daily`, `weekly`, `monthly`, or `None`: it never starts again.
    pub reset: Option<String>,
}

/// What applies to one key, all layers made one.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub key_hash: String,
    pub key_name: String,
    /// Always true: orws computed this (R31).
    pub computed: bool,
    pub guardrails: Vec<Applied>,
    pub allowed_models: Allow,
    pub ignored_models: BTreeSet<String>,
    pub allowed_providers: Allow,
    pub ignored_providers: BTreeSet<String>,
    pub allowed_data_regions: Allow,
    /// Each ZDR switch (`enforce_zdr_*`): on where any guardrail says on.
    pub zdr: BTreeMap<String, bool>,
    /// Each `allow_*`/`enable_*` switch some guardrail sets: off where any says off.
    pub switches: BTreeMap<String, bool>,
    pub budget_layers: Vec<Layer>,
    /// What could not be read, so the policy may be wider than shown (a 403 on budgets…).
    pub unknown: Vec<String>,
}

/// What the computation reads: the key, its workspace's guardrails and budgets, and the
/// assignments that concern it.
pub struct Inputs<'a> {
    pub key: &'a Key,
    /// The workspace's default guardrail (`None`: not configured, R14).
    pub default: Option<&'a Map<String, Value>>,
    /// The guardrail assigned to the key, if any.
    pub assigned: Option<&'a Map<String, Value>>,
    /// The guardrail assigned to the key's creator, when the creator is a member.
    pub creator: Option<&'a Map<String, Value>>,
    /// The workspace's budgets; `Err` says why they could not be read.
    pub budgets: Result<&'a Budgets, String>,
}

const ZDR: &[&str] = &[
    "enforce_zdr_anthropic",
    "enforce_zdr_google",
    "enforce_zdr_openai",
    "enforce_zdr_xai",
    "enforce_zdr_other",
];

const SWITCHES: &[&str] = &[
    "allow_safety_retention_google",
    "allow_safety_retention_other",
    "enable_free_model_publication",
    "enable_free_model_training",
    "enable_paid_model_training",
];

fn text(g: &Map<String, Value>, field: &str) -> String {
    g.get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A list field's items (model ids canonical), `None` when absent, null or empty.
fn list(g: &Map<String, Value>, field: &str) -> Option<BTreeSet<String>> {
    let items: BTreeSet<String> = g
        .get(field)?
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .map(|s| {
            if field.ends_with("_models") {
                canonical_model(s)
            } else {
                s.to_string()
            }
        })
        .collect();
    (!items.is_empty()).then_some(items)
}

/// Allowlists intersect: "any" leaves the other as it is.
fn intersect(a: Allow, b: Option<BTreeSet<String>>) -> Allow {
    match (a, b) {
        (None, b) => b,
        (a, None) => a,
        (Some(a), Some(b)) => Some(a.intersection(&b).cloned().collect()),
    }
}

fn layer(what: String, g: &Map<String, Value>) -> Option<Layer> {
    Some(Layer {
        what,
        limit_usd: g.get("limit_usd")?.as_f64()?,
        reset: g
            .get("reset_interval")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

fn named(g: &Map<String, Value>) -> String {
    match text(g, "name") {
        n if n.is_empty() => text(g, "id"),
        n => format!("\"{n}\""),
    }
}

/// The key's effective policy.
pub fn effective(inputs: &Inputs) -> Policy {
    let key = inputs.key;
    let mut applied: Vec<(&Map<String, Value>, Why)> = Vec::new();
    match (inputs.assigned, inputs.default) {
        (Some(g), _) => applied.push((g, Why::AssignedToKey)),
        (None, Some(g)) => applied.push((g, Why::WorkspaceDefault)),
        (None, None) => {}
    }
    if let Some(g) = inputs.creator {
        // The creator's guardrail may be the key's own: once is enough.
        if !applied.iter().any(|(a, _)| text(a, "id") == text(g, "id")) {
            applied.push((g, Why::AssignedToCreator));
        }
    }
    let mut policy = Policy {
        key_hash: key.hash.clone(),
        key_name: key.name.clone(),
        computed: true,
        guardrails: applied
            .iter()
            .map(|(g, why)| Applied {
                id: text(g, "id"),
                name: text(g, "name"),
                why: *why,
            })
            .collect(),
        allowed_models: None,
        ignored_models: BTreeSet::new(),
        allowed_providers: None,
        ignored_providers: BTreeSet::new(),
        allowed_data_regions: None,
        zdr: BTreeMap::new(),
        switches: BTreeMap::new(),
        budget_layers: Vec::new(),
        unknown: Vec::new(),
    };
    for (g, _) in &applied {
        policy.allowed_models = intersect(policy.allowed_models.take(), list(g, "allowed_models"));
        policy.allowed_providers = intersect(
            policy.allowed_providers.take(),
            list(g, "allowed_providers"),
        );
        policy.allowed_data_regions = intersect(
            policy.allowed_data_regions.take(),
            list(g, "allowed_data_regions"),
        );
        policy
            .ignored_models
            .extend(list(g, "ignored_models").unwrap_or_default());
        policy
            .ignored_providers
            .extend(list(g, "ignored_providers").unwrap_or_default());
    }
    let bools = |field: &str| -> Vec<bool> {
        applied
            .iter()
            .filter_map(|(g, _)| g.get(field).and_then(Value::as_bool))
            .collect()
    };
    for field in ZDR {
        let said = bools(field);
        if !said.is_empty() {
            policy.zdr.insert(field.to_string(), said.contains(&true));
        }
    }
    for field in SWITCHES {
        let said = bools(field);
        if !said.is_empty() {
            policy
                .switches
                .insert(field.to_string(), !said.contains(&false));
        }
    }
    // R24: the default against the member's total, then against the key (for every key,
    // assigned or not); the member's guardrail; the key's; the workspace budgets; the key's own.
    if let Some(d) = inputs.default {
        let who = match &key.creator_user_id {
            Some(u) => format!("the member's total ({u})"),
            None => "the member's total".to_string(),
        };
        policy
            .budget_layers
            .extend(layer(format!("default guardrail, against {who}"), d));
        policy
            .budget_layers
            .extend(layer("default guardrail, against this key".into(), d));
    }
    if let Some(g) = inputs.creator {
        policy
            .budget_layers
            .extend(layer(format!("member's guardrail {}", named(g)), g));
    }
    if let Some(g) = inputs.assigned {
        policy
            .budget_layers
            .extend(layer(format!("key's guardrail {}", named(g)), g));
    }
    match &inputs.budgets {
        Ok(b) => {
            for i in Interval::ALL {
                if let Some(limit) = b.limits.get(i) {
                    policy.budget_layers.push(Layer {
                        what: format!("workspace budget, {i}"),
                        limit_usd: limit,
                        reset: i.reset_interval().map(str::to_string),
                    });
                }
            }
        }
        Err(why) => policy
            .unknown
            .push(format!("the workspace budgets ({why})")),
    }
    if let Some(limit) = key.limit {
        policy.budget_layers.push(Layer {
            what: "the key's own limit".into(),
            limit_usd: limit,
            reset: key
                .extra
                .get("limit_reset")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    policy
}

/// An allowlist in words: "any", or the items.
pub fn allow_text(a: &Allow) -> String {
    match a {
        None => "any".into(),
        Some(s) if s.is_empty() => "none (the guardrails' lists share nothing)".into(),
        Some(s) => s.iter().cloned().collect::<Vec<_>>().join(", "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn obj(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    fn key(limit: Option<f64>) -> Key {
        serde_json::from_value(json!({
            "hash": "h1", "name": "ci", "workspace_id": "ws", "limit": limit,
            "limit_reset": "monthly", "creator_user_id": "u1"
        }))
        .unwrap()
    }

    #[test]
    fn an_assigned_guardrail_replaces_the_default_for_lists_but_not_for_budgets() {
        let default = obj(json!({"id": "d", "name": "Default", "limit_usd": 100,
            "reset_interval": "monthly", "allowed_models": ["openai/gpt-4o", "anthropic/claude-3.5-sonnet"],
            "enforce_zdr_openai": true}));
        let assigned = obj(json!({"id": "g1", "name": "CI only", "limit_usd": 20,
            "allowed_models": ["openai/gpt-4o-mini"], "enforce_zdr_openai": false}));
        let k = key(Some(5.0));
        let budgets = Budgets::default();
        let p = effective(&Inputs {
            key: &k,
            default: Some(&default),
            assigned: Some(&assigned),
            creator: None,
            budgets: Ok(&budgets),
        });
        assert_eq!(p.guardrails.len(), 1);
        assert_eq!(p.guardrails[0].why, Why::AssignedToKey);
        // R23: the default's list does not apply to an assigned key.
        assert_eq!(allow_text(&p.allowed_models), "openai/gpt-4o-mini");
        assert_eq!(
            p.zdr,
            BTreeMap::from([("enforce_zdr_openai".to_string(), false)])
        );
        // R24: the default's limit still applies, first, twice; then the key's guardrail; then
        // the key's own limit.
        let layers: Vec<&str> = p.budget_layers.iter().map(|l| l.what.as_str()).collect();
        assert_eq!(
            layers,
            [
                "default guardrail, against the member's total (u1)",
                "default guardrail, against this key",
                "key's guardrail \"CI only\"",
                "the key's own limit",
            ]
        );
        assert!(p.computed);
    }

    #[test]
    fn the_creators_guardrail_narrows_lists_and_ors_zdr() {
        let default = obj(json!({"id": "d", "allowed_models": ["a/x", "b/y"],
            "allowed_data_regions": ["eu", "us"], "enforce_zdr_google": false,
            "enable_paid_model_training": true}));
        let creator = obj(
            json!({"id": "m", "name": "Interns", "allowed_models": ["b/y", "c/z"],
            "allowed_data_regions": ["eu"], "enforce_zdr_google": true, "ignored_providers": ["acme"],
            "enable_paid_model_training": false, "limit_usd": 50}),
        );
        let k = key(None);
        let mut budgets = Budgets::default();
        budgets.limits.set(Interval::Weekly, Some(300.0));
        let p = effective(&Inputs {
            key: &k,
            default: Some(&default),
            assigned: None,
            creator: Some(&creator),
            budgets: Ok(&budgets),
        });
        let whys: Vec<Why> = p.guardrails.iter().map(|g| g.why).collect();
        assert_eq!(whys, [Why::WorkspaceDefault, Why::AssignedToCreator]);
        assert_eq!(allow_text(&p.allowed_models), "b/y");
        assert_eq!(allow_text(&p.allowed_data_regions), "eu");
        assert_eq!(allow_text(&p.allowed_providers), "any");
        assert!(p.ignored_providers.contains("acme"));
        assert_eq!(
            p.zdr,
            BTreeMap::from([("enforce_zdr_google".to_string(), true)])
        );
        assert_eq!(
            p.switches,
            BTreeMap::from([("enable_paid_model_training".to_string(), false)])
        );
        let layers: Vec<(&str, Option<&str>)> = p
            .budget_layers
            .iter()
            .map(|l| (l.what.as_str(), l.reset.as_deref()))
            .collect();
        assert_eq!(
            layers,
            [
                ("member's guardrail \"Interns\"", None),
                ("workspace budget, weekly", Some("weekly")),
            ]
        );
    }

    #[test]
    fn lists_that_share_nothing_allow_nothing_and_unread_budgets_are_said() {
        let a = obj(json!({"id": "a", "allowed_models": ["x/1"]}));
        let c = obj(json!({"id": "c", "allowed_models": ["y/2"]}));
        let k = key(None);
        let p = effective(&Inputs {
            key: &k,
            default: None,
            assigned: Some(&a),
            creator: Some(&c),
            budgets: Err("403: an Enterprise-plan feature".into()),
        });
        assert_eq!(p.allowed_models, Some(BTreeSet::new()));
        assert!(allow_text(&p.allowed_models).starts_with("none"));
        assert_eq!(p.unknown.len(), 1);
    }
}
