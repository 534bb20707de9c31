//! The one retry loop of every write: sent once; a refusal is final; a failure that may have
//! landed is settled by reading again; a busy server (429/503) is waited for, read again and
//! settled three ways, and only a write the server still does not hold is sent again
//! (product.md §6). The wait is injected ([`RetryPolicy::sleep`]), so no test sleeps for a
//! real `Retry-After`. No front end in here: the caller says how each step is told.

use super::Settled;
use crate::api::{ApiError, WriteFailure};
use std::fmt::Display;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// Waits out a retry's pause: [`real_sleep`] in production, [`no_sleep`] in tests.
pub type Sleep = fn(Duration) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// The production wait.
pub fn real_sleep(wait: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(tokio::time::sleep(wait))
}

/// A wait that returns at once, for tests of what happens during a wait.
pub fn no_sleep(_: Duration) -> Pin<Box<dyn Future<Output = ()> + Send>> {
    Box::pin(std::future::ready(()))
}

/// Limits for retrying a write the server asked to come back later for.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Tries of the write in all.
    pub max_tries: u32,
    /// The first wait when the server gives no Retry-After; each next one is 1.5× longer.
    pub backoff: Duration,
    /// The longest wait, whatever Retry-After says.
    pub max_wait: Duration,
    /// How a wait is waited.
    pub sleep: Sleep,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_tries: 3,
            backoff: Duration::from_millis(500),
            max_wait: Duration::from_secs(30),
            sleep: real_sleep,
        }
    }
}

impl RetryPolicy {
    /// The default limits with every wait skipped ([`no_sleep`]): for tests, so none waits
    /// out a real `Retry-After`.
    pub fn without_waiting() -> Self {
        Self {
            sleep: no_sleep,
            ..Self::default()
        }
    }

    /// The wait before try `attempt + 1`: the server's `Retry-After`, else the backoff.
    pub fn wait(&self, retry_after: Option<Duration>, attempt: u32) -> Duration {
        retry_after
            .unwrap_or_else(|| self.backoff.mul_f64(1.5f64.powi(attempt as i32 - 1)))
            .min(self.max_wait)
    }
}

/// How a write ended.
#[derive(Debug)]
pub enum End<T, E, C> {
    /// Answered cleanly.
    Done(T),
    /// No clean answer, but reading again shows it was applied.
    AfterAll,
    /// The server refused it: nothing was applied.
    Refused(ApiError),
    /// No clean answer, and reading again shows it was not applied.
    NotApplied(ApiError),
    /// No clean answer, and reading again shows part of it applied (the rest holds the base).
    Partial(ApiError),
    /// Reading again shows something else than the base or what was sent: another writer.
    /// Nothing more was sent.
    Conflict { error: ApiError, what: C },
    /// It may have landed, and reading again failed too.
    InDoubt { error: ApiError, reread: E },
}

impl<T, E, C> End<T, E, C> {
    /// The same end with a clean answer turned into another.
    pub fn map_done<U>(self, f: impl FnOnce(T) -> U) -> End<U, E, C> {
        match self {
            End::Done(t) => End::Done(f(t)),
            End::AfterAll => End::AfterAll,
            End::Refused(e) => End::Refused(e),
            End::NotApplied(e) => End::NotApplied(e),
            End::Partial(e) => End::Partial(e),
            End::Conflict { error, what } => End::Conflict { error, what },
            End::InDoubt { error, reread } => End::InDoubt { error, reread },
        }
    }
}

/// A step worth telling while the write goes on.
#[derive(Debug)]
pub enum Step<'a> {
    /// The write is on its way (1 = first try).
    Sending { attempt: u32 },
    /// The server is busy: waiting `wait`, then reading again before try `attempt` of `max`.
    Waiting {
        error: &'a ApiError,
        wait: Duration,
        attempt: u32,
        max: u32,
    },
    /// Reading again to settle the write (after a wait, or a doubtful answer).
    Rechecking(&'a ApiError),
}

