//! Named guardrails and their assignments (product.md §12): list, create, delete, the key and
//! member assignments of one guardrail and of the whole organisation. Writes are one try each
//! ([`WriteFailure`]); an answer about another guardrail is refused.

use super::admin::{data, deleted, failed, guardrail_answer, malformed, segment};
use super::client::{Client, WriteFailure};
use super::error::ApiError;
use reqwest::Method;
use serde_json::{Map, Value, json};

/// One assignment: the key's hash (or the member's user id) and the guardrail it holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignment {
    pub holder: String,
    pub guardrail_id: String,
    /// Who made it and when, as the server says (drift names them).
    pub assigned_by: Option<String>,
    pub created_at: Option<String>,
}

fn objects(items: Vec<Value>, what: &str) -> Result<Vec<Map<String, Value>>, ApiError> {
    items
        .into_iter()
        .map(|v| match v {
            Value::Object(m) => Ok(m),
            _ => Err(malformed(format!("{what}: an item is not an object"))),
        })
        .collect()
}

fn assignments(items: Vec<Value>, members: bool, what: &str) -> Result<Vec<Assignment>, ApiError> {
    let by = if members { "user_id" } else { "key_hash" };
    items
        .iter()
        .map(|a| {
            let s = |k: &str| a.get(k).and_then(Value::as_str).map(str::to_string);
            match (s(by), s("guardrail_id")) {
                (Some(holder), Some(guardrail_id)) => Ok(Assignment {
                    holder,
                    guardrail_id,
                    assigned_by: s("assigned_by"),
                    created_at: s("created_at"),
                }),
                _ => Err(malformed(format!(
                    "{what}: an assignment without {by} or guardrail_id"
                ))),
            }
        })
        .collect()
}

fn side(members: bool) -> &'static str {
    if members { "members" } else { "keys" }
}

impl Client {
    /// `GET /guardrails?workspace_id=` (all pages): the workspace's guardrails, the default and
    /// the named ones (and, for the default workspace, the account-wide ones).
    pub async fn list_guardrails(
        &self,
        workspace: &str,
    ) -> Result<Vec<Map<String, Value>>, ApiError> {
        // Empty: the default workspace's (R21).
        let base = match workspace {
            "" => "/guardrails".to_string(),
            w => format!("/guardrails?workspace_id={}", segment("a workspace", w)?),
        };
        let what = format!("guardrails of workspace '{workspace}'");
        let items = self.all_pages(&base, &what, "id").await?;
        objects(items, &what)
    }

    /// `GET /guardrails/assignments/keys` (or `/members`), all pages: every assignment of the
    /// organisation.
    pub async fn all_assignments(&self, members: bool) -> Result<Vec<Assignment>, ApiError> {
        let what = format!("guardrail {} assignments", side(members));
        let items = self
            .all_pages(
                &format!("/guardrails/assignments/{}", side(members)),
                &what,
                "id",
            )
            .await?;
        assignments(items, members, &what)
    }

    /// `GET /guardrails/{id}/assignments/keys` (or `/members`), all pages: the holders (key
    /// hashes or user ids) of one guardrail. An assignment naming another guardrail is refused.
    pub async fn guardrail_assignments(
        &self,
        id: &str,
        members: bool,
    ) -> Result<Vec<String>, ApiError> {
        let all = self.guardrail_assignment_list(id, members).await?;
        Ok(all.into_iter().map(|a| a.holder).collect())
    }

    /// [`Client::guardrail_assignments`] with who made each and when.
    pub async fn guardrail_assignment_list(
        &self,
        id: &str,
        members: bool,
    ) -> Result<Vec<Assignment>, ApiError> {
        let path = format!(
            "/guardrails/{}/assignments/{}",
            segment("a guardrail", id)?,
            side(members)
        );
        let what = format!("the {} assigned to guardrail '{id}'", side(members));
        let items = self.all_pages(&path, &what, "id").await?;
        let all = assignments(items, members, &what)?;
        if let Some(other) = all.iter().find(|a| a.guardrail_id != id) {
            return Err(malformed(format!(
                "{what}: an assignment names guardrail '{}'",
                other.guardrail_id
            )));
        }
        Ok(all)
    }

    /// `POST /guardrails` with a CreateGuardrailRequest body.
    pub async fn create_guardrail(
        &self,
        body: &Map<String, Value>,
    ) -> Result<Map<String, Value>, WriteFailure> {
        let what = "the guardrail created";
        let answer = self
            .write_once(
                Method::POST,
                "/guardrails",
                Some(Value::Object(body.clone())),
                what,
            )
            .await?;
        match data(answer, what).map_err(failed)? {
            Value::Object(g) => Ok(g),
            _ => Err(failed(malformed(format!(
                "{what}: `data` is not an object"
            )))),
        }
    }

    /// `DELETE /guardrails/{id}`.
    pub async fn delete_guardrail(&self, id: &str) -> Result<(), WriteFailure> {
        let path = format!(
            "/guardrails/{}",
            segment("a guardrail", id).map_err(failed)?
        );
        let what = format!("guardrail '{id}'");
        let answer = self.write_once(Method::DELETE, &path, None, &what).await?;
        deleted(&answer, &what).map_err(failed)
    }

    /// `POST /guardrails/{id}/assignments/{keys|members}[/remove]`: the count the server says
    /// (an answer holds only that; who is settled by re-reading the list).
    pub async fn assign(
        &self,
        id: &str,
        members: bool,
        adding: bool,
        ids: &[String],
    ) -> Result<u64, WriteFailure> {
        let mut path = format!(
            "/guardrails/{}/assignments/{}",
            segment("a guardrail", id).map_err(failed)?,
            side(members)
        );
        if !adding {
            path.push_str("/remove");
        }
        let field = if members {
            "member_user_ids"
        } else {
            "key_hashes"
        };
        let what = format!("the {} of guardrail '{id}'", side(members));
        let answer = self
            .write_once(Method::POST, &path, Some(json!({ field: ids })), &what)
            .await?;
        let count = if adding {
            "assigned_count"
        } else {
            "unassigned_count"
        };
        answer
            .get(count)
            .and_then(Value::as_u64)
            .ok_or_else(|| failed(malformed(format!("{what}: the answer has no {count}"))))
    }

    /// `GET /guardrails/{id}`, a 404 an error (a named guardrail is never "not configured").
    pub async fn get_named_guardrail(&self, id: &str) -> Result<Map<String, Value>, ApiError> {
        let path = format!("/guardrails/{}", segment("a guardrail", id)?);
        let what = format!("guardrail '{id}'");
        let body = self.send(Method::GET, &path, None, &what).await?;
        guardrail_answer(body, id, &what)
    }
}
