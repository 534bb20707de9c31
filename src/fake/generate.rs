//! Generated workspaces for `serve-fake --extra-workspaces N` (and the demo under
//! `ORWS_DEMO_EXTRA_WORKSPACES`): many, varied and valid, so paging, filtering and batches can
//! be tried at scale. Deterministic: workspace `i` is the same on every run, for any `N > i`.

use crate::workspace::Workspace;
use crate::workspace::field::{KNOWN_SERVER_TOOLS, PROVIDER_SORTS};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::macros::format_description;

/// The most a fake will generate. The client reads at most 50,000 workspaces
/// (`api::client::MAX_WORKSPACES`): 50,000 and the seed are one organisation too many for it,
/// on purpose (49,985 and the seed's 15 make the largest it reads).
pub const MAX_EXTRA_WORKSPACES: usize = 50_000;

/// The environment variable that gives `orws --demo` generated workspaces too.
pub const DEMO_ENV: &str = "ORWS_DEMO_EXTRA_WORKSPACES";

/// Why a count of extra workspaces is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtraError {
    #[error("{0} is not a whole number of workspaces")]
    NotANumber(String),
    #[error("{0} workspaces is too many: at most {MAX_EXTRA_WORKSPACES} can be generated")]
    TooMany(usize),
}

/// Checks a count against [`MAX_EXTRA_WORKSPACES`].
pub fn check_count(n: usize) -> Result<usize, ExtraError> {
    if n > MAX_EXTRA_WORKSPACES {
        return Err(ExtraError::TooMany(n));
    }
    Ok(n)
}

/// The count `ORWS_DEMO_EXTRA_WORKSPACES` asks for (0 when unset or empty).
pub fn demo_count_from_env() -> Result<usize, String> {
    match std::env::var(DEMO_ENV) {
        Ok(text) if !text.trim().is_empty() => {
            parse_count(&text).map_err(|e| format!("{DEMO_ENV}: {e}"))
        }
        _ => Ok(0),
    }
}

/// Parses and checks a count given as text.
pub fn parse_count(text: &str) -> Result<usize, ExtraError> {
    let n = text
        .trim()
        .parse::<usize>()
        .map_err(|_| ExtraError::NotANumber(text.trim().to_string()))?;
    check_count(n)
}

/// The uuid of generated workspace `i`: a fixed prefix ("orws" in ASCII hex) and the index,
/// in the form of a version-4 uuid with the RFC 4122 variant.
pub fn generated_id(i: usize) -> String {
    format!("6f727773-0000-4000-8000-{:012x}", i as u64)
}

const TEAMS: &[&str] = &[
    "Payments",
    "Search",
    "Checkout",
    "Identity",
    "Billing",
    "Growth",
    "Platform",
    "Mobile",
    "Ledger",
    "Support",
    "Fraud",
    "Pricing",
    "Catalog",
    "Inbox",
    "Ads",
    "Maps",
    "Voice",
    "Security",
    "Onboarding",
    "Analytics",
];

const PURPOSES: &[&str] = &[
    "Production",
    "Staging",
    "Dev",
    "Eval",
    "Batch",
    "Experiments",
    "Canary",
    "Load Test",
    "Research",
    "Sandbox",
    "Backfill",
    "Red Team",
];

const REGIONS: &[&str] = &["", "EU", "US", "APAC", "LATAM"];

/// Names that are not ASCII, so filtering is tried beyond lowercase English.
const WIDE_NAMES: &[(&str, &str)] = &[
    ("研究チーム", "kenkyu"),
    ("Équipe données", "equipe-donnees"),
    ("Datenanalyse München", "datenanalyse"),
    ("Поддержка", "podderzhka"),
    ("数据平台", "shuju"),
];

const DESCRIPTIONS: &[&str] = &[
    "Generated for scale testing.",
    "Owned by the {team} team; models chosen per release.",
    "{team} {purpose} traffic. Ask in #ai-platform before changing the default models.",
    "Line one of a longer note.\nLine two: budgets are reviewed monthly.\nLine three: {team}.",
    "Keys here are rotated every 90 days. Logging is sampled; see the runbook for {team} {purpose}.",
];

