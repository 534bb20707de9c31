//! The Guardrails tab (product.md §12, §15): the workspace's default guardrail first, then its
//! named guardrails (and, on the default workspace, the account-wide ones, marked so), each with
//! how many keys and members it is assigned to. `Enter` opens one as a form (the default's is
//! the Guardrail form of `screens::guardrail`; a named one the same form with its name and
//! description), `n` creates one, `D` deletes a named one once its name is typed; both through
//! the admin write's Review. Pure: the host is `app::guardrail`, the reads `load`.

pub mod assign;
pub mod view;

use crate::admin::guardrail::{RESET_INTERVALS, workspace_of};
use crate::admin::guardrails::check_create;
use crate::api::Assignment;
use crate::config::Action;
use crate::config::keys::{GuardrailNewKey, HELP_HINT, QUIT_HINT};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::tui::screens::guardrail::GuardrailState;
use crate::write::review::{NULL, Row};
use serde_json::{Map, Value};
use std::collections::BTreeMap;

/// Said where a guardrail is created: it covers nobody until assigned.
pub const ENFORCES_NOTHING: &str = "A new guardrail enforces nothing until it is assigned to keys or members; only the default guardrail covers the whole workspace.";

/// What one visit reads: the workspace's guardrails and every assignment of the organisation.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ListData {
    pub guardrails: Vec<Map<String, Value>>,
    pub keys: Vec<Assignment>,
    pub members: Vec<Assignment>,
    /// This workspace's keys and the organisation's members (names, and what `a` offers).
    pub ws_keys: Vec<crate::admin::keys::Key>,
    pub org: Vec<crate::admin::members::OrgMember>,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct GuardrailRow {
    pub id: String,
    pub name: String,
    pub default: bool,
    /// Belongs to no workspace (listed on the default workspace's tab).
    pub account_wide: bool,
    pub keys: usize,
    pub members: usize,
}

/// What the tab shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Showing {
    #[default]
    List,
    /// The default guardrail's form (`Tabs::guardrail`).
    Default,
    /// A named guardrail's form, by id.
    Named(String),
}

/// The create form: name required; limit and its reset together.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NewGuardrail {
    pub name: String,
    pub description: String,
    pub limit: String,
    pub reset: Option<String>,
    pub focus: usize,
    pub editing: bool,
    pub status: Option<String>,
}

/// The create form's rows.
pub const NEW_FIELDS: [&str; 4] = ["name", "description", "limit_usd", "reset_interval"];

/// A named guardrail to delete, once its name is typed.
#[derive(Debug, Clone, PartialEq)]
pub struct DeleteAsk {
    pub id: String,
    pub name: String,
    pub typed: String,
}

#[derive(Debug, Default)]
pub struct GuardrailsTab {
    /// `None` while reading.
    pub data: Option<Result<ListData, String>>,
    /// The workspace's `default_guardrail_id`.
    pub default_id: String,
    pub selected: usize,
    pub showing: Showing,
    /// The named guardrails' forms opened this visit, by id: their edits stay when the list
    /// shows again.
    pub named: BTreeMap<String, GuardrailState>,
    pub create: Option<NewGuardrail>,
    pub deleting: Option<DeleteAsk>,
    /// A named guardrail's assignments, over the list.
    pub assigning: Option<assign::Assign>,
    pub status: Option<String>,
}

fn text<'a>(g: &'a Map<String, Value>, k: &str) -> &'a str {
    g.get(k).and_then(Value::as_str).unwrap_or_default()
}

