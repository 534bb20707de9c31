//! Whether an answer is about the workspace that was asked for (issue 9.1).

use crate::error::RunError;
use crate::text::escape;
use crate::workspace::Workspace;

/// 8-4-4-4-12 hex digits: what OpenRouter's workspace ids look like.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The answer must be about `asked`: a uuid-shaped argument matches only the id (a slug may
/// be any uuid, so another workspace could carry it); anything else matches the slug or id.
pub fn check_answer(asked: &str, loaded: &Workspace) -> Result<(), RunError> {
    let matches = if is_uuid(asked) {
        loaded.id().eq_ignore_ascii_case(asked)
    } else {
        loaded.id() == asked || loaded.slug() == asked
    };
    if matches {
        return Ok(());
    }
    Err(RunError::api(format!(
        "the server answered with workspace {} ('{}') when asked for '{}'; refused it, nothing was sent",
        escape(loaded.id()),
        escape(loaded.slug()),
        escape(asked)
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const A: &str = "550e8400-e29b-41d4-a716-446655440000";
    const B: &str = "99999999-9999-4999-8999-999999999999";

    fn ws(id: &str, slug: &str) -> Workspace {
        Workspace::from_json(json!({"id": id, "slug": slug, "name": "N"})).unwrap()
    }

    #[test]
    fn a_uuid_matches_only_the_id_a_slug_matches_the_slug() {
        assert!(is_uuid(A) && !is_uuid("prod") && !is_uuid("550e8400-e29b-41d4-a716-44665544000g"));
        assert!(check_answer(A, &ws(A, "prod")).is_ok());
        assert!(check_answer(A, &ws(B, A)).is_err());
        assert!(check_answer("prod", &ws(B, "prod")).is_ok());
        assert!(check_answer("prod", &ws(B, "other")).is_err());
    }
}