/// Sends one write with `send`; `settle` reads the server and says what it holds (three ways,
/// [`Settled`]). At most `policy.max_tries` sends in all; a conflict sends nothing more.
pub async fn run<T, E, C, SF, RF>(
    mut send: impl FnMut() -> SF,
    mut settle: impl FnMut() -> RF,
    policy: RetryPolicy,
    mut on_step: impl FnMut(Step<'_>),
) -> End<T, E, C>
where
    E: Display,
    SF: Future<Output = Result<T, WriteFailure>>,
    RF: Future<Output = Result<Settled<C>, E>>,
{
    let max = policy.max_tries.max(1);
    let mut attempt = 1;
    // After a stop signal nothing new is sent (only re-reads settle what already was).
    if super::stop::requested().is_some() {
        return End::Refused(ApiError::Stopped);
    }
    loop {
        on_step(Step::Sending { attempt });
        let (error, retry_after) = match send().await {
            Ok(t) => return End::Done(t),
            Err(WriteFailure::Failed(e)) if !e.may_have_landed() => return End::Refused(e),
            Err(WriteFailure::Failed(e)) => {
                on_step(Step::Rechecking(&e));
                return finish(e, settle().await);
            }
            Err(WriteFailure::Busy { error, retry_after }) => (error, retry_after),
        };
        if attempt >= max {
            // A 503 can come after the write was applied: ask before calling it not applied.
            let error = match error {
                ApiError::Server { status, message } => ApiError::Busy {
                    status,
                    message,
                    attempts: attempt,
                },
                other => other,
            };
            on_step(Step::Rechecking(&error));
            return finish(error, settle().await);
        }
        let wait = policy.wait(retry_after, attempt);
        attempt += 1;
        on_step(Step::Waiting {
            error: &error,
            wait,
            attempt,
            max,
        });
        // A stop during the wait settles the write by one re-read at once.
        super::stop::wait_or_stop(wait, policy.sleep).await;
        on_step(Step::Rechecking(&error));
        let stopping = super::stop::requested().is_some();
        match settle().await {
            Ok(Settled::Applied) => return End::AfterAll,
            Ok(Settled::NotApplied) if stopping => return End::NotApplied(error),
            Ok(Settled::Partial) if stopping => return End::Partial(error),
            // What landed holds what would be sent again: a new try overwrites nothing.
            Ok(Settled::NotApplied | Settled::Partial) => {}
            Ok(Settled::Conflict(what)) => return End::Conflict { error, what },
            Err(reread) => return End::InDoubt { error, reread },
        }
    }
}

/// The end of a write whose last answer was not clean, from what reading again showed.
fn finish<T, E, C>(error: ApiError, settled: Result<Settled<C>, E>) -> End<T, E, C> {
    match settled {
        Ok(Settled::Applied) => End::AfterAll,
        Ok(Settled::NotApplied) => End::NotApplied(error),
        Ok(Settled::Partial) => End::Partial(error),
        Ok(Settled::Conflict(what)) => End::Conflict { error, what },
        Err(reread) => End::InDoubt { error, reread },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::{Cell, RefCell};

    fn busy() -> WriteFailure {
        WriteFailure::Busy {
            error: ApiError::Server {
                status: 503,
                message: "busy".into(),
            },
            // A real wait would be an hour: the injected sleep must not take it.
            retry_after: Some(Duration::from_secs(3600)),
        }
    }

    fn lost() -> WriteFailure {
        WriteFailure::Failed(ApiError::Server {
            status: 500,
            message: "boom".into(),
        })
    }

    type Seen = Result<Settled<&'static str>, String>;

    async fn go(
        answers: Vec<Result<u8, WriteFailure>>,
        on_server: Vec<Seen>,
    ) -> (End<u8, String, &'static str>, usize, usize) {
        let sends = Cell::new(0);
        let reads = Cell::new(0);
        let answers = RefCell::new(answers.into_iter());
        let on_server = RefCell::new(on_server.into_iter());
        let policy = RetryPolicy {
            sleep: no_sleep,
            max_wait: Duration::from_secs(3600),
            ..RetryPolicy::default()
        };
        let end = run(
            || {
                sends.set(sends.get() + 1);
                let a = answers.borrow_mut().next().expect("no more sends expected");
                async move { a }
            },
            || {
                reads.set(reads.get() + 1);
                let r = on_server
                    .borrow_mut()
                    .next()
                    .expect("no more reads expected");
                async move { r }
            },
            policy,
            |_| {},
        )
        .await;
        (end, sends.get(), reads.get())
    }

    #[tokio::test]
    async fn a_lost_answer_is_settled_three_ways() {
        let (end, sends, reads) = go(vec![Err(lost())], vec![Ok(Settled::Applied)]).await;
        assert!(matches!(end, End::AfterAll));
        assert_eq!((sends, reads), (1, 1));
        let (end, ..) = go(vec![Err(lost())], vec![Ok(Settled::NotApplied)]).await;
        assert!(matches!(end, End::NotApplied(_)));
        let (end, ..) = go(vec![Err(lost())], vec![Ok(Settled::Partial)]).await;
        assert!(matches!(end, End::Partial(_)));
        let (end, ..) = go(vec![Err(lost())], vec![Ok(Settled::Conflict("moved"))]).await;
        assert!(matches!(end, End::Conflict { what: "moved", .. }));
        let (end, ..) = go(vec![Err(lost())], vec![Err("down".into())]).await;
        assert!(matches!(end, End::InDoubt { reread, .. } if reread == "down"));
    }

    #[tokio::test]
    async fn a_busy_server_is_settled_before_each_new_try() {
        // Landed during the first busy answer: never sent twice.
        let (end, sends, reads) = go(vec![Err(busy())], vec![Ok(Settled::Applied)]).await;
        assert!(matches!(end, End::AfterAll));
        assert_eq!((sends, reads), (1, 1));
        // Still the base: sent again, and the second try answers.
        let (end, sends, reads) = go(vec![Err(busy()), Ok(7)], vec![Ok(Settled::NotApplied)]).await;
        assert!(matches!(end, End::Done(7)));
        assert_eq!((sends, reads), (2, 1));
        // A colleague wrote during the wait: a conflict, and nothing more is sent.
        let (end, sends, reads) = go(vec![Err(busy())], vec![Ok(Settled::Conflict("450"))]).await;
        assert!(matches!(end, End::Conflict { what: "450", .. }), "{end:?}");
        assert_eq!((sends, reads), (1, 1));
        // Busy on every try: the last one is settled by a read, not called failed blindly.
        let (end, sends, reads) = go(
            vec![Err(busy()), Err(busy()), Err(busy())],
            vec![
                Ok(Settled::NotApplied),
                Ok(Settled::NotApplied),
                Ok(Settled::NotApplied),
            ],
        )
        .await;
        assert!(matches!(end, End::NotApplied(_)));
        assert_eq!((sends, reads), (3, 3));
    }

    #[tokio::test]
    async fn a_refusal_is_final_and_nothing_is_read() {
        let refused = WriteFailure::Failed(ApiError::BadRequest {
            message: "no".into(),
            field: None,
        });
        let (end, sends, reads) = go(vec![Err(refused)], vec![]).await;
        assert!(matches!(end, End::Refused(_)), "{end:?}");
        assert_eq!((sends, reads), (1, 0));
    }
}
