//! Issue 18 item 9, the CLI side: one review language. `orws history` names workspaces by name
//! and slug and keys by name and label (it printed uuids and hashes); the budgets table writes
//! no limit as `∅` and the BYOK switch as on/off (it printed `-` and `false`).

use crate::support::cli_bin;
use crate::support::common::assert_has;

use cli_bin::{fake, orws_at};
use std::path::Path;

const BATCH_JOBS: &str = "421ac279e9a67e5930197d3ce8538c393e7c6a5aa0e3fe5103afc0341ec7c68b";

fn run(home: &Path, url: &str, args: &[&str]) -> (i32, String, String) {
    let out = orws_at(home, url, args);
    (out.code, out.stdout, out.stderr)
}

#[test]
fn history_names_workspaces_and_keys_and_budgets_say_empty_set_for_none() {
    let server = fake();
    let url = server.url();
    let home = tempfile::tempdir().unwrap();
    let (code, _, err) = run(home.path(), &url, &["keys", "disable", BATCH_JOBS]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(home.path(), &url, &["history"]);
    assert_eq!(code, 0, "{err}");
    assert_has(&out, "Production (production)");
    assert!(out.contains("disabled key Batch jobs (sk-or-v1-"), "{out}");
    assert!(
        !out.contains(&BATCH_JOBS[..12]),
        "no hash where the name is known: {out}"
    );
    let (code, out, err) = run(home.path(), &url, &["budgets", "get", "production"]);
    assert_eq!(code, 0, "{err}");
    let lifetime = out
        .lines()
        .find(|l| l.starts_with("lifetime"))
        .unwrap_or_default();
    assert!(lifetime.ends_with('∅'), "{out}");
    let byok = out
        .lines()
        .find(|l| l.starts_with("include BYOK"))
        .unwrap_or_default();
    assert!(byok.ends_with("off"), "{out}");
}
