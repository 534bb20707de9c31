//! The one field table: every editable field with its kind, rule, nullability and help text.
//! The CLI, the TUI and the fake server all read it.

use super::rule::{Modality, Null, Pattern, Rule};
use serde_json::Value;
use std::collections::BTreeSet;

/// What kind of value a field holds, which decides its widget and how typed text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// One line of text.
    Text,
    /// Several lines of text (the description).
    MultilineText,
    /// A model id, `author/model`; `image` picks the image catalog for suggestions.
    Model { image: bool },
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A sampling rate, a decimal between 0.0001 and 1.
    Rate,
    /// A list of non-negative integer API key ids.
    KeyIds,
    /// A boolean.
    Toggle,
    /// A list of server tool names; known ones come from the spec, others are kept.
    ToolList,
}

impl FieldKind {
    /// Kinds edited as text in the form (the others are toggled, cycled or checked).
    pub fn is_text(self) -> bool {
        match self {
            FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Rate
            | FieldKind::KeyIds => true,
            FieldKind::Choice(_) | FieldKind::Toggle | FieldKind::ToolList => false,
        }
    }

    /// True when two values mean the same thing: `1` = `1.0`, lists compare as sets, and for a
    /// tool list `[]` = `null`. `null` still differs from `""`. Absent is taken as null.
    pub fn equal(self, a: &Value, b: &Value) -> bool {
        match self {
            FieldKind::Rate => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                (Some(_) | None, _) => a == b,
            },
            FieldKind::KeyIds => {
                if let (Value::Array(x), Value::Array(y)) = (a, b) {
                    id_set(x) == id_set(y)
                } else {
                    a == b
                }
            }
            FieldKind::ToolList => tool_set(a) == tool_set(b),
            FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Choice(_)
            | FieldKind::Toggle => a == b,
        }
    }

    /// The next value of a toggle or choice (`Space`, `←`/`→`); `None` for kinds edited otherwise.
    /// A choice runs through its options, then null when `nullable`, then round again; from null
    /// or an unknown value it starts at the first option (forward) or the last (backward).
    pub fn cycle(self, current: Option<&Value>, nullable: bool, step: Step) -> Option<Value> {
        match self {
            FieldKind::Toggle => {
                let on = current.and_then(Value::as_bool).unwrap_or(false);
                Some(Value::Bool(!on))
            }
            FieldKind::Choice(options) => {
                // Positions 0..n are the options, n is null (only when nullable).
                let n = options.len();
                let stops = if nullable { n + 1 } else { n };
                let at = current
                    .and_then(Value::as_str)
                    .and_then(|s| options.iter().position(|o| *o == s));
                let next = match (at, step) {
                    (Some(i), Step::Forward) => (i + 1) % stops,
                    (Some(i), Step::Back) => (i + stops - 1) % stops,
                    (None, Step::Forward) => 0,
                    (None, Step::Back) => n.saturating_sub(1),
                };
                Some(match options.get(next) {
                    Some(o) => Value::String((*o).into()),
                    None => Value::Null,
                })
            }
            FieldKind::Text
            | FieldKind::MultilineText
            | FieldKind::Model { .. }
            | FieldKind::Rate
            | FieldKind::KeyIds
            | FieldKind::ToolList => None,
        }
    }
}

/// Which way a choice cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Forward,
    Back,
}

fn id_set(items: &[Value]) -> BTreeSet<String> {
    items
        .iter()
        .map(|v| match v.as_f64() {
            // Numbers by value, so 3 and 3.0 are the same id.
            Some(x) => format!("n:{x}"),
            None => v.to_string(),
        })
        .collect()
}

fn tool_set(v: &Value) -> Option<BTreeSet<String>> {
    match v {
        Value::Null => Some(BTreeSet::new()),
        Value::Array(items) => Some(id_set(items)),
        Value::Bool(_) | Value::Number(_) | Value::String(_) | Value::Object(_) => None,
    }
}

/// One editable field. `kind`, `nullable` and `max_chars` are derived from `rule` and `null` by
/// [`FieldSpec::new`], so they cannot disagree with the rule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub nullable: bool,
    /// What null means for this field.
    pub null: Null,
    /// What a value must be; the rule text shown to people is generated from it.
    pub rule: Rule,
    /// What the field means.
    pub help: &'static str,
    /// Maximum length in characters, for the live counter.
    pub max_chars: Option<usize>,
}

