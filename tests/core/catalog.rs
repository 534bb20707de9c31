//! The model catalog (product.md section 7): parsing the fake's GET /models over loopback, the
//! day-long cache (fresh, expired, stale fallback, corrupt), and the ranking of suggestions.

use crate::support;
use orws::api::{Client, ModelSummary};
use orws::catalog::{self, Catalog, Origin, cache, knows, suggest};
use orws::fake::{FakeConfig, FakeServer, Fault};
use std::path::Path;
use std::time::{Duration, SystemTime};

const HOUR: Duration = Duration::from_secs(3600);

async fn fake() -> FakeServer {
    orws::fake::start(FakeConfig::default())
        .await
        .expect("the fake starts")
}

fn client(url: &str) -> Client {
    let mut config = support::client::config(url);
    // One try: the failure cases should fail at once.
    config.max_attempts = 1;
    support::client::built(config)
}

/// A client whose server is gone: every request fails to connect.
async fn dead_client() -> Client {
    // A port that was free a moment ago and has no listener now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    client(&format!("http://127.0.0.1:{port}/api/v1"))
}

fn model_requests(server: &FakeServer) -> usize {
    server
        .requests()
        .iter()
        .filter(|r| r.path.contains("/models"))
        .count()
}

fn one_model(id: &str) -> Catalog {
    let m = ModelSummary {
        id: id.into(),
        name: id.into(),
    };
    Catalog {
        text: vec![m.clone()],
        image: vec![m],
    }
}

fn ids(models: &[&ModelSummary]) -> Vec<String> {
    models.iter().map(|m| m.id.clone()).collect()
}

fn cache_path(dir: &Path, client: &Client) -> std::path::PathBuf {
    cache::path(dir, client.host())
}

#[tokio::test]
async fn the_fakes_catalog_parses_into_text_and_image_lists() {
    let server = fake().await;
    let c = client(&server.url());
    let catalog = catalog::fetch(&c).await.unwrap();
    assert!(catalog.text.len() >= 20, "{}", catalog.text.len());
    assert!(catalog.image.len() >= 4, "{}", catalog.image.len());
    let gpt = catalog
        .text
        .iter()
        .find(|m| m.id == "openai/gpt-4o")
        .expect("openai/gpt-4o is a text model");
    assert_eq!(gpt.name, "OpenAI: GPT-4o");
    assert!(catalog.image.iter().any(|m| m.id == "openai/gpt-image-1"));
    assert!(!catalog.text.iter().any(|m| m.id == "openai/gpt-image-1"));
    assert_eq!(catalog.models(true), catalog.image.as_slice());
    // Both lists were asked for.
    let paths: Vec<String> = server.requests().iter().map(|r| r.path.clone()).collect();
    assert!(paths.iter().any(|p| p.ends_with("/models")), "{paths:?}");
    assert!(
        paths
            .iter()
            .any(|p| p.ends_with("/models?output_modalities=image")),
        "{paths:?}"
    );
}