const CREATORS: &[&str] = &[
    "user_abc123",
    "user_2dHFtVWx2n56w6HkM0000000001",
    "user_2dHFtVWx2n56w6HkM0000000002",
    "user_2dHFtVWx2n56w6HkM0000000003",
];

const SAMPLING_RATES: &[f64] = &[1.0, 1.0, 0.5, 0.25, 0.1, 0.01, 0.0001];

/// `n` generated workspaces, numbered from 0, choosing default models from `catalog` (the
/// fake's model list, each with `id` and `architecture.output_modalities`).
pub fn workspaces(n: usize, catalog: &[Value]) -> Vec<Workspace> {
    let text_models = model_ids(catalog, "text");
    let image_models = model_ids(catalog, "image");
    (0..n)
        .map(|i| workspace(i, &text_models, &image_models))
        .collect()
}

fn model_ids<'a>(catalog: &'a [Value], modality: &str) -> Vec<&'a str> {
    catalog
        .iter()
        .filter(|m| {
            m["architecture"]["output_modalities"]
                .as_array()
                .is_some_and(|outs| outs.iter().any(|o| o.as_str() == Some(modality)))
        })
        .filter_map(|m| m["id"].as_str())
        .collect()
}

/// Workspace `i`: every choice comes from a hash of `i`, so it never depends on `n`.
fn workspace(i: usize, text_models: &[&str], image_models: &[&str]) -> Workspace {
    let h = Bits(splitmix64(i as u64 ^ 0x6f72_7773));
    let team = TEAMS[i % TEAMS.len()];
    let purpose = PURPOSES[(i / TEAMS.len()) % PURPOSES.len()];
    let region = REGIONS[h.pick(0, REGIONS.len())];
    let (name, slug_stem) = if h.chance(8, 5) {
        let (name, stem) = WIDE_NAMES[h.pick(16, WIDE_NAMES.len())];
        (name.to_string(), stem.to_string())
    } else {
        let name = [team, purpose, region]
            .iter()
            .filter(|s| !s.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ");
        (name.clone(), name.to_ascii_lowercase().replace(' ', "-"))
    };
    // The index keeps names and slugs unique; 5 digits sort well and clash with no seed slug.
    let name = format!("{name} {i:05}");
    let slug = format!("{slug_stem}-{i:05}");

    let id = generated_id(i);
    let mut ws = Map::new();
    ws.insert("id".into(), json!(id));
    ws.insert("name".into(), json!(name));
    ws.insert("slug".into(), json!(slug));
    let description = h.chance(24, 60).then(|| {
        DESCRIPTIONS[h.pick(28, DESCRIPTIONS.len())]
            .replace("{team}", team)
            .replace("{purpose}", purpose)
    });
    ws.insert("description".into(), json!(description));
    let text = (h.chance(32, 55) && !text_models.is_empty())
        .then(|| text_models[h.pick(36, text_models.len())]);
    ws.insert("default_text_model".into(), json!(text));
    let image = (h.chance(44, 30) && !image_models.is_empty())
        .then(|| image_models[h.pick(48, image_models.len())]);
    ws.insert("default_image_model".into(), json!(image));
    // One in five has none; the others spread over the four sorts.
    let sort = h.pick(52, PROVIDER_SORTS.len() + 1);
    ws.insert(
        "default_provider_sort".into(),
        json!(PROVIDER_SORTS.get(sort)),
    );
    ws.insert(
        "io_logging_sampling_rate".into(),
        json!(SAMPLING_RATES[h.pick(56, SAMPLING_RATES.len())]),
    );
    let key_ids = match h.pick(60, 6) {
        0 => json!([]),
        1 => json!([(i % 97) as u64, (i % 89) as u64 + 100]),
        _ => Value::Null,
    };
    ws.insert("io_logging_api_key_ids".into(), key_ids);
    ws.insert("is_data_discount_logging_enabled".into(), json!(h.bit(1)));
    ws.insert("is_observability_broadcast_enabled".into(), json!(h.bit(2)));
    ws.insert(
        "is_observability_io_logging_enabled".into(),
        json!(h.bit(3)),
    );
    // A server may not send it at all (older ones); null and [] both mean none disabled.
    match h.pick(4, 4) {
        0 => {}
        1 => {
            ws.insert("disabled_server_tools".into(), Value::Null);
        }
        2 => {
            ws.insert("disabled_server_tools".into(), json!([]));
        }
        _ => {
            let a = KNOWN_SERVER_TOOLS[h.pick(20, KNOWN_SERVER_TOOLS.len())];
            let b = KNOWN_SERVER_TOOLS[h.pick(40, KNOWN_SERVER_TOOLS.len())];
            let tools: Vec<&str> = if a == b { vec![a] } else { vec![a, b] };
            ws.insert("disabled_server_tools".into(), json!(tools));
        }
    }
    ws.insert(
        "default_guardrail_id".into(),
        json!(super::store::derived_id(&id)),
    );
    ws.insert("include_byok_in_budgets".into(), json!(h.bit(5)));
    // Created a few minutes apart from September 2025; updated up to 90 days later.
    let created = 1_756_684_800 + i as i64 * 263;
    let updated = created + (h.hash(99) % (90 * 86_400)) as i64;
    ws.insert("created_at".into(), json!(stamp(created)));
    ws.insert(
        "created_by".into(),
        json!(CREATORS[h.pick(12, CREATORS.len())]),
    );
    ws.insert("updated_at".into(), json!(stamp(updated)));
    Workspace::from_json(Value::Object(ws)).expect("a generated workspace has id, name and slug")
}

/// Pseudo-random choices from one seed: each salt gives an independent hash.
struct Bits(u64);

impl Bits {
    fn hash(&self, salt: u32) -> u64 {
        splitmix64(self.0 ^ u64::from(salt).wrapping_mul(0x9e37_79b9_7f4a_7c15))
    }

    fn bit(&self, salt: u32) -> bool {
        self.hash(salt) & 1 == 1
    }

    /// A choice among `n`.
    fn pick(&self, salt: u32, n: usize) -> usize {
        (self.hash(salt) % n.max(1) as u64) as usize
    }

    /// True in about `percent` of workspaces.
    fn chance(&self, salt: u32, percent: usize) -> bool {
        self.pick(salt, 100) < percent
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn stamp(unix: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(format).ok())
        .unwrap_or_else(|| "2025-09-01T00:00:00Z".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_above_the_cap_or_not_numbers_are_refused() {
        assert_eq!(parse_count(" 5000 "), Ok(5000));
        assert_eq!(parse_count("50000"), Ok(MAX_EXTRA_WORKSPACES));
        assert_eq!(parse_count("50001"), Err(ExtraError::TooMany(50_001)));
        assert!(matches!(parse_count("-1"), Err(ExtraError::NotANumber(_))));
        assert!(matches!(
            parse_count("lots"),
            Err(ExtraError::NotANumber(_))
        ));
        let msg = ExtraError::TooMany(60_000).to_string();
        assert!(msg.contains("60000") && msg.contains("50000"), "{msg}");
    }

    #[test]
    fn ids_are_version_4_uuids_and_differ() {
        let a = generated_id(0);
        let b = generated_id(49_999);
        assert_ne!(a, b);
        for id in [&a, &b] {
            assert!(uuid::Uuid::parse_str(id).is_ok(), "{id}");
            assert_eq!(&id[14..15], "4");
            assert_eq!(&id[19..20], "8");
        }
    }

    #[test]
    fn stamps_are_rfc3339() {
        let s = stamp(1_756_684_800);
        assert_eq!(s, "2025-09-01T00:00:00Z");
    }
}
