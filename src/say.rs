//! Every line orws writes to stderr, escaped: server text (names, ids, messages) can hold
//! escape codes, and a new message cannot forget to escape what it quotes. Both front ends
//! use it (the TUI before and after it holds the terminal).

/// Writes `orws: <line>` to stderr with control characters made visible.
pub fn say(line: &str) {
    use std::io::Write;
    // A closed stderr (`orws apply … 2>&1 | head`) must not end orws halfway through its
    // writes (eprintln! panics), before what landed is recorded.
    let _ = writeln!(std::io::stderr(), "orws: {}", crate::text::escape(line));
}

/// Writes `orws: warning: <line>` to stderr, escaped.
pub fn warn(line: &str) {
    say(&format!("warning: {line}"));
}