impl GuardrailsTab {
    /// The default first, then the others as listed, each with its counts.
    pub fn rows(&self) -> Vec<GuardrailRow> {
        let empty = ListData::default();
        let data = match &self.data {
            Some(Ok(d)) => d,
            _ => &empty,
        };
        let count =
            |list: &[Assignment], id: &str| list.iter().filter(|a| a.guardrail_id == id).count();
        let row = |id: &str, g: Option<&Map<String, Value>>| GuardrailRow {
            id: id.to_string(),
            name: g
                .map_or("Default guardrail", |g| text(g, "name"))
                .to_string(),
            default: id == self.default_id,
            account_wide: g.is_some_and(|g| workspace_of(g).is_none()),
            keys: count(&data.keys, id),
            members: count(&data.members, id),
        };
        let mut out = Vec::new();
        if !self.default_id.is_empty() {
            let g = data
                .guardrails
                .iter()
                .find(|g| text(g, "id") == self.default_id);
            out.push(row(&self.default_id, g));
        }
        for g in &data.guardrails {
            let id = text(g, "id");
            if id != self.default_id {
                out.push(row(id, Some(g)));
            }
        }
        out
    }

    /// What was read, once read.
    pub fn read(&self) -> Option<&ListData> {
        match &self.data {
            Some(Ok(d)) => Some(d),
            _ => None,
        }
    }

    /// The guardrail of a row, as read.
    pub fn guardrail(&self, id: &str) -> Option<&Map<String, Value>> {
        match &self.data {
            Some(Ok(d)) => d.guardrails.iter().find(|g| text(g, "id") == id),
            _ => None,
        }
    }

    pub fn loaded(&mut self, result: Result<ListData, String>) {
        self.data = Some(result);
        self.selected = self.selected.min(self.rows().len().saturating_sub(1));
    }

    pub fn hints() -> Vec<(Action, &'static str)> {
        let mut h = vec![
            (Action::Open, "open"),
            (Action::NewGuardrail, "new"),
            (Action::DeleteGuardrail, "delete"),
            (Action::Assignments, "assignments"),
            HELP_HINT,
            (Action::Up, "move"),
            (Action::Down, "move"),
            (Action::Reload, "reload"),
            (Action::Back, "workspaces"),
            QUIT_HINT,
            (Action::Top, "first"),
            (Action::Bottom, "last"),
        ];
        h.extend(crate::tui::screens::tabs::tab_hints());
        h
    }
}

/// A create form's rules that make its Review impossible, without rule numbers.
fn unnumbered(line: &str) -> String {
    let mut out = line.to_string();
    while let Some(at) = out.find(" (R") {
        match out[at..].find(')') {
            Some(end) => out.replace_range(at..at + end + 1, ""),
            None => break,
        }
    }
    out
}

impl NewGuardrail {
    /// The POST body for workspace `workspace`, or every rule it breaks.
    pub fn body(&self, workspace: &str) -> Result<Map<String, Value>, Vec<String>> {
        let mut body = Map::new();
        if !self.name.trim().is_empty() {
            body.insert("name".into(), Value::String(self.name.trim().into()));
        }
        if !self.description.trim().is_empty() {
            body.insert(
                "description".into(),
                Value::String(self.description.trim().into()),
            );
        }
        let limit = self.limit.trim().trim_start_matches('$').trim();
        if !limit.is_empty() {
            // Whole dollars as written (25, not 25.0).
            let number = match limit.parse::<u64>() {
                Ok(n) => Some(serde_json::Number::from(n)),
                Err(_) => limit
                    .parse::<f64>()
                    .ok()
                    .and_then(serde_json::Number::from_f64),
            };
            match number {
                Some(n) => body.insert("limit_usd".into(), Value::Number(n)),
                None => {
                    return Err(vec![format!(
                        "limit must be a number of US dollars (got {limit})"
                    )]);
                }
            };
        }
        if let Some(r) = &self.reset {
            body.insert("reset_interval".into(), Value::String(r.clone()));
        }
        let broken: Vec<String> = check_create(&body).iter().map(|l| unnumbered(l)).collect();
        if !broken.is_empty() {
            return Err(broken);
        }
        body.insert("workspace_id".into(), Value::String(workspace.into()));
        Ok(body)
    }

    /// A row's value as typed or chosen.
    pub fn value(&self, row: usize) -> String {
        match row {
            0 => self.name.clone(),
            1 => self.description.clone(),
            2 => self.limit.clone(),
            _ => self.reset.clone().unwrap_or_else(|| "none".into()),
        }
    }

