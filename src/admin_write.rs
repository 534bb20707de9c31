//! The safe write for the admin requests that are not the workspace PATCH (create, delete,
//! members, keys, …), shared by the CLI and the TUI: sent once; a refusal is final; a failure
//! that may have landed is settled by reading again; a busy server (429/503) is waited for,
//! read again, and only then sent again (product.md §6, as [`crate::submit::safe_patch`] does
//! for the PATCH). No front end in here: the caller says how each step is told.

use crate::api::{ApiError, WriteFailure};
use crate::submit::RetryPolicy;
use std::fmt::Display;
use std::future::Future;
use std::time::Duration;

/// How a write ended.
#[derive(Debug)]
pub enum End<T, E> {
    /// Answered cleanly.
    Done(T),
    /// No clean answer, but reading again shows it was applied.
    AfterAll,
    /// The server refused it: nothing was applied.
    Refused(ApiError),
    /// No clean answer, and reading again shows it was not applied.
    NotApplied(ApiError),
    /// It may have landed, and reading again failed too.
    InDoubt { error: ApiError, reread: E },
}

impl<T, E> End<T, E> {
    /// The same end with a clean answer turned into another.
    pub fn map_done<U>(self, f: impl FnOnce(T) -> U) -> End<U, E> {
        match self {
            End::Done(t) => End::Done(f(t)),
            End::AfterAll => End::AfterAll,
            End::Refused(e) => End::Refused(e),
            End::NotApplied(e) => End::NotApplied(e),
            End::InDoubt { error, reread } => End::InDoubt { error, reread },
        }
    }
}

/// A step worth telling while the write goes on.
#[derive(Debug)]
pub enum Step<'a> {
    /// The server is busy: waiting `wait`, then reading again before try `attempt` of `max`.
    Waiting {
        error: &'a ApiError,
        wait: Duration,
        attempt: u32,
        max: u32,
    },
    /// Reading again to tell whether the write landed.
    Rechecking(&'a ApiError),
}

/// Sends one write with `send`; `recheck` reads the server and says whether the write is
/// there. At most `policy.max_tries` sends in all.
pub async fn write<T, E, SF, RF>(
    mut send: impl FnMut() -> SF,
    mut recheck: impl FnMut() -> RF,
    policy: RetryPolicy,
    mut on_step: impl FnMut(Step<'_>),
) -> End<T, E>
where
    E: Display,
    SF: Future<Output = Result<T, WriteFailure>>,
    RF: Future<Output = Result<bool, E>>,
{
    let max = policy.max_tries.max(1);
    let mut attempt = 1;
    loop {
        let (error, retry_after) = match send().await {
            Ok(t) => return End::Done(t),
            Err(WriteFailure::Failed(e)) if !e.may_have_landed() => return End::Refused(e),
            Err(WriteFailure::Failed(e)) => {
                on_step(Step::Rechecking(&e));
                return settle(e, recheck().await);
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
            return settle(error, recheck().await);
        }
        let wait = retry_after
            .unwrap_or_else(|| policy.backoff.mul_f64(1.5f64.powi(attempt as i32 - 1)))
            .min(policy.max_wait);
        attempt += 1;
        on_step(Step::Waiting {
            error: &error,
            wait,
            attempt,
            max,
        });
        tokio::time::sleep(wait).await;
        match recheck().await {
            Ok(true) => return End::AfterAll,
            Ok(false) => {}
            Err(reread) => {
                return End::InDoubt { error, reread };
            }
        }
    }
}

fn settle<T, E>(error: ApiError, reread: Result<bool, E>) -> End<T, E> {
    match reread {
        Ok(true) => End::AfterAll,
        Ok(false) => End::NotApplied(error),
        Err(reread) => End::InDoubt { error, reread },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    fn busy() -> WriteFailure {
        WriteFailure::Busy {
            error: ApiError::Server {
                status: 503,
                message: "busy".into(),
            },
            retry_after: Some(Duration::from_millis(1)),
        }
    }

    fn lost() -> WriteFailure {
        WriteFailure::Failed(ApiError::Server {
            status: 500,
            message: "boom".into(),
        })
    }

    async fn run(
        answers: Vec<Result<u8, WriteFailure>>,
        on_server: Vec<Result<bool, String>>,
    ) -> (End<u8, String>, usize, usize) {
        let sends = Cell::new(0);
        let reads = Cell::new(0);
        let answers = std::cell::RefCell::new(answers.into_iter());
        let on_server = std::cell::RefCell::new(on_server.into_iter());
        let end = write(
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
            RetryPolicy::default(),
            |_| {},
        )
        .await;
        (end, sends.get(), reads.get())
    }

    #[tokio::test]
    async fn a_lost_answer_is_settled_by_reading_again() {
        let (end, sends, reads) = run(vec![Err(lost())], vec![Ok(true)]).await;
        assert!(matches!(end, End::AfterAll));
        assert_eq!((sends, reads), (1, 1));
        let (end, ..) = run(vec![Err(lost())], vec![Ok(false)]).await;
        assert!(matches!(end, End::NotApplied(_)));
        let (end, ..) = run(vec![Err(lost())], vec![Err("down".into())]).await;
        assert!(matches!(end, End::InDoubt { reread, .. } if reread == "down"));
    }

    #[tokio::test]
    async fn a_busy_server_is_read_again_before_each_new_try() {
        // Landed during the first busy answer: never sent twice.
        let (end, sends, reads) = run(vec![Err(busy())], vec![Ok(true)]).await;
        assert!(matches!(end, End::AfterAll));
        assert_eq!((sends, reads), (1, 1));
        // Not there: sent again, and the second try answers.
        let (end, sends, reads) = run(vec![Err(busy()), Ok(7)], vec![Ok(false)]).await;
        assert!(matches!(end, End::Done(7)));
        assert_eq!((sends, reads), (2, 1));
        // Busy on every try: the last one is settled by a read, not called failed blindly.
        let (end, sends, reads) = run(
            vec![Err(busy()), Err(busy()), Err(busy())],
            vec![Ok(false), Ok(false), Ok(false)],
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
        let (end, sends, reads) = run(vec![Err(refused)], vec![]).await;
        assert!(matches!(end, End::Refused(_)), "{end:?}");
        assert_eq!((sends, reads), (1, 0));
    }
}
