//! The one field table: every editable field with its kind, rule, nullability and help text.
//! The CLI, the TUI and the fake server all read it.

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
        matches!(
            self,
            FieldKind::Text
                | FieldKind::MultilineText
                | FieldKind::Model { .. }
                | FieldKind::Rate
                | FieldKind::KeyIds
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: FieldKind,
    pub nullable: bool,
    /// The rule in one line, as shown in the detail panel.
    pub rule: &'static str,
    /// What the field means.
    pub help: &'static str,
    /// Maximum length in characters, for the live counter.
    pub max_chars: Option<usize>,
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

/// The twelve editable fields, in the form's order.
pub static FIELDS: [FieldSpec; 12] = [
    FieldSpec {
        name: "name",
        label: "Name",
        kind: FieldKind::Text,
        nullable: false,
        rule: "1–100 characters, not only whitespace",
        help: "The workspace's display name.",
        max_chars: Some(100),
    },
    FieldSpec {
        name: "slug",
        label: "Slug",
        kind: FieldKind::Text,
        nullable: false,
        rule: "1–50 characters: lowercase a–z and 0–9 in segments joined by single hyphens",
        help: "URL-friendly identifier. Changing it keeps the workspace's id.",
        max_chars: Some(50),
    },
    FieldSpec {
        name: "description",
        label: "Description",
        kind: FieldKind::MultilineText,
        nullable: true,
        rule: "at most 500 characters; may be null",
        help: "Free text describing the workspace.",
        max_chars: Some(500),
    },
    FieldSpec {
        name: "default_text_model",
        label: "Default text model",
        kind: FieldKind::Model { image: false },
        nullable: true,
        rule: "author/model, e.g. openai/gpt-4o; may be null",
        help: "Model used for text requests in this workspace that name none.",
        max_chars: None,
    },
    FieldSpec {
        name: "default_image_model",
        label: "Default image model",
        kind: FieldKind::Model { image: true },
        nullable: true,
        rule: "author/model, e.g. openai/dall-e-3; may be null",
        help: "Model used for image requests in this workspace that name none.",
        max_chars: None,
    },
    FieldSpec {
        name: "default_provider_sort",
        label: "Provider sort",
        kind: FieldKind::Choice(PROVIDER_SORTS),
        nullable: true,
        rule: "one of price, throughput, latency, exacto; may be null",
        help: "How providers are ordered when routing requests by default.",
        max_chars: None,
    },
    FieldSpec {
        name: "io_logging_sampling_rate",
        label: "I/O logging sampling rate",
        kind: FieldKind::Rate,
        nullable: false,
        rule: "a decimal from 0.0001 to 1 (1 = every request)",
        help: "Share of requests whose input and output are logged.",
        max_chars: None,
    },
    FieldSpec {
        name: "io_logging_api_key_ids",
        label: "I/O logging API key ids",
        kind: FieldKind::KeyIds,
        nullable: true,
        rule: "comma-separated non-negative integers; empty = none; null = all keys",
        help: "API keys whose requests are logged.",
        max_chars: None,
    },
    FieldSpec {
        name: "is_data_discount_logging_enabled",
        label: "Data discount logging",
        kind: FieldKind::Toggle,
        nullable: false,
        rule: "on or off",
        help: "Whether data discount logging is enabled for this workspace.",
        max_chars: None,
    },
    FieldSpec {
        name: "is_observability_broadcast_enabled",
        label: "Observability broadcast",
        kind: FieldKind::Toggle,
        nullable: false,
        rule: "on or off",
        help: "Whether broadcast is enabled for this workspace.",
        max_chars: None,
    },
    FieldSpec {
        name: "is_observability_io_logging_enabled",
        label: "Private I/O logging",
        kind: FieldKind::Toggle,
        nullable: false,
        rule: "on or off",
        help: "Whether private logging is enabled for this workspace.",
        max_chars: None,
    },
    FieldSpec {
        name: "disabled_server_tools",
        label: "Disabled server tools",
        kind: FieldKind::ToolList,
        nullable: true,
        rule: "each entry a non-empty tool name; empty or null = none disabled",
        help: "Server tools that requests in this workspace may not invoke (they get a 403).",
        max_chars: None,
    },
];

/// The editable field of that name.
pub fn field(name: &str) -> Option<&'static FieldSpec> {
    FIELDS.iter().find(|f| f.name == name)
}
