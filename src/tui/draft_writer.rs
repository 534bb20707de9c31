//! Draft writes off the UI thread: a writer thread takes them in order, so typing never waits
//! for the disk, and a flush waits for every write before it (on quit, signal and suspend).

use super::app::Msg;
use crate::state::StateError;
use crate::state::drafts::{Draft, DraftStore};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedSender;

/// How long a draft change may wait for more typing before it is written: the most a
/// `kill -9` can lose (the README says so).
pub const DEBOUNCE: Duration = Duration::from_millis(250);

/// The longest a flush waits for the disk before giving up on it.
const FLUSH_WAIT: Duration = Duration::from_secs(5);

/// One change to this process's draft of a workspace.
#[derive(Debug)]
pub enum DraftOp {
    Save(Box<Draft>),
    Delete(String),
}

impl DraftOp {
    /// The draft it changes.
    pub fn id(&self) -> &str {
        match self {
            DraftOp::Save(d) => &d.workspace_id,
            DraftOp::Delete(id) => id,
        }
    }
}

/// A change, and the left-over draft of a gone process it takes over (removed once the change
/// is on disk: the edits restored from it now live in this process's own draft).
#[derive(Debug)]
pub struct DraftWrite {
    pub op: DraftOp,
    pub replaces: Option<PathBuf>,
}

enum Job {
    Write(DraftWrite),
    /// Answered once every write before it is done, with the first failure since the last flush.
    Flush(Sender<Result<(), String>>),
}

/// The sending side; dropping it finishes the writes sent and ends the thread. The thread
/// starts with the first write (not on the way to the first form: most sessions that only
/// look never write a draft).
pub struct DraftWriter {
    start: Mutex<Option<Start>>,
    started: OnceLock<Started>,
}

type Start = (
    Result<Arc<DraftStore>, StateError>,
    String,
    UnboundedSender<Msg>,
);

struct Started {
    jobs: Mutex<Option<Sender<Job>>>,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl DraftWriter {
    /// The writer for `store` (or for the reason there is none: each write then fails with
    /// it, so the person hears at once that the edits are not kept). Each write's result
    /// comes back to the app as `Msg::DraftSaved`.
    pub fn start(
        store: Result<Arc<DraftStore>, StateError>,
        host: String,
        results: UnboundedSender<Msg>,
    ) -> Self {
        Self {
            start: Mutex::new(Some((store, host, results))),
            started: OnceLock::new(),
        }
    }

    fn started(&self) -> &Started {
        self.started.get_or_init(|| {
            let (jobs, rx) = channel();
            let start = self.start.lock().unwrap_or_else(|e| e.into_inner()).take();
            // Without a thread every job is dropped, and a flush says so.
            let thread = start.and_then(|(store, host, results)| {
                std::thread::Builder::new()
                    .name("orws-drafts".into())
                    .spawn(move || run(rx, store, host, results))
                    .ok()
            });
            Started {
                jobs: Mutex::new(thread.as_ref().map(|_| jobs)),
                thread: Mutex::new(thread),
            }
        })
    }

    fn send(&self, job: Job) -> bool {
        let started = self.started();
        let jobs = started.jobs.lock().unwrap_or_else(|e| e.into_inner());
        jobs.as_ref().is_some_and(|jobs| jobs.send(job).is_ok())
    }

    pub fn write(&self, write: DraftWrite) {
        self.send(Job::Write(write));
    }

    /// Waits until every write sent so far is done; the first failure among them, if any.
    pub fn flush(&self) -> Result<(), String> {
        if self.started.get().is_none() {
            // Nothing was ever sent, so nothing waits (and no thread starts to say so).
            return Ok(());
        }
        let (tx, rx) = channel();
        if !self.send(Job::Flush(tx)) {
            return Err("the draft writer has stopped".to_string());
        }
        rx.recv_timeout(FLUSH_WAIT)
            .map_err(|_| "the disk did not answer in time".to_string())?
    }
}

impl Drop for DraftWriter {
    fn drop(&mut self) {
        // The store's lock goes with the thread: once this returns, another orws sees this
        // one gone and may offer its draft.
        let Some(started) = self.started.get_mut() else {
            return;
        };
        started
            .jobs
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(thread) = started
            .thread
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take()
        {
            let _ = thread.join();
        }
    }
}

fn run(
    jobs: Receiver<Job>,
    store: Result<Arc<DraftStore>, StateError>,
    host: String,
    results: UnboundedSender<Msg>,
) {
    let mut last = Ok(());
    for job in jobs {
        match job {
            Job::Write(write) => {
                let result = perform(&store, &host, write);
                let _ = results.send(Msg::DraftSaved(result.clone()));
                // Several drafts may be written before a flush: it reports the first failure.
                if last.is_ok() {
                    last = result;
                }
            }
            Job::Flush(answer) => {
                let last = std::mem::replace(&mut last, Ok(()));
                let _ = answer.send(last.map_err(|e| e.to_string()));
            }
        }
    }
}

fn perform(
    store: &Result<Arc<DraftStore>, StateError>,
    host: &str,
    write: DraftWrite,
) -> Result<(), StateError> {
    let store = store.as_ref().map_err(Clone::clone)?;
    match write.op {
        DraftOp::Save(mut draft) => {
            draft.saved_at = crate::state::now_rfc3339();
            store.save(&draft)
        }
        DraftOp::Delete(id) => store.remove(host, &id),
    }?;
    if let Some(path) = write.replaces {
        store.remove_offered(&path)?;
    }
    Ok(())
}
