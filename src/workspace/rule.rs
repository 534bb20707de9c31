//! A field's rule as data: what a value must be, how typed text becomes a value, and the rule's
//! one-line text for people, generated from the same data so the two cannot drift apart.

use super::error::{RuleError, SlugFault};
use super::field::FieldKind;
use serde_json::{Number, Value};

/// What a field's values must be. Every check, parse and rule text is a match over this enum,
/// so a new rule is a compile error wherever it must be handled.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rule {
    /// Text of `min..=max` characters (Unicode scalar values), optionally of a given shape.
    /// `multiline` allows line breaks and tabs.
    Text {
        min: usize,
        max: usize,
        pattern: Option<Pattern>,
        multiline: bool,
    },
    /// A model id, `author/model`; the modality picks the catalog for suggestions.
    Model { modality: Modality },
    /// One of a fixed set of strings.
    Choice(&'static [&'static str]),
    /// A decimal with inclusive bounds; `percent` also accepts `50%` (= 0.5).
    Decimal { min: f64, max: f64, percent: bool },
    /// A list of non-negative integer ids; `none` names the empty list (e.g. "no keys").
    Ids { none: &'static str },
    /// `true` or `false`.
    Bool,
    /// A list of non-empty tool names (an open set); `none` names the empty list.
    Tools { none: &'static str },
}

/// A shape a text must have beyond its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pattern {
    /// Not only whitespace.
    NotBlank,
    /// `^[a-z0-9]+(?:-[a-z0-9]+)*$`, with a message saying which part is wrong.
    Slug,
}

/// Which model catalog a model field draws its suggestions from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Modality {
    Text,
    Image,
}

/// What null means for a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Null {
    /// The field cannot be null.
    Refused,
    /// Null clears the field.
    Clears,
    /// Null has a meaning of its own, shown instead of `∅` (e.g. "all keys").
    Means(&'static str),
}

impl Null {
    pub const fn allowed(self) -> bool {
        match self {
            Null::Refused => false,
            Null::Clears | Null::Means(_) => true,
        }
    }
}

impl Pattern {
    fn describe(self) -> &'static str {
        match self {
            Pattern::NotBlank => "not only whitespace",
            Pattern::Slug => "lowercase a–z and 0–9 in segments joined by single hyphens",
        }
    }

    fn check(self, field: &'static str, s: &str) -> Result<(), RuleError> {
        match self {
            Pattern::NotBlank if s.trim().is_empty() => Err(RuleError::Blank { field }),
            Pattern::NotBlank => Ok(()),
            Pattern::Slug => check_slug(s).map_err(|fault| RuleError::Slug { field, fault }),
        }
    }
}

impl Modality {
    fn example(self) -> &'static str {
        match self {
            Modality::Text => "openai/gpt-4o",
            Modality::Image => "openai/dall-e-3",
        }
    }
}

impl Rule {
    /// The widget that edits values of this rule.
    pub const fn kind(self) -> FieldKind {
        match self {
            Rule::Text {
                multiline: false, ..
            } => FieldKind::Text,
            Rule::Text {
                multiline: true, ..
            } => FieldKind::MultilineText,
            Rule::Model { modality } => FieldKind::Model {
                image: matches!(modality, Modality::Image),
            },
            Rule::Choice(options) => FieldKind::Choice(options),
            Rule::Decimal { .. } => FieldKind::Rate,
            Rule::Ids { .. } => FieldKind::KeyIds,
            Rule::Bool => FieldKind::Toggle,
            Rule::Tools { .. } => FieldKind::ToolList,
        }
    }

    /// The length limit shown by the live counter.
    pub const fn max_chars(self) -> Option<usize> {
        match self {
            Rule::Text { max, .. } => Some(max),
            Rule::Model { .. }
            | Rule::Choice(_)
            | Rule::Decimal { .. }
            | Rule::Ids { .. }
            | Rule::Bool
            | Rule::Tools { .. } => None,
        }
    }

    /// The rule in one line for people, e.g. `1–100 characters; not only whitespace`.
    pub fn text(&self, null: Null) -> String {
        let mut parts: Vec<String> = match *self {
            Rule::Text {
                min,
                max,
                pattern,
                multiline,
            } => {
                let mut p = vec![if min == 0 {
                    format!("at most {max} characters")
                } else {
                    format!("{min}–{max} characters")
                }];
                p.extend(pattern.map(|x| x.describe().to_string()));
                if multiline {
                    p.push("line breaks and tabs allowed".into());
                }
                p
            }
            Rule::Model { modality } => vec![format!("author/model, e.g. {}", modality.example())],
            Rule::Choice(options) => vec![format!("one of {}", options.join(", "))],
            Rule::Decimal { min, max, percent } => {
                let mut p = vec![format!("decimal, {min} ≤ x ≤ {max}")];
                if percent {
                    p.push(format!(
                        "or a percentage, {}–{} (50% = 0.5)",
                        percentage(min),
                        percentage(max)
                    ));
                }
                p
            }
            Rule::Ids { none } => vec![
                "non-negative integers separated by commas or spaces, e.g. 1,2 3".into(),
                format!("[] = {none}"),
            ],
            Rule::Bool => vec!["on or off".into()],
            Rule::Tools { none } => vec![
                "each entry a non-empty tool name".into(),
                format!("[] = {none}"),
            ],
        };
        match null {
            Null::Refused => {}
            Null::Clears => parts.push("may be null".into()),
            Null::Means(what) => parts.push(format!("null = {what}")),
        }
        parts.join("; ")
    }

