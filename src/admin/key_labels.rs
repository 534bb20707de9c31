//! A key's hygiene labels (product.md §12, §15; R28), a new key's body and secret, a key's
//! edit, and the identity of a created key. Pure: the caller gives the clock.

use super::keys::Key;
use serde::Serialize;
use serde_json::{Map, Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// One hygiene label, in the order they are listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    NoLimit,
    HighLimit,
    NoExpiry,
    ExpiresSoon,
    Expired,
    Idle30,
    Idle90,
    NeverUsed,
    Disabled,
}

/// Every label, in the order they are listed.
pub const ALL: [Label; 9] = [
    Label::NoLimit,
    Label::HighLimit,
    Label::NoExpiry,
    Label::ExpiresSoon,
    Label::Expired,
    Label::Idle30,
    Label::Idle90,
    Label::NeverUsed,
    Label::Disabled,
];

/// A limit at or above this many dollars is a `high limit`.
pub const HIGH_LIMIT: f64 = 1000.0;

impl Label {
    pub fn as_str(self) -> &'static str {
        match self {
            Label::NoLimit => "no limit",
            Label::HighLimit => "high limit",
            Label::NoExpiry => "no expiry",
            Label::ExpiresSoon => "expires soon",
            Label::Expired => "expired",
            Label::Idle30 => "idle 30d",
            Label::Idle90 => "idle 90d",
            Label::NeverUsed => "never used",
            Label::Disabled => "disabled",
        }
    }
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

fn time_of(v: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(v?, &Rfc3339).ok()
}

/// The key's labels at `now`. `last_used_at` absent from the read (`GET /keys/{hash}` has no
/// such field) gives no idle or never-used label; `null` with usage is `idle 90d` (idle since
/// before the field existed, R28), `null` without `never used`. `idle 90d` replaces
/// `idle 30d`. An expiry that is not a time gives no expiry label.
pub fn labels(key: &Key, now: OffsetDateTime) -> Vec<Label> {
    let mut out = Vec::new();
    match key.limit {
        None => out.push(Label::NoLimit),
        Some(l) if l >= HIGH_LIMIT => out.push(Label::HighLimit),
        Some(_) => {}
    }
    match key.expires_at.as_deref() {
        None => out.push(Label::NoExpiry),
        Some(t) => match time_of(Some(t)) {
            Some(at) if at <= now => out.push(Label::Expired),
            Some(at) if at - now < Duration::days(7) => out.push(Label::ExpiresSoon),
            _ => {}
        },
    }
    match key.extra.get("last_used_at") {
        None => {}
        Some(Value::Null) if key.usage > 0.0 => out.push(Label::Idle90),
        Some(Value::Null) => out.push(Label::NeverUsed),
        Some(v) => {
            if let Some(at) = time_of(v.as_str()) {
                let idle = now - at;
                if idle >= Duration::days(90) {
                    out.push(Label::Idle90);
                } else if idle >= Duration::days(30) {
                    out.push(Label::Idle30);
                }
            }
        }
    }
    if key.disabled {
        out.push(Label::Disabled);
    }
    out
}

/// A new key's secret: never printed by `Debug`, never serialised, shown only by
/// [`Secret::expose`] where it is meant to go.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(text: String) -> Self {
        Self(text)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// `POST /keys`: a new key's body. `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyCreate {
    pub name: String,
    pub workspace_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_reset: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_byok_in_limit: Option<bool>,
    /// RFC 3339 in UTC with seconds (R28: only at creation).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// `PATCH /keys/{hash}` of what `keys edit` changes: name, limit (`Some(None)` clears it),
/// limit reset (`Some(None)`: no reset), BYOK in the limit. `None` fields are not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct KeyEdit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<Option<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit_reset: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_byok_in_limit: Option<bool>,
}

