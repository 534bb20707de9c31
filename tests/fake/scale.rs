//! `serve-fake --extra-workspaces N`: generated workspaces after the seed, listed through the
//! client's paging, valid against every field rule, varied, deterministic, and capped.

use crate::support::cli_bin;
use crate::support::client::client;
use crate::support::common::assert_has;
use orws::fake::generate::{DEMO_ENV, MAX_EXTRA_WORKSPACES, generated_id};
use orws::fake::{self, FakeConfig, FakeServer};
use orws::tui::screens::picker::filter_indices;
use orws::workspace::{READ_ONLY, Workspace, check_value, field};
use serde_json::{Value, json};
use std::collections::HashSet;

const SEED_COUNT: usize = 15;

async fn fake_with_extra(n: usize) -> FakeServer {
    fake::start(FakeConfig {
        extra_workspaces: n,
        ..FakeConfig::default()
    })
    .await
    .expect("the fake starts")
}

async fn listed(n: usize) -> Vec<Workspace> {
    let server = fake_with_extra(n).await;
    client(&server).list().await.expect("the list")
}

#[tokio::test]
async fn the_client_pages_through_the_seed_and_every_generated_workspace() {
    let server = fake_with_extra(250).await;
    let all = client(&server).list().await.expect("the list");
    assert_eq!(all.len(), SEED_COUNT + 250);
    let ids: HashSet<&str> = all.iter().map(Workspace::id).collect();
    assert_eq!(ids.len(), all.len(), "no workspace twice");
    assert_eq!(all[0].slug(), "production", "the seed comes first");
    for (i, ws) in all[SEED_COUNT..].iter().enumerate() {
        assert_eq!(ws.id(), generated_id(i));
    }
    // 265 workspaces take three pages of 100.
    let pages = server
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/workspaces?"))
        .count();
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn every_generated_workspace_passes_the_field_rules_and_is_unique() {
    let all = listed(3000).await;
    let generated = &all[SEED_COUNT..];
    let mut ids = HashSet::new();
    let mut slugs: HashSet<String> = all[..SEED_COUNT]
        .iter()
        .map(|w| w.slug().to_string())
        .collect();
    for ws in generated {
        assert!(uuid::Uuid::parse_str(ws.id()).is_ok(), "{}", ws.id());
        assert!(ids.insert(ws.id().to_string()));
        assert!(
            slugs.insert(ws.slug().to_string()),
            "slug {} twice",
            ws.slug()
        );
        for (key, value) in ws.fields() {
            if let Some(spec) = field(key) {
                check_value(spec, value)
                    .unwrap_or_else(|e| panic!("{} {key} = {value}: {e}", ws.slug()));
            } else {
                assert!(READ_ONLY.contains(&key.as_str()), "unexpected field {key}");
            }
        }
        for key in READ_ONLY {
            assert!(ws.get(key).is_some(), "{} lacks {key}", ws.slug());
        }
    }
}

#[tokio::test]
async fn generated_workspaces_vary_in_every_field() {
    let server = fake_with_extra(1000).await;
    let all = client(&server).list().await.expect("the list");
    let generated = &all[SEED_COUNT..];
    let catalog: HashSet<String> = server_models(&server).await;
    let values = |key: &str| -> HashSet<String> {
        generated
            .iter()
            .map(|w| w.get(key).map_or("absent".into(), Value::to_string))
            .collect()
    };
    for key in [
        "is_data_discount_logging_enabled",
        "is_observability_broadcast_enabled",
        "is_observability_io_logging_enabled",
        "include_byok_in_budgets",
    ] {
        assert_eq!(values(key).len(), 2, "{key} takes both values");
    }
    let sorts = values("default_provider_sort");
    for s in [
        "null",
        "\"price\"",
        "\"throughput\"",
        "\"latency\"",
        "\"exacto\"",
    ] {
        assert!(sorts.contains(s), "no workspace with sort {s}");
    }
    let tools = values("disabled_server_tools");
    for t in ["absent", "null", "[]"] {
        assert!(
            tools.contains(t),
            "no workspace with disabled_server_tools {t}"
        );
    }
    assert!(tools.len() > 10, "lists of tools vary too");
    assert!(values("io_logging_sampling_rate").len() >= 4);
    assert!(values("io_logging_api_key_ids").len() >= 3);
    for key in ["description", "default_text_model", "default_image_model"] {
        let with = generated
            .iter()
            .filter(|w| w.get(key).is_some_and(|v| !v.is_null()))
            .count();
        assert!(
            (100..900).contains(&with),
            "{key}: {with} of 1000 set, want some of each"
        );
    }
    for key in ["default_text_model", "default_image_model"] {
        for ws in generated {
            if let Some(model) = ws.get(key).and_then(Value::as_str) {
                assert!(catalog.contains(model), "{model} is not in the catalog");
            }
        }
    }
    let multiline = |w: &&Workspace| {
        w.get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.contains('\n'))
    };
    assert!(generated.iter().any(|w| multiline(&w)));
    assert!(
        generated.iter().any(|w| !w.name().is_ascii()),
        "some names are not ASCII"
    );
}

