//! The one identity check (product.md §6): whether an answer is about the workspace that was
//! asked for. Used by both front ends and the write pipeline.

use super::Workspace;

/// 8-4-4-4-12 hex digits: what OpenRouter's workspace ids look like.
pub fn is_uuid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether `answer` is the workspace `asked` names: a uuid-shaped argument matches only the id
/// (a slug may look like any uuid, so another workspace could carry it); anything else matches
/// the id exactly or the slug in any case (slugs are lower-case by rule, so no two differ by
/// case alone).
pub fn answers(asked: &str, answer: &Workspace) -> bool {
    if is_uuid(asked) {
        answer.id().eq_ignore_ascii_case(asked)
    } else {
        answer.id() == asked || answer.slug().eq_ignore_ascii_case(asked)
    }
}

/// The answer is about another workspace than the one asked for, as one line.
pub fn wrong_answer(asked: &str, answer: &Workspace) -> String {
    format!(
        "the server answered with another workspace, {} ('{}'), when asked for '{}'",
        crate::text::escape(answer.id()),
        crate::text::escape(answer.slug()),
        crate::text::escape(asked)
    )
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
        assert!(answers(A, &ws(A, "prod")));
        assert!(answers(&A.to_uppercase(), &ws(A, "prod")));
        assert!(
            !answers(A, &ws(B, A)),
            "a slug that looks like the uuid asked is another"
        );
        assert!(answers("prod", &ws(B, "prod")));
        assert!(!answers("prod", &ws(B, "other")));
        assert!(answers("Prod", &ws(B, "prod")));
    }
}
