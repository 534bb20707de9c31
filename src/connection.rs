//! The connection both front ends start from: the client, and under `--demo` the in-process
//! fake it talks to and a temporary directory for the demo's drafts, history and catalog.

use crate::api::{ApiKey, Client, ClientConfig, RetryHook};
use crate::error::RunError;
use crate::fake::{FakeConfig, FakeServer};
use crate::settings::Settings;
use std::path::{Path, PathBuf};

/// A client ready to talk, and where this run keeps its state and cache.
pub struct Connection {
    pub client: Client,
    /// Kept alive as long as the client is used.
    pub demo_server: Option<FakeServer>,
    /// Drafts and history: the person's state directory, or under `--demo` the demo's own.
    pub state_dir: Option<PathBuf>,
    /// The model catalog's cache, likewise.
    pub cache_dir: Option<PathBuf>,
    /// The demo's temporary directory, removed when the connection is dropped.
    _demo_dir: Option<DemoDir>,
}

/// The demo's temporary directory and the lock that says its process still runs (a kill -9
/// cannot remove the directory, but the lock goes with the process).
struct DemoDir {
    // Dropped in this order: the lock file goes with the directory.
    dir: tempfile::TempDir,
    _lock: std::fs::File,
}

impl Drop for DemoDir {
    /// On the way out, not on the way to the first form: the demo dirs of demos killed
    /// earlier go too (ours stays locked until its fields drop, after this).
    fn drop(&mut self) {
        if let Some(tmp) = self.dir.path().parent() {
            remove_stale_demo_dirs(tmp);
        }
    }
}

/// The prefix of the demo's temporary directories, and the lock file that marks one as orws's.
const DEMO_PREFIX: &str = "orws-demo-";
const DEMO_LOCK: &str = ".orws-demo.lock";

/// Builds the client; under `--demo`, starts the fake first and makes a private temporary
/// directory, so the demo never writes into the person's real state. Must run inside a
/// tokio runtime.
pub async fn connect(
    settings: &Settings,
    on_retry: Option<RetryHook>,
) -> Result<Connection, RunError> {
    let (base_url, key, demo_server) = if settings.demo {
        let config = FakeConfig {
            extra_workspaces: crate::fake::generate::demo_count_from_env()
                .map_err(RunError::usage)?,
            ..FakeConfig::default()
        };
        let server = crate::fake::start(config)
            .await
            .map_err(|e| RunError::api(format!("cannot start the demo server: {e}")))?;
        crate::startup::mark("demo_fake");
        (server.url(), ApiKey::new("orws-demo"), Some(server))
    } else {
        if let Some(problem) = &settings.key_error {
            return Err(RunError::usage(problem.clone()));
        }
        let from_cmd = match (&settings.key_cmd, &settings.profile) {
            (Some(cmd), Some(p)) => Some(crate::settings::profile::run_key_command(cmd, &p.name)?),
            _ => None,
        };
        let key = from_cmd.or_else(|| settings.key.clone()).ok_or_else(|| {
            RunError::usage(
                "no API key: set OPENROUTER_API_KEY to a management key, or pass --api-key-file PATH \
                 (or try orws --demo, which needs no key)",
            )
        })?;
        (settings.base_url.clone(), key, None)
    };
    let mut config = ClientConfig::new(base_url, key);
    config.timeout = settings.timeout;
    // The hard guarantee: whatever a front end does, nothing but a GET leaves.
    config.read_only = settings.read_only_from();
    config.state_key = settings.profile.as_ref().map(|p| p.state_key());
    let mut client = Client::new(config)?;
    crate::startup::mark("client");
    if let Some(hook) = on_retry {
        client = client.with_retry_hook(hook);
    }
    let demo_dir = if settings.demo {
        Some(demo_dir()?)
    } else {
        None
    };
    let (state_dir, cache_dir) = match &demo_dir {
        // The state in the demo dir itself: a directory less to make on the way to the form.
        Some(d) => (
            Some(d.dir.path().to_path_buf()),
            Some(d.dir.path().join("cache")),
        ),
        None => (
            settings.paths.state_dir.clone(),
            settings.paths.cache_dir.clone(),
        ),
    };
    Ok(Connection {
        client,
        demo_server,
        state_dir,
        cache_dir,
        _demo_dir: demo_dir,
    })
}

