//! A workspace's delete as a write target: gone → applied; still as reviewed → not applied;
//! changed since the review → someone else wrote meanwhile, a conflict (nothing more sent).

use super::Settled;
use crate::workspace::Workspace;

/// `now`: the workspace as the server holds it (`None`: it is gone).
pub fn settle_delete(base: &Workspace, now: Option<&Workspace>) -> Settled<String> {
    let Some(now) = now else {
        return Settled::Applied;
    };
    let changed: Vec<&str> = base
        .fields()
        .iter()
        .filter(|(k, v)| now.get(k) != Some(*v))
        .map(|(k, _)| k.as_str())
        .collect();
    if changed.is_empty() {
        Settled::NotApplied
    } else {
        Settled::Conflict(format!(
            "workspace {} changed on the server since it was reviewed ({}): it is not deleted unseen",
            now.slug(),
            changed.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_delete_is_applied_not_applied_or_a_conflict() {
        let ws = |name: &str| {
            Workspace::from_json(json!({"id": "u", "slug": "s", "name": name, "updated_at": "t"}))
                .unwrap()
        };
        let base = ws("Sandbox");
        assert_eq!(settle_delete(&base, None), Settled::Applied);
        assert_eq!(settle_delete(&base, Some(&base)), Settled::NotApplied);
        let Settled::Conflict(why) = settle_delete(&base, Some(&ws("Sandbox renamed"))) else {
            panic!()
        };
        assert!(why.contains("name"), "{why}");
    }
}
