//! A created workspace's identity (product.md §6 "Identity, down to nested resources", §15
//! "Undo of a create"): a workspace answered to a create, or found by its slug after a create
//! whose answer was lost or refused as busy, is the one orws created only when it holds
//! everything the create sent and was created after the request started. Pure: no I/O.

use crate::workspace::{Workspace, field, values_equal};
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// What a front end says when the workspace holding the slug cannot be told to be its own.
pub const CANNOT_TELL: &str =
    "a workspace with this slug exists, but orws cannot tell that it created it";

/// The clock skew allowed between this machine and the server when comparing `created_at`
/// with the request's start.
pub const SKEW: time::Duration = time::Duration::seconds(2);

/// What a fresh create holds in a field it was not sent: the server's default (the fake fills
/// a create in with these). `None` for the fields the server makes itself (id, stamps, its
/// default guardrail, its creator) and for fields orws does not know.
pub fn create_default(name: &str) -> Option<Value> {
    match name {
        "description"
        | "default_text_model"
        | "default_image_model"
        | "default_provider_sort"
        | "io_logging_api_key_ids"
        | "disabled_server_tools" => Some(Value::Null),
        "io_logging_sampling_rate" => Some(Value::from(1)),
        "is_data_discount_logging_enabled"
        | "is_observability_broadcast_enabled"
        | "is_observability_io_logging_enabled"
        | "include_byok_in_budgets" => Some(Value::Bool(false)),
        _ => None,
    }
}

/// `created_at` as a time, when it is one.
pub fn created_at(ws: &Workspace) -> Option<OffsetDateTime> {
    ws.get("created_at")
        .and_then(Value::as_str)
        .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
}

/// Why `answer` is not (or cannot be told to be) the workspace created by the request that
/// sent `sent` and started at `started_at` (the local clock, read before the first try);
/// `None` when it is. Each field sent must be held, compared with the field's own equality;
/// each field not sent must hold a fresh create's default ([`create_default`]: a colleague's
/// workspace with the same name and slug but a description of its own is not ours); and
/// `created_at` must not be before `started_at` less [`SKEW`].
pub fn created_mismatch(
    sent: &Map<String, Value>,
    answer: &Workspace,
    started_at: OffsetDateTime,
) -> Option<String> {
    for (name, value) in sent {
        let same = match field(name) {
            Some(spec) => values_equal(spec, answer.get(name), Some(value)),
            None => answer.get(name) == Some(value),
        };
        if !same {
            return Some(format!(
                "it holds {name} = {}, not {value} as sent",
                answer.get(name).map_or("nothing".into(), Value::to_string)
            ));
        }
    }
    for (name, held) in answer.fields() {
        if sent.contains_key(name) {
            continue;
        }
        let Some(default) = create_default(name) else {
            continue;
        };
        let same = match field(name) {
            Some(spec) => values_equal(spec, Some(held), Some(&default)),
            None => *held == default,
        };
        if !same {
            return Some(format!(
                "it holds {name} = {held}, which this create did not send (a new workspace holds {default})"
            ));
        }
    }
    match (answer.get("created_at"), created_at(answer)) {
        (None, _) => Some("its answer has no created_at".into()),
        (Some(raw), None) => Some(format!("its created_at {raw} is not a time")),
        (Some(raw), Some(t)) if t < started_at - SKEW => Some(format!(
            "it was created at {}, before this request started",
            raw.as_str().unwrap_or_default()
        )),
        _ => None,
    }
}

/// Whether `answer` is the workspace this create made (see [`created_mismatch`]).
pub fn created_by_us(
    sent: &Map<String, Value>,
    answer: &Workspace,
    started_at: OffsetDateTime,
) -> bool {
    created_mismatch(sent, answer, started_at).is_none()
}

/// The line a front end says when a create cannot be claimed: the phrase, the workspace, why.
pub fn cannot_tell_text(answer: &Workspace, why: &str) -> String {
    format!(
        "{CANNOT_TELL} (workspace {}, '{}': {why}); nothing was recorded",
        answer.id(),
        crate::text::escape(answer.slug())
    )
}

