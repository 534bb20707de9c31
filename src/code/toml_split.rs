//! Where a TOML document can be cut into tables read one at a time: toml's parser holds every
//! token and event of the text at once (about 10 bytes of memory per byte of text: 370 MB for
//! an export of 50,000 workspaces), so a large file is read table by table instead.
//!
//! Here: where the top-level table headers are (not in a string, an array or an inline table)
//! and the path each names. Every chunk after the first starts with a standard table header
//! (`[a."b"]`); anything this small scanner does not read (an `[[array]]` of tables, a key
//! with an escape, unbalanced brackets) answers `None`, and the caller reads the whole text
//! as one document. Whether the chunks put together mean what the whole text means is the
//! caller's check (`tree::parse_toml`).

/// One chunk: where it starts in the text and the table path its header names (empty for the
/// part before the first header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub path: Vec<String>,
}

/// The chunks of `text`, each starting at a top-level table header (the first at 0); `None`
/// when the scanner cannot tell (see the module's comment) or there is no header.
pub fn chunks(text: &str) -> Option<Vec<Chunk>> {
    let bytes = text.as_bytes();
    let mut out = vec![Chunk {
        start: 0,
        path: Vec::new(),
    }];
    let mut i = 0;
    let mut depth = 0usize;
    let mut line_start = true;
    while i < bytes.len() {
        if line_start && depth == 0 {
            let first = i + bytes[i..]
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count();
            if bytes.get(first) == Some(&b'[') {
                let (path, end) = header(text, first)?;
                out.push(Chunk { start: i, path });
                i = end;
                continue;
            }
        }
        line_start = false;
        match bytes[i] {
            b'\n' => {
                line_start = true;
                i += 1;
            }
            b'#' => i = skip_line(bytes, i),
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
            }
            b'"' | b'\'' => i = skip_string(bytes, i)?,
            _ => i += 1,
        }
    }
    if depth != 0 || out.len() < 2 {
        return None;
    }
    Some(out)
}

/// Past the end of the line at `i` (on its `\n`, or the end of the text).
fn skip_line(bytes: &[u8], i: usize) -> usize {
    i + bytes[i..]
        .iter()
        .position(|b| *b == b'\n')
        .unwrap_or(bytes.len() - i)
}

/// Past the string opening at `i` (`"`, `'`, `"""` or `'''`); `None` when it does not end.
fn skip_string(bytes: &[u8], i: usize) -> Option<usize> {
    let quote = bytes[i];
    let multi = bytes.get(i..i + 3) == Some(&[quote; 3][..]);
    let mut j = i + if multi { 3 } else { 1 };
    while j < bytes.len() {
        let b = bytes[j];
        if b == b'\\' && quote == b'"' {
            j += 2;
            continue;
        }
        if b == b'\n' && !multi {
            return None;
        }
        if b == quote {
            if !multi {
                return Some(j + 1);
            }
            if bytes.get(j..j + 3) == Some(&[quote; 3][..]) {
                // Up to two more quotes may close it (`""""` ends with one in the string).
                let mut end = j + 3;
                while end < j + 5 && bytes.get(end) == Some(&quote) {
                    end += 1;
                }
                return Some(end);
            }
        }
        j += 1;
    }
    None
}

/// Reads a standard table header at `at` (its `[`): the path it names and where its line
/// ends (on the `\n`). `None` for an array of tables, a key with an escape, or anything else
/// this small reader does not take.
fn header(text: &str, at: usize) -> Option<(Vec<String>, usize)> {
    let bytes = text.as_bytes();
    let mut i = at + 1;
    if bytes.get(i) == Some(&b'[') {
        return None;
    }
    let ws = |i: &mut usize| {
        while matches!(bytes.get(*i), Some(b' ' | b'\t')) {
            *i += 1;
        }
    };
    let mut path = Vec::new();
    loop {
        ws(&mut i);
        let key = match bytes.get(i)? {
            q @ (b'"' | b'\'') => {
                let len = bytes[i + 1..].iter().position(|b| b == q)?;
                let key = &text[i + 1..i + 1 + len];
                if key.contains(['\\', '\n', '\r']) {
                    return None;
                }
                i += len + 2;
                key
            }
            _ => {
                let len = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
                    .count();
                if len == 0 {
                    return None;
                }
                i += len;
                &text[i - len..i]
            }
        };
        path.push(key.to_string());
        ws(&mut i);
        match bytes.get(i)? {
            b'.' => i += 1,
            b']' => break,
            _ => return None,
        }
    }
    i += 1;
    ws(&mut i);
    match bytes.get(i) {
        None | Some(b'\n') => Some((path, i)),
        Some(b'\r') if bytes.get(i + 1) == Some(&b'\n') => Some((path, i + 1)),
        Some(b'#') => Some((path, skip_line(bytes, i))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn starts(text: &str) -> Option<Vec<(usize, Vec<String>)>> {
        Some(
            chunks(text)?
                .into_iter()
                .map(|c| (c.start, c.path))
                .collect(),
        )
    }

    fn path(p: &[&str]) -> Vec<String> {
        p.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn cuts_at_each_top_level_header() {
        let text = "# c\n[w.\"a\"]\nx = 1\n\n  [ w . 'b' ] # c\ny = [\n [1],\n]\n";
        assert_eq!(
            starts(text),
            Some(vec![
                (0, path(&[])),
                (4, path(&["w", "a"])),
                (19, path(&["w", "b"]))
            ])
        );
    }

    #[test]
    fn headers_inside_strings_and_arrays_are_not_cuts() {
        let text = "[a]\ns = \"\"\"\n[b]\n\"\"\"\nt = '''\n[c]'''\nu = [\n[d]]\nv = \"[e]\"\n[f]\n";
        let c = starts(text).unwrap();
        assert_eq!(
            c.iter().map(|(_, p)| p.clone()).collect::<Vec<_>>(),
            [path(&[]), path(&["a"]), path(&["f"])]
        );
        // `""""` ends a multi-line string with a quote in it.
        let text = "[a]\ns = \"\"\"x\"\"\"\"\n[b]\nt = \"\\\"[c]\"\n[d]\n";
        assert_eq!(starts(text).unwrap().len(), 4);
    }

    #[test]
    fn refuses_what_it_cannot_cut_safely() {
        for text in [
            "x = 1\n",                        // no header
            "[[a]]\n[b]\n",                   // an array of tables
            "[\"a\\u0041\"]\n[b]\n",          // an escape in a key
            "[a]\nx = [\n[b]\n",              // an array never closed
            "[a]\nx = ]\n[b]\n",              // closed, never opened
            "[a] x = 1\n[b]\n",               // something after a header
            "[a]\ns = \"never closed\n[b]\n", // a string across lines
        ] {
            assert_eq!(chunks(text), None, "{text:?}");
        }
    }
}
