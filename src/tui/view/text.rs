//! Measuring, cutting and wrapping text in terminal cells.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// `s` cut to `max` cells, ending in `…` when something was cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// `s` cut or padded with spaces to exactly `w` cells.
pub fn pad(s: &str, w: usize) -> String {
    let cut = truncate(s, w);
    let fill = w.saturating_sub(width(&cut));
    let mut out = String::with_capacity(cut.len() + fill);
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// Text on one line: line breaks shown as `↵`, tabs as spaces.
pub fn one_line(s: &str) -> Cow<'_, str> {
    if s.contains(['\n', '\r', '\t']) {
        Cow::Owned(
            s.replace("\r\n", "\n")
                .replace('\n', "↵ ")
                .replace(['\r', '\t'], " "),
        )
    } else {
        Cow::Borrowed(s)
    }
}

/// Draws one line into a row of `area`, cut to its width.
pub fn put(buf: &mut Buffer, area: Rect, dy: u16, line: &Line<'_>) {
    if dy < area.height {
        buf.set_line(area.x, area.y + dy, line, area.width);
    }
}

/// `text` cut to `max` columns, in `style`, on row `dy` of `area`.
pub fn put_cut(buf: &mut Buffer, area: Rect, dy: u16, text: &str, max: usize, style: Style) {
    put(
        buf,
        area,
        dy,
        &Line::styled(truncate(text, max).into_owned(), style),
    );
}

/// A chooser's filter line: the filter being typed (with a cursor), `idle` when there is none,
/// else the filter and `again` (how to change it).
pub fn filter_line(typing: bool, filter: &str, idle: &str, again: &str) -> String {
    if typing {
        format!("Filter: {filter}▏")
    } else if filter.is_empty() {
        idle.to_string()
    } else {
        format!("Filter: {filter} ({again})")
    }
}

/// Words of styled pieces wrapped to `width` cells, at most `max_lines` lines (the last one
/// ending in `…` when text was left out). Words longer than a line are cut.
pub fn wrap<'a>(pieces: &[(&'a str, Style)], width: usize, max_lines: usize) -> Vec<Line<'a>> {
    let mut w = Wrapper {
        width: width.max(1),
        lines: Vec::new(),
        line: Vec::new(),
        used: 0,
        max_lines: max_lines.max(1),
        cut: false,
        soft: false,
    };
    for &(text, style) in pieces {
        for (i, para) in text.split('\n').enumerate() {
            if i > 0 {
                w.break_line(false);
            }
            for token in tokens(para) {
                w.push(token, style);
            }
        }
    }
    if !w.line.is_empty() || w.lines.is_empty() {
        w.break_line(false);
    }
    if w.lines.len() > w.max_lines {
        w.lines.truncate(w.max_lines);
        w.cut = true;
    }
    if w.cut
        && let Some(last) = w.lines.last_mut()
    {
        let total: usize = last.spans.iter().map(|s| s.width()).sum();
        if total + 1 > w.width
            && let Some(span) = last.spans.pop()
        {
            let keep = span.width().saturating_sub(total + 1 - w.width);
            let content = truncate_plain(&span.content, keep);
            last.spans.push(Span::styled(content, span.style));
        }
        last.spans.push(Span::raw("…"));
    }
    w.lines
}

/// [`wrap`], owning its text (for lines built from text made on the spot).
pub fn wrap_owned(pieces: &[(&str, Style)], width: usize, max_lines: usize) -> Vec<Line<'static>> {
    wrap(pieces, width, max_lines)
        .into_iter()
        .map(|line| {
            Line::from(
                line.spans
                    .into_iter()
                    .map(|s| Span::styled(s.content.into_owned(), s.style))
                    .collect::<Vec<_>>(),
            )
        })
        .collect()
}

