//! The API key, kept out of every `Debug` and `Display`, and the base-URL safety check.

use super::ApiError;

/// A management key. Its text is only reachable through [`ApiKey::bearer`].
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `Authorization` header value.
    pub(crate) fn bearer(&self) -> String {
        format!("Bearer {}", self.0)
    }

    /// Why this text cannot be a key, without showing any of it: a key is one word of
    /// printable ASCII (it travels in an HTTP header).
    pub fn problem(&self) -> Option<&'static str> {
        let bad = self.0.chars().find(|c| !c.is_ascii_graphic())?;
        Some(match bad {
            '\n' | '\r' => "it holds a line break (a key is a single line)",
            c if c.is_whitespace() => "it holds a space (a key is a single word)",
            c if c.is_control() || crate::text::is_unsafe(c) => "it holds a control character",
            _ => "it holds a character that is not printable ASCII",
        })
    }

    /// `text` with the key, and any run of [`REDACT_RUN`] or more of its characters, replaced
    /// by `<redacted>`: a server or proxy that echoes the Authorization header (whole or cut)
    /// cannot make orws print it.
    pub(crate) fn redact(&self, text: &str) -> String {
        let key = self.0.as_bytes();
        if key.is_empty() {
            return text.to_string();
        }
        let run = REDACT_RUN.min(key.len());
        let bytes = text.as_bytes();
        // Byte ranges of `text` covered by some `run`-long window of the key.
        let mut covered = vec![false; bytes.len()];
        for window in key.windows(run) {
            let mut from = 0;
            while let Some(at) = find(&bytes[from..], window) {
                let start = from + at;
                covered[start..start + run]
                    .iter_mut()
                    .for_each(|c| *c = true);
                from = start + 1;
            }
        }
        if !covered.contains(&true) {
            return text.to_string();
        }
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            if covered[i] {
                out.extend_from_slice(b"<redacted>");
                while i < bytes.len() && covered[i] {
                    i += 1;
                }
            } else {
                out.push(bytes[i]);
                i += 1;
            }
        }
        // The key is ASCII, so the cuts fall between characters; lossy only for safety.
        String::from_utf8_lossy(&out).into_owned()
    }
}

/// How many characters of the key in a row count as the key.
pub(crate) const REDACT_RUN: usize = 12;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl std::fmt::Display for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Refuses URLs that are not http(s), and plain `http://` to anything but loopback:
/// the key would cross the network in clear text.
pub fn check_base_url(url: &str) -> Result<reqwest::Url, ApiError> {
    let parsed =
        reqwest::Url::parse(url).map_err(|e| ApiError::InvalidBaseUrl(format!("{url}: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if loopback {
                Ok(parsed)
            } else {
                Err(ApiError::InsecureBaseUrl(url.to_string()))
            }
        }
        other => Err(ApiError::InvalidBaseUrl(format!(
            "{url}: the scheme must be https (or http for loopback), not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_never_printed() {
        let k = ApiKey::new("sk-or-v1-secret");
        assert!(!format!("{k:?} {k}").contains("secret"));
        assert_eq!(k.bearer(), "Bearer sk-or-v1-secret");
    }

    #[test]
    fn malformed_keys_are_named_not_shown() {
        assert_eq!(ApiKey::new("sk-or-v1-abc\n").problem(), None);
        for (text, why) in [
            ("sk-or-v1-a\nsk-or-v1-b", "line break"),
            ("sk-or\r-v1", "line break"),
            ("sk or", "space"),
            ("sk\x1b[2J", "control"),
            ("sk-é", "printable ASCII"),
        ] {
            let problem = ApiKey::new(text).problem().expect(text);
            assert!(problem.contains(why), "{text:?}: {problem}");
        }
    }

    #[test]
    fn redacts_the_key_whole_and_in_part() {
        let k = ApiKey::new("sk-or-v1-0123456789abcdef0123456789");
        assert_eq!(
            k.redact("auth was Bearer sk-or-v1-0123456789abcdef0123456789!"),
            "auth was Bearer <redacted>!"
        );
        // A proxy that cuts the header still gives nothing away.
        assert_eq!(k.redact("got 456789abcdef0 only"), "got <redacted> only");
        assert_eq!(k.redact("sk-or-v1-"), "sk-or-v1-");
        assert_eq!(k.redact("nothing here"), "nothing here");
        assert_eq!(
            ApiKey::new("short").redact("a short key"),
            "a <redacted> key"
        );
    }

    #[test]
    fn plain_http_only_on_loopback() {
        assert!(check_base_url("https://openrouter.ai/api/v1").is_ok());
        assert!(check_base_url("http://127.0.0.1:8080/api/v1").is_ok());
        assert!(check_base_url("http://[::1]:80/api/v1").is_ok());
        assert!(check_base_url("http://localhost/api/v1").is_ok());
        assert!(matches!(
            check_base_url("http://openrouter.ai/api/v1"),
            Err(ApiError::InsecureBaseUrl(_))
        ));
        assert!(matches!(
            check_base_url("http://10.0.0.1/api/v1"),
            Err(ApiError::InsecureBaseUrl(_))
        ));
        assert!(matches!(
            check_base_url("ftp://x/"),
            Err(ApiError::InvalidBaseUrl(_))
        ));
        assert!(matches!(
            check_base_url("not a url"),
            Err(ApiError::InvalidBaseUrl(_))
        ));
    }
}
