//! What a server was sent, counted by method, for the fake and the hostile servers alike.

use super::hostile_http::Hostile;
use orws::fake::FakeServer;

pub trait Sent {
    /// The method of every request so far, in order.
    fn methods(&self) -> Vec<String>;

    /// How many requests with `method` the server got.
    fn sent(&self, method: &str) -> usize {
        self.methods().iter().filter(|m| *m == method).count()
    }
}

impl Sent for FakeServer {
    fn methods(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.method).collect()
    }
}

impl Sent for Hostile {
    fn methods(&self) -> Vec<String> {
        self.requests().into_iter().map(|r| r.method).collect()
    }
}
