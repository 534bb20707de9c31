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
