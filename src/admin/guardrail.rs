//! A workspace's default guardrail (R14, R15): its editable fields, their rules, and the minimal
//! PATCH. A guardrail is kept as the server's JSON object; absent and null mean the same here.

use serde_json::{Map, Value};

/// What a field holds, which decides how it is compared and sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardrailKind {
    /// A list of strings (or objects); sent whole when changed, as null when emptied.
    List,
    /// A boolean that allows null: on / off / inherit.
    TriState,
    /// A plain boolean.
    Bool,
    /// `limit_usd`: a number or null.
    Limit,
    /// `reset_interval`: daily, weekly, monthly or null.
    ResetInterval,
}

/// The fields a person may edit, in form order. `name` is fixed (R15) and never sent.
pub const GUARDRAIL_FIELDS: &[(&str, GuardrailKind)] = &[
    ("allowed_models", GuardrailKind::List),
    ("ignored_models", GuardrailKind::List),
    ("allowed_providers", GuardrailKind::List),
    ("ignored_providers", GuardrailKind::List),
    ("allowed_data_regions", GuardrailKind::List),
    ("enforce_zdr_anthropic", GuardrailKind::TriState),
    ("enforce_zdr_google", GuardrailKind::TriState),
    ("enforce_zdr_openai", GuardrailKind::TriState),
    ("enforce_zdr_xai", GuardrailKind::TriState),
    ("enforce_zdr_other", GuardrailKind::TriState),
    ("allow_safety_retention_google", GuardrailKind::TriState),
    ("allow_safety_retention_other", GuardrailKind::TriState),
    ("enable_free_model_publication", GuardrailKind::TriState),
    ("enable_free_model_training", GuardrailKind::TriState),
    ("enable_paid_model_training", GuardrailKind::TriState),
    ("include_byok_in_budgets", GuardrailKind::Bool),
    ("limit_usd", GuardrailKind::Limit),
    ("reset_interval", GuardrailKind::ResetInterval),
    ("content_filters", GuardrailKind::List),
    ("content_filter_builtins", GuardrailKind::List),
];

/// A field as a person reads it (the API's name is in the Review's request).
pub fn label(field: &str) -> &str {
    match field {
        "allowed_models" => "Allowed models",
        "ignored_models" => "Ignored models",
        "allowed_providers" => "Allowed providers",
        "ignored_providers" => "Ignored providers",
        "allowed_data_regions" => "Allowed data regions",
        "enforce_zdr_anthropic" => "Zero retention: Anthropic",
        "enforce_zdr_google" => "Zero retention: Google",
        "enforce_zdr_openai" => "Zero retention: OpenAI",
        "enforce_zdr_xai" => "Zero retention: xAI",
        "enforce_zdr_other" => "Zero retention: others",
        "allow_safety_retention_google" => "Safety retention: Google",
        "allow_safety_retention_other" => "Safety retention: others",
        "enable_free_model_publication" => "Free models: publication",
        "enable_free_model_training" => "Free models: training",
        "enable_paid_model_training" => "Paid models: training",
        "include_byok_in_budgets" => "BYOK counts in budgets",
        "limit_usd" => "Limit (USD)",
        "reset_interval" => "Limit resets",
        "content_filters" => "Content filters",
        "content_filter_builtins" => "Builtin content filters",
        other => other,
    }
}

