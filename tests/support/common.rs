//! Fixtures shared by the integration tests.

use orws::workspace::Workspace;
use serde_json::{Value, json};

/// OpenRouter's own example workspace (the spec's `Workspace.example`), as the fake's seed
/// holds it.
pub fn production() -> Workspace {
    Workspace::from_json(production_json()).expect("the example is a workspace")
}

/// [`production`] as JSON, as the fake sends it.
pub fn production_json() -> Value {
    json!({
        "id": "550e8400-e29b-41d4-a716-446655440000",
        "name": "Production",
        "slug": "production",
        "description": "Production environment workspace",
        "default_text_model": "openai/gpt-4o",
        "default_image_model": "openai/dall-e-3",
        "default_provider_sort": "price",
        "io_logging_sampling_rate": 1,
        "io_logging_api_key_ids": null,
        "is_data_discount_logging_enabled": true,
        "is_observability_broadcast_enabled": false,
        "is_observability_io_logging_enabled": false,
        "default_guardrail_id": "595d5849-7e86-51fd-a7c0-705c34e4afff",
        "include_byok_in_budgets": false,
        "created_at": "2025-08-24T10:30:00Z",
        "created_by": "user_abc123",
        "updated_at": "2025-08-24T15:45:00Z"
    })
}

/// Nothing a terminal would act on: no C0 but line ends, no DEL, C1 or bidi controls.
#[track_caller]
pub fn assert_terminal_safe(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| *c != '\n' && orws::text::is_unsafe(*c))
        .collect();
    assert!(bad.is_empty(), "raw control characters {bad:?} in {text:?}");
}

/// `text` holds `needle`; a failure shows both.
#[track_caller]
pub fn assert_has(text: &str, needle: &str) {
    assert!(text.contains(needle), "{needle:?} is missing from:\n{text}");
}

/// `text` does not hold `needle`; a failure shows both.
#[track_caller]
pub fn assert_lacks(text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "{needle:?} should not be in:\n{text}"
    );
}

/// [`assert_has`] for one case of a table (or one step): a failure names it first.
#[track_caller]
pub fn assert_has_for(case: impl std::fmt::Display, text: &str, needle: &str) {
    assert!(
        text.contains(needle),
        "{case}: {needle:?} is missing from:\n{text}"
    );
}

/// [`assert_lacks`] for one case of a table (or one step): a failure names it first.
#[track_caller]
pub fn assert_lacks_for(case: impl std::fmt::Display, text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "{case}: {needle:?} should not be in:\n{text}"
    );
}
