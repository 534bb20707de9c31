//! Stand-in for crate::batch until the engine lands on main (same API, no behaviour).

use crate::submit::{Phase, RetryPolicy, WriteOutcome};
use crate::workspace::{PatchBody, Workspace};

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub id: String,
    pub label: String,
    pub base: Workspace,
    pub patch: PatchBody,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    pub concurrency: usize,
    pub policy: RetryPolicy,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    Phase {
        index: usize,
        phase: Phase,
    },
    Done {
        index: usize,
        status: Status,
    },
    Slowed {
        limit: usize,
        wait: std::time::Duration,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Applied,
    Conflict,
    Failed,
    NotStarted,
}

pub async fn run(
    _client: &crate::api::Client,
    items: &[Item],
    _options: Options,
    _events: tokio::sync::mpsc::UnboundedSender<Event>,
    _stop: tokio::sync::watch::Receiver<bool>,
) -> Vec<Option<WriteOutcome>> {
    vec![None; items.len()]
}

pub fn status(outcome: Option<&WriteOutcome>) -> Status {
    match outcome {
        None => Status::NotStarted,
        Some(WriteOutcome::Applied(_)) => Status::Applied,
        Some(WriteOutcome::Conflict { .. } | WriteOutcome::Expectation { .. }) => Status::Conflict,
        Some(_) => Status::Failed,
    }
}

pub fn reason(outcome: Option<&WriteOutcome>) -> String {
    match status(outcome) {
        Status::Applied => "applied".into(),
        Status::Conflict => "conflict".into(),
        Status::Failed => "failed".into(),
        Status::NotStarted => "not started".into(),
    }
}

pub fn history_entry(
    _host: &str,
    _items: &[Item],
    _outcomes: &[Option<WriteOutcome>],
) -> Option<crate::state::history::HistoryEntry> {
    None
}

pub fn undo_items(_items: &[Item], _outcomes: &[Option<WriteOutcome>]) -> Vec<Item> {
    vec![]
}

pub fn failed_items(items: &[Item], outcomes: &[Option<WriteOutcome>]) -> Vec<Item> {
    items
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| status(o.as_ref()) == Status::Failed)
        .map(|(i, _)| i.clone())
        .collect()
}
