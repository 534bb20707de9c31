//! `GET /activity` and `GET /credits` of the fake (R29, product.md §14): the last 30 completed UTC
//! days of spend per workspace, model and day, deterministic (a day's numbers depend only on the
//! workspace, the model and the date, so they do not move as the clock runs) and varied (idle
//! workspaces, steady ones, one with a spike, BYOK spend on some).

use super::routes::{Shared, lock, query_param};
use super::store::{ApiError, Store};
use axum::Router;
use axum::extract::{RawQuery, State};
use axum::routing::get;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::{Date, Duration, OffsetDateTime};

type Answer = Result<axum::Json<Value>, ApiError>;

const MODELS: &[(&str, &str)] = &[
    ("openai/gpt-4o", "OpenAI"),
    ("openai/gpt-4o-mini", "OpenAI"),
    ("anthropic/claude-3.5-sonnet", "Anthropic"),
    ("google/gemini-pro-1.5", "Google"),
    ("meta-llama/llama-3.1-70b-instruct", "DeepInfra"),
];

pub fn router() -> Router<Arc<Shared>> {
    Router::new()
        .route(&format!("{}/activity", super::routes::BASE), get(activity))
        .route(&format!("{}/credits", super::routes::BASE), get(credits))
}

/// FNV-1a over the parts, then splitmix64's finaliser (FNV's low bits alone repeat): stable
/// across runs and builds.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

fn unit(h: u64) -> f64 {
    (h % 10_000) as f64 / 10_000.0
}

fn ymd(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The last 30 completed UTC days, oldest first.
fn days(now: OffsetDateTime) -> Vec<Date> {
    let today = now.date();
    (1..=30).rev().map(|n| today - Duration::days(n)).collect()
}

/// One workspace's rows: which models it uses and how much, per day.
fn workspace_rows(id: &str, day: Date) -> Vec<Map<String, Value>> {
    let w = hash(&[id]);
    // One in five workspaces is idle; the others spend between $0.20 and $40 a day.
    if w.is_multiple_of(5) {
        return vec![];
    }
    let rate = 0.2 + unit(w >> 8) * 40.0;
    let date = ymd(day);
    let spike = w % 7 == 3 && day.day() % 10 == 4;
    let byok = w % 3 == 1;
    let used = 2 + (w >> 16) as usize % 3;
    MODELS
        .iter()
        .cycle()
        .skip((w >> 20) as usize % MODELS.len())
        .take(used)
        .enumerate()
        .filter_map(|(i, (model, provider))| {
            let h = hash(&[id, &date, model]);
            // Weekends are quieter; the first model carries most of the spend.
            let weekend = matches!(
                day.weekday(),
                time::Weekday::Saturday | time::Weekday::Sunday
            );
            let share = [0.6, 0.3, 0.1][i.min(2)];
            let mut usd = rate * share * (0.5 + unit(h)) * if weekend { 0.4 } else { 1.0 };
            if spike {
                usd *= 6.0;
            }
            if h.is_multiple_of(11) {
                return None;
            }
            let usd = (usd * 1_000_000.0).round() / 1_000_000.0;
            let requests = 1 + (usd * 120.0) as u64;
            let mut row = Map::new();
            row.insert("date".into(), json!(date));
            row.insert("model".into(), json!(model));
            row.insert(
                "model_permaslug".into(),
                json!(format!("{model}-2025-01-01")),
            );
            row.insert(
                "endpoint_id".into(),
                json!(format!("{:016x}", hash(&[model, provider]))),
            );
            row.insert("provider_name".into(), json!(provider));
            row.insert("usage".into(), json!(usd));
            let byok_usd = if byok {
                (usd * 0.25 * 1e6).round() / 1e6
            } else {
                0.0
            };
            row.insert("byok_usage_inference".into(), json!(byok_usd));
            row.insert("requests".into(), json!(requests));
            row.insert("prompt_tokens".into(), json!(requests * 900));
            row.insert("completion_tokens".into(), json!(requests * 250));
            row.insert("reasoning_tokens".into(), json!(requests * 20));
            row.insert("workspace_id".into(), json!(id));
            Some(row)
        })
        .collect()
}

/// Each key's share of its workspace's spend (weights 1–5 by hash), by key hash.
fn key_shares(keys: &[Value]) -> BTreeMap<String, (String, f64)> {
    let mut by_ws: BTreeMap<String, Vec<(String, f64)>> = BTreeMap::new();
    for k in keys {
        let (Some(hash_), Some(ws)) = (
            k.get("hash").and_then(Value::as_str),
            k.get("workspace_id").and_then(Value::as_str),
        ) else {
            continue;
        };
        let weight = 1.0 + (hash(&[hash_]) % 5) as f64;
        by_ws
            .entry(ws.to_string())
            .or_default()
            .push((hash_.to_string(), weight));
    }
    let mut out = BTreeMap::new();
    for (ws, keys) in by_ws {
        let total: f64 = keys.iter().map(|(_, w)| w).sum();
        for (k, w) in keys {
            out.insert(k, (ws.clone(), w / total));
        }
    }
    out
}

fn scaled(mut row: Map<String, Value>, share: f64) -> Map<String, Value> {
    for f in ["usage", "byok_usage_inference"] {
        if let Some(v) = row.get(f).and_then(Value::as_f64) {
            row.insert(f.into(), json!((v * share * 1e6).round() / 1e6));
        }
    }
    row
}

/// What the spend is made from, taken from the store under its lock: the rows are then made
/// without it, off the server's thread (tens of thousands of rows at 5,000 workspaces, which
/// held up every other request for seconds).
struct Snapshot {
    workspaces: Vec<String>,
    keys: Vec<Value>,
    now: OffsetDateTime,
}

impl Snapshot {
    fn of(store: &Store) -> Self {
        Self {
            workspaces: store
                .all()
                .iter()
                .filter_map(|w| w.get("id").and_then(Value::as_str).map(str::to_string))
                .collect(),
            keys: store.admin.keys.clone(),
            now: store.now(),
        }
    }
}

/// `work` on the snapshot, on tokio's blocking pool.
async fn off_thread<T: Send + 'static>(
    s: &Shared,
    work: impl FnOnce(Snapshot) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let snapshot = Snapshot::of(&lock(&s.store));
    tokio::task::spawn_blocking(move || work(snapshot))
        .await
        .map_err(|e| ApiError::new(500, format!("the fake's activity failed: {e}")))?
}

