//! Why a value breaks its field's rule, or why typed text is not a value: one variant per
//! mistake, each one readable line that names the field.

/// A value that breaks a field's rule, or text that does not parse as one.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    #[error("{field} cannot be null")]
    Null { field: &'static str },
    #[error("{field} must be text")]
    NotText { field: &'static str },
    #[error("{field} cannot be empty ({min}–{max} characters)")]
    Empty {
        field: &'static str,
        min: usize,
        max: usize,
    },
    #[error("{field} is {len} characters long; the minimum is {min}")]
    TooShort {
        field: &'static str,
        len: usize,
        min: usize,
    },
    #[error("{field} is {len} characters long; the limit is {max}")]
    TooLong {
        field: &'static str,
        len: usize,
        max: usize,
    },
    #[error("{field} cannot be only whitespace")]
    Blank { field: &'static str },
    #[error("{field} {fault}")]
    Slug {
        field: &'static str,
        fault: SlugFault,
    },
    /// A control character or bidi override; `lines` when line breaks and tabs are allowed.
    #[error("{field} has {what}; {}", if *.lines { "only line breaks and tabs may stand among the text" } else { "it must be visible text on one line" })]
    Unsafe {
        field: &'static str,
        what: String,
        lines: bool,
    },
    #[error("{field} cannot contain spaces; it must look like author/model")]
    ModelSpaces { field: &'static str },
    #[error("{field} must look like author/model, e.g. openai/gpt-4o")]
    ModelShape { field: &'static str },
    #[error("{field} must be one of {}{}", .options.join(", "), .got.as_ref().map(|g| format!(" (not \"{g}\")")).unwrap_or_default())]
    NotAChoice {
        field: &'static str,
        options: &'static [&'static str],
        got: Option<String>,
    },
    #[error("{field} must be a number from {min} to {max}")]
    NotANumber {
        field: &'static str,
        min: f64,
        max: f64,
    },
    /// `min` and `got` as shown, with their percentages where the field takes them.
    #[error("{field} must be at least {min}; it is {got}")]
    BelowMin {
        field: &'static str,
        min: String,
        got: String,
    },
    #[error("{field} must be at most {max}; it is {got}")]
    AboveMax {
        field: &'static str,
        max: String,
        got: String,
    },
    #[error("{field} must be a list of {of}")]
    NotAList {
        field: &'static str,
        of: &'static str,
    },
    #[error("{field}: {got} is not a non-negative integer key id")]
    BadKeyId { field: &'static str, got: String },
    #[error("{field}: every entry must be a non-empty tool name")]
    EmptyToolName { field: &'static str },
    #[error("{field} must be true or false")]
    NotBool { field: &'static str },
    #[error("{field} must be true or false (got \"{got}\")")]
    BoolText { field: &'static str, got: String },
    /// `also` names the other accepted form (a percentage), or is empty.
    #[error("{field} must be a decimal number such as 0.25{also} (got \"{got}\")")]
    NotADecimal {
        field: &'static str,
        got: String,
        also: String,
    },
    #[error("{field}: write ids without brackets, like 1,2 3 ([] alone = {none})")]
    KeyIdBrackets {
        field: &'static str,
        none: &'static str,
    },
    #[error("{field} has an empty entry; write ids like 1,2 3")]
    EmptyEntry { field: &'static str },
}

/// Which part of a slug is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlugFault {
    #[error("has an uppercase letter '{0}'; use lowercase a–z")]
    Uppercase(char),
    #[error("has an underscore '_'; use a single hyphen '-' between words")]
    Underscore,
    #[error("has {}; only a–z, 0–9 and single hyphens are allowed", if .0.is_whitespace() { "a space".to_string() } else { format!("'{}'", .0) })]
    Other(char),
    #[error("cannot start or end with a hyphen")]
    EdgeHyphen,
    #[error("has a double hyphen '--'; use a single one")]
    DoubleHyphen,
}
