//! The Review of a batch (the plan of its write flow): each workspace with its exact patch,
//! and the count. Only `Enter` sends (product.md §4: no single letter writes); `Esc` goes back
//! with nothing lost.

use super::Purpose;
use super::batch::Item;
use crate::tui::theme::Theme;
use crate::tui::view::text::wrap_owned;
use crate::tui::view::values::{label, value};
use ratatui::text::Line;

#[derive(Debug, Clone, PartialEq)]
pub struct BulkReview {
    pub items: Vec<Item>,
    /// Workspaces that need no request (they already hold the values), by label.
    pub unchanged: Vec<String>,
    pub purpose: Purpose,
}

impl BulkReview {
    pub fn new(items: Vec<Item>, unchanged: Vec<String>, purpose: Purpose) -> Self {
        Self {
            items,
            unchanged,
            purpose,
        }
    }

    /// "apply to 37 workspaces", and those needing no change counted apart.
    pub fn count_line(&self) -> String {
        let n = self.items.len();
        let s = if n == 1 { "" } else { "s" };
        let mut line = format!("{} {n} workspace{s}", self.purpose.verb());
        if !self.unchanged.is_empty() {
            let u = self.unchanged.len();
            let (s, hold) = if u == 1 { ("", "holds") } else { ("s", "hold") };
            line.push_str(&format!(
                " · {u} other{s} already {hold} these values (nothing sent)"
            ));
        }
        line
    }
}

/// The review's lines: the count, then per workspace its label and field: before → after,
/// and the exact body sent to its uuid.
pub fn lines(review: &BulkReview, width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut out: Vec<Line<'static>> = Vec::new();
    let push = |out: &mut Vec<Line<'static>>, text: &str, style| {
        out.extend(wrap_owned(&[(text, style)], width, usize::MAX));
    };
    let head = review.count_line();
    push(&mut out, &capitalised(&head), theme.heading);
    // Only when one name goes to several (an undo gives each its own back).
    let names: Vec<_> = review
        .items
        .iter()
        .filter_map(|i| i.patch.fields().get("name"))
        .collect();
    if names.len() > 1 && names.iter().all(|n| *n == names[0]) {
        push(
            &mut out,
            &format!("! All {} workspaces get the same name.", review.items.len()),
            theme.warning,
        );
    }
    for item in &review.items {
        out.push(Line::default());
        push(
            &mut out,
            &format!("{}  ({})", item.label, item.id),
            theme.label,
        );
        for (field, after) in item.patch.fields() {
            let spec = crate::workspace::field(field);
            let before = value(spec, item.base.get(field)).text.into_owned();
            let after = value(spec, Some(after)).text.into_owned();
            let change = format!("{}: {before} → {after}", label(field));
            out.extend(super::indented(&change, 2, width, theme.label, usize::MAX));
        }
        let request = format!("PATCH /workspaces/{}", item.id);
        out.extend(super::indented(&request, 2, width, theme.json, usize::MAX));
        // Pretty-printed as the single Review: one field a line, never broken inside a string
        // at a space the way a wrapped compact body would be.
        let body = serde_json::to_string_pretty(&item.patch.to_json())
            .unwrap_or_else(|_| item.patch.to_body_string());
        for line in crate::text::escape_json(&body).lines() {
            out.extend(super::indented(line, 2, width, theme.json, usize::MAX));
        }
    }
    if !review.unchanged.is_empty() {
        out.push(Line::default());
        push(
            &mut out,
            &format!("Nothing sent to: {}", review.unchanged.join(", ")),
            theme.dim,
        );
    }
    out
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