fn activity_rows(snap: &Snapshot, q: &str) -> Result<Vec<Map<String, Value>>, ApiError> {
    let all_days = days(snap.now);
    let wanted_days: Vec<Date> = match query_param(q, "date") {
        None => all_days,
        Some(d) => match all_days.iter().find(|day| ymd(**day) == d) {
            Some(day) => vec![*day],
            None => {
                return Err(ApiError::bad_request(format!(
                    "date must be a UTC date (YYYY-MM-DD) within the last 30 completed days (got '{d}')"
                )));
            }
        },
    };
    let mut workspaces = snap.workspaces.clone();
    if let Some(id) = query_param(q, "workspace_id") {
        if !workspaces.contains(&id) {
            return Err(ApiError::not_found(&id));
        }
        workspaces = vec![id];
    }
    // A key or a member filter: the spend of their keys, each its share of its workspace's.
    let shares = key_shares(&snap.keys);
    let only: Option<BTreeMap<String, f64>> =
        match (query_param(q, "api_key_hash"), query_param(q, "user_id")) {
            (Some(k), _) => Some(
                shares
                    .get(&k)
                    .map(|(ws, s)| BTreeMap::from([(ws.clone(), *s)]))
                    .unwrap_or_default(),
            ),
            (None, Some(user)) => {
                let mut m: BTreeMap<String, f64> = BTreeMap::new();
                for k in &snap.keys {
                    if k.get("creator_user_id").and_then(Value::as_str) == Some(user.as_str())
                        && let Some((ws, s)) = k
                            .get("hash")
                            .and_then(Value::as_str)
                            .and_then(|h| shares.get(h))
                    {
                        *m.entry(ws.clone()).or_default() += s;
                    }
                }
                Some(m)
            }
            (None, None) => None,
        };
    let mut rows = Vec::new();
    for ws in &workspaces {
        let share = match &only {
            None => 1.0,
            Some(m) => match m.get(ws) {
                Some(s) => *s,
                None => continue,
            },
        };
        for day in &wanted_days {
            rows.extend(
                workspace_rows(ws, *day)
                    .into_iter()
                    .map(|r| scaled(r, share)),
            );
        }
    }
    Ok(rows)
}