    /// Checks a non-null JSON value; the message names the field and says what is wrong.
    pub fn check(&self, field: &'static str, value: &Value) -> Result<(), RuleError> {
        match *self {
            Rule::Text {
                min,
                max,
                pattern,
                multiline,
            } => {
                let Some(s) = value.as_str() else {
                    return Err(RuleError::NotText { field });
                };
                let n = s.chars().count();
                if n < min {
                    return Err(if n == 0 {
                        RuleError::Empty { field, min, max }
                    } else {
                        RuleError::TooShort { field, len: n, min }
                    });
                }
                if n > max {
                    return Err(RuleError::TooLong { field, len: n, max });
                }
                if let Some(p) = pattern {
                    p.check(field, s)?;
                }
                check_visible(field, s, multiline)
            }
            Rule::Model { .. } => {
                let Some(s) = value.as_str() else {
                    return Err(RuleError::NotText { field });
                };
                check_model_id(field, s)
            }
            Rule::Choice(options) => match value.as_str() {
                Some(s) if options.contains(&s) => Ok(()),
                got => Err(RuleError::NotAChoice {
                    field,
                    options,
                    got: got.map(str::to_string),
                }),
            },
            Rule::Decimal { min, max, percent } => match value.as_f64() {
                Some(x) => check_decimal(field, x, min, max, percent),
                None => Err(RuleError::NotANumber { field, min, max }),
            },
            Rule::Ids { .. } => {
                let Some(items) = value.as_array() else {
                    return Err(RuleError::NotAList {
                        field,
                        of: "key ids",
                    });
                };
                match items.iter().find(|v| v.as_u64().is_none()) {
                    Some(bad) => Err(RuleError::BadKeyId {
                        field,
                        got: bad.to_string(),
                    }),
                    None => Ok(()),
                }
            }
            Rule::Bool => match value.as_bool() {
                Some(_) => Ok(()),
                None => Err(RuleError::NotBool { field }),
            },
            Rule::Tools { .. } => {
                let Some(items) = value.as_array() else {
                    return Err(RuleError::NotAList {
                        field,
                        of: "tool names",
                    });
                };
                if items
                    .iter()
                    .any(|v| v.as_str().is_none_or(|s| s.trim().is_empty()))
                {
                    Err(RuleError::EmptyToolName { field })
                } else {
                    items
                        .iter()
                        .filter_map(Value::as_str)
                        .try_for_each(|s| check_visible(field, s, false))
                }
            }
        }
    }

    /// Parses text a person typed (the form, or `--set`): text stays text; numbers, lists and
    /// booleans are parsed. `null` and `[]` are taken here only where they cannot be text.
    /// The result still has to pass [`Rule::check`].
    pub fn parse(&self, field: &'static str, text: &str) -> Result<Value, RuleError> {
        match *self {
            Rule::Text { .. } | Rule::Model { .. } | Rule::Choice(_) => {
                Ok(Value::String(text.to_string()))
            }
            Rule::Decimal { min, max, percent } => parse_rate(field, text, min, max, percent),
            Rule::Ids { none } => parse_key_ids(field, text, none),
            Rule::Bool => match text.trim() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                other => Err(RuleError::BoolText {
                    field,
                    got: other.to_string(),
                }),
            },
            Rule::Tools { .. } if text.trim() == "[]" => Ok(Value::Array(vec![])),
            Rule::Tools { .. } => Ok(Value::Array(
                text.split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(|s| Value::String(s.to_string()))
                    .collect(),
            )),
        }
    }
}

/// Refuses control characters (C0, DEL, C1) and bidi overrides, which a terminal would act on
/// or which reorder what is shown; `lines` allows line breaks (`\n`, `\r`) and tabs.
pub(super) fn check_visible(field: &'static str, s: &str, lines: bool) -> Result<(), RuleError> {
    let bad = s
        .chars()
        .filter(|c| !(lines && matches!(c, '\n' | '\r' | '\t')))
        .find(|c| crate::text::is_unsafe(*c));
    match bad.and_then(|c| crate::text::first_unsafe(&c.to_string())) {
        Some(what) => Err(RuleError::Unsafe {
            field,
            what: what.to_string(),
            lines,
        }),
        None => Ok(()),
    }
}

