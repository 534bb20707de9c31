//! Which catalog ids match what the person typed, best first.

use crate::api::ModelSummary;

/// How well an id matches; lower is better. Tiers first, then the number within the tier
/// (a position, or a count of gaps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Rank {
    Exact,
    IdPrefix,
    /// At this byte position of the id.
    IdSubstring(usize),
    /// At this byte position of the name.
    NameSubstring(usize),
    /// The query's characters appear in order in the id, in this many separate runs, first
    /// character at this position.
    Fuzzy {
        runs: usize,
        start: usize,
    },
}

/// Up to `limit` models matching `query`, best first: the exact id, ids starting with the
/// query, ids containing it (earlier is better), names containing it, then ids holding the
/// query's characters in order (fewer gaps is better). Case-insensitive; ties go to the shorter
/// id, then alphabetical order. An empty query gives the first `limit` models as listed.
pub fn suggest<'a>(models: &'a [ModelSummary], query: &str, limit: usize) -> Vec<&'a ModelSummary> {
    // No id is longer than the catalog keeps, so a longer query matches nothing anyway.
    let query: String = query
        .trim()
        .chars()
        .take(super::MAX_ID_CHARS)
        .collect::<String>()
        .to_lowercase();
    if query.is_empty() {
        return models.iter().take(limit).collect();
    }
    let mut ranked: Vec<(Rank, &ModelSummary)> = models
        .iter()
        // Bounded work per keystroke even for a catalog that was not bounded when built.
        .filter(|m| m.id.len() <= super::MAX_ID_BYTES && m.name.len() <= super::MAX_ID_BYTES)
        .filter_map(|m| rank(&m.id, &m.name, &query).map(|r| (r, m)))
        .collect();
    ranked.sort_by(|(ra, a), (rb, b)| {
        ra.cmp(rb)
            .then_with(|| a.id.len().cmp(&b.id.len()))
            .then_with(|| a.id.cmp(&b.id))
    });
    ranked.into_iter().take(limit).map(|(_, m)| m).collect()
}

/// Whether the catalog lists `id` (exactly, or with a routing suffix such as `:nitro`,
/// `:floor` or `:online` after a listed id).
pub fn knows(models: &[ModelSummary], id: &str) -> bool {
    let id = id.trim();
    if models.iter().any(|m| m.id == id) {
        return true;
    }
    match id.rsplit_once(':') {
        Some((base, suffix)) if ["nitro", "floor", "online"].contains(&suffix) => {
            models.iter().any(|m| m.id == base)
        }
        _ => false,
    }
}

/// The indices of the `(id, name)` pairs matching `query`, best first, ranked as [`suggest`]
/// ranks models (the picker filters workspaces by slug and name with it). An empty query keeps
/// every index in order.
pub fn rank_indices<'a>(
    items: impl Iterator<Item = (&'a str, &'a str)>,
    query: &str,
) -> Vec<usize> {
    let query: String = query
        .trim()
        .chars()
        .take(super::MAX_ID_CHARS)
        .collect::<String>()
        .to_lowercase();
    let items: Vec<(usize, &str, &str)> = items.enumerate().map(|(i, (a, b))| (i, a, b)).collect();
    if query.is_empty() {
        return items.into_iter().map(|(i, _, _)| i).collect();
    }
    let mut ranked: Vec<(Rank, usize)> = items
        .into_iter()
        .filter(|(_, id, name)| {
            id.len() <= super::MAX_ID_BYTES && name.len() <= super::MAX_ID_BYTES
        })
        .filter_map(|(i, id, name)| rank(id, name, &query).map(|r| (r, i)))
        .collect();
    // Stable: equal ranks keep the list's order.
    ranked.sort_by_key(|(r, _)| *r);
    ranked.into_iter().map(|(_, i)| i).collect()
}

fn rank(id: &str, name: &str, query: &str) -> Option<Rank> {
    let id = id.to_lowercase();
    if id == query {
        return Some(Rank::Exact);
    }
    if id.starts_with(query) {
        return Some(Rank::IdPrefix);
    }
    if let Some(at) = id.find(query) {
        return Some(Rank::IdSubstring(at));
    }
    if let Some(at) = name.to_lowercase().find(query) {
        return Some(Rank::NameSubstring(at));
    }
    // Spaces never occur in ids: "gpt 4o" looks for g, p, t, 4, o.
    let wanted: Vec<char> = query.chars().filter(|c| !c.is_whitespace()).collect();
    fuzzy(&id.chars().collect::<Vec<_>>(), &wanted).map(|(runs, start)| Rank::Fuzzy { runs, start })
}

