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

    /// The rule itself is tested in `workspace::identity`; here, that a mismatch is refused
    /// with a message naming both.
    #[test]
    fn a_wrong_answer_is_refused_naming_both() {
        let ws = Workspace::from_json(json!({"id": "b", "slug": "other", "name": "N"})).unwrap();
        let e = check_answer("prod", &ws).unwrap_err().to_string();
        assert!(e.contains("'prod'") && e.contains("other"), "{e}");
    }
}
