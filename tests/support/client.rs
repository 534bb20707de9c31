//! The API client the tests build: one place for the loopback config every file used to copy
//! (a fast back-off so a retry costs milliseconds, a timeout long enough for a slow CI machine).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use orws::api::{ApiKey, Client, ClientConfig, RetryNotice};
use orws::fake::FakeServer;

/// The key the tests send, where the server does not ask for a particular one.
pub const KEY: &str = "test-key";

/// What a client can be pointed at: a fake, a hostile server, or a URL.
pub trait Address {
    fn address(&self) -> String;
}

impl Address for FakeServer {
    fn address(&self) -> String {
        self.url()
    }
}

impl Address for super::hostile_http::Hostile {
    fn address(&self) -> String {
        self.url.clone()
    }
}

impl Address for super::scripted::Hostile {
    fn address(&self) -> String {
        self.url.clone()
    }
}

impl Address for str {
    fn address(&self) -> String {
        self.to_string()
    }
}

impl Address for String {
    fn address(&self) -> String {
        self.clone()
    }
}

impl<T: Address + ?Sized> Address for &T {
    fn address(&self) -> String {
        (**self).address()
    }
}

/// The config every test starts from: back-off 10 ms, timeout 10 s, the test key.
pub fn config(at: impl Address) -> ClientConfig {
    keyed(at, KEY)
}

/// `config(at)` with another key (one a leak test looks for, or one the server demands).
pub fn keyed(at: impl Address, key: &str) -> ClientConfig {
    let mut config = ClientConfig::new(at.address(), ApiKey::new(key));
    config.initial_backoff = Duration::from_millis(10);
    config.timeout = Duration::from_secs(10);
    config
}

/// A client on `config(at)`.
pub fn client(at: impl Address) -> Client {
    built(config(at))
}

/// A client on a config a test has changed.
pub fn built(config: ClientConfig) -> Client {
    Client::new(config).expect("a loopback URL is accepted")
}

/// The retry notices a client reported, in order.
pub type Notices = Arc<Mutex<Vec<RetryNotice>>>;

/// A client on `config` that records every retry notice.
pub fn recording(config: ClientConfig) -> (Client, Notices) {
    let notices: Notices = Arc::default();
    let sink = notices.clone();
    let client = built(config).with_retry_hook(Arc::new(move |n: &RetryNotice| {
        sink.lock().unwrap().push(n.clone())
    }));
    (client, notices)
}

/// The budget limit `ws` has for `interval`, read through `c`.
pub async fn limit_of(
    c: &Client,
    ws: &str,
    interval: orws::admin::budgets::Interval,
) -> Option<f64> {
    c.get_budgets(ws).await.unwrap().limits.get(interval)
}