#[tokio::test]
async fn without_a_cache_it_fetches_and_writes_one() {
    let server = fake().await;
    let c = client(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let (catalog, origin) = catalog::load_or_fetch_with_origin(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert_eq!(origin, Origin::Fetched);
    let path = cache_path(dir.path(), &c);
    assert_eq!(path.file_name().unwrap(), "models-127.0.0.1.json");
    let cached = cache::read(&path).expect("the cache was written");
    assert_eq!(cached.catalog, catalog);
    assert_eq!(cached.base_url, server.url());
    assert!(cached.is_fresh(now));
    // No temporary file is left behind.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    // No cache directory: fetched, nothing written.
    let fetched = catalog::load_or_fetch(&c, None, now).await.unwrap();
    assert_eq!(fetched, catalog);
}

#[tokio::test]
async fn a_fresh_cache_is_used_without_asking_the_server() {
    let server = fake().await;
    let c = client(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let path = cache_path(dir.path(), &c);
    cache::write(
        &path,
        &one_model("cached/model"),
        c.base_url(),
        now - 23 * HOUR,
    )
    .unwrap();
    let (catalog, origin) = catalog::load_or_fetch_with_origin(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert_eq!(catalog, one_model("cached/model"));
    assert!(matches!(origin, Origin::FreshCache { .. }), "{origin:?}");
    assert_eq!(model_requests(&server), 0);
}

#[tokio::test]
async fn an_expired_cache_is_fetched_again_and_replaced() {
    let server = fake().await;
    let c = client(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let path = cache_path(dir.path(), &c);
    cache::write(
        &path,
        &one_model("cached/model"),
        c.base_url(),
        now - 25 * HOUR,
    )
    .unwrap();
    let catalog = catalog::load_or_fetch(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert!(catalog.text.iter().any(|m| m.id == "openai/gpt-4o"));
    assert_eq!(model_requests(&server), 2);
    let cached = cache::read(&path).unwrap();
    assert_eq!(cached.catalog, catalog);
    assert!(cached.is_fresh(now));

    // A cache "fetched" in the future (a clock that moved back) is not trusted as fresh.
    cache::write(&path, &one_model("future/model"), c.base_url(), now + HOUR).unwrap();
    let catalog = catalog::load_or_fetch(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert!(catalog.text.iter().any(|m| m.id == "openai/gpt-4o"));
}

#[tokio::test]
async fn a_stale_cache_stands_in_when_the_server_fails() {
    let now = SystemTime::now();
    let dir = tempfile::tempdir().unwrap();

    // The server answers 500.
    let server = fake().await;
    let c = client(&server.url());
    let path = cache_path(dir.path(), &c);
    cache::write(
        &path,
        &one_model("stale/model"),
        c.base_url(),
        now - 72 * HOUR,
    )
    .unwrap();
    server.inject("MODELS", Fault::Status(500), 2);
    let (catalog, origin) = catalog::load_or_fetch_with_origin(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert_eq!(catalog, one_model("stale/model"));
    let Origin::StaleCache { fetched_at, error } = origin else {
        panic!("{origin:?}");
    };
    assert_eq!(fetched_at, cache::read(&path).unwrap().fetched_at);
    assert!(error.to_string().contains("500"), "{error}");
    // The stale cache is kept as it was.
    assert_eq!(
        cache::read(&path).unwrap().catalog,
        one_model("stale/model")
    );

    // The server is gone.
    let dead = dead_client().await;
    let path = cache_path(dir.path(), &dead);
    cache::write(
        &path,
        &one_model("stale/model"),
        dead.base_url(),
        now - 48 * HOUR,
    )
    .unwrap();
    let catalog = catalog::load_or_fetch(&dead, Some(dir.path()), now)
        .await
        .unwrap();
    assert_eq!(catalog, one_model("stale/model"));
}

#[tokio::test]
async fn no_cache_and_no_server_is_an_error() {
    let dead = dead_client().await;
    let dir = tempfile::tempdir().unwrap();
    let err = catalog::load_or_fetch(&dead, Some(dir.path()), SystemTime::now())
        .await
        .unwrap_err();
    assert!(err.to_string().contains("cannot reach"), "{err}");
}

#[tokio::test]
async fn a_corrupt_cache_is_ignored_and_overwritten() {
    let server = fake().await;
    let c = client(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let path = cache_path(dir.path(), &c);
    let now = SystemTime::now();
    for junk in [&b"{not json"[..], b"", b"{\"version\":1}", b"[1,2,3]"] {
        std::fs::write(&path, junk).unwrap();
        assert!(cache::read(&path).is_none());
        let catalog = catalog::load_or_fetch(&c, Some(dir.path()), now)
            .await
            .unwrap();
        assert!(catalog.text.iter().any(|m| m.id == "openai/gpt-4o"));
        assert_eq!(cache::read(&path).unwrap().catalog, catalog);
    }
    // Corrupt and no server: an error, not a panic.
    std::fs::write(&path, b"{not json").unwrap();
    let dead = dead_client().await;
    let path = cache_path(dir.path(), &dead);
    std::fs::write(&path, b"{not json").unwrap();
    assert!(
        catalog::load_or_fetch(&dead, Some(dir.path()), now)
            .await
            .is_err()
    );
}

#[tokio::test]
async fn a_cache_of_another_server_on_the_same_host_is_not_used() {
    let server = fake().await;
    let c = client(&server.url());
    let dir = tempfile::tempdir().unwrap();
    let now = SystemTime::now();
    let path = cache_path(dir.path(), &c);
    cache::write(
        &path,
        &one_model("other/model"),
        "http://127.0.0.1:1/api/v1",
        now,
    )
    .unwrap();
    let catalog = catalog::load_or_fetch(&c, Some(dir.path()), now)
        .await
        .unwrap();
    assert!(catalog.text.iter().any(|m| m.id == "openai/gpt-4o"));
}

#[test]
fn cache_dir_follows_xdg() {
    let env = |k: &str| match k {
        "XDG_CACHE_HOME" => Some("/x".to_string()),
        "HOME" => Some("/h".to_string()),
        _ => None,
    };
    assert_eq!(catalog::cache_dir(env), Some("/x/orws".into()));
    let env = |k: &str| (k == "HOME").then(|| "/h".to_string());
    assert_eq!(catalog::cache_dir(env), Some("/h/.cache/orws".into()));
    assert_eq!(catalog::cache_dir(|_| None), None);
}

/// The fake's text catalog, fetched once per test.
async fn text_models() -> Vec<ModelSummary> {
    let server = fake().await;
    catalog::fetch(&client(&server.url())).await.unwrap().text
}

#[tokio::test]
async fn a_provider_prefix_lists_that_providers_models() {
    let models = text_models().await;
    let found = ids(&suggest(&models, "anthropic/", 10));
    assert!(found.len() >= 4, "{found:?}");
    assert!(
        found.iter().all(|id| id.starts_with("anthropic/")),
        "{found:?}"
    );
    // Shortest first, ties alphabetical: opus-4.1 and sonnet-4 are both 25 characters.
    assert_eq!(found[0], "anthropic/claude-opus-4.1");
    assert_eq!(found[1], "anthropic/claude-sonnet-4");
    // The limit holds.
    assert_eq!(suggest(&models, "anthropic/", 2).len(), 2);
}

#[tokio::test]
async fn fuzzy_finds_an_id_typed_without_punctuation() {
    let models = text_models().await;
    let found = ids(&suggest(&models, "gpt4o", 5));
    assert_eq!(
        found.first().map(String::as_str),
        Some("openai/gpt-4o"),
        "{found:?}"
    );
    assert!(
        found.contains(&"openai/gpt-4o-mini".to_string()),
        "{found:?}"
    );
    // Spaces are ignored by the fuzzy match, and case never matters.
    let found = ids(&suggest(&models, "GPT 4O", 5));
    assert_eq!(
        found.first().map(String::as_str),
        Some("openai/gpt-4o"),
        "{found:?}"
    );
}

#[tokio::test]
async fn a_word_of_the_id_finds_every_model_with_it() {
    let models = text_models().await;
    let found = ids(&suggest(&models, "sonnet", 10));
    assert_eq!(
        found,
        [
            "anthropic/claude-sonnet-4",
            "anthropic/claude-sonnet-4.5",
            "anthropic/claude-3.7-sonnet",
        ]
    );
}

#[tokio::test]
async fn the_exact_id_comes_first() {
    let models = text_models().await;
    let found = ids(&suggest(&models, "openai/gpt-4o", 5));
    assert_eq!(found[0], "openai/gpt-4o");
    assert_eq!(found[1], "openai/gpt-4o-mini");
    // Exact beats a shorter prefix match too.
    let found = ids(&suggest(&models, "openai/gpt-5", 5));
    assert_eq!(found[0], "openai/gpt-5");
    let found = ids(&suggest(&models, "x-ai/grok-4", 5));
    assert_eq!(found, ["x-ai/grok-4"]);
}

#[tokio::test]
async fn the_name_is_searched_after_the_id() {
    let models = text_models().await;
    // "DeepSeek V3" is only in a name.
    let found = ids(&suggest(&models, "v3", 5));
    assert!(
        found.contains(&"deepseek/deepseek-chat".to_string()),
        "{found:?}"
    );
    // An id match outranks a name match: "mistral" is in every Mistral id.
    let found = ids(&suggest(&models, "mistral", 10));
    assert!(
        found.iter().take(4).all(|id| id.starts_with("mistralai/")),
        "{found:?}"
    );
}

#[tokio::test]
async fn prefix_beats_substring_beats_fuzzy() {
    let models = text_models().await;
    let found = ids(&suggest(&models, "google/gemini-2.5-flash", 10));
    let flashes = [
        "google/gemini-2.5-flash",
        "google/gemini-2.5-flash-lite",
        // It outputs text too, so it is in the text list.
        "google/gemini-2.5-flash-image",
    ];
    assert_eq!(found, flashes);
    // "flash" is a substring at the same place in all three; the shorter id first.
    let found = ids(&suggest(&models, "flash", 10));
    assert_eq!(found, flashes);
    let found = ids(&suggest(&models, "gemma", 10));
    assert_eq!(found[0], "google/gemma-3-27b-it");
}

#[tokio::test]
async fn an_empty_query_lists_the_catalog_in_order() {
    let models = text_models().await;
    let first: Vec<String> = models.iter().take(5).map(|m| m.id.clone()).collect();
    assert_eq!(ids(&suggest(&models, "", 5)), first);
    assert_eq!(ids(&suggest(&models, "   ", 5)), first);
    assert!(suggest(&models, "nobody/nothing", 10).is_empty());
}

#[tokio::test]
async fn knows_says_whether_the_catalog_lists_an_id() {
    let models = text_models().await;
    assert!(knows(&models, "openai/gpt-4o"));
    assert!(knows(&models, "anthropic/claude-sonnet-4.5"));
    assert!(knows(&models, "openai/gpt-4o:nitro"));
    assert!(!knows(&models, "nobody/nothing"));
    assert!(!knows(&models, "openai/gpt-4"));
    assert!(!knows(&models, ""));
}

/// One 60,000-character id (a hostile or broken server) froze every keystroke for seconds and
/// was cached for a day: it is dropped on the way in, from the cache as from the server.
#[test]
fn an_absurdly_long_id_or_name_is_dropped_from_the_catalog() {
    let huge = "a".repeat(60_000);
    let model = |id: &str, name: &str| ModelSummary {
        id: id.into(),
        name: name.into(),
    };
    let kept = catalog::bounded(vec![
        model("openai/gpt-4o", "GPT-4o"),
        model(&huge, "huge id"),
        model("x/long-name", &huge),
        model(&"b".repeat(catalog::MAX_ID_CHARS), "at the limit"),
    ]);
    assert_eq!(kept.len(), 2, "only the two within bounds stay");
    assert_eq!(kept[0].id, "openai/gpt-4o");

    let many: Vec<ModelSummary> = (0..catalog::MAX_MODELS + 10)
        .map(|i| model(&format!("p/m{i}"), "m"))
        .collect();
    assert_eq!(catalog::bounded(many).len(), catalog::MAX_MODELS);

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("models-h.json");
    let written = Catalog {
        text: vec![model("openai/gpt-4o", "GPT-4o"), model(&huge, "huge")],
        image: vec![],
    };
    cache::write(&path, &written, "http://h/api/v1", SystemTime::now()).unwrap();
    let read = cache::read(&path).unwrap().catalog;
    assert_eq!(
        ids(&read.text.iter().collect::<Vec<_>>()),
        ["openai/gpt-4o"]
    );
}

/// A catalog built without the bounds still costs the matcher nothing for the huge entry: it
/// is skipped, not scanned (the old quadratic fuzzy match took 15-20 s on it).
#[test]
fn the_matcher_skips_an_unbounded_entry() {
    let huge = "ab".repeat(30_000);
    let models = vec![
        ModelSummary {
            id: huge,
            name: "huge".into(),
        },
        ModelSummary {
            id: "a/b".into(),
            name: "ab".into(),
        },
    ];
    let found = suggest(&models, "ab", 10);
    assert_eq!(ids(&found), ["a/b"]);
    // A pasted essay as the query is cut to the longest id there can be.
    assert!(suggest(&models, &"ab".repeat(30_000), 10).is_empty());
}

/// The cache holds what the person's key can see: 0600 in a 0700 directory, whatever the umask.
#[cfg(unix)]
#[test]
fn the_cache_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("orws");
    std::fs::create_dir(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = dir.join("models-h.json");
    cache::write(
        &path,
        &one_model("a/b"),
        "http://h/api/v1",
        SystemTime::now(),
    )
    .unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600);
    assert_eq!(mode(&dir), 0o700);
}
