//! Plain-text tables and JSON for stdout, and the one place that writes stdout.

use crate::error::RunError;
use crate::submit::fate;
use crate::workspace::diff::Change;
use crate::workspace::{PatchBody, READ_ONLY, Workspace, changes_between, field, show_value};
use serde_json::Value;
use std::io::{ErrorKind, Write};
use std::os::fd::AsFd;
use std::sync::atomic::{AtomicBool, Ordering};
use unicode_width::UnicodeWidthStr;

/// Columns padded to their widest cell; the last column is not padded. Every cell is escaped
/// for the terminal here, whatever it holds.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| crate::text::escape(cell).into_owned())
                .collect()
        })
        .collect();
    let cols = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.width()).collect();
    for row in &rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.width());
        }
    }
    let mut out = String::new();
    let mut line = |cells: Vec<&str>| {
        let mut text = String::new();
        for (i, cell) in cells.iter().enumerate() {
            text.push_str(cell);
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(widths[i] - cell.width() + 2));
            }
        }
        out.push_str(text.trim_end());
        out.push('\n');
    };
    line(header.to_vec());
    for row in &rows {
        line(row.iter().map(String::as_str).collect());
    }
    out
}

/// One line of a cell: newlines shown as `⏎`, long text cut with `…`.
pub fn cell(value: Option<&Value>, max: usize) -> String {
    field_cell("", value, max)
}

/// A cell for the field called `name`, as [`show_value`] shows it (`∅`, `all keys`, `"null"`).
pub fn field_cell(name: &str, value: Option<&Value>, max: usize) -> String {
    let text = show_value(field(name), value).text.replace('\n', "⏎");
    if text.chars().count() > max {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// Set once a result could not be written to stdout (other than a reader that quit).
static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Writes a result to stdout: the one place the CLI writes stdout (product.md §15 "stdout").
/// A reader that quit early (EPIPE, `orws list | head`) is not an error: nothing more is
/// printed and the run ends as it would have. Any other failure (a full disk, stdout not open
/// for writing, an I/O error) is an error, exit 1: the result was not delivered.
///
/// Written through a duplicate of the descriptor, not `std::io::stdout()`, which takes EBADF
/// for success.
pub fn to_stdout(out: &str) -> Result<(), RunError> {
    if out.is_empty() {
        return Ok(());
    }
    let result = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .and_then(|fd| deliver(&mut std::fs::File::from(fd), out));
    result.map_err(|e| {
        STDOUT_FAILED.store(true, Ordering::SeqCst);
        RunError::Terminal(format!("cannot write the result to stdout: {e}"))
    })
}

/// [`to_stdout`] for a result that comes with an error (a partly applied write): a failure is
/// said on stderr at once and remembered ([`stdout_failed`]) for the exit code.
pub fn to_stdout_before_error(out: &str) {
    if let Err(e) = to_stdout(out) {
        crate::say::say(&format!("error: {e}"));
    }
}

/// Whether a result could not be written to stdout during this run (a reader that quit does
/// not count): the run then exits 1 whatever else it would have.
pub fn stdout_failed() -> bool {
    STDOUT_FAILED.load(Ordering::SeqCst)
}

/// Writes `out` whole and flushes it; a closed pipe is quietly the end.
fn deliver(w: &mut impl Write, out: &str) -> Result<(), std::io::Error> {
    match w.write_all(out.as_bytes()).and_then(|()| w.flush()) {
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        other => other,
    }
}

/// The answer when nothing was sent: `{}` as JSON, nothing as a table.
pub fn nothing(output: super::Output) -> String {
    match output {
        super::Output::Json => "{}\n".into(),
        super::Output::Table => String::new(),
    }
}

pub fn json_pretty(value: &Value) -> String {
    let s = serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string());
    // serde_json leaves DEL, C1 and bidi controls raw.
    let mut s = crate::text::escape_json(&s).into_owned();
    s.push('\n');
    s
}

/// Every field of a workspace: editable ones in form order, read-only, then unknown ones.
pub fn workspace_table(ws: &Workspace) -> String {
    let mut rows = Vec::new();
    {
        let key = "id";
        rows.push(vec![
            key.to_string(),
            cell(ws.get(key), 80),
            "read-only".into(),
        ]);
    }
    for spec in &crate::workspace::FIELDS {
        if spec.name == "disabled_server_tools" && ws.get(spec.name).is_none() {
            continue;
        }
        rows.push(vec![
            spec.name.to_string(),
            field_cell(spec.name, ws.get(spec.name), 80),
            String::new(),
        ]);
    }
    for key in READ_ONLY.iter().filter(|k| **k != "id") {
        if ws.get(key).is_some() {
            rows.push(vec![
                key.to_string(),
                cell(ws.get(key), 80),
                "read-only".into(),
            ]);
        }
    }
    for (key, value) in ws.unknown_fields() {
        rows.push(vec![
            key.clone(),
            cell(Some(value), 80),
            "unknown to orws".into(),
        ]);
    }
    table(&["FIELD", "VALUE", ""], &rows)
}

/// field | before | after; each requested field marked applied, stored differently or ignored.
pub fn changes_table(before: &Workspace, after: &Workspace, patch: &PatchBody) -> String {
    let mut changes = changes_between(before, after);
    // A requested field the server left as it was has no change: it still gets its row.
    for name in patch.fields().keys() {
        if !changes.iter().any(|c| &c.field == name) {
            changes.push(Change {
                field: name.clone(),
                before: before.get(name).cloned(),
                after: after.get(name).cloned(),
            });
        }
    }
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            let note = if let Some(sent) = patch.fields().get(&c.field) {
                fate(&c.field, sent, c.before.as_ref(), c.after.as_ref()).label()
            } else if field(&c.field).is_none() {
                "server"
            } else {
                "changed remotely"
            };
            vec![
                c.field.clone(),
                field_cell(&c.field, c.before.as_ref(), 40),
                field_cell(&c.field, c.after.as_ref(), 40),
                note.to_string(),
            ]
        })
        .collect();
    table(&["FIELD", "BEFORE", "AFTER", ""], &rows)
}

