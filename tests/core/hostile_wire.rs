//! The client against servers that misbehave on purpose (testing.md layer 8), one behaviour per
//! test: redirects, huge and endless bodies, paging that never ends, long Retry-After, echoed
//! keys, connections that drop (product.md section 5, "No answer is trusted blindly").

use crate::support::client::Notices;
use crate::support::common::{assert_has, assert_has_for};
use crate::support::hostile_http;

use hostile_http::{Body, Reply, Request, serve};
use orws::api::{ApiError, ApiKey, Client, ClientConfig, MAX_BODY_BYTES, MAX_WORKSPACES};
use orws::workspace::PatchBody;
use serde_json::{Value, json};
use std::time::Duration;

const KEY: &str = "sk-or-v1-SECRET-0123456789abcdef";
const ID: &str = "550e8400-e29b-41d4-a716-446655440000";

fn client(url: &str) -> (Client, Notices) {
    let mut config = crate::support::client::keyed(url, KEY);
    config.timeout = Duration::from_secs(20);
    config.max_retry_wait = Duration::from_millis(50);
    crate::support::client::recording(config)
}

/// A server giving every request the same `reply`, and a client of it.
fn answering(reply: fn() -> Reply) -> (hostile_http::Hostile, Client) {
    let server = serve(move |_: &Request, _| reply());
    let (client, _) = client(&server.url);
    (server, client)
}

fn workspace(id: &str) -> Value {
    json!({"id": id, "name": format!("W {id}"), "slug": format!("w-{id}")})
}

fn patch() -> PatchBody {
    PatchBody::from_fields(json!({"name": "X"}).as_object().unwrap().clone())
}

#[track_caller]
fn assert_secret_free(text: &str) {
    assert!(
        !text.contains(KEY) && !text.contains("SECRET"),
        "the key leaks: {text}"
    );
}

// ---------------------------------------------------------------- redirects

/// 301/302/307/308 to another listener and to plain http elsewhere: an error naming the
/// Location, and neither the GET nor the PATCH (nor its body, nor the key) reaches the target.
#[tokio::test]
async fn redirects_are_not_followed_and_name_the_location() {
    let target = serve(|_: &Request, _| Reply::json(200, &json!({"data": workspace(ID)})));
    let elsewhere = format!("{}/workspaces/{ID}", target.url);
    for status in [301u16, 302, 307, 308] {
        for location in [elsewhere.as_str(), "http://example.com/api/v1/workspaces/x"] {
            let loc = location.to_string();
            let server = serve(move |_: &Request, _| {
                Reply::new(status, Body::Bytes(vec![])).header("Location", &loc)
            });
            let (client, notices) = client(&server.url);
            let e = client.get(ID).await.unwrap_err();
            assert_eq!(
                e,
                ApiError::Redirected {
                    status,
                    location: location.to_string()
                }
            );
            assert!(e.to_string().contains(location), "{e}");
            let e = client.patch(ID, &patch()).await.unwrap_err();
            assert!(matches!(e, ApiError::Redirected { .. }), "{e:?}");
            assert!(!e.may_have_landed(), "a redirect applied nothing: {e:?}");
            assert_eq!(server.count(), 2, "one try each, no retry");
            assert!(notices.lock().unwrap().is_empty());
        }
    }
    assert_eq!(target.count(), 0, "nothing reached the redirect's target");
}

/// The Location is server text: the key is redacted from it and control characters escaped.
#[tokio::test]
async fn a_redirect_location_is_redacted_and_escaped() {
    let server = serve(|req: &Request, _| {
        let auth = req.header("authorization").unwrap_or_default().to_string();
        Reply::new(302, Body::Bytes(vec![]))
            .header("Location", &format!("https://evil.example/\u{9b}2J?{auth}"))
    });
    let (client, _) = client(&server.url);
    let e = client.get("production").await.unwrap_err();
    let text = e.to_string();
    assert_secret_free(&text);
    assert_has(&text, "<redacted>");
    assert!(
        text.contains("\\x9b2J") && !text.contains('\u{9b}'),
        "{text}"
    );
}

// ---------------------------------------------------------------- body limits

#[tokio::test]
async fn a_declared_huge_body_is_too_large() {
    let (_server, client) =
        answering(|| Reply::new(200, Body::Bytes(vec![b' '; MAX_BODY_BYTES + 1])));
    let e = client.get("production").await.unwrap_err();
    assert_eq!(e, ApiError::TooLarge { limit_mib: 4 });
    assert_eq!(
        e.to_string(),
        "answer too large (over 4 MiB); stopped reading it"
    );
}