impl KeyEdit {
    /// The fields as sent.
    pub fn to_map(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    /// The fields a key holds now for the ones this edit sends: the edit back.
    pub fn of_key(&self, key: &Key) -> KeyEdit {
        let get = |f: &str| key.extra.get(f).cloned().unwrap_or(Value::Null);
        KeyEdit {
            name: self.name.as_ref().map(|_| key.name.clone()),
            limit: self.limit.map(|_| key.limit),
            limit_reset: self
                .limit_reset
                .as_ref()
                .map(|_| get("limit_reset").as_str().map(str::to_string)),
            include_byok_in_limit: self
                .include_byok_in_limit
                .map(|_| get("include_byok_in_limit").as_bool().unwrap_or(false)),
        }
    }

    /// From fields as sent (a history entry's `patch.body`); `None` for an unknown field.
    pub fn from_map(m: &Map<String, Value>) -> Option<KeyEdit> {
        let mut e = KeyEdit::default();
        for (k, v) in m {
            match k.as_str() {
                "name" => e.name = Some(v.as_str()?.to_string()),
                "limit" => e.limit = Some(v.as_f64()),
                "limit_reset" => e.limit_reset = Some(v.as_str().map(str::to_string)),
                "include_byok_in_limit" => e.include_byok_in_limit = Some(v.as_bool()?),
                _ => return None,
            }
        }
        Some(e)
    }

    pub fn is_empty(&self) -> bool {
        self.to_map().is_empty()
    }
}

/// What a key holds of `fields` (by name), `null` where it holds nothing.
pub fn held(key: &Key, fields: &Map<String, Value>) -> Map<String, Value> {
    let whole = serde_json::to_value(key).unwrap_or(Value::Null);
    fields
        .keys()
        .map(|f| (f.clone(), whole.get(f).cloned().unwrap_or(Value::Null)))
        .collect()
}

/// Equal as values (numbers as numbers).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() < 1e-9,
        _ => a == b,
    }
}

/// How far before a create's start a created key's `created_at` may be (clock skew).
pub const SKEW: Duration = Duration::seconds(2);

/// Why `key` is not the key this create made (product.md §15 "Identity of created keys"):
/// another workspace, another name or field, or made before `started` (less [`SKEW`]).
pub fn created_mismatch(sent: &KeyCreate, key: &Key, started: OffsetDateTime) -> Option<String> {
    if key.workspace_id != sent.workspace_id {
        return Some(format!(
            "it is in workspace {}, not {}",
            key.workspace_id, sent.workspace_id
        ));
    }
    if key.name != sent.name {
        return Some(format!(
            "it is named '{}', not '{}'",
            crate::text::escape(&key.name),
            crate::text::escape(&sent.name)
        ));
    }
    let whole = serde_json::to_value(key).unwrap_or(Value::Null);
    let body = serde_json::to_value(sent).unwrap_or(Value::Null);
    for (f, v) in body.as_object().into_iter().flatten() {
        if f == "name" || f == "workspace_id" || f == "expires_at" {
            continue;
        }
        let now = whole.get(f).cloned().unwrap_or(Value::Null);
        if !same(&now, v) {
            return Some(format!("it holds {f} = {now}, not {v} as sent"));
        }
    }
    if let Some(e) = &sent.expires_at
        && time_of(key.expires_at.as_deref()) != time_of(Some(e))
    {
        return Some(format!(
            "it expires at {}, not {e} as sent",
            key.expires_at.as_deref().unwrap_or("never")
        ));
    }
    match key.extra.get("created_at").and_then(Value::as_str) {
        None => Some("its answer has no created_at".into()),
        Some(raw) => match time_of(Some(raw)) {
            None => Some(format!("its created_at {raw} is not a time")),
            Some(t) if t < started - SKEW => Some(format!(
                "it was created at {raw}, before this request started"
            )),
            Some(_) => None,
        },
    }
}