/// [`wrap_owned`] after a mark (`✗ `, `! `): the lines after the first are indented under
/// the text, not the mark.
pub fn wrap_marked(
    mark: (&str, Style),
    pieces: &[(&str, Style)],
    width: usize,
    max_lines: usize,
) -> Vec<Line<'static>> {
    let mw = UnicodeWidthStr::width(mark.0);
    let mut lines = wrap_owned(pieces, width.saturating_sub(mw), max_lines);
    for (i, line) in lines.iter_mut().enumerate() {
        let lead = if i == 0 {
            mark.0.to_string()
        } else {
            " ".repeat(mw)
        };
        line.spans.insert(0, Span::styled(lead, mark.1));
    }
    lines
}

struct Wrapper<'a> {
    width: usize,
    lines: Vec<Line<'a>>,
    line: Vec<Span<'a>>,
    used: usize,
    max_lines: usize,
    cut: bool,
    /// The current line began at a wrap, not at a line break: leading spaces are dropped.
    soft: bool,
}

impl<'a> Wrapper<'a> {
    fn break_line(&mut self, soft: bool) {
        self.soft = soft;
        if self.lines.len() > self.max_lines {
            self.cut = true;
            self.line.clear();
            self.used = 0;
            return;
        }
        // Spaces at the end of a wrapped line take no room.
        while self
            .line
            .last()
            .is_some_and(|s| s.content.trim().is_empty() && !s.content.is_empty())
        {
            self.line.pop();
        }
        self.lines.push(Line::from(std::mem::take(&mut self.line)));
        self.used = 0;
    }

    fn push(&mut self, token: &'a str, style: Style) {
        let w = width(token);
        let space = token.starts_with(' ');
        if space && self.used == 0 && self.soft {
            return;
        }
        if self.used + w <= self.width {
            self.line.push(Span::styled(token, style));
            self.used += w;
            return;
        }
        if space {
            self.break_line(true);
            return;
        }
        if self.used > 0 {
            self.break_line(true);
        }
        // A word longer than a line: cut it where the line ends.
        let mut rest = token;
        while width(rest) > self.width {
            let (head, tail) = split_at_width(rest, self.width);
            self.line.push(Span::styled(head, style));
            self.break_line(true);
            rest = tail;
        }
        self.line.push(Span::styled(rest, style));
        self.used = width(rest);
    }
}

/// Runs of spaces and runs of other characters.
fn tokens(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let space = first == ' ';
        let end = rest
            .char_indices()
            .find(|&(_, c)| (c == ' ') != space)
            .map_or(rest.len(), |(i, _)| i);
        let (token, tail) = rest.split_at(end);
        rest = tail;
        Some(token)
    })
}

fn split_at_width(s: &str, max: usize) -> (&str, &str) {
    let mut used = 0;
    for (i, c) in s.char_indices() {
        let w = c.width().unwrap_or(0);
        if used + w > max && i > 0 {
            return s.split_at(i);
        }
        used += w;
    }
    (s, "")
}

fn truncate_plain<'a>(s: &Cow<'a, str>, max: usize) -> Cow<'a, str> {
    let (head, _) = split_at_width(s, max);
    match s {
        Cow::Borrowed(b) => Cow::Borrowed(&b[..head.len()]),
        Cow::Owned(o) => Cow::Owned(o[..head.len()].to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn wraps_at_spaces_and_cuts_long_words() {
        let p = [("the quick brown fox", Style::new())];
        assert_eq!(texts(&wrap(&p, 10, 9)), ["the quick", "brown fox"]);
        let p = [("abcdefghijkl", Style::new())];
        assert_eq!(texts(&wrap(&p, 5, 9)), ["abcde", "fghij", "kl"]);
    }

    #[test]
    fn marks_what_was_left_out() {
        let p = [("one two three four", Style::new())];
        assert_eq!(texts(&wrap(&p, 9, 1)), ["one two…"]);
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
    }

    #[test]
    fn keeps_line_breaks() {
        let p = [("a\nb", Style::new())];
        assert_eq!(texts(&wrap(&p, 9, 9)), ["a", "b"]);
    }
}