    fn text_mut(&mut self) -> Option<&mut String> {
        match self.focus {
            0 => Some(&mut self.name),
            1 => Some(&mut self.description),
            2 => Some(&mut self.limit),
            _ => None,
        }
    }

    fn cycle(&mut self, forward: bool) {
        let mut all: Vec<Option<String>> = vec![None];
        all.extend(RESET_INTERVALS.iter().map(|s| Some(s.to_string())));
        let at = all.iter().position(|x| *x == self.reset).unwrap_or(0);
        let n = all.len();
        self.reset = all[if forward {
            (at + 1) % n
        } else {
            (at + n - 1) % n
        }]
        .clone();
    }

    /// A key of the create form; `Some(body)` when `s` asks for its Review and it is valid.
    pub fn act(&mut self, key: GuardrailNewKey, workspace: &str) -> Option<Map<String, Value>> {
        self.status = None;
        match key {
            GuardrailNewKey::Up => self.focus = self.focus.saturating_sub(1),
            GuardrailNewKey::Down => self.focus = (self.focus + 1).min(NEW_FIELDS.len() - 1),
            GuardrailNewKey::Edit if self.focus < 3 => self.editing = true,
            GuardrailNewKey::Edit | GuardrailNewKey::Toggle | GuardrailNewKey::CycleOn => {
                if self.focus == 3 {
                    self.cycle(true);
                }
            }
            GuardrailNewKey::CycleBack => {
                if self.focus == 3 {
                    self.cycle(false);
                }
            }
            GuardrailNewKey::Review => match self.body(workspace) {
                Ok(body) => return Some(body),
                Err(rules) => self.status = Some(format!("fix first: {}", rules[0])),
            },
            // The router's Back closes the form; nothing here.
            GuardrailNewKey::Back => {}
        }
        None
    }

    /// A key typed into the focused text row: Enter/Esc end the edit, Tab/↑↓ move on.
    pub fn text(&mut self, key: crossterm::event::KeyEvent) {
        use crossterm::event::{KeyCode, KeyModifiers};
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter | KeyCode::Esc => self.editing = false,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1).min(NEW_FIELDS.len() - 1);
                self.editing = self.focus < 3;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = self.focus.saturating_sub(1);
                self.editing = true;
            }
            KeyCode::Backspace => {
                if let Some(t) = self.text_mut() {
                    t.pop();
                }
            }
            KeyCode::Char('u') if ctrl => {
                if let Some(t) = self.text_mut() {
                    t.clear();
                }
            }
            KeyCode::Char(c) if !ctrl => {
                if let Some(t) = self.text_mut() {
                    t.push(c);
                }
            }
            _ => {}
        }
    }

    pub fn hints() -> Vec<(Action, &'static str)> {
        vec![
            (Action::Review, "review"),
            (Action::Edit, "edit"),
            (Action::Toggle, "cycle"),
            HELP_HINT,
            (Action::Up, "move"),
            (Action::Down, "move"),
            (Action::CycleBack, "previous"),
            (Action::CycleOn, "next"),
            (Action::Back, "cancel"),
            QUIT_HINT,
        ]
    }
}

/// The Review of a create: the exact POST, and that it enforces nothing until assigned.
pub fn create_write(workspace: &str, body: Map<String, Value>) -> AdminWrite {
    let name = text(&body, "name").to_string();
    let rows = body
        .iter()
        .filter(|(k, _)| *k != "workspace_id")
        .map(|(k, v)| {
            Row::new(
                crate::admin::guardrails::label(k),
                NULL,
                crate::write::review::value(Some(v)),
            )
        })
        .collect();
    let mut w = AdminWrite::new(
        format!("Create guardrail \"{}\"", crate::text::escape(&name)),
        vec![AdminRequest::CreateGuardrail {
            workspace: workspace.to_string(),
            body,
        }],
    )
    .with_rows(rows);
    w.notes.push(ENFORCES_NOTHING.to_string());
    w.no_undo = Some("A created guardrail is undone by deleting it (D on the list).".into());
    w
}