/// The fewest runs `wanted` can be split into, each run contiguous in `hay` and in order;
/// with the earliest start among the best. `None` when `wanted` is not a subsequence.
/// One pass over `hay` per character of `wanted`: O(len(hay) × len(wanted)) steps.
fn fuzzy(hay: &[char], wanted: &[char]) -> Option<(usize, usize)> {
    if wanted.is_empty() || wanted.len() > hay.len() {
        return None;
    }
    let m = wanted.len();
    // prev[j]: (runs, start) of the best match of wanted[..=j] whose last char is the previous
    // hay char; earlier[j]: the best of those ending two or more chars back (a new run).
    let mut prev: Vec<Option<(usize, usize)>> = vec![None; m];
    let mut earlier: Vec<Option<(usize, usize)>> = vec![None; m];
    let mut best_end: Option<(usize, usize)> = None;
    for (i, &c) in hay.iter().enumerate() {
        let mut cur: Vec<Option<(usize, usize)>> = vec![None; m];
        for j in 0..m {
            if c != wanted[j] {
                continue;
            }
            cur[j] = if j == 0 {
                Some((1, i))
            } else {
                let same_run = prev[j - 1];
                let new_run = earlier[j - 1].map(|(runs, start)| (runs + 1, start));
                match (same_run, new_run) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                }
            };
        }
        for j in 0..m {
            earlier[j] = match (earlier[j], prev[j]) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        if let Some(end) = cur[m - 1] {
            best_end = Some(best_end.map_or(end, |b: (usize, usize)| b.min(end)));
        }
        prev = cur;
    }
    best_end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models(ids: &[&str]) -> Vec<ModelSummary> {
        ids.iter()
            .map(|id| ModelSummary {
                id: id.to_string(),
                name: id.to_string(),
            })
            .collect()
    }

    fn ids(found: Vec<&ModelSummary>) -> Vec<&str> {
        found.into_iter().map(|m| m.id.as_str()).collect()
    }

    #[test]
    fn fuzzy_counts_runs() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(fuzzy(&c("openai/gpt-4o"), &c("gpt4o")), Some((2, 7)));
        assert_eq!(fuzzy(&c("abc"), &c("abc")), Some((1, 0)));
        assert_eq!(fuzzy(&c("a-b-c"), &c("abc")), Some((3, 0)));
        assert_eq!(fuzzy(&c("abc"), &c("cb")), None);
        // Greedy would take the first `a` and make two runs; the best is one.
        assert_eq!(fuzzy(&c("a-ab"), &c("ab")), Some((1, 2)));
    }

    /// The old quadratic search, kept as the reference the linear one must agree with.
    fn fuzzy_reference(hay: &[char], wanted: &[char]) -> Option<(usize, usize)> {
        if wanted.is_empty() || wanted.len() > hay.len() {
            return None;
        }
        let (n, m) = (hay.len(), wanted.len());
        let mut best: Vec<Vec<Option<(usize, usize)>>> = vec![vec![None; m]; n];
        for i in 0..n {
            for j in 0..m {
                if hay[i] != wanted[j] {
                    continue;
                }
                best[i][j] = if j == 0 {
                    Some((1, i))
                } else {
                    let mut found = if i > 0 { best[i - 1][j - 1] } else { None };
                    for earlier in &best[..i.saturating_sub(1)] {
                        if let Some((runs, start)) = earlier[j - 1] {
                            let c = (runs + 1, start);
                            if found.is_none_or(|f| c < f) {
                                found = Some(c);
                            }
                        }
                    }
                    found
                };
            }
        }
        (0..n).filter_map(|i| best[i][m - 1]).min()
    }

    /// Every string over a small alphabet: the linear search gives what the old one gave.
    #[test]
    fn the_linear_fuzzy_agrees_with_the_reference() {
        fn all(len: usize) -> Vec<Vec<char>> {
            (0..len).fold(vec![vec![]], |acc, _| {
                acc.iter()
                    .flat_map(|s| {
                        ['a', 'b', '-'].iter().map(move |c| {
                            let mut s = s.clone();
                            s.push(*c);
                            s
                        })
                    })
                    .collect()
            })
        }
        for hay_len in 0..=7 {
            for hay in all(hay_len) {
                for wanted_len in 1..=3 {
                    for wanted in all(wanted_len) {
                        assert_eq!(
                            fuzzy(&hay, &wanted),
                            fuzzy_reference(&hay, &wanted),
                            "{hay:?} {wanted:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn tiers_then_length_then_alphabet() {
        let m = models(&["xx/abcd", "abc", "ab/c", "zz/abc", "a/b/c", "y/abc"]);
        assert_eq!(
            ids(suggest(&m, "ABC", 10)),
            ["abc", "y/abc", "zz/abc", "xx/abcd", "ab/c", "a/b/c"]
        );
        assert_eq!(ids(suggest(&m, "", 2)), ["xx/abcd", "abc"]);
        assert_eq!(suggest(&m, "abc", 1).len(), 1);
        assert!(suggest(&m, "qqq", 10).is_empty());
    }

    #[test]
    fn knows_exact_ids_and_routing_suffixes() {
        let m = models(&["openai/gpt-4o"]);
        assert!(knows(&m, "openai/gpt-4o"));
        assert!(knows(&m, "openai/gpt-4o:nitro"));
        assert!(!knows(&m, "openai/gpt-4o:bogus"));
        assert!(!knows(&m, "OpenAI/gpt-4o"));
        assert!(!knows(&m, "nobody/nothing"));
    }
}
