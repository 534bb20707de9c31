//! The one write: every write orws makes, from either front end, is sent by [`retry::run`]
//! and settled by [`Holds`] (product.md §6). A kind of write brings only how to send it and
//! how to read back what the server holds.

pub mod retry;
pub mod settle;
pub mod stop;

pub use retry::{End, RetryPolicy, Sleep, Step, no_sleep, real_sleep, run};
pub use settle::{Holds, Settled};
pub mod budgets;
mod guardrails;
pub mod key;
pub mod members;
pub mod record;
pub mod request;
pub mod review;
pub mod send;
pub mod workspace;
