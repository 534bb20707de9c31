//! `orws spend` of the real binary against the fake with a fixed clock (product.md §14, §15
//! "Spend"): the completed UTC days only, each `--by`, JSON and CSV columns, the credits left,
//! and `--days` outside 1–30 refused before any request.

use crate::support::cli_bin::*;
use crate::support::common::assert_has;
use orws::fake::FakeConfig;
use serde_json::Value;

fn fake_on_dec_9() -> orws::fake::FakeServer {
    fake_with(FakeConfig {
        now: Some(orws::fake::parse_now("2026-12-09T15:00:00Z").unwrap()),
        ..FakeConfig::default()
    })
}

#[test]
fn spend_by_day_covers_the_completed_days_and_says_the_credits_left() {
    let server = fake_on_dec_9();
    let r = at(&server, &["spend", "production", "--days", "5"]);
    assert_eq!(r.code, 0, "{r:?}");
    let dates: Vec<&str> = r
        .stdout
        .lines()
        .filter(|l| l.contains("production"))
        .map(|l| l.split_whitespace().next().unwrap())
        .collect();
    // Through yesterday: today (the 9th) is not complete.
    assert_eq!(
        dates,
        [
            "2026-12-04",
            "2026-12-05",
            "2026-12-06",
            "2026-12-07",
            "2026-12-08"
        ]
    );
    assert_has(&r.stdout, "over the 5 completed UTC day(s) to 2026-12-08");
    assert_has(&r.stdout, "credits left $");

    // JSON: the same days as numbers, adding up to the table's total.
    let r = at(
        &server,
        &["--output", "json", "spend", "production", "--days", "5"],
    );
    let v: Value = serde_json::from_str(&r.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0]["slug"], "production");
    assert!(rows.iter().all(|r| r["usd"].is_f64()));
}

#[test]
fn by_model_by_key_and_csv_keep_their_columns() {
    let server = fake_on_dec_9();
    let r = at(&server, &["spend", "--by", "model", "--days", "7"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_has(&r.stdout, "MODEL");
    assert_has(&r.stdout, "openai/");
    let r = at(
        &server,
        &["spend", "staging", "--by", "key", "--output", "csv"],
    );
    assert_eq!(r.code, 0, "{r:?}");
    let mut lines = r.stdout.lines();
    assert_eq!(lines.next(), Some("workspace_id,slug,key,usd"));
    assert!(
        lines.next().is_some_and(|l| l.contains(",staging,")),
        "{}",
        r.stdout
    );
}

#[test]
fn days_outside_the_apis_thirty_are_refused_before_any_request() {
    let server = fake_on_dec_9();
    for days in ["0", "31"] {
        let r = at(&server, &["spend", "--days", days]);
        assert_eq!(r.code, 2, "{r:?}");
        assert_has(&r.stderr, "--days must be 1 to 30");
    }
}