async fn activity(State(s): State<Arc<Shared>>, RawQuery(q): RawQuery) -> Answer {
    let q = q.unwrap_or_default();
    let by_workspace = match query_param(&q, "group_by").as_deref() {
        None => false,
        Some("workspace") => true,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "group_by must be 'workspace' (got '{other}')"
            )));
        }
    };
    off_thread(&s, move |snap| answer(&snap, &q, by_workspace)).await
}

fn answer(snap: &Snapshot, q: &str, by_workspace: bool) -> Answer {
    let rows = activity_rows(snap, q)?;
    if by_workspace {
        return Ok(axum::Json(json!({"data": rows})));
    }
    // Without group_by the historical shape: summed across workspaces, no workspace_id.
    let mut merged: BTreeMap<(String, String, String), Map<String, Value>> = BTreeMap::new();
    for mut r in rows {
        r.remove("workspace_id");
        let key = ["date", "model", "endpoint_id"].map(|f| {
            r.get(f)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        });
        match merged.get_mut(&(key[0].clone(), key[1].clone(), key[2].clone())) {
            Some(into) => {
                for f in [
                    "usage",
                    "byok_usage_inference",
                    "requests",
                    "prompt_tokens",
                    "completion_tokens",
                    "reasoning_tokens",
                ] {
                    let sum = into.get(f).and_then(Value::as_f64).unwrap_or(0.0)
                        + r.get(f).and_then(Value::as_f64).unwrap_or(0.0);
                    let v = if f.ends_with("usage") || f.ends_with("inference") {
                        json!((sum * 1e6).round() / 1e6)
                    } else {
                        json!(sum as u64)
                    };
                    into.insert(f.into(), v);
                }
            }
            None => {
                merged.insert((key[0].clone(), key[1].clone(), key[2].clone()), r);
            }
        }
    }
    Ok(axum::Json(
        json!({"data": merged.into_values().collect::<Vec<_>>()}),
    ))
}

async fn credits(State(s): State<Arc<Shared>>) -> Answer {
    let spent: f64 = off_thread(&s, |snap| {
        Ok(activity_rows(&snap, "")?
            .iter()
            .filter_map(|r| r.get("usage").and_then(Value::as_f64))
            .sum())
    })
    .await?;
    // Spend from before the 30 days, and credits bought: fixed, so the footer is stable.
    let total_usage = ((spent + 1234.5) * 100.0).round() / 100.0;
    Ok(axum::Json(json!({"data": {
        "total_credits": 25000.0,
        "total_usage": total_usage,
    }})))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).unwrap()
    }

    #[test]
    fn thirty_completed_days_and_a_days_numbers_do_not_move_with_the_clock() {
        let d = days(at("2026-12-07T15:00:00Z"));
        assert_eq!(d.len(), 30);
        assert_eq!(ymd(d[29]), "2026-12-06", "yesterday is the last");
        assert_eq!(ymd(d[0]), "2026-11-07");
        let day = d[20];
        assert_eq!(workspace_rows("w-1", day), workspace_rows("w-1", day));
    }

    #[test]
    fn workspaces_vary_some_idle_some_with_byok() {
        let day = days(at("2026-12-07T15:00:00Z"))[10];
        let ids: Vec<String> = (0..40).map(|i| format!("ws-{i}")).collect();
        let spent: Vec<f64> = ids
            .iter()
            .map(|id| {
                workspace_rows(id, day)
                    .iter()
                    .filter_map(|r| r["usage"].as_f64())
                    .sum()
            })
            .collect();
        assert!(spent.contains(&0.0), "an idle one");
        assert!(spent.iter().any(|s| *s > 10.0), "a busy one");
        let byok = ids.iter().any(|id| {
            workspace_rows(id, day)
                .iter()
                .any(|r| r["byok_usage_inference"].as_f64() > Some(0.0))
        });
        assert!(byok);
    }
}