/// What a field does, in the API docs' words (admin.yaml), for the tab's detail panel.
pub fn help(field: &str) -> &'static str {
    match field {
        "allowed_models" => {
            "Models requests may use (slug or canonical slug); empty allows every model. Comma or space separated."
        }
        "ignored_models" => {
            "Models excluded from routing (slug or canonical slug). Comma or space separated."
        }
        "allowed_providers" => "Providers requests may be routed to; empty allows every provider.",
        "ignored_providers" => "Providers excluded from routing.",
        "allowed_data_regions" => {
            "Data regions requests must arrive through: global (openrouter.ai), europe, us."
        }
        "enforce_zdr_anthropic"
        | "enforce_zdr_google"
        | "enforce_zdr_openai"
        | "enforce_zdr_xai" => {
            "Zero data retention for this provider's models: on, off, or inherit (the account's policy)."
        }
        "enforce_zdr_other" => {
            "Zero data retention for models not from Anthropic, OpenAI, Google or xAI: on, off, or inherit."
        }
        "allow_safety_retention_google" => {
            "Whether ZDR-only requests to google/* models may use endpoints that retain prompts for safety monitoring."
        }
        "allow_safety_retention_other" => {
            "Whether ZDR-only requests to other models may use endpoints that retain prompts for safety monitoring."
        }
        "enable_free_model_publication" => {
            "Whether free endpoints that publish prompts are allowed."
        }
        "enable_free_model_training" => {
            "Whether free endpoints that train on request data are allowed."
        }
        "enable_paid_model_training" => {
            "Whether paid endpoints that train on request data are allowed."
        }
        "include_byok_in_budgets" => {
            "Whether spend on your own provider keys (BYOK) counts against the limit."
        }
        "limit_usd" => {
            "The most the keys under this guardrail may spend, in US dollars (0 or more); empty for no limit."
        }
        "reset_interval" => "When the limit starts again: daily, weekly, monthly, or never (none).",
        "content_filters" => {
            "Custom regex filters (pattern and action: block, redact or flag), edited as JSON in $EDITOR."
        }
        "content_filter_builtins" => {
            "Builtin filters (slug and action), edited as JSON in $EDITOR."
        }
        _ => "",
    }
}

pub const DATA_REGIONS: &[&str] = &["global", "europe", "us"];
pub const RESET_INTERVALS: &[&str] = &["daily", "weekly", "monthly"];

pub fn kind(field: &str) -> Option<GuardrailKind> {
    GUARDRAIL_FIELDS
        .iter()
        .find(|(n, _)| *n == field)
        .map(|(_, k)| *k)
}

/// A three-state boolean as a form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriState {
    On,
    Off,
    /// null: the account's policy decides.
    Inherit,
}

impl TriState {
    pub fn from_value(v: Option<&Value>) -> TriState {
        match v {
            Some(Value::Bool(true)) => TriState::On,
            Some(Value::Bool(false)) => TriState::Off,
            _ => TriState::Inherit,
        }
    }

    pub fn to_value(self) -> Value {
        match self {
            TriState::On => Value::Bool(true),
            TriState::Off => Value::Bool(false),
            TriState::Inherit => Value::Null,
        }
    }

    /// on → off → inherit → on.
    pub fn next(self) -> TriState {
        match self {
            TriState::On => TriState::Off,
            TriState::Off => TriState::Inherit,
            TriState::Inherit => TriState::On,
        }
    }
}

/// A rule a guardrail value breaks, one line for the person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum GuardrailRule {
    #[error("{0} is not a field of a workspace guardrail that orws can edit")]
    UnknownField(String),
    #[error("the guardrail's name is assigned by OpenRouter and cannot be changed")]
    NameFixed,
    #[error("{field} must be {expected}")]
    WrongType {
        field: String,
        expected: &'static str,
    },
    #[error("{field} lists '{item}' twice")]
    Duplicate { field: String, item: String },
    #[error("allowed_data_regions: '{0}' is not a data region (global, europe or us)")]
    UnknownRegion(String),
    #[error("limit_usd must be a number of US dollars of 0 or more (got {0})")]
    BadLimit(String),
    #[error("reset_interval must be daily, weekly, monthly or none (got '{0}')")]
    BadInterval(String),
    #[error("a reset interval needs a limit: set limit_usd or clear reset_interval")]
    IntervalWithoutLimit,
    /// A content filter object not of the spec's shape (`ContentFilterEntry`,
    /// `ContentFilterBuiltinEntryInput`).
    #[error("{field}, filter {number}: {why}")]
    BadFilter {
        field: String,
        /// From 1, as a person counts them.
        number: usize,
        why: String,
    },
}

/// What a filter's `action` may be (`ContentFilterAction`, `ContentFilterBuiltinAction`).
pub const FILTER_ACTIONS: &[&str] = &["redact", "block", "flag"];
/// The builtin filters (`ContentFilterBuiltinSlug`).
pub const BUILTIN_FILTERS: &[&str] = &[
    "email",
    "phone",
    "ssn",
    "credit-card",
    "ip-address",
    "person-name",
    "address",
    "regex-prompt-injection",
];
/// Which roles the prompt-injection builtin scans (`PromptInjectionScanScope`).
pub const SCAN_SCOPES: &[&str] = &["user_only", "all_messages"];

