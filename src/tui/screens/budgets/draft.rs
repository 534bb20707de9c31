//! The tab's unsaved edits as a draft, and back (product.md §4, drafts): each edited row by its
//! API name, the limit as typed; the base is what the server held when they were typed.

use super::{BYOK_ROW, BudgetsState, ROWS};
use crate::admin::budgets::Interval;
use crate::state::drafts::TabDraft;
use serde_json::{Value, json};

const BYOK: &str = "include_byok_in_budgets";

fn row_name(row: usize) -> &'static str {
    if row == BYOK_ROW {
        BYOK
    } else {
        Interval::ALL[row].as_str()
    }
}

impl BudgetsState {
    /// The unsaved edits, if any (none while reading).
    pub fn draft(&self) -> Option<TabDraft> {
        if self.phase.is_loading() {
            return None;
        }
        let edits: serde_json::Map<String, Value> = (0..ROWS)
            .filter(|r| self.modified(*r))
            .map(|r| {
                let v = if r == BYOK_ROW {
                    json!(self.byok)
                } else {
                    json!(self.texts[r])
                };
                (row_name(r).to_string(), v)
            })
            .collect();
        (!edits.is_empty()).then(|| TabDraft {
            base: Value::Object(self.held.to_history()),
            edits,
        })
    }

    /// Every row back to what the server holds (leaving with "discard").
    pub fn discard(&mut self) {
        if !self.phase.is_loading() {
            self.show(self.held);
        }
    }

    /// Puts a draft's edits back over what the server holds now. Where the server changed a
    /// row the draft edits, that row's base stays the draft's, so sending stops on the
    /// conflict and shows both values: the rows so found.
    pub fn restore_draft(&mut self, draft: &TabDraft) -> Vec<&'static str> {
        let mut moved = Vec::new();
        for r in 0..ROWS {
            let name = row_name(r);
            let Some(v) = draft.edits.get(name) else {
                continue;
            };
            let then = draft.base.get(name);
            if r == BYOK_ROW {
                self.byok = v.as_bool();
                let then = then.and_then(Value::as_bool);
                if then != self.held.include_byok {
                    self.held.include_byok = then;
                    moved.push(name);
                }
            } else {
                self.texts[r] = v.as_str().unwrap_or_default().to_string();
                let i = Interval::ALL[r];
                let then = then.and_then(Value::as_f64);
                if then != self.held.limits.get(i) {
                    self.held.limits.set(i, then);
                    moved.push(name);
                }
            }
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::budgets::Budgets;
    use crate::tui::screens::budgets::BudgetsMsg;

    fn loaded(daily: Option<f64>) -> BudgetsState {
        let (mut s, _) = BudgetsState::new("u");
        let mut b = Budgets::default();
        b.limits.set(Interval::Daily, daily);
        s.update(BudgetsMsg::Loaded(Ok(b)));
        s
    }

    #[test]
    fn edits_go_out_and_come_back_as_typed() {
        let mut s = loaded(Some(10.0));
        assert_eq!(s.draft(), None);
        s.texts[0] = "25".into();
        s.texts[1] = "7x".into();
        let d = s.draft().unwrap();
        assert_eq!(
            d.edits,
            *json!({"daily": "25", "weekly": "7x"}).as_object().unwrap()
        );
        assert_eq!(d.len(), s.unsaved());

        let mut again = loaded(Some(10.0));
        assert_eq!(again.restore_draft(&d), Vec::<&str>::new());
        assert_eq!(
            (again.texts[0].as_str(), again.texts[1].as_str()),
            ("25", "7x")
        );
        assert_eq!(again.unsaved(), 2);
    }

    #[test]
    fn a_row_the_server_changed_since_keeps_the_drafts_base() {
        let mut s = loaded(Some(10.0));
        s.texts[0] = "25".into();
        let d = s.draft().unwrap();
        // A colleague set daily to 30 meanwhile.
        let mut again = loaded(Some(30.0));
        assert_eq!(again.restore_draft(&d), ["daily"]);
        // The send's check compares the server (30) with this base (10): a conflict.
        assert_eq!(again.held.limits.get(Interval::Daily), Some(10.0));
        assert_eq!(again.texts[0], "25");
    }
}