impl FieldSpec {
    pub const fn new(
        name: &'static str,
        label: &'static str,
        rule: Rule,
        null: Null,
        help: &'static str,
    ) -> Self {
        Self {
            name,
            label,
            kind: rule.kind(),
            nullable: null.allowed(),
            null,
            rule,
            help,
            max_chars: rule.max_chars(),
        }
    }

    /// The rule in one line, as shown in the detail panel (generated from [`FieldSpec::rule`]).
    pub fn rule_text(&self) -> String {
        self.rule.text(self.null)
    }
}

pub const PROVIDER_SORTS: &[&str] = &["price", "throughput", "latency", "exacto"];

/// The spec's `x-known-values` for disabled_server_tools (an open set).
pub const KNOWN_SERVER_TOOLS: &[&str] = &[
    "openrouter:advisor",
    "openrouter:apply_patch",
    "openrouter:bash",
    "openrouter:datetime",
    "openrouter:fusion",
    "openrouter:image_generation",
    "openrouter:experimental__search_models",
    "openrouter:shell",
    "openrouter:subagent",
    "openrouter:tool_search",
    "openrouter:web_fetch",
    "openrouter:web_search",
];

/// Read-only fields, shown dimmed and never sent.
pub const READ_ONLY: [&str; 6] = [
    "id",
    "created_at",
    "created_by",
    "updated_at",
    "default_guardrail_id",
    "include_byok_in_budgets",
];

const fn text(min: usize, max: usize, pattern: Option<Pattern>, multiline: bool) -> Rule {
    Rule::Text {
        min,
        max,
        pattern,
        multiline,
    }
}

/// The twelve editable fields, in the form's order.
pub static FIELDS: [FieldSpec; 12] = [
    FieldSpec::new(
        "name",
        "Name",
        text(1, 100, Some(Pattern::NotBlank), false),
        Null::Refused,
        "The workspace's display name.",
    ),
    FieldSpec::new(
        "slug",
        "Slug",
        text(1, 50, Some(Pattern::Slug), false),
        Null::Refused,
        "URL-friendly identifier. Changing it keeps the workspace's id.",
    ),
    FieldSpec::new(
        "description",
        "Description",
        text(0, 500, None, true),
        Null::Clears,
        "Free text describing the workspace.",
    ),
    FieldSpec::new(
        "default_text_model",
        "Default text model",
        Rule::Model {
            modality: Modality::Text,
        },
        Null::Clears,
        "Model used for text requests in this workspace that name none.",
    ),
    FieldSpec::new(
        "default_image_model",
        "Default image model",
        Rule::Model {
            modality: Modality::Image,
        },
        Null::Clears,
        "Model used for image requests in this workspace that name none.",
    ),
    FieldSpec::new(
        "default_provider_sort",
        "Provider sort",
        Rule::Choice(PROVIDER_SORTS),
        Null::Clears,
        "How providers are ordered when routing requests by default.",
    ),
    FieldSpec::new(
        "io_logging_sampling_rate",
        "I/O logging sampling rate",
        Rule::Decimal {
            min: 0.0001,
            max: 1.0,
            percent: true,
        },
        Null::Refused,
        "Share of requests whose input and output are logged (1 = every request).",
    ),
    FieldSpec::new(
        "io_logging_api_key_ids",
        "I/O logging API key ids",
        Rule::Ids { none: "no keys" },
        Null::Means("all keys"),
        "API keys whose requests are logged. OpenRouter offers no way to list keys by these \
         integer ids, so orws cannot show their names.",
    ),
    FieldSpec::new(
        "is_data_discount_logging_enabled",
        "Data discount logging",
        Rule::Bool,
        Null::Refused,
        "Whether data discount logging is enabled for this workspace.",
    ),
    FieldSpec::new(
        "is_observability_broadcast_enabled",
        "Observability broadcast",
        Rule::Bool,
        Null::Refused,
        "Whether broadcast is enabled for this workspace.",
    ),
    FieldSpec::new(
        "is_observability_io_logging_enabled",
        "Private I/O logging",
        Rule::Bool,
        Null::Refused,
        "Whether private logging is enabled for this workspace.",
    ),
    FieldSpec::new(
        "disabled_server_tools",
        "Disabled server tools",
        Rule::Tools { none: "none" },
        Null::Means("none"),
        "Server tools that requests in this workspace may not invoke (they get a 403).",
    ),
];

/// The editable field of that name.
pub fn field(name: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.name == name)
}