/// Why a content filter object is not of the spec's shape, if it is not: a custom filter
/// needs a non-empty `pattern` and an `action`, its `label` at most 100 characters; a builtin
/// needs a known `slug` and an `action`, and `scan_scope` only on the prompt-injection one.
fn filter_shape(builtin: bool, filter: &Map<String, Value>) -> Option<String> {
    let one_of = |key: &str, allowed: &[&str]| -> Option<String> {
        match filter.get(key) {
            None => Some(format!("\"{key}\" is required ({})", allowed.join(", "))),
            Some(Value::String(s)) if allowed.contains(&s.as_str()) => None,
            Some(other) => Some(format!(
                "\"{key}\" must be one of {} (got {other})",
                allowed.join(", ")
            )),
        }
    };
    if builtin {
        one_of("slug", BUILTIN_FILTERS)
            .or_else(|| one_of("action", FILTER_ACTIONS))
            .or_else(|| match filter.get("scan_scope") {
                None | Some(Value::Null) => None,
                Some(_) if filter.get("slug") != Some(&Value::from("regex-prompt-injection")) => {
                    Some("\"scan_scope\" applies only to regex-prompt-injection".into())
                }
                Some(_) => one_of("scan_scope", SCAN_SCOPES),
            })
    } else {
        let pattern = match filter.get("pattern") {
            Some(Value::String(p)) if !p.is_empty() => None,
            Some(Value::String(_)) => Some("\"pattern\" must not be empty".to_string()),
            Some(other) => Some(format!("\"pattern\" must be a regex string (got {other})")),
            None => Some("\"pattern\" is required (a regex)".to_string()),
        };
        pattern
            .or_else(|| one_of("action", FILTER_ACTIONS))
            .or_else(|| match filter.get("label") {
                None | Some(Value::Null) => None,
                Some(Value::String(l)) if l.chars().count() <= 100 => None,
                Some(Value::String(_)) => Some("\"label\" is at most 100 characters".into()),
                Some(other) => Some(format!("\"label\" must be a string or null (got {other})")),
            })
    }
}

/// The server's canonical form of a model id, for comparison only: trimmed, lower case.
pub fn canonical_model(id: &str) -> String {
    id.trim().to_ascii_lowercase()
}

/// A value as compared: absent, null and an empty list are one; model ids in canonical form.
pub(crate) fn normalized(field: &str, v: Option<&Value>) -> Value {
    match v {
        None | Some(Value::Null) => Value::Null,
        Some(Value::Array(items)) if items.is_empty() => Value::Null,
        Some(Value::Array(items)) if field.ends_with("_models") => Value::Array(
            items
                .iter()
                .map(|i| match i {
                    Value::String(s) => Value::String(canonical_model(s)),
                    other => other.clone(),
                })
                .collect(),
        ),
        Some(other) => other.clone(),
    }
}

/// Every rule `value` breaks for `field`.
pub fn check_field(field: &str, value: &Value) -> Vec<GuardrailRule> {
    let Some(kind) = kind(field) else {
        if field == "name" {
            return vec![GuardrailRule::NameFixed];
        }
        return vec![GuardrailRule::UnknownField(field.to_string())];
    };
    let wrong = |expected| {
        vec![GuardrailRule::WrongType {
            field: field.to_string(),
            expected,
        }]
    };
    match (kind, value) {
        (GuardrailKind::List, Value::Null) => Vec::new(),
        (GuardrailKind::List, Value::Array(items)) => {
            let mut broken = Vec::new();
            let objects = field.starts_with("content_filter");
            let mut seen = Vec::new();
            for (n, item) in items.iter().enumerate() {
                match item {
                    Value::Object(filter) if objects => {
                        let builtin = field == "content_filter_builtins";
                        if let Some(why) = filter_shape(builtin, filter) {
                            broken.push(GuardrailRule::BadFilter {
                                field: field.to_string(),
                                number: n + 1,
                                why,
                            });
                        }
                    }
                    Value::String(s) if !objects && !s.trim().is_empty() => {
                        if field == "allowed_data_regions" && !DATA_REGIONS.contains(&s.as_str()) {
                            broken.push(GuardrailRule::UnknownRegion(s.clone()));
                        }
                        let key = if field.ends_with("_models") {
                            canonical_model(s)
                        } else {
                            s.clone()
                        };
                        if seen.contains(&key) {
                            broken.push(GuardrailRule::Duplicate {
                                field: field.to_string(),
                                item: s.clone(),
                            });
                        }
                        seen.push(key);
                    }
                    _ if objects => return wrong("a list of filter objects, or null"),
                    _ => return wrong("a list of non-empty strings, or null"),
                }
            }
            broken
        }
        (GuardrailKind::List, _) => wrong("a list, or null"),
        (GuardrailKind::TriState, Value::Null | Value::Bool(_)) => Vec::new(),
        (GuardrailKind::TriState, _) => wrong("true, false or null"),
        (GuardrailKind::Bool, Value::Bool(_)) => Vec::new(),
        (GuardrailKind::Bool, _) => wrong("true or false"),
        (GuardrailKind::Limit, Value::Null) => Vec::new(),
        (GuardrailKind::Limit, Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 => Vec::new(),
            // As typed: `-5`, not the JSON number's `-5.0`.
            _ => vec![GuardrailRule::BadLimit(
                n.as_f64().map_or_else(|| n.to_string(), |f| f.to_string()),
            )],
        },
        (GuardrailKind::Limit, other) => vec![GuardrailRule::BadLimit(other.to_string())],
        (GuardrailKind::ResetInterval, Value::Null) => Vec::new(),
        (GuardrailKind::ResetInterval, Value::String(s))
            if RESET_INTERVALS.contains(&s.as_str()) =>
        {
            Vec::new()
        }
        (GuardrailKind::ResetInterval, other) => vec![GuardrailRule::BadInterval(
            other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_string),
        )],
    }
}