/// The one key of `keys` this create made: `Ok(None)` when none matches name and workspace,
/// `Err` when several do or the one found is not ours ("cannot tell").
pub fn find_created<'a>(
    sent: &KeyCreate,
    keys: &'a [Key],
    started: OffsetDateTime,
) -> Result<Option<&'a Key>, String> {
    let named: Vec<&Key> = keys
        .iter()
        .filter(|k| k.name == sent.name && k.workspace_id == sent.workspace_id)
        .filter(|k| {
            let t = time_of(k.extra.get("created_at").and_then(Value::as_str));
            t.is_none_or(|t| t >= started - SKEW)
        })
        .collect();
    match named.as_slice() {
        [] => Ok(None),
        [one] => match created_mismatch(sent, one, started) {
            None => Ok(Some(one)),
            Some(why) => Err(format!(
                "cannot tell whether key {} is ours: {why}",
                one.hash
            )),
        },
        many => Err(format!(
            "cannot tell which of {} keys named '{}' was created now",
            many.len(),
            crate::text::escape(&sent.name)
        )),
    }
}

/// `--expires`: RFC 3339 (any offset; sent in UTC with seconds) or `Nd`/`Nw` from `now`. The
/// time must be in the future.
pub fn parse_expiry(text: &str, now: OffsetDateTime) -> Result<String, String> {
    let t = text.trim();
    let at = if let Some(n) = t.strip_suffix('d').and_then(|n| n.parse::<i64>().ok()) {
        now + Duration::days(n)
    } else if let Some(n) = t.strip_suffix('w').and_then(|n| n.parse::<i64>().ok()) {
        now + Duration::weeks(n)
    } else {
        OffsetDateTime::parse(t, &Rfc3339)
            .map_err(|_| format!("'{t}' is neither an RFC 3339 time nor Nd / Nw (e.g. 30d)"))?
    };
    if at <= now {
        return Err(format!("'{t}' is not in the future"));
    }
    let at = at.to_offset(time::UtcOffset::UTC);
    let at = at.replace_nanosecond(0).unwrap_or(at);
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    at.format(format).map_err(|e| e.to_string())
}

/// `--limit`: dollars, more than zero.
pub fn parse_limit(text: &str) -> Result<f64, String> {
    match text.trim().trim_start_matches('$').parse::<f64>() {
        Ok(v) if v > 0.0 && v.is_finite() => Ok(v),
        _ => Err(format!("'{text}' is not an amount of dollars above zero")),
    }
}

/// `--limit-reset`: daily, weekly or monthly.
pub fn parse_reset(text: &str) -> Result<String, String> {
    match text.trim() {
        r @ ("daily" | "weekly" | "monthly") => Ok(r.to_string()),
        other => Err(format!("'{other}' is not daily, weekly or monthly")),
    }
}

/// `keys edit --set FIELD=VALUE`, one at a time: name, limit (`null` clears), limit_reset
/// (`null`: no reset), include_byok_in_limit. `expires_at` cannot be changed (R28).
pub fn set_field(edit: &mut KeyEdit, assignment: &str) -> Result<(), String> {
    let (field, value) = assignment
        .split_once('=')
        .ok_or_else(|| format!("'{assignment}' is not FIELD=VALUE"))?;
    let (field, value) = (field.trim(), value.trim());
    match field {
        "name" if !value.is_empty() => edit.name = Some(value.to_string()),
        "name" => return Err("name cannot be empty".into()),
        "limit" if value == "null" => edit.limit = Some(None),
        "limit" => edit.limit = Some(Some(parse_limit(value)?)),
        "limit_reset" if value == "null" => edit.limit_reset = Some(None),
        "limit_reset" => edit.limit_reset = Some(Some(parse_reset(value)?)),
        "include_byok_in_limit" => {
            edit.include_byok_in_limit = Some(match value {
                "true" => true,
                "false" => false,
                _ => {
                    return Err(format!(
                        "include_byok_in_limit is true or false, not '{value}'"
                    ));
                }
            })
        }
        "expires_at" => {
            return Err(
                "an expiry can only be set when a key is created: create a new key instead".into(),
            );
        }
        other => {
            return Err(format!(
                "'{other}' is not a key field orws edits (name, limit, limit_reset, include_byok_in_limit)"
            ));
        }
    }
    Ok(())
}