/// An endless chunked body stops at the cap, long before the timeout (20 s here).
#[tokio::test]
async fn an_endless_body_stops_at_the_cap() {
    let (_server, client) = answering(|| Reply::new(200, Body::Endless));
    let e = client.get("production").await.unwrap_err();
    assert_eq!(e, ApiError::TooLarge { limit_mib: 4 });
    let e = client.patch(ID, &patch()).await.unwrap_err();
    assert_eq!(e, ApiError::TooLarge { limit_mib: 4 });
    assert!(
        e.may_have_landed(),
        "a PATCH answered at length may have landed"
    );
}

#[tokio::test]
async fn an_endless_body_without_a_length_stops_at_the_cap() {
    let (_server, client) = answering(|| Reply::new(200, Body::EndlessUnframed));
    let e = client.list().await.unwrap_err();
    assert_eq!(e, ApiError::TooLarge { limit_mib: 4 });
}

/// Just under the cap is still read: the limit is not off by one.
#[tokio::test]
async fn a_body_just_under_the_cap_is_read() {
    let server = serve(|_: &Request, _| {
        let mut body = json!({"data": workspace(ID)}).to_string().into_bytes();
        body.resize(MAX_BODY_BYTES, b' ');
        Reply::new(200, Body::Bytes(body))
    });
    let (client, _) = client(&server.url);
    assert_eq!(client.get(ID).await.unwrap().id(), ID);
}

// ---------------------------------------------------------------- paging

fn page(ids: impl IntoIterator<Item = usize>, total: Option<u64>) -> Reply {
    let data: Vec<Value> = ids
        .into_iter()
        .map(|i| workspace(&format!("id-{i}")))
        .collect();
    let mut body = json!({ "data": data });
    if let Some(total) = total {
        body["total_count"] = json!(total);
    }
    Reply::json(200, &body)
}

/// What a test server answers a request.
type Respond = fn(&Request) -> Reply;

/// Lists that page badly stop with a paging error, after as many requests as it takes to see
/// it: a server that ignores the offset sends the first page again (stopped at the second);
/// `total_count` huge and empty pages (stopped at the first empty page); fresh ids forever
/// (stopped past 50,000 workspaces, the most orws reads, not by memory or patience).
#[tokio::test]
async fn lists_that_page_badly_are_stopped() {
    let cases: [(&str, Respond, &str, usize); 3] = [
        (
            "the first page again",
            |_| page(0..100, Some(1_000)),
            "already listed",
            2,
        ),
        (
            "a huge total with empty pages",
            |req| match req.query_number("offset") {
                Some(0) => page(0..100, Some(u64::MAX)),
                _ => page(0..0, Some(u64::MAX)),
            },
            "sent no more after 100",
            2,
        ),
        (
            "fresh ids forever",
            |req| {
                let offset = req.query_number("offset").unwrap_or(0);
                page(offset..offset + 100, None)
            },
            "more than 50000 workspaces, the most orws reads",
            MAX_WORKSPACES / 100 + 1,
        ),
    ];
    for (case, respond, says, requests) in cases {
        let server = serve(move |req: &Request, _| respond(req));
        let (client, _) = client(&server.url);
        let e = client.list().await.unwrap_err();
        assert!(matches!(e, ApiError::Paging(_)), "{case}: {e:?}");
        assert_has_for(case, &e.to_string(), says);
        assert_eq!(server.count(), requests, "{case}: requests");
    }
}

/// A workspace created while paging shifts the next page by one: the repeat is skipped and the
/// list is whole, without duplicates.
#[tokio::test]
async fn a_shifted_page_is_deduplicated_not_refused() {
    let server = serve(|req: &Request, _| match req.query_number("offset") {
        Some(0) => page(0..100, Some(150)),
        // One was inserted before the second page: it repeats id-99.
        _ => page(99..150, Some(150)),
    });
    let (client, _) = client(&server.url);
    let all = client.list().await.unwrap();
    let ids: std::collections::HashSet<_> = all.iter().map(|w| w.id().to_string()).collect();
    assert_eq!((all.len(), ids.len()), (150, 150));
}

// ---------------------------------------------------------------- Retry-After