/// The Review of a delete (destructive: it cannot be undone; its assignments go with it).
pub fn delete_write(g: &Map<String, Value>, row: &GuardrailRow) -> AdminWrite {
    let mut w = AdminWrite::new(
        format!("Delete guardrail \"{}\"", crate::text::escape(&row.name)),
        vec![AdminRequest::DeleteGuardrail {
            guardrail_id: row.id.clone(),
            workspace: workspace_of(g).map(str::to_string),
        }],
    )
    .with_rows(vec![Row::new(
        "Guardrail",
        format!("{} · {}", row.name, row.id),
        NULL,
    )]);
    w.seen = g.clone();
    w.notes.push(format!(
        "Destructive: it is assigned to {} key(s) and {} member(s), who lose it; a delete cannot be undone.",
        row.keys, row.members
    ));
    w.no_undo = Some("A deleted guardrail cannot be restored.".into());
    w
}

/// The runtime's part of a visit: the workspace's guardrails, then every key and member
/// assignment of the organisation (read once per visit), the first failure the answer.
pub async fn load(
    client: &crate::api::Client,
    workspace: &str,
) -> Result<ListData, crate::api::ApiError> {
    Ok(ListData {
        guardrails: client.list_guardrails(workspace).await?,
        keys: client.all_assignments(false).await?,
        members: client.all_assignments(true).await?,
        ws_keys: client
            .list_keys(&crate::admin::keys::KeyQuery::all_in(workspace))
            .await?,
        org: client.organization_members().await?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn new(name: &str, limit: &str, reset: Option<&str>) -> NewGuardrail {
        NewGuardrail {
            name: name.into(),
            limit: limit.into(),
            reset: reset.map(str::to_string),
            ..NewGuardrail::default()
        }
    }

    #[test]
    fn a_create_needs_a_name_and_a_limit_with_its_reset_and_says_no_rule_number() {
        let broken = new("", "", None).body("ws").unwrap_err();
        assert_eq!(broken, ["name is required"]);
        let broken = new("Night", "25", None).body("ws").unwrap_err();
        assert_eq!(broken.len(), 1);
        assert!(broken[0].contains("together"), "{broken:?}");
        assert!(!broken[0].contains("(R"), "{broken:?}");
        let body = new(" Night ", "$25", Some("daily")).body("ws").unwrap();
        assert_eq!(
            Value::Object(body),
            json!({"name": "Night", "limit_usd": 25, "reset_interval": "daily", "workspace_id": "ws"})
        );
        let broken = new("Night", "lots", Some("daily")).body("ws").unwrap_err();
        assert!(broken[0].contains("lots"), "{broken:?}");
    }

    #[test]
    fn the_default_comes_first_and_the_counts_are_per_guardrail() {
        let g = |id: &str, ws: Option<&str>| {
            json!({"id": id, "name": id, "workspace_id": ws})
                .as_object()
                .unwrap()
                .clone()
        };
        let a = |holder: &str, g: &str| Assignment {
            holder: holder.into(),
            guardrail_id: g.into(),
            ..Default::default()
        };
        let mut tab = GuardrailsTab {
            default_id: "d".into(),
            ..GuardrailsTab::default()
        };
        tab.loaded(Ok(ListData {
            guardrails: vec![g("n1", Some("ws")), g("d", Some("ws")), g("acct", None)],
            keys: vec![a("k1", "n1"), a("k2", "n1"), a("k3", "x")],
            members: vec![a("u1", "acct")],
            ..ListData::default()
        }));
        let rows = tab.rows();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["d", "n1", "acct"]);
        assert!(rows[0].default && !rows[0].account_wide);
        assert_eq!((rows[1].keys, rows[1].members), (2, 0));
        assert!(rows[2].account_wide);
        assert_eq!((rows[2].keys, rows[2].members), (0, 1));
    }
}