/// A key as JSON with its labels (`keys audit`).
pub fn with_labels(key: &Key, labels: &[Label]) -> Value {
    let mut v = serde_json::to_value(key).unwrap_or(Value::Null);
    v["labels"] = json!(labels.iter().map(|l| l.as_str()).collect::<Vec<_>>());
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> OffsetDateTime {
        OffsetDateTime::parse("2026-06-01T12:00:00Z", &Rfc3339).unwrap()
    }

    fn at(d: Duration) -> String {
        (now() + d).format(&Rfc3339).unwrap()
    }

    fn key(v: Value) -> Key {
        let mut base = json!({
            "hash": "h", "name": "k", "workspace_id": "w", "limit": 10.0, "usage": 1.0,
            "expires_at": at(Duration::days(100)), "last_used_at": at(Duration::hours(-1)),
        });
        for (k, x) in v.as_object().unwrap() {
            base[k] = x.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    fn of(v: Value) -> Vec<&'static str> {
        labels(&key(v), now())
            .into_iter()
            .map(Label::as_str)
            .collect()
    }

    #[test]
    fn a_tidy_key_has_no_label() {
        assert!(of(json!({})).is_empty());
    }

    #[test]
    fn limit_labels_at_their_boundary() {
        assert_eq!(of(json!({"limit": null})), ["no limit"]);
        assert!(of(json!({"limit": 999.99})).is_empty());
        assert_eq!(of(json!({"limit": 1000})), ["high limit"]);
    }

    #[test]
    fn expiry_labels_at_their_boundaries() {
        assert_eq!(of(json!({"expires_at": null})), ["no expiry"]);
        let d = |d: Duration| of(json!({ "expires_at": at(d) }));
        assert!(d(Duration::days(7)).is_empty());
        assert_eq!(
            d(Duration::days(7) - Duration::seconds(1)),
            ["expires soon"]
        );
        assert_eq!(d(Duration::seconds(1)), ["expires soon"]);
        assert_eq!(d(Duration::ZERO), ["expired"]);
        assert_eq!(d(Duration::days(-3)), ["expired"]);
    }

    #[test]
    fn idle_labels_at_their_boundaries_and_null_last_used() {
        let d = |d: Duration| of(json!({ "last_used_at": at(-d) }));
        assert!(d(Duration::days(30) - Duration::seconds(1)).is_empty());
        assert_eq!(d(Duration::days(30)), ["idle 30d"]);
        assert_eq!(d(Duration::days(90) - Duration::seconds(1)), ["idle 30d"]);
        assert_eq!(d(Duration::days(90)), ["idle 90d"]);
        assert_eq!(
            of(json!({"last_used_at": null, "usage": 0.01})),
            ["idle 90d"]
        );
        assert_eq!(
            of(json!({"last_used_at": null, "usage": 0})),
            ["never used"]
        );
        // Read by hash: no last_used_at at all, so no idle label either way.
        let mut k = key(json!({"usage": 0}));
        k.extra.remove("last_used_at");
        assert!(labels(&k, now()).is_empty());
    }

    #[test]
    fn disabled_and_several_labels_in_order() {
        assert_eq!(
            of(json!({"disabled": true, "limit": 5000, "expires_at": null, "last_used_at": null})),
            ["high limit", "no expiry", "idle 90d", "disabled"]
        );
    }

    #[test]
    fn expiry_is_sent_in_utc_with_seconds_and_only_in_the_future() {
        assert_eq!(parse_expiry("30d", now()).unwrap(), "2026-07-01T12:00:00Z");
        assert_eq!(parse_expiry("2w", now()).unwrap(), "2026-06-15T12:00:00Z");
        assert_eq!(
            parse_expiry("2026-12-31T23:59+01:00", now()).ok(),
            None,
            "RFC 3339 needs seconds"
        );
        assert_eq!(
            parse_expiry("2027-01-01T00:30:00+01:00", now()).unwrap(),
            "2026-12-31T23:30:00Z"
        );
        assert!(parse_expiry("2026-05-01T00:00:00Z", now()).is_err());
        assert!(parse_expiry("0d", now()).is_err());
        assert!(parse_expiry("soon", now()).is_err());
    }

    #[test]
    fn edit_fields_parse_and_expiry_cannot_be_set_later() {
        let mut e = KeyEdit::default();
        set_field(&mut e, "name=CI").unwrap();
        set_field(&mut e, "limit=null").unwrap();
        set_field(&mut e, "limit_reset=weekly").unwrap();
        set_field(&mut e, "include_byok_in_limit=true").unwrap();
        assert_eq!(
            Value::Object(e.to_map()),
            json!({"name": "CI", "limit": null, "limit_reset": "weekly", "include_byok_in_limit": true})
        );
        assert_eq!(KeyEdit::from_map(&e.to_map()), Some(e.clone()));
        assert!(set_field(&mut e, "limit=0").is_err());
        assert!(set_field(&mut e, "limit=-3").is_err());
        assert!(set_field(&mut e, "expires_at=30d").is_err());
        assert!(set_field(&mut e, "disabled=true").is_err());
        assert!(set_field(&mut e, "limit_reset=yearly").is_err());
    }

    #[test]
    fn an_edit_back_holds_what_the_key_had() {
        let k = key(json!({"name": "old", "limit": null, "limit_reset": "daily"}));
        let e = KeyEdit {
            name: Some("new".into()),
            limit: Some(Some(5.0)),
            limit_reset: Some(None),
            include_byok_in_limit: None,
        };
        let back = e.of_key(&k);
        assert_eq!(back.name.as_deref(), Some("old"));
        assert_eq!(back.limit, Some(None));
        assert_eq!(back.limit_reset, Some(Some("daily".into())));
        assert_eq!(back.include_byok_in_limit, None);
    }

    #[test]
    fn a_created_key_is_ours_only_in_its_workspace_with_its_name_and_made_after_the_start() {
        let sent = KeyCreate {
            name: "ci".into(),
            workspace_id: "w".into(),
            limit: Some(10.0),
            ..KeyCreate::default()
        };
        let made = |v: Value| key(json!({"name": "ci", "created_at": at(Duration::ZERO)})).merge(v);
        assert_eq!(created_mismatch(&sent, &made(json!({})), now()), None);
        // Within the skew.
        let early = made(json!({"created_at": at(Duration::seconds(-2))}));
        assert_eq!(created_mismatch(&sent, &early, now()), None);
        let older = made(json!({"created_at": at(Duration::seconds(-3))}));
        assert!(
            created_mismatch(&sent, &older, now())
                .unwrap()
                .contains("before")
        );
        let other = made(json!({"workspace_id": "x"}));
        assert!(
            created_mismatch(&sent, &other, now())
                .unwrap()
                .contains("workspace x")
        );
        let limit = made(json!({"limit": 20}));
        assert!(
            created_mismatch(&sent, &limit, now())
                .unwrap()
                .contains("limit")
        );
        let keys = vec![made(json!({"hash": "a"})), older.clone()];
        assert_eq!(
            find_created(&sent, &keys, now()).unwrap().unwrap().hash,
            "a"
        );
        assert_eq!(find_created(&sent, &[older], now()).unwrap(), None);
        let two = vec![made(json!({"hash": "a"})), made(json!({"hash": "b"}))];
        assert!(find_created(&sent, &two, now()).is_err());
    }

    trait Merge {
        fn merge(self, v: Value) -> Key;
    }

    impl Merge for Key {
        fn merge(self, v: Value) -> Key {
            let mut whole = serde_json::to_value(self).unwrap();
            for (k, x) in v.as_object().unwrap() {
                whole[k] = x.clone();
            }
            serde_json::from_value(whole).unwrap()
        }
    }
}
