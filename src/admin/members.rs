//! Workspace members (R6, R7): the rows a list shows, joined with the organisation's members,
//! and the checks made before a removal.

use super::keys::Key;
use serde::{Deserialize, Serialize};

/// One member from `GET /workspaces/{id}/members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub id: String,
    pub workspace_id: String,
    pub user_id: String,
    /// `admin` or `member`.
    pub role: String,
    pub created_at: String,
}

/// One member of the organisation, from `GET /organization/members`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrgMember {
    pub id: String,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    pub email: String,
    /// `org:admin` or `org:member`.
    pub role: String,
}

impl OrgMember {
    /// "Jane Doe", or the email when no name is known.
    pub fn display_name(&self) -> String {
        let name = [self.first_name.as_deref(), self.last_name.as_deref()]
            .into_iter()
            .flatten()
            .filter(|s| !s.trim().is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if name.is_empty() {
            self.email.clone()
        } else {
            name
        }
    }
}

/// A member as a list shows it: the membership and, when the organisation knows the user, who.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub member: Member,
    pub who: Option<OrgMember>,
}

/// Joins the members with the organisation's members by user id.
pub fn join(members: Vec<Member>, org: &[OrgMember]) -> Vec<MemberRow> {
    members
        .into_iter()
        .map(|member| {
            let who = org.iter().find(|o| o.id == member.user_id).cloned();
            MemberRow { member, who }
        })
        .collect()
}

/// R6: the keys each of `user_ids` created in this workspace; a user with any cannot be
/// removed. A disabled or expired key counts as active (product.md §15: nothing says the
/// server treats it otherwise). Only users with keys are returned, in the order given.
pub fn keys_blocking_removal<'a>(
    user_ids: &[String],
    workspace_keys: &'a [Key],
) -> Vec<(String, Vec<&'a Key>)> {
    user_ids
        .iter()
        .filter_map(|u| {
            let keys: Vec<&Key> = workspace_keys
                .iter()
                .filter(|k| k.creator_user_id.as_deref() == Some(u.as_str()))
                .collect();
            (!keys.is_empty()).then(|| (u.clone(), keys))
        })
        .collect()
}

/// R6, said before a removal the keys tell will be refused.
pub const REMOVE_NEEDS_NO_KEYS: &str = "A member with active API keys in this workspace cannot be removed: delete the keys they created here first.";

/// R7, said when the server refuses a removal (SCIM has no field in the API) and before any
/// removal from the default workspace.
pub const SCIM_OR_DEFAULT: &str = "Members managed by SCIM cannot be removed here: change them in your identity provider. Every member of the organisation keeps access to the default workspace while they remain in it.";

/// Undo of a removal re-adds the member; say that the role may not come back.
pub const READD_ROLE_NOTE: &str =
    "Re-adding a member gives them the default role; a former admin role does not come back.";

/// The explanation for a server's refusal to remove members: R7 (SCIM, or the default
/// workspace) or R6 (keys), from its message since the API has no field for either.
pub fn explain_removal_refusal(message: &str) -> Option<&'static str> {
    let m = message.to_ascii_lowercase();
    if m.contains("scim") || m.contains("identity provider") || m.contains("default workspace") {
        Some(SCIM_OR_DEFAULT)
    } else if m.contains("api key") {
        Some(REMOVE_NEEDS_NO_KEYS)
    } else {
        None
    }
}
