//! A key as a write target: found by its hash wherever it is now, and settled three ways on
//! the parts a write touches (its workspace, its disabled flag, its existence).

use super::{Holds, Settled};
use crate::admin::keys::{Key, KeyPatch};
use crate::api::{ApiError, Client};

/// Where a key is and how: the parts a key write touches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyState {
    pub workspace_id: String,
    pub disabled: bool,
}

impl From<&Key> for KeyState {
    fn from(k: &Key) -> Self {
        Self {
            workspace_id: k.workspace_id.clone(),
            disabled: k.disabled,
        }
    }
}

/// The key with this hash as the server holds it now, wherever it is (`None`: it does not
/// exist): one `GET /keys/{hash}`, never a scan of every workspace.
pub async fn key_now(client: &Client, hash: &str) -> Result<Option<Key>, ApiError> {
    client.get_key(hash).await
}

/// A PATCH of a key: what the server holds against the key as reviewed and what was sent.
pub fn settle_patch(base: &KeyState, patch: &KeyPatch, now: Option<&KeyState>) -> Settled<String> {
    let Some(now) = now else {
        return Settled::Conflict("the key no longer exists (deleted meanwhile)".into());
    };
    // Settled on the parts the request touches (product.md §15): a colleague's change to
    // another part is theirs to keep and does not stop this write. (Where the key is was
    // checked before the first try: it must be where the Review saw it.)
    let flag = |d: bool| d.to_string();
    let mut parts = Vec::new();
    if let Some(to) = &patch.workspace_id {
        parts.push((
            base.workspace_id.clone(),
            to.clone(),
            now.workspace_id.clone(),
        ));
    }
    if let Some(d) = patch.disabled {
        parts.push((flag(base.disabled), flag(d), flag(now.disabled)));
    }
    let holds = Holds::of(parts.iter().map(|(b, s, n)| (b, s, n)), |a, b| a == b);
    Settled::from_holds(holds, || changed_text(base, now))
}

/// A key edit (name, limit, reset, BYOK switch), settled on the fields it sends, each equal as
/// a value.
pub fn settle_edit(
    base: &Key,
    edit: &crate::admin::key_labels::KeyEdit,
    now: Option<&Key>,
) -> Settled<String> {
    use crate::admin::key_labels::{held, same};
    let Some(now) = now else {
        return Settled::Conflict("the key no longer exists (deleted meanwhile)".into());
    };
    let sent = edit.to_map();
    let (was, is) = (held(base, &sent), held(now, &sent));
    let parts: Vec<(&serde_json::Value, &serde_json::Value, &serde_json::Value)> =
        sent.iter().map(|(f, v)| (&was[f], v, &is[f])).collect();
    let holds = Holds::of(parts, same);
    Settled::from_holds(holds, || {
        let fields: Vec<String> = sent
            .keys()
            .filter(|f| !same(&is[*f], &sent[*f]) && !same(&is[*f], &was[*f]))
            .cloned()
            .collect();
        format!(
            "someone else changed the key's {} meanwhile",
            fields.join(", ")
        )
    })
}

/// A DELETE of a key.
pub fn settle_delete(base: &KeyState, now: Option<&KeyState>) -> Settled<String> {
    match now {
        None => Settled::Applied,
        Some(now) if now == base => Settled::NotApplied,
        Some(now) => Settled::Conflict(changed_text(base, now)),
    }
}

fn changed_text(base: &KeyState, now: &KeyState) -> String {
    let mut what = Vec::new();
    if now.workspace_id != base.workspace_id {
        what.push(format!(
            "it is now in workspace {} (moved meanwhile)",
            now.workspace_id
        ));
    }
    if now.disabled != base.disabled {
        what.push(format!(
            "it is now {} (changed meanwhile)",
            if now.disabled { "disabled" } else { "enabled" }
        ));
    }
    if what.is_empty() {
        "the key changed meanwhile".into()
    } else {
        format!("someone else changed the key: {}", what.join("; "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ws: &str, disabled: bool) -> KeyState {
        KeyState {
            workspace_id: ws.into(),
            disabled,
        }
    }

    fn moving(to: &str) -> KeyPatch {
        KeyPatch {
            workspace_id: Some(to.into()),
            disabled: None,
        }
    }

    #[test]
    fn a_move_is_applied_not_applied_or_a_conflict() {
        let base = at("prod", false);
        let p = moving("staging");
        assert_eq!(
            settle_patch(&base, &p, Some(&at("staging", false))),
            Settled::Applied
        );
        assert_eq!(
            settle_patch(&base, &p, Some(&at("prod", false))),
            Settled::NotApplied
        );
        // A colleague moved it to dev during the wait: never moved again.
        let Settled::Conflict(why) = settle_patch(&base, &p, Some(&at("dev", false))) else {
            panic!()
        };
        assert!(why.contains("dev"), "{why}");
        assert!(matches!(
            settle_patch(&base, &p, None),
            Settled::Conflict(_)
        ));
    }

    #[test]
    fn a_delete_of_a_key_moved_away_is_a_conflict_not_deleted() {
        let base = at("prod", false);
        assert_eq!(settle_delete(&base, None), Settled::Applied);
        assert_eq!(settle_delete(&base, Some(&base)), Settled::NotApplied);
        assert!(matches!(
            settle_delete(&base, Some(&at("dev", false))),
            Settled::Conflict(_)
        ));
        assert!(matches!(
            settle_delete(&base, Some(&at("prod", true))),
            Settled::Conflict(_)
        ));
    }

    #[test]
    fn a_key_write_is_settled_on_the_parts_it_touches() {
        let base = at("prod", false);
        let p = KeyPatch {
            workspace_id: None,
            disabled: Some(true),
        };
        assert_eq!(
            settle_patch(&base, &p, Some(&at("prod", true))),
            Settled::Applied
        );
        // Moved meanwhile: the move is the colleague's, the flag still the base: retried.
        assert_eq!(
            settle_patch(&base, &p, Some(&at("dev", false))),
            Settled::NotApplied
        );
        // A move settled while a colleague disabled the key: the move alone is judged.
        let m = moving("staging");
        assert_eq!(
            settle_patch(&base, &m, Some(&at("staging", true))),
            Settled::Applied
        );
        assert_eq!(
            settle_patch(&base, &m, Some(&at("prod", true))),
            Settled::NotApplied
        );
    }
}
