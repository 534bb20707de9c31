//! End to end, a bulk edit: the real binary against `orws serve-fake` in a pseudo terminal.
//! Two workspaces marked in the picker, one field changed in the bulk form, the Review of the
//! two patches, Enter, the result; what reached the server is read back from the fake.

use crate::support::pty_screen;

use pty_screen::{FakeProcess, Pty, Sandbox, WAIT, bulk_sort_to_exacto, has_row};
use reqwest::Method;
use serde_json::Value;

/// `default_provider_sort` of a workspace (by slug) as the fake holds it.
fn sort_of(fake: &FakeProcess, slug: &str) -> Value {
    let (status, body) = fake.request(Method::GET, &format!("/workspaces/{slug}"), None);
    assert_eq!(status, 200, "{body}");
    body.get("data").cloned().unwrap_or(body)["default_provider_sort"].clone()
}

#[test]
fn mark_two_change_a_field_review_submit_see_the_result() {
    let sb = Sandbox::new();
    let fake = FakeProcess::start(&sb);
    let mut cmd = sb.command(&["--base-url", &fake.url]);
    cmd.env("OPENROUTER_API_KEY", "test");
    let mut pty = Pty::spawn(cmd, 100, 30);
    pty.wait_until("the list", WAIT, |s| has_row(s, &["Staging", "staging"]));
    bulk_sort_to_exacto(&pty);
    // Frames can arrive in several reads: wait for the whole review, never assert mid-frame.
    pty.wait_until("the review of both patches", WAIT, |s| {
        s.contains("Apply to 2 workspaces")
            && has_row(s, &["Provider sort: throughput → exacto"])
            && has_row(s, &["Provider sort: latency → exacto"])
            && has_row(s, &["PATCH /workspaces/"])
            && has_row(s, &[r#""default_provider_sort": "exacto""#])
    });
    assert_eq!(
        sort_of(&fake, "staging"),
        "throughput",
        "nothing sent before Enter"
    );

    pty.enter();
    pty.wait_until("the result", WAIT, |s| {
        s.contains("2 applied · 0 conflicts · 0 failed")
            && has_row(s, &["✓ applied", "staging"])
            && has_row(s, &["✓ applied", "dev"])
    });
    assert_eq!(sort_of(&fake, "staging"), "exacto");
    assert_eq!(sort_of(&fake, "dev"), "exacto");

    pty.send("q");
    pty.wait_exit(WAIT);
}
