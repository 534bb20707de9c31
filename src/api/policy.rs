//! What a key's effective policy is read from (product.md §15 "Effective policy"): its
//! workspace's default guardrail, the guardrail assigned to it, the one assigned to its creator
//! while a member, and the workspace budgets. The computation is `admin::policy` (pure).

use super::client::Client;
use super::error::ApiError;
use crate::admin::keys::Key;
use crate::admin::policy::{self, Inputs, Policy};
use crate::workspace::Workspace;
use serde_json::{Map, Value};

impl Client {
    /// The guardrail `holder` (a key's hash, or a member's user id) is assigned, if any.
    async fn assigned_to(
        &self,
        holder: &str,
        members: bool,
    ) -> Result<Option<Map<String, Value>>, ApiError> {
        let all = self.all_assignments(members).await?;
        match all.into_iter().find(|a| a.holder == holder) {
            Some(a) => Ok(Some(self.get_named_guardrail(&a.guardrail_id).await?)),
            None => Ok(None),
        }
    }

    /// `key`'s effective policy in `ws` (its workspace), computed by orws (R22–R24, R31).
    pub async fn key_policy(&self, key: &Key, ws: &Workspace) -> Result<Policy, ApiError> {
        let default = match ws.get("default_guardrail_id").and_then(Value::as_str) {
            Some(id) if !id.is_empty() => self.get_guardrail(id).await?,
            _ => None,
        };
        let assigned = self.assigned_to(&key.hash, false).await?;
        // The creator's guardrail counts only while the creator is a member of the workspace.
        let creator = match &key.creator_user_id {
            Some(user) => {
                let members = self.list_members(ws.id()).await?;
                if members.iter().any(|m| &m.user_id == user) {
                    self.assigned_to(user, true).await?
                } else {
                    None
                }
            }
            None => None,
        };
        let budgets = self.get_budgets(ws.id()).await.map_err(|e| e.to_string());
        Ok(policy::effective(&Inputs {
            key,
            default: default.as_ref(),
            assigned: assigned.as_ref(),
            creator: creator.as_ref(),
            budgets: budgets.as_ref().map_err(Clone::clone),
        }))
    }
}
