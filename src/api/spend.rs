//! `GET /activity` (R29: the last 30 completed UTC days) and `GET /credits`, read for spend
//! (product.md §14). Reads only.

use super::admin::{malformed, segment};
use super::client::{Client, not_json};
use super::error::ApiError;
use crate::admin::spend::{ActivityRow, parse_date};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

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

/// An `/activity` answer as read: its rows, each field borrowed from the body where it can
/// be, so a 20 MB answer is never a JSON tree several times its size.
#[derive(Deserialize)]
struct ActivityAnswer<'a> {
    #[serde(borrow)]
    data: Option<Vec<RawRow<'a>>>,
}

#[derive(Deserialize)]
struct RawRow<'a> {
    #[serde(borrow)]
    date: Option<Cow<'a, str>>,
    #[serde(borrow)]
    workspace_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    model: Option<Cow<'a, str>>,
    usage: Option<f64>,
    byok_usage_inference: Option<f64>,
}

impl RawRow<'_> {
    fn row(self) -> Result<ActivityRow, String> {
        fn need<'a>(v: Option<Cow<'a, str>>, f: &str) -> Result<Cow<'a, str>, String> {
            v.ok_or_else(|| format!("a row without `{f}`"))
        }
        Ok(ActivityRow {
            date: parse_date(&need(self.date, "date")?)?,
            workspace_id: need(self.workspace_id, "workspace_id")?.into_owned(),
            model: need(self.model, "model")?.into_owned(),
            usage: self
                .usage
                .ok_or_else(|| "a row without a number `usage`".to_string())?,
            byok_usage_inference: self.byok_usage_inference.unwrap_or(0.0),
        })
    }
}

/// The rows of an `/activity` answer; a row for another workspace than `asked` is refused.
fn activity_rows(
    status: StatusCode,
    body: &[u8],
    asked: Option<&str>,
) -> Result<Vec<ActivityRow>, ApiError> {
    let answer: ActivityAnswer = match serde_json::from_slice(body) {
        Ok(a) => a,
        // Not JSON at all, or JSON that is not an answer of rows.
        Err(e) if e.is_syntax() || e.is_eof() => return Err(not_json(status, body.len())),
        Err(e) => return Err(malformed(format!("{ACTIVITY}: {e}"))),
    };
    let Some(items) = answer.data else {
        return Err(malformed(format!("{ACTIVITY} has no `data` array")));
    };
    let rows = items
        .into_iter()
        .map(|item| {
            item.row()
                .map_err(|e| malformed(format!("{ACTIVITY}: {e}")))
        })
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
        let (status, body) = self.send_raw(Method::GET, &path, None, ACTIVITY).await?;
        let asked = q.workspace_id.clone();
        // Tens of thousands of rows: read off the caller's thread (the TUI's only one).
        tokio::task::spawn_blocking(move || activity_rows(status, &body, asked.as_deref()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(body: &str, asked: Option<&str>) -> Result<Vec<ActivityRow>, String> {
        activity_rows(StatusCode::OK, body.as_bytes(), asked).map_err(|e| e.to_string())
    }

    #[test]
    fn rows_are_read_with_their_escapes_and_whole_numbers() {
        let body = r#"{"data":[
            {"date":"2026-12-01","workspace_id":"w\u0031","model":"a/b","usage":2,"extra":{"x":[1]}},
            {"date":"2026-12-02","workspace_id":"w1","model":"c","usage":0.5,"byok_usage_inference":1.5}
        ]}"#;
        let got = rows(body, Some("w1")).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].workspace_id, "w1");
        assert_eq!(got[0].usage, 2.0);
        assert_eq!(got[0].byok_usage_inference, 0.0);
        assert_eq!(got[1].counted(true), 2.0);
    }

    #[test]
    fn a_bad_answer_says_what_is_wrong() {
        let cases = [
            ("not json", "not JSON (8 bytes)"),
            (r#"{"data":"#, "not JSON"),
            ("{}", "has no `data` array"),
            (
                r#"{"data":{}}"#,
                "the activity of the last 30 days: invalid type",
            ),
            (
                r#"{"data":[{"workspace_id":"w","model":"m","usage":1}]}"#,
                "a row without `date`",
            ),
            (
                r#"{"data":[{"date":"2026-12-01","workspace_id":"w","model":"m"}]}"#,
                "a row without a number `usage`",
            ),
            (
                r#"{"data":[{"date":"2026-12-01","workspace_id":"w","model":"m","usage":"1"}]}"#,
                "invalid type: string",
            ),
            (
                r#"{"data":[{"date":"yesterday","workspace_id":"w","model":"m","usage":1}]}"#,
                "'yesterday' is not a date",
            ),
        ];
        for (body, says) in cases {
            let e = rows(body, None).unwrap_err();
            assert!(e.contains(says), "{body}: {e}");
        }
    }

    #[test]
    fn a_row_of_another_workspace_is_refused() {
        let body =
            r#"{"data":[{"date":"2026-12-01","workspace_id":"theirs","model":"m","usage":1}]}"#;
        let e = rows(body, Some("ours")).unwrap_err();
        assert!(
            e.contains("of workspace 'ours' holds a row of workspace 'theirs'"),
            "{e}"
        );
        assert_eq!(rows(body, None).unwrap().len(), 1);
    }
}
