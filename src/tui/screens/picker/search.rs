//! The picker's filter: the catalog matcher's ranking (slug exact, prefix, substring, the
//! name, then the slug's letters in order), made cheap enough for thousands of workspaces.
//!
//! It is asked twice per keystroke (the update clamps the selection, the frame draws the
//! rows). Reading a workspace's slug and name is two lookups in its JSON map, scattered in
//! memory: at 5,000 workspaces that alone took milliseconds. So the list's slugs and names are
//! copied once into one buffer, an ASCII filter ranks only the entries holding its letters in
//! order (found without allocating; every match holds them, so the result is the matcher's),
//! and the frame gets the update's answer again.

use crate::workspace::Workspace;
use std::sync::{Mutex, OnceLock};

/// The slugs and names of a settled list, side by side in one buffer, built on first use; and
/// the last answer, as the frame asks again what the update just asked.
#[derive(Debug, Default)]
pub struct SearchIndex {
    keys: OnceLock<Keys>,
    last: Mutex<Option<(String, Vec<usize>)>>,
}

#[derive(Debug)]
struct Keys {
    /// Every slug and name, as sent, for the matcher.
    text: Spans,
    /// The same lowercased char by char (as `str::to_lowercase`, but for a final sigma, which
    /// no ASCII query can match either way), to find the candidates.
    lower: Spans,
}

/// Pairs of strings in one buffer: per pair, where its first and its second end (each starts
/// where the one before ended).
#[derive(Debug, Default)]
struct Spans {
    text: String,
    ends: Vec<(usize, usize)>,
}

impl Spans {
    fn push(&mut self, a: &str, b: &str) {
        self.text.push_str(a);
        let mid = self.text.len();
        self.text.push_str(b);
        self.ends.push((mid, self.text.len()));
    }

    fn push_lowercase(&mut self, a: &str, b: &str) {
        self.text.extend(a.chars().flat_map(char::to_lowercase));
        let mid = self.text.len();
        self.text.extend(b.chars().flat_map(char::to_lowercase));
        self.ends.push((mid, self.text.len()));
    }

    fn pair(&self, i: usize) -> (&str, &str) {
        let start = if i == 0 { 0 } else { self.ends[i - 1].1 };
        let (mid, end) = self.ends[i];
        (&self.text[start..mid], &self.text[mid..end])
    }
}

impl Keys {
    fn of(list: &[Workspace]) -> Self {
        let mut keys = Keys {
            text: Spans::default(),
            lower: Spans::default(),
        };
        for w in list {
            let (slug, name) = (w.slug(), w.name());
            keys.text.push(slug, name);
            keys.lower.push_lowercase(slug, name);
        }
        keys
    }
}

impl SearchIndex {
    /// The indices of `list` matching `filter`, best first; `list` must be the one this index
    /// was first used with (`PickerState::set_workspaces` starts a new index). `build` says to
    /// build the index even for an empty filter (the filter input has just opened).
    pub(super) fn matches(&self, list: &[Workspace], filter: &str, build: bool) -> Vec<usize> {
        let query = matcher_query(filter);
        if query.is_empty() {
            if build {
                self.keys.get_or_init(|| Keys::of(list));
            }
            return (0..list.len()).collect();
        }
        let keys = self.keys.get_or_init(|| Keys::of(list));
        if keys.text.ends.len() != list.len() {
            // The list changed without a new index: never filter a stale copy.
            return filter_indices(list, filter);
        }
        // A poisoned lock only loses the memo.
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, answer)) = last.as_ref()
            && seen == filter
        {
            return answer.clone();
        }
        let answer = keys.rank(filter, &query);
        *last = Some((filter.to_string(), answer.clone()));
        answer
    }
}

impl Keys {
    fn rank(&self, filter: &str, query: &str) -> Vec<usize> {
        let n = self.text.ends.len();
        if !query.is_ascii() {
            return crate::catalog::rank_indices((0..n).map(|i| self.text.pair(i)), filter);
        }
        // An ASCII byte of the query can only match an ASCII byte of the UTF-8 text.
        let wanted: Vec<u8> = ascii_letters(query).map(|c| c as u8).collect();
        let candidates: Vec<usize> = (0..n)
            .filter(|&i| {
                let (slug, name) = self.lower.pair(i);
                bytes_in_order(slug.as_bytes(), &wanted) || bytes_in_order(name.as_bytes(), &wanted)
            })
            .collect();
        rank_candidates(&candidates, |i| self.text.pair(i), filter)
    }
}

/// The workspaces matching the filter, best first: the same matching as the model suggestions
/// (slug exact, prefix, substring, then the name, then the slug's letters in order), ignoring
/// case. An empty filter keeps the list as it is.
pub fn filter_indices(list: &[Workspace], filter: &str) -> Vec<usize> {
    rank(list.len(), |i| (list[i].slug(), list[i].name()), filter)
}

/// `rank_indices` over the `n` (slug, name) pairs `pair` gives, skipping for an ASCII filter
/// the pairs that cannot match.
fn rank<'a>(n: usize, pair: impl Fn(usize) -> (&'a str, &'a str), filter: &str) -> Vec<usize> {
    let query = matcher_query(filter);
    if query.is_empty() {
        return (0..n).collect();
    }
    if !query.is_ascii() {
        return crate::catalog::rank_indices((0..n).map(pair), filter);
    }
    let wanted: Vec<char> = ascii_letters(&query).collect();
    let candidates: Vec<usize> = (0..n)
        .filter(|&i| {
            let (slug, name) = pair(i);
            letters_in_order(slug, &wanted) || letters_in_order(name, &wanted)
        })
        .collect();
    rank_candidates(&candidates, pair, filter)
}

/// The query as the matcher reads it: trimmed, at most MAX_ID_CHARS characters.
fn matcher_query(filter: &str) -> String {
    filter
        .trim()
        .chars()
        .take(crate::catalog::MAX_ID_CHARS)
        .collect()
}

/// The letters the fuzzy step looks for, lowercase: whitespace is left out.
fn ascii_letters(query: &str) -> impl Iterator<Item = char> + '_ {
    query
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
}

/// The matcher's ranking of the candidates, as indices of the whole list.
fn rank_candidates<'a>(
    candidates: &[usize],
    pair: impl Fn(usize) -> (&'a str, &'a str),
    filter: &str,
) -> Vec<usize> {
    crate::catalog::rank_indices(candidates.iter().map(|&i| pair(i)), filter)
        .into_iter()
        .map(|j| candidates[j])
        .collect()
}

/// Whether `wanted` occurs in order in `hay`.
fn bytes_in_order(hay: &[u8], wanted: &[u8]) -> bool {
    let mut rest = hay;
    for w in wanted {
        match rest.iter().position(|b| b == w) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

/// Whether `wanted` (lowercase) occurs in order in `hay` lowercased as `str::to_lowercase` does
/// (char by char; only a final sigma differs, and it is never ASCII). A slug or name the
/// matcher accepts (exact, prefix, substring, fuzzy) always passes.
fn letters_in_order(hay: &str, wanted: &[char]) -> bool {
    let mut want = wanted.iter().peekable();
    for c in hay.chars().flat_map(char::to_lowercase) {
        if want.peek() == Some(&&c) {
            want.next();
            if want.peek().is_none() {
                return true;
            }
        }
    }
    want.peek().is_none()
}