/// A CSV cell: quoted when it holds a comma, a quote or a line break; a leading `=`, `+`,
/// `-` or `@` is prefixed with `'` so a spreadsheet does not run it.
pub fn csv_cell(c: &str) -> String {
    let c = crate::text::escape(c).into_owned();
    let c = if c.starts_with(['=', '+', '-', '@']) {
        format!("'{c}")
    } else {
        c
    };
    if c.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that takes `room` bytes, then fails with `errno`.
    struct Failing {
        room: usize,
        errno: i32,
        got: Vec<u8>,
    }

    impl Write for Failing {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            if self.room == 0 {
                return Err(std::io::Error::from_raw_os_error(self.errno));
            }
            let n = buf.len().min(self.room);
            self.room -= n;
            self.got.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_reader_that_quit_ends_quietly_and_any_other_failure_is_an_error() {
        let failing = |errno| Failing {
            room: 3,
            errno,
            got: Vec::new(),
        };
        let mut pipe = failing(libc::EPIPE);
        assert!(deliver(&mut pipe, "abcdef").is_ok());
        assert_eq!(pipe.got, b"abc");
        for errno in [libc::ENOSPC, libc::EBADF, libc::EIO] {
            let e = deliver(&mut failing(errno), "abcdef").unwrap_err();
            assert_eq!(e.raw_os_error(), Some(errno));
        }
    }

    #[test]
    fn table_pads_by_display_width() {
        let t = table(
            &["A", "B"],
            &[
                vec!["日本".into(), "x".into()],
                vec!["a".into(), "y".into()],
            ],
        );
        assert_eq!(t, "A     B\n日本  x\na     y\n");
    }

    #[test]
    fn cells_are_escaped_for_the_terminal() {
        let t = table(
            &["NAME", "X"],
            &[vec![
                "Prod\x1b]0;x\x07\x1b[2J".into(),
                "a\u{202e}b\tc".into(),
            ]],
        );
        assert_eq!(
            t,
            "NAME                     X\nProd\\x1b]0;x\\x07\\x1b[2J  a\\u{202e}b\\x09c\n"
        );
        let j = json_pretty(&serde_json::json!({"n": "\u{9b}\u{7f}\u{2067}"}));
        assert_eq!(j, "{\n  \"n\": \"\\u009b\\u007f\\u2067\"\n}\n");
    }

    #[test]
    fn cells_are_one_line_and_cut() {
        assert_eq!(cell(Some(&Value::String("a\nb".into())), 10), "a⏎b");
        assert_eq!(cell(Some(&Value::String("abcdef".into())), 4), "abc…");
    }

    #[test]
    fn null_null_text_and_empty_text_differ_in_tables() {
        use serde_json::json;
        let desc = |v: Value| field_cell("description", Some(&v), 20);
        assert_eq!(
            [desc(json!(null)), desc(json!("null")), desc(json!(""))],
            ["∅", "\"null\"", "\"\""]
        );
        let keys = |v: Value| field_cell("io_logging_api_key_ids", Some(&v), 20);
        assert_eq!(
            [keys(json!(null)), keys(json!([])), keys(json!([1, 2]))],
            ["all keys", "no keys", "1, 2"]
        );
    }
}