/// Says which part of the slug is wrong, not just that the pattern failed.
fn check_slug(s: &str) -> Result<(), SlugFault> {
    if let Some(c) = s.chars().find(|c| c.is_uppercase()) {
        return Err(SlugFault::Uppercase(c));
    }
    if s.contains('_') {
        return Err(SlugFault::Underscore);
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(SlugFault::Other(c));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Err(SlugFault::EdgeHyphen);
    }
    if s.contains("--") {
        return Err(SlugFault::DoubleHyphen);
    }
    Ok(())
}

fn check_model_id(field: &'static str, s: &str) -> Result<(), RuleError> {
    if s.chars().any(char::is_whitespace) {
        return Err(RuleError::ModelSpaces { field });
    }
    check_visible(field, s, false)?;
    match s.split_once('/') {
        Some((author, model))
            if !author.is_empty() && !model.is_empty() && !model.contains('/') =>
        {
            Ok(())
        }
        Some(_) | None => Err(RuleError::ModelShape { field }),
    }
}

/// A bound with its percentage where the field takes percentages: `1 (100%)`.
fn bound(x: f64, percent: bool) -> String {
    if percent {
        format!("{x} ({})", percentage(x))
    } else {
        x.to_string()
    }
}

fn check_decimal(
    field: &'static str,
    x: f64,
    min: f64,
    max: f64,
    percent: bool,
) -> Result<(), RuleError> {
    if !x.is_finite() {
        Err(RuleError::NotANumber { field, min, max })
    } else if x < min {
        Err(RuleError::BelowMin {
            field,
            min: bound(min, percent),
            got: bound(x, percent),
        })
    } else if x > max {
        Err(RuleError::AboveMax {
            field,
            max: bound(max, percent),
            got: bound(x, percent),
        })
    } else {
        Ok(())
    }
}

fn parse_rate(
    field: &'static str,
    text: &str,
    min: f64,
    max: f64,
    percent: bool,
) -> Result<Value, RuleError> {
    let t = text.trim();
    let parsed = match t.strip_suffix('%') {
        Some(p) if percent => shift_left_two(p.trim_end()).and_then(|d| parse_decimal(&d)),
        Some(_) | None => parse_decimal(t),
    };
    parsed.ok_or_else(|| {
        let also = if percent {
            format!(
                " or a percentage such as 50% ({}–{})",
                percentage(min),
                percentage(max)
            )
        } else {
            String::new()
        };
        RuleError::NotADecimal {
            field,
            got: text.to_string(),
            also,
        }
    })
}

/// `50` → `0.50`, `0.01` → `0.0001`: a percentage as an exact decimal, without float rounding.
fn shift_left_two(p: &str) -> Option<String> {
    if p.is_empty() || !p.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let (int, frac) = p.split_once('.').unwrap_or((p, ""));
    if frac.contains('.') {
        return None;
    }
    let int = format!("{int:0>3}");
    let (whole, moved) = int.split_at(int.len() - 2);
    Some(format!("{whole}.{moved}{frac}"))
}

/// A plain decimal (`1`, `1.0`, `0.25`, `.5`); no exponents, signs other than `-`, or words.
fn parse_decimal(text: &str) -> Option<Value> {
    let ok = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
        && text.chars().any(|c| c.is_ascii_digit());
    if !ok {
        return None;
    }
    if let Ok(i) = text.parse::<i64>() {
        return Some(Value::Number(i.into()));
    }
    let x: f64 = text.parse().ok()?;
    Number::from_f64(x).map(Value::Number)
}

/// Ids separated by commas and/or spaces (`1,2 3`); `[]` is the empty list, `null` is null.
fn parse_key_ids(field: &'static str, text: &str, none: &'static str) -> Result<Value, RuleError> {
    let t = text.trim();
    if t == "null" {
        return Ok(Value::Null);
    }
    if t == "[]" || t.is_empty() {
        return Ok(Value::Array(vec![]));
    }
    if t.starts_with('[') || t.ends_with(']') {
        return Err(RuleError::KeyIdBrackets { field, none });
    }
    let mut ids = Vec::new();
    for part in t.split(',') {
        if part.trim().is_empty() {
            return Err(RuleError::EmptyEntry { field });
        }
        for word in part.split_whitespace() {
            match word.parse::<u64>() {
                Ok(id) => ids.push(Value::Number(id.into())),
                Err(_) => {
                    return Err(RuleError::BadKeyId {
                        field,
                        got: format!("\"{word}\""),
                    });
                }
            }
        }
    }
    Ok(Value::Array(ids))
}

/// A decimal as a percentage, e.g. `25%` or `0.01%`.
pub fn percentage(x: f64) -> String {
    let p = x * 100.0;
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

impl Rule {
    /// Whether values are lists, so `[]` typed on the command line is the empty list.
    pub const fn takes_list(self) -> bool {
        match self {
            Rule::Ids { .. } | Rule::Tools { .. } => true,
            Rule::Text { .. }
            | Rule::Model { .. }
            | Rule::Choice(_)
            | Rule::Decimal { .. }
            | Rule::Bool => false,
        }
    }
}
