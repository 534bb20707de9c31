//! Whether an answer is about the workspace that was asked for (issue 9.1).

use crate::error::RunError;
use crate::workspace::Workspace;

/// The answer must be about `asked` ([`crate::workspace::identity::answers`]).
pub fn check_answer(asked: &str, loaded: &Workspace) -> Result<(), RunError> {
    if crate::workspace::identity::answers(asked, loaded) {
        return Ok(());
    }
    Err(RunError::api(format!(
        "{}; refused it, nothing was sent",
        crate::workspace::identity::wrong_answer(asked, loaded)
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
        assert!(check_answer(A, &ws(A, "prod")).is_ok());
        assert!(check_answer(A, &ws(B, A)).is_err());
        assert!(check_answer("prod", &ws(B, "prod")).is_ok());
        assert!(check_answer("prod", &ws(B, "other")).is_err());
    }
}
