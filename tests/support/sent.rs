//! What a server was sent, by method, for the fake and the hostile servers alike.

use super::hostile_http::{Hostile, Request};
use orws::fake::{FakeServer, RecordedRequest};

pub trait Sent {
    type Request;

    /// Every request so far, in order.
    fn all(&self) -> Vec<Self::Request>;

    fn method(request: &Self::Request) -> &str;

    /// The requests with `method`, in order.
    fn sent_with(&self, method: &str) -> Vec<Self::Request> {
        self.all()
            .into_iter()
            .filter(|r| Self::method(r) == method)
            .collect()
    }

    /// How many requests with `method` the server got.
    fn sent(&self, method: &str) -> usize {
        self.sent_with(method).len()
    }
}

/// Both servers keep their requests the same way: a `method` field on each.
macro_rules! sent_for {
    ($server:ty, $request:ty) => {
        impl Sent for $server {
            type Request = $request;

            fn all(&self) -> Vec<$request> {
                self.requests()
            }

            fn method(request: &$request) -> &str {
                &request.method
            }
        }
    };
}

sent_for!(FakeServer, RecordedRequest);
sent_for!(Hostile, Request);
