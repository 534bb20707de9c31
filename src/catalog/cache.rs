//! The catalog on disk: `<cache dir>/models-<host>.json`, good for a day, written atomically.

use super::Catalog;
use crate::api::ModelSummary;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How long a fetched catalog is used before it is fetched again.
pub const MAX_AGE: Duration = Duration::from_secs(24 * 60 * 60);

const VERSION: u32 = 1;

/// A catalog as it was read from the cache.
#[derive(Debug, Clone, PartialEq)]
pub struct Cached {
    pub catalog: Catalog,
    /// When it was fetched from the server.
    pub fetched_at: SystemTime,
    /// The base URL it was fetched from.
    pub base_url: String,
}

impl Cached {
    /// Fetched less than [`MAX_AGE`] before `now` (and not in the future).
    pub fn is_fresh(&self, now: SystemTime) -> bool {
        now.duration_since(self.fetched_at)
            .is_ok_and(|age| age < MAX_AGE)
    }
}

#[derive(Serialize, Deserialize)]
struct File {
    version: u32,
    base_url: String,
    /// Seconds since the Unix epoch.
    fetched_at: u64,
    text: Vec<Entry>,
    image: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    id: String,
    name: String,
}

/// The cache file for a host, under `dir`.
pub fn path(dir: &Path, host: &str) -> PathBuf {
    let host: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("models-{host}.json"))
}

/// The cached catalog; `None` when there is none, or it cannot be read (a corrupt cache is as
/// good as none: the next fetch overwrites it).
pub fn read(path: &Path) -> Option<Cached> {
    let bytes = std::fs::read(path).ok()?;
    let file: File = serde_json::from_slice(&bytes).ok()?;
    if file.version != VERSION {
        return None;
    }
    // A cache written before the bounds (or by hand) is bounded as it is read.
    let list = |entries: Vec<Entry>| {
        super::bounded(
            entries
                .into_iter()
                .map(|e| ModelSummary {
                    id: e.id,
                    name: e.name,
                })
                .collect(),
        )
    };
    Some(Cached {
        catalog: Catalog {
            text: list(file.text),
            image: list(file.image),
        },
        fetched_at: UNIX_EPOCH + Duration::from_secs(file.fetched_at),
        base_url: file.base_url,
    })
}

/// Writes the catalog so that a reader sees the old file or the new one, never half of one.
pub fn write(
    path: &Path,
    catalog: &Catalog,
    base_url: &str,
    fetched_at: SystemTime,
) -> std::io::Result<()> {
    let list = |models: &[ModelSummary]| {
        models
            .iter()
            .map(|m| Entry {
                id: m.id.clone(),
                name: m.name.clone(),
            })
            .collect()
    };
    let file = File {
        version: VERSION,
        base_url: base_url.to_string(),
        fetched_at: fetched_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        text: list(&catalog.text),
        image: list(&catalog.image),
    };
    let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
    if let Some(dir) = path.parent() {
        crate::state::private_dir(dir)?;
    }
    crate::state::write_atomically(path, &bytes)
}