/// Every rule the whole target breaks: each present field's, and a reset interval without a limit.
pub fn check(target: &Map<String, Value>) -> Vec<GuardrailRule> {
    let mut broken: Vec<GuardrailRule> = GUARDRAIL_FIELDS
        .iter()
        .filter_map(|(f, _)| target.get(*f).map(|v| check_field(f, v)))
        .flatten()
        .collect();
    let limit = target.get("limit_usd").unwrap_or(&Value::Null);
    let interval = target.get("reset_interval").unwrap_or(&Value::Null);
    if limit.is_null() && !interval.is_null() {
        broken.push(GuardrailRule::IntervalWithoutLimit);
    }
    broken
}

/// The minimal PATCH body from `base` (the server's guardrail; `None` when not configured yet,
/// R14) to `target` (R15): a changed list whole, an emptied one as null, `limit_usd` and
/// `reset_interval` together when either changes, the name never. Unknown and read-only keys of
/// `target` are ignored. Empty when nothing changed.
pub fn patch(
    base: Option<&Map<String, Value>>,
    target: &Map<String, Value>,
) -> Result<Map<String, Value>, Vec<GuardrailRule>> {
    let broken = check(target);
    if !broken.is_empty() {
        return Err(broken);
    }
    let empty = Map::new();
    let base = base.unwrap_or(&empty);
    let mut out = Map::new();
    for (field, _) in GUARDRAIL_FIELDS {
        let (b, t) = (base.get(*field), target.get(*field));
        if *field == "include_byok_in_budgets" && t.is_none() {
            continue;
        }
        if normalized(field, b) != normalized(field, t) {
            out.insert((*field).to_string(), normalized_send(t));
        }
    }
    if out.contains_key("limit_usd") || out.contains_key("reset_interval") {
        for f in ["limit_usd", "reset_interval"] {
            out.insert(f.to_string(), normalized_send(target.get(f)));
        }
    }
    Ok(out)
}

/// What is sent for a field: null for absent or an emptied list, else the value as given.
fn normalized_send(v: Option<&Value>) -> Value {
    match v {
        None => Value::Null,
        Some(Value::Array(items)) if items.is_empty() => Value::Null,
        Some(v) => v.clone(),
    }
}

/// The fields this patch changes that someone else changed since `base` was read, to a value
/// other than this edit's: sending would overwrite their change.
pub fn conflicts(
    base: Option<&Map<String, Value>>,
    now: Option<&Map<String, Value>>,
    patch: &Map<String, Value>,
) -> Vec<String> {
    let empty = Map::new();
    let (base, now) = (base.unwrap_or(&empty), now.unwrap_or(&empty));
    patch
        .iter()
        .filter(|(f, sent)| {
            let (b, n) = (normalized(f, base.get(*f)), normalized(f, now.get(*f)));
            n != b && n != normalized(f, Some(sent))
        })
        .map(|(f, _)| f.clone())
        .collect()
}

