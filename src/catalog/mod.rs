//! The model catalog behind the suggestions of `default_text_model` and
//! `default_image_model`: fetched from GET /models and GET /models?output_modalities=image,
//! cached for a day under `$XDG_CACHE_HOME/orws/` (default `~/.cache/orws/`), and matched
//! against what the person types. Nothing here blocks or draws: the TUI runs
//! [`load_or_fetch`] in the background and calls [`suggest`] and [`knows`].

pub mod cache;
pub mod matching;

pub use matching::{knows, rank_indices, suggest};

use crate::api::{ApiError, Client, ModelSummary};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The longest model id (and name) kept from a catalog, in characters: real ids are under 100.
pub const MAX_ID_CHARS: usize = 200;
/// The same bound in bytes (4 per character at most), cheap to check per keystroke.
pub const MAX_ID_BYTES: usize = 4 * MAX_ID_CHARS;
/// The most models kept per list: the real catalog has a few hundred.
pub const MAX_MODELS: usize = 5_000;

/// Keeps what the matcher can afford: entries with an id or a name over [`MAX_ID_CHARS`] are
/// dropped (one 60,000-character id made each keystroke take seconds), then at most
/// [`MAX_MODELS`] of the rest.
pub fn bounded(models: Vec<ModelSummary>) -> Vec<ModelSummary> {
    let fits = |s: &str| s.len() <= MAX_ID_BYTES && s.chars().count() <= MAX_ID_CHARS;
    models
        .into_iter()
        .filter(|m| fits(&m.id) && fits(&m.name))
        .take(MAX_MODELS)
        .collect()
}

/// Both model lists.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    /// Models that output text (GET /models).
    pub text: Vec<ModelSummary>,
    /// Models that output images (GET /models?output_modalities=image).
    pub image: Vec<ModelSummary>,
}

impl Catalog {
    /// The list a model field suggests from.
    pub fn models(&self, image: bool) -> &[ModelSummary] {
        if image { &self.image } else { &self.text }
    }
}

/// Where a loaded catalog came from.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// The cache, fetched less than a day ago.
    FreshCache { fetched_at: SystemTime },
    /// The server, just now.
    Fetched,
    /// An old cache, because the server could not be asked.
    StaleCache {
        fetched_at: SystemTime,
        error: ApiError,
    },
}

/// The cache directory from an environment lookup: `$XDG_CACHE_HOME/orws`, else
/// `$HOME/.cache/orws`; `None` when neither is set.
pub fn cache_dir(env: impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    crate::settings::paths::xdg_dir(&env, "XDG_CACHE_HOME", ".cache").map(|d| d.join("orws"))
}

/// The catalog: from the cache when it is less than a day old, else from the server (then
/// cached), else from an old cache when the server fails. `cache_dir: None` means no cache.
/// An error only when the server fails and there is no cache at all.
pub async fn load_or_fetch(
    client: &Client,
    cache_dir: Option<&Path>,
    now: SystemTime,
) -> Result<Catalog, ApiError> {
    load_or_fetch_with_origin(client, cache_dir, now)
        .await
        .map(|(catalog, _)| catalog)
}

/// [`load_or_fetch`], also telling where the catalog came from (to warn about an old one).
pub async fn load_or_fetch_with_origin(
    client: &Client,
    cache_dir: Option<&Path>,
    now: SystemTime,
) -> Result<(Catalog, Origin), ApiError> {
    let path = cache_dir.map(|dir| cache::path(dir, client.state_key()));
    // A cache of another server on the same host (another port, another path) is not used.
    let cached = path
        .as_deref()
        .and_then(cache::read)
        .filter(|c| c.base_url == client.base_url());
    if let Some(c) = &cached
        && c.is_fresh(now)
    {
        let fetched_at = c.fetched_at;
        return Ok((c.catalog.clone(), Origin::FreshCache { fetched_at }));
    }
    match fetch(client).await {
        Ok(catalog) => {
            if let Some(path) = &path {
                // A cache that cannot be written only costs a fetch next time.
                let _ = cache::write(path, &catalog, client.base_url(), now);
            }
            Ok((catalog, Origin::Fetched))
        }
        Err(error) => match cached {
            Some(c) => Ok((
                c.catalog,
                Origin::StaleCache {
                    fetched_at: c.fetched_at,
                    error,
                },
            )),
            None => Err(error),
        },
    }
}

/// Both lists from the server, asked at the same time.
pub async fn fetch(client: &Client) -> Result<Catalog, ApiError> {
    let (text, image) = tokio::join!(client.models(false), client.models(true));
    Ok(Catalog {
        text: bounded(text?),
        image: bounded(image?),
    })
}