async fn server_models(server: &FakeServer) -> HashSet<String> {
    let models = reqwest::Client::builder()
        .no_proxy()
        .build()
        .unwrap()
        .get(format!("{}/models?output_modalities=all", server.url()))
        .bearer_auth("x")
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    models["data"]
        .as_array()
        .expect("a model list")
        .iter()
        .filter_map(|m| m["id"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test]
async fn the_same_index_gives_the_same_workspace_whatever_the_count() {
    let (a, b, c) = (listed(40).await, listed(40).await, listed(120).await);
    assert_eq!(a, b);
    assert_eq!(a[..], c[..a.len()]);
    assert_ne!(a[SEED_COUNT], a[SEED_COUNT + 1]);
}

#[tokio::test]
async fn the_picker_filter_finds_generated_workspaces_by_name_and_slug() {
    let all = listed(500).await;
    let payments = filter_indices(&all, "payments");
    assert!(payments.len() >= 10, "{}", payments.len());
    for &i in &payments {
        let ws = &all[i];
        assert!(
            ws.slug().contains("payments") || ws.name().to_lowercase().contains("payments"),
            "{}",
            ws.slug()
        );
    }
    // One exact slug comes first.
    let slug = all[SEED_COUNT + 123].slug().to_string();
    assert_eq!(filter_indices(&all, &slug)[0], SEED_COUNT + 123);
}

#[tokio::test]
async fn a_generated_workspace_takes_writes_and_its_slug_is_taken() {
    let server = fake_with_extra(5).await;
    let c = client(&server);
    let first = generated_id(0);
    let second = server.workspace(&generated_id(1)).unwrap();
    let mut fields = serde_json::Map::new();
    fields.insert("description".into(), json!("changed"));
    let patch = orws::workspace::PatchBody::from_fields(fields);
    let after = c.patch(&first, &patch).await.expect("the patch lands");
    assert_eq!(after.get("description"), Some(&json!("changed")));
    let mut fields = serde_json::Map::new();
    fields.insert("slug".into(), second["slug"].clone());
    let err = c
        .patch(&first, &orws::workspace::PatchBody::from_fields(fields))
        .await
        .expect_err("a taken slug is refused");
    assert!(
        err.to_string().contains(second["slug"].as_str().unwrap()),
        "{err}"
    );
}

#[tokio::test]
async fn more_than_the_cap_is_refused() {
    let err = fake::start(FakeConfig {
        extra_workspaces: MAX_EXTRA_WORKSPACES + 1,
        ..FakeConfig::default()
    })
    .await
    .expect_err("too many");
    assert!(err.to_string().contains("at most 50000"), "{err}");
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> (i32, String, String) {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = cli_bin::bare(home.path(), args);
    cmd.env_remove(DEMO_ENV).envs(envs.iter().copied());
    let out = cli_bin::finish(&mut cmd, args);
    (out.code, out.stdout, out.stderr)
}

#[test]
fn serve_fake_refuses_too_many_with_a_clear_message() {
    let (code, stdout, stderr) = run(&["serve-fake", "--extra-workspaces", "50001"], &[]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty());
    assert_has(&stderr, "--extra-workspaces");
    assert_has(&stderr, "at most 50000");
}

#[test]
fn the_demo_takes_extra_workspaces_from_its_environment_variable() {
    let (code, stdout, stderr) = run(&["--demo", "--output", "json", "list"], &[(DEMO_ENV, "30")]);
    assert_eq!(code, 0, "{stderr}");
    let list: Value = serde_json::from_str(&stdout).expect("JSON");
    let n = list
        .as_array()
        .or_else(|| list["data"].as_array())
        .map(Vec::len);
    assert_eq!(n, Some(SEED_COUNT + 30), "{stdout}");

    let (code, _, stderr) = run(&["--demo", "list"], &[(DEMO_ENV, "many")]);
    assert_eq!(code, 2);
    assert_has(&stderr, DEMO_ENV);
    assert_has(&stderr, "many");
}