/// A private temporary directory for the demo's state, locked for as long as this process
/// runs; the ones left by demos killed earlier are removed when it ends.
fn demo_dir() -> Result<DemoDir, RunError> {
    let tmp = std::env::temp_dir();
    let dir = tempfile::Builder::new()
        .prefix(DEMO_PREFIX)
        .tempdir_in(&tmp)
        .map_err(|e| RunError::State(format!("cannot create the demo's temp dir: {e}")))?;
    let fail = |e: std::io::Error| RunError::State(format!("cannot use the demo's temp dir: {e}"));
    crate::state::private_dir(dir.path()).map_err(fail)?;
    // Locked before it has its name, so no other demo ever sees it unlocked.
    let lock = tempfile::Builder::new()
        .prefix(".lock.")
        .tempfile_in(dir.path())
        .map_err(fail)?;
    lock.as_file()
        .try_lock()
        .map_err(|e| fail(std::io::Error::other(e)))?;
    let lock = lock
        .persist(dir.path().join(DEMO_LOCK))
        .map_err(|e| fail(e.error))?;
    Ok(DemoDir { dir, _lock: lock })
}

/// Removes the demo directories under `tmp` whose process is gone (killed before it could
/// clean up): only directories named `orws-demo-*`, owned by this user, not symlinks, and
/// holding orws's lock file that nobody holds. Returns how many went.
pub fn remove_stale_demo_dirs(tmp: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.filter_map(Result::ok) {
        // The name first: a temp dir holds hundreds of entries, and only ours are stat'ed.
        let named = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(DEMO_PREFIX));
        if !named {
            continue;
        }
        let path = entry.path();
        // symlink_metadata: a symlink named like a demo dir is never followed.
        let ours = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir() && owned_by_us(&m));
        if !ours {
            continue;
        }
        let Ok(lock) = std::fs::File::open(path.join(DEMO_LOCK)) else {
            continue;
        };
        // Free: the demo that held it is gone. Held: it still runs.
        if lock.try_lock().is_ok() && std::fs::remove_dir_all(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(unix)]
fn owned_by_us(meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    // SAFETY: geteuid has no preconditions and cannot fail.
    meta.uid() == unsafe { libc::geteuid() }
}

#[cfg(not(unix))]
fn owned_by_us(_: &std::fs::Metadata) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_like(tmp: &Path, name: &str, lock: bool) -> PathBuf {
        let dir = tmp.join(name);
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join("state"), "x").unwrap();
        if lock {
            std::fs::write(dir.join(DEMO_LOCK), "").unwrap();
        }
        dir
    }

    #[test]
    fn only_our_unlocked_demo_dirs_are_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let dead = demo_like(tmp.path(), "orws-demo-dead", true);
        let live = demo_like(tmp.path(), "orws-demo-live", true);
        let held = std::fs::File::open(live.join(DEMO_LOCK)).unwrap();
        held.try_lock().unwrap();
        let unmarked = demo_like(tmp.path(), "orws-demo-nomark", false);
        let other = demo_like(tmp.path(), "other-dead", true);
        #[cfg(unix)]
        std::os::unix::fs::symlink(&dead, tmp.path().join("orws-demo-link")).unwrap();

        assert_eq!(remove_stale_demo_dirs(tmp.path()), 1);
        assert!(!dead.exists(), "a dead demo's dir is removed");
        assert!(live.exists() && unmarked.exists() && other.exists());
        drop(held);
        assert_eq!(remove_stale_demo_dirs(tmp.path()), 1);
        assert!(!live.exists(), "once its process is gone, it goes too");
    }

    #[test]
    fn a_demo_dir_is_locked_while_it_lives() {
        let demo = demo_dir().unwrap();
        let path = demo.dir.path().to_path_buf();
        // Other stale demo dirs in the real temp dir may go too; this one must stay.
        remove_stale_demo_dirs(path.parent().unwrap());
        assert!(path.exists(), "a running demo's dir stays");
        drop(demo);
        assert!(!path.exists());
    }
}