/// The three-way settle of a guardrail PATCH (product.md §6): what the server holds `now` for
/// each field sent, against the `base` the review showed and the value sent, with the fields'
/// own normalisation.
pub fn settle(
    base: Option<&Map<String, Value>>,
    sent: &Map<String, Value>,
    now: Option<&Map<String, Value>>,
) -> crate::write::Settled<String> {
    let empty = Map::new();
    let (base, now) = (base.unwrap_or(&empty), now.unwrap_or(&empty));
    let parts: Vec<(Value, Value, Value)> = sent
        .iter()
        .map(|(f, v)| {
            (
                normalized(f, base.get(f)),
                normalized(f, Some(v)),
                normalized(f, now.get(f)),
            )
        })
        .collect();
    let holds = crate::write::Holds::of(parts.iter().map(|(b, s, n)| (b, s, n)), |a, b| a == b);
    crate::write::Settled::from_holds(holds, || {
        let changed: Vec<&str> = sent
            .keys()
            .filter(|f| {
                let n = normalized(f, now.get(*f));
                n != normalized(f, base.get(*f)) && n != normalized(f, sent.get(*f))
            })
            .map(String::as_str)
            .collect();
        format!(
            "someone else changed the guardrail's {} meanwhile",
            changed.join(", ")
        )
    })
}

/// `Workspace <workspace-id> Default`: the platform-assigned name (R15).
pub fn default_name(workspace_id: &str) -> String {
    format!("Workspace {workspace_id} Default")
}

/// The workspace a guardrail answer says it belongs to.
pub fn workspace_of(g: &Map<String, Value>) -> Option<&str> {
    g.get("workspace_id")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
}

/// Why guardrail `g` (read, before any write) cannot be taken for the default guardrail of
/// workspace `workspace`: it names another workspace, or none. `None` when it is that one's.
pub fn not_the_default_of(g: &Map<String, Value>, workspace: &str) -> Option<String> {
    let id = g.get("id").and_then(Value::as_str).unwrap_or_default();
    match workspace_of(g) {
        Some(owner) if owner.eq_ignore_ascii_case(workspace) => None,
        Some(owner) => Some(format!(
            "guardrail '{id}' belongs to workspace {owner}, not to workspace {workspace} whose default guardrail it was named as"
        )),
        None => Some(format!(
            "guardrail '{id}' names no workspace: orws cannot tell it is the default guardrail of workspace {workspace}"
        )),
    }
}

/// Whose guardrail a write's answer (or the re-read that settled it) says was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// The workspace's own, as intended.
    Ours,
    /// Another workspace's: the write landed there.
    Other(String),
}

/// See [`Written`]: an answer naming no workspace is taken as the one the id was read from.
pub fn written(answer: &Map<String, Value>, workspace: &str) -> Written {
    match workspace_of(answer) {
        Some(owner) if !owner.eq_ignore_ascii_case(workspace) => Written::Other(owner.to_string()),
        _ => Written::Ours,
    }
}

/// What is said when a write landed on another workspace's default guardrail.
pub fn wrote_other_text(owner: &str, meant: &str) -> String {
    format!(
        "wrote the default guardrail of workspace {owner}, not of workspace {meant}: the server named it as this workspace's default guardrail"
    )
}

#[cfg(test)]
mod owner_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_negative_limit_is_quoted_as_typed() {
        let f = serde_json::Number::from_f64(-5.0).unwrap();
        let broken = check_field("limit_usd", &Value::Number(f));
        assert_eq!(
            broken.iter().map(ToString::to_string).collect::<Vec<_>>(),
            ["limit_usd must be a number of US dollars of 0 or more (got -5)"]
        );
    }

    fn g(v: Value) -> Map<String, Value> {
        v.as_object().unwrap().clone()
    }

    #[test]
    fn a_guardrail_of_another_workspace_or_of_none_is_not_the_default() {
        let mine = g(json!({"id": "g", "workspace_id": "ws-a"}));
        assert_eq!(not_the_default_of(&mine, "ws-a"), None);
        let theirs = g(json!({"id": "g", "workspace_id": "ws-b"}));
        assert!(
            not_the_default_of(&theirs, "ws-a")
                .unwrap()
                .contains("ws-b")
        );
        let none = g(json!({"id": "g"}));
        assert!(not_the_default_of(&none, "ws-a").is_some());
        assert_eq!(written(&theirs, "ws-a"), Written::Other("ws-b".into()));
        assert_eq!(written(&mine, "ws-a"), Written::Ours);
    }
}