/// Whether the workspace held now is still the one a create entry recorded: same id, slug and
/// `created_at` (product.md §15: an undo of a create deletes only that one). `Err` says what
/// differs.
pub fn still_the_created(
    now: &Workspace,
    id: &str,
    slug: &str,
    created_at: &str,
) -> Result<(), String> {
    let mut moved = Vec::new();
    if now.id() != id {
        moved.push(format!("its id is now {}", now.id()));
    }
    if now.slug() != slug {
        moved.push(format!("its slug is now '{}'", now.slug()));
    }
    let held = now.get("created_at").and_then(Value::as_str);
    let same_time = match (held, OffsetDateTime::parse(created_at, &Rfc3339).ok()) {
        (Some(h), Some(want)) => OffsetDateTime::parse(h, &Rfc3339).is_ok_and(|t| t == want),
        (Some(h), None) => h == created_at,
        (None, _) => false,
    };
    if !same_time {
        moved.push(format!(
            "its created_at is {}, not {created_at}",
            held.unwrap_or("absent")
        ));
    }
    if moved.is_empty() {
        Ok(())
    } else {
        Err(moved.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ws(v: Value) -> Workspace {
        Workspace::from_json(v).unwrap()
    }

    fn at(s: &str) -> OffsetDateTime {
        OffsetDateTime::parse(s, &Rfc3339).unwrap()
    }

    fn sent() -> Map<String, Value> {
        json!({"name": "Our Team", "slug": "team", "io_logging_sampling_rate": 0.5})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn a_fresh_workspace_holding_what_was_sent_is_ours() {
        let answer = ws(json!({"id": "a", "name": "Our Team", "slug": "team",
            "io_logging_sampling_rate": 0.50, "created_at": "2026-12-07T10:00:00.500Z"}));
        assert!(created_by_us(&sent(), &answer, at("2026-12-07T10:00:01Z")));
    }

    #[test]
    fn another_name_an_old_created_at_or_none_is_not_ours() {
        let start = at("2026-12-07T10:00:00Z");
        let colleague = ws(json!({"id": "a", "name": "Colleague Team", "slug": "team",
            "io_logging_sampling_rate": 0.5, "created_at": "2026-12-07T10:00:05Z"}));
        assert!(!created_by_us(&sent(), &colleague, start));
        let old = ws(json!({"id": "a", "name": "Our Team", "slug": "team",
            "io_logging_sampling_rate": 0.5, "created_at": "2025-08-24T10:30:00Z"}));
        let why = created_mismatch(&sent(), &old, start).unwrap();
        assert!(why.contains("before this request started"), "{why}");
        let none = ws(json!({"id": "a", "name": "Our Team", "slug": "team",
            "io_logging_sampling_rate": 0.5}));
        assert!(!created_by_us(&sent(), &none, start));
        let unset = ws(json!({"id": "a", "name": "Our Team", "slug": "team",
            "created_at": "2026-12-07T10:00:05Z"}));
        assert!(
            !created_by_us(&sent(), &unset, start),
            "a field sent is not held"
        );
    }

    #[test]
    fn a_field_not_sent_holding_more_than_a_fresh_default_is_not_ours() {
        let start = at("2026-12-07T10:00:00Z");
        let fresh = |extra: Value| {
            let mut v = json!({"id": "a", "name": "Our Team", "slug": "team",
                "io_logging_sampling_rate": 0.5, "created_at": "2026-12-07T10:00:05Z",
                "updated_at": "2026-12-07T10:00:05Z", "created_by": "user_x",
                "default_guardrail_id": "g", "description": null,
                "is_observability_broadcast_enabled": false, "disabled_server_tools": []});
            for (k, val) in extra.as_object().unwrap() {
                v[k] = val.clone();
            }
            ws(v)
        };
        assert!(created_by_us(&sent(), &fresh(json!({})), start));
        for extra in [
            json!({"description": "the colleague's"}),
            json!({"is_observability_broadcast_enabled": true}),
            json!({"default_text_model": "openai/gpt-4o"}),
            json!({"disabled_server_tools": ["openrouter:web_search"]}),
            json!({"include_byok_in_budgets": true}),
        ] {
            let why = created_mismatch(&sent(), &fresh(extra.clone()), start)
                .unwrap_or_else(|| panic!("claimed with {extra}"));
            assert!(why.contains("did not send"), "{why}");
        }
    }

    #[test]
    fn the_created_one_is_told_by_id_slug_and_created_at() {
        let now = ws(json!({"id": "a", "name": "x", "slug": "team",
            "created_at": "2026-12-07T10:00:00.000Z"}));
        assert!(still_the_created(&now, "a", "team", "2026-12-07T10:00:00Z").is_ok());
        assert!(still_the_created(&now, "b", "team", "2026-12-07T10:00:00Z").is_err());
        assert!(still_the_created(&now, "a", "other", "2026-12-07T10:00:00Z").is_err());
        let why = still_the_created(&now, "a", "team", "2026-12-07T10:00:01Z").unwrap_err();
        assert!(why.contains("created_at"), "{why}");
    }
}
