//! `[profiles.NAME]` in the config file: one server and key per organisation, so a person with
//! several management keys picks one by name (`--profile`, `ORWS_PROFILE`, `default_profile`).
//!
//! ```toml
//! default_profile = "staging"
//!
//! [profiles.production]
//! api_key_cmd = "pass show openrouter/production"   # its stdout is the key
//! production = true                                  # read-only unless the run says --write
//! color = "red"
//!
//! [profiles.staging]
//! base_url = "https://openrouter.ai/api/v1"
//! api_key_file = "~/.config/orws/staging.key"
//! color = "#3b82f6"
//! ```

use serde::Deserialize;
use std::fmt;
use std::path::PathBuf;
use toml::Spanned;

/// Where a profile's key comes from. Neither is read until a key is needed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileKey {
    /// A file holding the key (`~/` expanded, relative to the config file).
    File(PathBuf),
    /// A command whose one line of stdout is the key (`sh -c`, e.g. a password manager's).
    Command(String),
    /// The profile names no key.
    None,
}

/// The colour a profile's name is drawn in, in the title bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileColor {
    Red,
    Green,
    Yellow,
    Blue,
    Magenta,
    Cyan,
    White,
    Gray,
    Rgb(u8, u8, u8),
}

impl ProfileColor {
    pub const NAMES: [&'static str; 8] = [
        "red", "green", "yellow", "blue", "magenta", "cyan", "white", "gray",
    ];

    /// A colour name of [`Self::NAMES`] (`grey` too), or `#rrggbb`.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim().to_ascii_lowercase();
        Some(match t.as_str() {
            "red" => Self::Red,
            "green" => Self::Green,
            "yellow" => Self::Yellow,
            "blue" => Self::Blue,
            "magenta" => Self::Magenta,
            "cyan" => Self::Cyan,
            "white" => Self::White,
            "gray" | "grey" => Self::Gray,
            hex => {
                let digits = hex.strip_prefix('#')?;
                if digits.len() != 6 || !digits.chars().all(|c| c.is_ascii_hexdigit()) {
                    return None;
                }
                let byte = |i: usize| u8::from_str_radix(&digits[i..i + 2], 16).ok();
                Self::Rgb(byte(0)?, byte(2)?, byte(4)?)
            }
        })
    }
}

impl fmt::Display for ProfileColor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Rgb(r, g, b) => write!(f, "#{r:02x}{g:02x}{b:02x}"),
            named => {
                let i = [
                    Self::Red,
                    Self::Green,
                    Self::Yellow,
                    Self::Blue,
                    Self::Magenta,
                    Self::Cyan,
                    Self::White,
                    Self::Gray,
                ]
                .iter()
                .position(|c| c == named)
                .unwrap_or(0);
                f.write_str(Self::NAMES[i])
            }
        }
    }
}

/// One profile, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: String,
    /// `None`: the default base URL (the profile's server replaces every other source).
    pub base_url: Option<String>,
    pub key: ProfileKey,
    /// Read-only unless the run says `--write`.
    pub production: bool,
    pub color: Option<ProfileColor>,
}

/// A profile as the file writes it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawProfile {
    base_url: Option<Spanned<String>>,
    api_key_file: Option<Spanned<String>>,
    api_key_cmd: Option<Spanned<String>>,
    production: Option<bool>,
    color: Option<Spanned<String>>,
}

/// A profile name is what a person types after `--profile` and what drafts and history are
/// kept under: letters, digits, `-` and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// `; the profiles are a, b` (or `; it defines none`), for a message about a name not found.
pub fn known<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() {
        "; it defines no profile".to_string()
    } else {
        format!("; the profiles are {}", names.join(", "))
    }
}

/// A problem at a place in the file: its byte span and the message.
pub(super) type SpanError = (Option<std::ops::Range<usize>>, String);

impl RawProfile {
    /// Checks one profile; `expand` makes a path absolute the way `api_key_file` is.
    pub(super) fn check(
        self,
        name: &Spanned<String>,
        expand: impl Fn(&str) -> PathBuf,
    ) -> Result<Profile, SpanError> {
        let n = name.get_ref();
        if !valid_name(n) {
            return Err((
                Some(name.span()),
                format!(
                    "[profiles]: the name {:?} is not one word of letters, digits, - and _",
                    crate::text::escape(n)
                ),
            ));
        }
        let here = |key: &str| format!("[profiles.{n}] {key}");
        let non_empty = |v: Option<Spanned<String>>, key: &str| match v {
            Some(v) if v.get_ref().trim().is_empty() => {
                Err((Some(v.span()), format!("{} is empty", here(key))))
            }
            other => Ok(other),
        };
        let base_url = non_empty(self.base_url, "base_url")?;
        if let Some(url) = &base_url {
            crate::api::check_base_url(url.get_ref())
                .map_err(|e| (Some(url.span()), format!("{}: {e}", here("base_url"))))?;
        }
        let file = non_empty(self.api_key_file, "api_key_file")?;
        let cmd = non_empty(self.api_key_cmd, "api_key_cmd")?;
        let key = match (file, cmd) {
            (Some(_), Some(cmd)) => {
                return Err((
                    Some(cmd.span()),
                    format!("[profiles.{n}]: api_key_file and api_key_cmd are both set; keep one"),
                ));
            }
            (Some(f), None) => ProfileKey::File(expand(f.get_ref())),
            (None, Some(c)) => ProfileKey::Command(c.into_inner().trim().to_string()),
            (None, None) => ProfileKey::None,
        };
        let color = match self.color {
            None => None,
            Some(c) => Some(ProfileColor::parse(c.get_ref()).ok_or_else(|| {
                (
                    Some(c.span()),
                    format!(
                        "{}: {:?} is not a colour; use one of {} or #rrggbb",
                        here("color"),
                        c.get_ref(),
                        ProfileColor::NAMES.join(", ")
                    ),
                )
            })?),
        };
        Ok(Profile {
            name: n.clone(),
            base_url: base_url.map(|u| u.into_inner().trim().to_string()),
            key,
            production: self.production.unwrap_or(false),
            color,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_parse_and_print_back() {
        for name in ProfileColor::NAMES {
            assert_eq!(ProfileColor::parse(name).unwrap().to_string(), name);
        }
        assert_eq!(ProfileColor::parse("Grey"), Some(ProfileColor::Gray));
        assert_eq!(
            ProfileColor::parse("#3B82f6"),
            Some(ProfileColor::Rgb(0x3b, 0x82, 0xf6))
        );
        assert_eq!(ProfileColor::Rgb(1, 2, 255).to_string(), "#0102ff");
        for bad in ["", "#12345", "#1234567", "#gggggg", "purple", "12ab34"] {
            assert_eq!(ProfileColor::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn names_are_one_safe_word() {
        assert!(valid_name("prod-eu_2"));
        for bad in ["", "a b", "../x", "prod:1", "é", &"x".repeat(65)] {
            assert!(!valid_name(bad), "{bad}");
        }
    }
}
