//! Typed API errors, each one readable line for a person. None of them can hold the key.

use crate::workspace::FIELDS;

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("invalid base URL {0}")]
    InvalidBaseUrl(String),
    #[error(
        "refusing plain http:// to {0}: the API key would travel in clear text; use https:// (plain http is allowed only for loopback)"
    )]
    InsecureBaseUrl(String),
    #[error("the server rejected the request: {message}")]
    BadRequest {
        message: String,
        /// The editable field the message names, if any.
        field: Option<String>,
    },
    #[error(
        "not authorised ({message}): orws needs an OpenRouter management key in OPENROUTER_API_KEY or a file given with --api-key-file"
    )]
    Unauthorized { message: String },
    #[error(
        "forbidden ({message}): this key may not manage workspaces; use a management key (OPENROUTER_API_KEY or --api-key-file)"
    )]
    Forbidden { message: String },
    #[error("not found: {what} does not exist (or was deleted meanwhile)")]
    NotFound { what: String },
    #[error(
        "the server is busy ({status}: {message}) and still was after {attempts} tries; try again later"
    )]
    Busy {
        status: u16,
        message: String,
        attempts: u32,
    },
    #[error("server error {status}: {message}")]
    Server { status: u16, message: String },
    #[error("no answer within {secs} s (raise it with --timeout)")]
    Timeout { secs: u64 },
    #[error("cannot reach {host}: {cause}")]
    Connect { host: String, cause: String },
    #[error(
        "the connection to {host} was lost before the answer came ({cause}); the change may or may not have been applied"
    )]
    ConnectionLost { host: String, cause: String },
    #[error("the server's answer could not be read: {0}")]
    Malformed(String),
    /// A 3xx: orws follows no redirect, so no request (nor the key) goes anywhere unreviewed.
    #[error(
        "the server answered {status} redirecting to {location}; orws follows no redirects (check the base URL)"
    )]
    Redirected {
        status: u16,
        /// The Location header, escaped for a terminal ("(none)" when absent).
        location: String,
    },
    #[error("answer too large (over {limit_mib} MiB); stopped reading it")]
    TooLarge { limit_mib: u64 },
    /// The whole list passed the total cap: no organisation has that many workspaces.
    #[error(
        "the workspace list is too large (over {limit_mib} MiB in all after {count} workspaces); stopped reading it"
    )]
    ListTooLarge { limit_mib: u64, count: usize },
    /// A list's pages do not add up (repeated ids, no progress, or too many pages): which list
    /// and why, as [`ApiError::paging`] words it.
    #[error("{0}; stopped")]
    Paging(String),
    #[error("the connection to {host} was lost before the answer came ({cause}); try again")]
    /// A read (GET) cut off: unlike a write, there is nothing that "may have been applied".
    ConnectionLostOnRead { host: String, cause: String },
    /// A workspace name that cannot be a uuid or slug, refused before any request.
    #[error("{0}")]
    InvalidTarget(String),
    #[error("the API key is malformed: {0}")]
    InvalidKey(&'static str),
    /// A stop signal came before this write was sent: nothing was sent.
    #[error("stopped by a signal before it was sent; nothing was sent")]
    Stopped,
    /// Read-only mode: a request other than GET, refused by the client before it left.
    #[error("{request} is a write, and {from} refuses every write; nothing was sent")]
    ReadOnly {
        /// The method and path, e.g. `PATCH /workspaces/production`.
        request: String,
        /// Where read-only came from, e.g. `--read-only`.
        from: String,
    },
}

impl ApiError {
    /// [`ApiError::Paging`] for `list` ("the workspace list", "the list of the keys of
    /// workspace 'X'"): each list says which it is.
    pub fn paging(list: &str, why: impl std::fmt::Display) -> Self {
        ApiError::Paging(format!("{list} makes no progress: {why}"))
    }

    /// The process exit code for this error: 2 for usage (a bad URL), 1 for the rest.
    pub fn exit_code(&self) -> i32 {
        match self {
            ApiError::InvalidBaseUrl(_)
            | ApiError::InsecureBaseUrl(_)
            | ApiError::InvalidTarget(_)
            | ApiError::InvalidKey(_)
            | ApiError::ReadOnly { .. } => 2,
            _ => 1,
        }
    }

    /// The field a 400 names, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            ApiError::BadRequest { field, .. } => field.as_deref(),
            _ => None,
        }
    }

    /// True when a PATCH that ended with this error may still have reached the server.
    pub fn may_have_landed(&self) -> bool {
        matches!(
            self,
            ApiError::Timeout { .. }
                | ApiError::Malformed(_)
                | ApiError::Server { .. }
                | ApiError::ConnectionLost { .. }
                | ApiError::TooLarge { .. }
        )
    }
}

/// The editable field a server message is about: the longest field name it mentions.
pub(crate) fn field_named_in(message: &str) -> Option<String> {
    let lower = message.to_lowercase();
    FIELDS
        .iter()
        .filter(|f| mentions_word(&lower, f.name))
        .max_by_key(|f| f.name.len())
        .map(|f| f.name.to_string())
}

fn mentions_word(haystack: &str, word: &str) -> bool {
    let is_word_char = |c: char| c.is_alphanumeric() || c == '_';
    haystack.match_indices(word).any(|(i, _)| {
        let before = haystack[..i].chars().next_back();
        let after = haystack[i + word.len()..].chars().next();
        !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_field_a_message_names() {
        assert_eq!(
            field_named_in("Slug 'staging' is already in use").as_deref(),
            Some("slug")
        );
        assert_eq!(
            field_named_in("io_logging_sampling_rate must be at most 1").as_deref(),
            Some("io_logging_sampling_rate")
        );
        assert_eq!(field_named_in("Invalid request parameters"), None);
        // "names" contains "name" but is not the word.
        assert_eq!(field_named_in("bad names"), None);
    }
}
