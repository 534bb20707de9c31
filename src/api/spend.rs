//! `GET /activity` (R29: the last 30 completed UTC days) and `GET /credits`, read for spend
//! (product.md §14). Reads only.

use super::admin::{malformed, segment};
use super::client::Client;
use super::error::ApiError;
use crate::admin::spend::ActivityRow;
use reqwest::Method;
use serde_json::Value;

/// What `/activity` is asked for.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActivityQuery {
    /// One workspace (uuid); `None`: every workspace, each row naming its own (`group_by`).
    pub workspace_id: Option<String>,
    pub api_key_hash: Option<String>,
}

/// `total_credits` and `total_usage` of the account.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Credits {
    pub total_credits: f64,
    pub total_usage: f64,
}

impl Credits {
    pub fn left(&self) -> f64 {
        self.total_credits - self.total_usage
    }
}

const ACTIVITY: &str = "the activity of the last 30 days";

/// The rows of an `/activity` answer; a row for another workspace than `asked` is refused.
fn activity_rows(body: &Value, asked: Option<&str>) -> Result<Vec<ActivityRow>, ApiError> {
    let Some(Value::Array(items)) = body.get("data") else {
        return Err(malformed(format!("{ACTIVITY} has no `data` array")));
    };
    let rows = items
        .iter()
        .map(|item| ActivityRow::from_json(item).map_err(|e| malformed(format!("{ACTIVITY}: {e}"))))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(w) = asked
        && let Some(other) = rows.iter().find(|r| r.workspace_id != w)
    {
        return Err(malformed(format!(
            "{ACTIVITY} of workspace '{w}' holds a row of workspace '{}'",
            other.workspace_id
        )));
    }
    Ok(rows)
}

impl Client {
    /// `GET /activity?group_by=workspace[&workspace_id=][&api_key_hash=]`: every row names its
    /// workspace; a row for another workspace than the one asked is refused.
    pub async fn activity(&self, q: &ActivityQuery) -> Result<Vec<ActivityRow>, ApiError> {
        let mut path = "/activity?group_by=workspace".to_string();
        if let Some(w) = &q.workspace_id {
            path.push_str(&format!("&workspace_id={}", segment("a workspace", w)?));
        }
        if let Some(k) = &q.api_key_hash {
            path.push_str(&format!("&api_key_hash={}", segment("a key", k)?));
        }
        let body = self.send(Method::GET, &path, None, ACTIVITY).await?;
        let asked = q.workspace_id.clone();
        // Tens of thousands of rows: read (and the tree dropped) off the caller's thread.
        tokio::task::spawn_blocking(move || activity_rows(&body, asked.as_deref()))
            .await
            .unwrap_or_else(|_| Err(malformed(format!("{ACTIVITY}: reading it failed"))))
    }

    /// `GET /credits`.
    pub async fn credits(&self) -> Result<Credits, ApiError> {
        let what = "the account's credits";
        let body = self.send(Method::GET, "/credits", None, what).await?;
        let n = |f: &str| {
            body.get("data")
                .and_then(|d| d.get(f))
                .and_then(Value::as_f64)
                .ok_or_else(|| malformed(format!("{what} has no number `{f}`")))
        };
        Ok(Credits {
            total_credits: n("total_credits")?,
            total_usage: n("total_usage")?,
        })
    }
}