fn busy(retry_after: String) -> impl Fn(&Request, usize) -> Reply + Send + Sync + 'static {
    move |_: &Request, _| {
        Reply::json(503, &json!({"error": {"message": "busy"}})).header("Retry-After", &retry_after)
    }
}

/// An hour asked for is cut to the cap (50 ms in this test, 30 s by default), three tries.
#[tokio::test]
async fn a_long_retry_after_is_capped_and_tries_are_three() {
    let server = serve(busy("3600".into()));
    let (client, notices) = client(&server.url);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::Busy { attempts: 3, .. }), "{e:?}");
    assert_eq!(server.count(), 3);
    let waits: Vec<Duration> = notices.lock().unwrap().iter().map(|n| n.wait).collect();
    assert_eq!(waits, [Duration::from_millis(50); 2]);
}

/// An HTTP-date is understood: an hour ahead is capped like seconds (unparsed, it would be the
/// 10 ms backoff).
#[tokio::test]
async fn a_retry_after_http_date_is_honoured() {
    let later = std::time::SystemTime::now() + Duration::from_secs(3600);
    let server = serve(busy(httpdate::fmt_http_date(later)));
    let (client, notices) = client(&server.url);
    client.get("production").await.unwrap_err();
    let waits: Vec<Duration> = notices.lock().unwrap().iter().map(|n| n.wait).collect();
    assert_eq!(waits, [Duration::from_millis(50); 2]);
}

// ---------------------------------------------------------------- the key echoed back

fn echo_auth(status: u16, json_body: bool) -> impl Fn(&Request, usize) -> Reply + Send + Sync {
    move |req: &Request, _| {
        let auth = req.header("authorization").unwrap_or_default();
        let text = format!("rejected Authorization: {auth} (key {})", &auth[7..25]);
        if json_body {
            Reply::json(status, &json!({"error": {"message": text}}))
        } else {
            Reply::new(status, Body::Bytes(text.into_bytes()))
        }
    }
}

/// A server or proxy that echoes the Authorization header (whole, or a cut of the key) in its
/// error: the message keeps its sense, the key is redacted, for every kind of error.
#[tokio::test]
async fn an_echoed_key_is_redacted_from_every_error() {
    for status in [400u16, 401, 403, 418, 500, 503] {
        for json_body in [true, false] {
            let server = serve(echo_auth(status, json_body));
            let (client, notices) = client(&server.url);
            let e = client.patch(ID, &patch()).await.unwrap_err();
            let shown = format!("{e} {e:?}");
            assert_secret_free(&shown);
            assert_has(&shown, "rejected Authorization: Bearer <redacted>");
            for n in notices.lock().unwrap().iter() {
                assert_secret_free(&n.reason);
            }
        }
    }
}

// ---------------------------------------------------------------- lost connections

/// Reads the request, then hangs up without a word.
fn hang_up() -> hostile_http::Hostile {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let mut reader = std::io::BufReader::new(stream);
            let mut line = String::new();
            while std::io::BufRead::read_line(&mut reader, &mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
        }
    });
    hostile_http::Hostile::at(url)
}

/// A GET cut off changes nothing, and says so; only a write "may have been applied".
#[tokio::test]
async fn a_lost_connection_on_a_read_does_not_say_may_have_been_applied() {
    let server = hang_up();
    let (client, _) = client(&server.url);
    let e = client.get("production").await.unwrap_err();
    assert!(matches!(e, ApiError::ConnectionLostOnRead { .. }), "{e:?}");
    assert!(!e.to_string().contains("applied"), "{e}");
    let e = client.list().await.unwrap_err();
    assert!(matches!(e, ApiError::ConnectionLostOnRead { .. }), "{e:?}");
    let e = client.patch(ID, &patch()).await.unwrap_err();
    assert!(matches!(e, ApiError::ConnectionLost { .. }), "{e:?}");
    assert!(
        e.to_string().contains("may or may not have been applied"),
        "{e}"
    );
}

// ---------------------------------------------------------------- a malformed key

#[test]
fn a_malformed_key_is_refused_before_any_request() {
    for key in ["sk-or-v1-a\nsk-or-v1-b", "sk\r\nx", "sk\x1b[2J", "sk or"] {
        let e = Client::new(ClientConfig::new(
            "http://127.0.0.1:9/api/v1",
            ApiKey::new(key),
        ))
        .unwrap_err();
        assert!(matches!(e, ApiError::InvalidKey(_)), "{key:?}: {e:?}");
        assert_eq!(e.exit_code(), 2);
    }
}
