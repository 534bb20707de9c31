//! Where a run's first form spends its time (measured by `scripts/measure`): with
//! `ORWS_STARTUP_TRACE=PATH` set, each phase's end is noted and, once the first form is
//! drawn, the phases are written to PATH as one JSON object (microseconds since `main`).
//! Unset, a note costs one atomic load.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

static ON: AtomicBool = AtomicBool::new(false);
static TRACE: Mutex<Option<Trace>> = Mutex::new(None);

struct Trace {
    path: std::path::PathBuf,
    start: Instant,
    marks: Vec<(&'static str, Instant)>,
}

/// Called first thing in `main`: starts the trace when `ORWS_STARTUP_TRACE` names a file.
pub fn begin() {
    let Some(path) = std::env::var_os("ORWS_STARTUP_TRACE").filter(|p| !p.is_empty()) else {
        return;
    };
    let mut t = TRACE.lock().unwrap_or_else(|e| e.into_inner());
    *t = Some(Trace {
        path: path.into(),
        start: Instant::now(),
        marks: Vec::with_capacity(12),
    });
    ON.store(true, Ordering::Release);
}

/// Notes that `phase` ended now (once per phase: a repeat is ignored).
pub fn mark(phase: &'static str) {
    if !ON.load(Ordering::Acquire) {
        return;
    }
    let now = Instant::now();
    let mut t = TRACE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(t) = t.as_mut()
        && !t.marks.iter().any(|(p, _)| *p == phase)
    {
        t.marks.push((phase, now));
    }
}

/// The first form is on screen: notes it, writes the trace, and stops tracing.
pub fn first_form_drawn() {
    if !ON.swap(false, Ordering::AcqRel) {
        return;
    }
    let now = Instant::now();
    let Some(mut t) = TRACE.lock().unwrap_or_else(|e| e.into_inner()).take() else {
        return;
    };
    t.marks.push(("first_form_drawn", now));
    let mut out = serde_json::Map::new();
    for (phase, at) in &t.marks {
        let us = at.duration_since(t.start).as_micros() as u64;
        out.insert((*phase).to_string(), serde_json::Value::from(us));
    }
    // Best effort: a trace that cannot be written must not disturb the session.
    let _ = std::fs::write(&t.path, serde_json::Value::Object(out).to_string());
}
