//! The tab's unsaved edits as a draft, and back (product.md §4, drafts): each edited field by
//! its API name, lists and limits as typed; the base is the guardrail as the server held it.

use super::{Entry, GuardrailState};
use crate::admin::guardrail::TriState;
use crate::state::drafts::TabDraft;
use serde_json::{Map, Value};

fn encode(entry: &Entry) -> Value {
    match entry {
        Entry::Text(s) => Value::String(s.clone()),
        Entry::Tri(t) => t.to_value(),
        Entry::Bool(b) => Value::Bool(*b),
        Entry::Interval(i) => i.clone().map_or(Value::Null, Value::String),
        Entry::Fixed(v) => v.clone(),
    }
}

/// The entry a draft's value makes for a row shaped like `like`; `None` when it does not fit
/// (a hand-edited or older file): that edit is left out rather than guessed.
fn decode(like: &Entry, v: &Value) -> Option<Entry> {
    Some(match (like, v) {
        (Entry::Text(_), Value::String(s)) => Entry::Text(s.clone()),
        (Entry::Tri(_), Value::Bool(_) | Value::Null) => Entry::Tri(TriState::from_value(Some(v))),
        (Entry::Bool(_), Value::Bool(b)) => Entry::Bool(*b),
        (Entry::Interval(_), Value::Null) => Entry::Interval(None),
        (Entry::Interval(_), Value::String(s)) => Entry::Interval(Some(s.clone())),
        (Entry::Fixed(_), v) => Entry::Fixed(v.clone()),
        _ => return None,
    })
}

/// A field's value, absent and `null` alike.
fn held<'a>(g: Option<&'a Map<String, Value>>, field: &str) -> Option<&'a Value> {
    g.and_then(|g| g.get(field)).filter(|v| !v.is_null())
}

impl GuardrailState {
    /// The unsaved edits, if any (none while reading).
    pub fn draft(&self) -> Option<TabDraft> {
        if self.phase.is_loading() {
            return None;
        }
        let edits: Map<String, Value> = (0..self.entries.len())
            .filter(|r| self.modified(*r))
            .map(|r| (self.field(r).to_string(), encode(&self.entries[r])))
            .collect();
        (!edits.is_empty()).then(|| TabDraft {
            base: self.base.clone().map_or(Value::Null, Value::Object),
            edits,
        })
    }

    /// Every field back to what the server holds (leaving with "discard").
    pub fn discard(&mut self) {
        if !self.phase.is_loading() {
            self.entries = self.entries_for(self.base.as_ref());
        }
    }

    /// Puts a draft's edits back over the guardrail the server holds now. Where the server
    /// changed a field the draft edits, that field's base stays the draft's, so sending stops
    /// on the conflict and shows both values: the fields so found.
    pub fn restore_draft(&mut self, draft: &TabDraft) -> Vec<&'static str> {
        self.restore_draft_saying(draft).0
    }

    /// As [`GuardrailState::restore_draft`], and the draft's edits that could not be put back
    /// (a field the tab does not have, a value of the wrong shape): named, never dropped unsaid.
    pub fn restore_draft_saying(&mut self, draft: &TabDraft) -> (Vec<&'static str>, Vec<String>) {
        let shapes = self.entries_for(None);
        let left_out: Vec<String> = draft
            .edits
            .iter()
            .filter(|(k, v)| {
                (0..shapes.len())
                    .position(|row| self.field(row) == k.as_str())
                    .is_none_or(|row| decode(&shapes[row], v).is_none())
            })
            .map(|(k, _)| k.clone())
            .collect();
        let then = draft.base.as_object();
        let mut moved = Vec::new();
        for (row, shape) in shapes.iter().enumerate() {
            let field = &self.field(row);
            let Some(entry) = draft.edits.get(*field).and_then(|v| decode(shape, v)) else {
                continue;
            };
            self.entries[row] = entry;
            let before = held(then, field);
            if before != held(self.base.as_ref(), field) {
                moved.push(*field);
                // With no guardrail now there is nothing to compare with: the write creates it.
                if let Some(base) = &mut self.base {
                    match before {
                        Some(v) => base.insert(field.to_string(), v.clone()),
                        None => base.remove(*field),
                    };
                }
            }
        }
        (moved, left_out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::guardrail::GUARDRAIL_FIELDS;
    use crate::tui::screens::guardrail::GuardrailMsg;
    use serde_json::json;

    fn loaded(g: Value) -> GuardrailState {
        let (mut s, _) = GuardrailState::new("ws", "g");
        s.update(GuardrailMsg::Loaded(Ok(g.as_object().cloned())));
        s
    }

    fn row(field: &str) -> usize {
        GUARDRAIL_FIELDS
            .iter()
            .position(|(f, _)| *f == field)
            .unwrap()
    }

    #[test]
    fn edits_go_out_and_come_back_as_typed() {
        let mut s = loaded(json!({"id": "g", "workspace_id": "ws", "limit_usd": 5}));
        assert_eq!(s.draft(), None);
        s.entries[row("allowed_models")] = Entry::Text("openai/gpt-4o, anthr".into());
        s.entries[row("limit_usd")] = Entry::Text("7".into());
        let d = s.draft().unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d.edits["allowed_models"], json!("openai/gpt-4o, anthr"));

        let mut again = loaded(json!({"id": "g", "workspace_id": "ws", "limit_usd": 5}));
        assert_eq!(again.restore_draft(&d), Vec::<&str>::new());
        assert_eq!(again.entries, s.entries);
        assert_eq!(again.unsaved(), 2);
    }

    #[test]
    fn a_field_the_server_changed_since_keeps_the_drafts_base_and_a_misfit_is_left_out() {
        let mut s = loaded(json!({"id": "g", "workspace_id": "ws", "limit_usd": 5}));
        s.entries[row("limit_usd")] = Entry::Text("7".into());
        let mut d = s.draft().unwrap();
        d.edits.insert("allowed_models".into(), json!(true));
        d.edits.insert("nonsense_field".into(), json!("x"));
        let mut again = loaded(json!({"id": "g", "workspace_id": "ws", "limit_usd": 6}));
        let (moved, left_out) = again.restore_draft_saying(&d);
        assert_eq!(moved, ["limit_usd"]);
        assert_eq!(left_out, ["allowed_models", "nonsense_field"]);
        assert_eq!(again.base.as_ref().unwrap()["limit_usd"], json!(5));
        assert_eq!(
            again.entries[row("allowed_models")],
            Entry::Text(String::new())
        );
    }
}
