//! `/activity` and `/credits` of the fake (R29, product.md §14): answers valid per admin.json,
//! 30 completed UTC days, `group_by=workspace` naming each row's workspace, the filters, and the
//! client reading them.

use crate::admin::{assert_answer, client, raw};
use orws::api::ActivityQuery;
use orws::fake::{self, FakeConfig};
use reqwest::Method;
use serde_json::Value;

const PRODUCTION: &str = "550e8400-e29b-41d4-a716-446655440000";

async fn server() -> orws::fake::FakeServer {
    fake::start(FakeConfig {
        now: Some(fake::parse_now("2026-12-09T15:00:00Z").unwrap()),
        ..FakeConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn activity_and_credits_match_the_spec_and_r29() {
    let s = server().await;
    let (status, all) = raw(&s, Method::GET, "/activity?group_by=workspace", None).await;
    assert_eq!(status, 200, "{all}");
    assert_answer("get", "/activity", 200, &all);
    let rows = all["data"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["workspace_id"].is_string()));
    let mut dates: Vec<&str> = rows.iter().map(|r| r["date"].as_str().unwrap()).collect();
    dates.sort();
    dates.dedup();
    // The last 30 completed UTC days: not today.
    assert_eq!(dates.first(), Some(&"2026-11-09"));
    assert_eq!(dates.last(), Some(&"2026-12-08"));
    // Without group_by: the historical shape, no workspace_id, the same total.
    let (_, merged) = raw(&s, Method::GET, "/activity", None).await;
    assert_answer("get", "/activity", 200, &merged);
    let total = |v: &Value| -> f64 {
        v["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["usage"].as_f64().unwrap())
            .sum()
    };
    assert!(merged["data"][0].get("workspace_id").is_none());
    assert!((total(&all) - total(&merged)).abs() < 0.01);
    let (status, bad) = raw(&s, Method::GET, "/activity?date=2026-12-09", None).await;
    assert_eq!(status, 400, "today is not complete: {bad}");
    let (status, credits) = raw(&s, Method::GET, "/credits", None).await;
    assert_eq!(status, 200);
    assert_answer("get", "/credits", 200, &credits);
}

#[tokio::test]
async fn the_client_reads_one_workspace_and_one_keys_share() {
    let s = server().await;
    let c = client(&s);
    let one = ActivityQuery {
        workspace_id: Some(PRODUCTION.into()),
        api_key_hash: None,
    };
    let rows = c.activity(&one).await.unwrap();
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.workspace_id == PRODUCTION));
    let ws_total: f64 = rows.iter().map(|r| r.usage).sum();
    let key = c
        .list_keys(&orws::admin::keys::KeyQuery::all_in(PRODUCTION))
        .await
        .unwrap()
        .remove(0);
    let key_rows = c
        .activity(&ActivityQuery {
            workspace_id: Some(PRODUCTION.into()),
            api_key_hash: Some(key.hash),
        })
        .await
        .unwrap();
    let key_total: f64 = key_rows.iter().map(|r| r.usage).sum();
    assert!(
        key_total > 0.0 && key_total < ws_total,
        "{key_total} of {ws_total}"
    );
    let credits = c.credits().await.unwrap();
    assert!(credits.left() > 0.0);
}
