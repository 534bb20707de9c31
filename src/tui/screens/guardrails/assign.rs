//! A named guardrail's assignments (product.md §12, `a` on the list): the keys and members it
//! is assigned to (`x` removes the selected one through a Review — destructive), and `a` adds
//! from a filterable multi-select of this workspace's keys and the organisation's members
//! (`/` filters, `Space` marks); a key already holding another guardrail says "replaces
//! <name>" (a key holds one guardrail), and its Review says so.

use super::{GuardrailRow, ListData};
use crate::admin::guardrails::{self, Change};
use crate::config::Action;
use crate::config::keys::{HELP_HINT, QUIT_HINT};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::write::review::{NULL, Row};
use std::collections::BTreeSet;

/// One holder of an assignment, or one that could be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holder {
    /// A member (user id), else a key (hash).
    pub member: bool,
    pub id: String,
    /// Its name as a person reads it (a key's name, a member's name and email).
    pub label: String,
    /// The guardrail a key holds now, by name, when another one (R22: it is replaced).
    pub replaces: Option<String>,
}

/// Choosing keys and members to assign.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pick {
    pub filter: String,
    pub filtering: bool,
    pub selected: usize,
    /// Marked with Space: (member, id).
    pub chosen: BTreeSet<(bool, String)>,
}

/// The assignments of one named guardrail.
#[derive(Debug, Clone, PartialEq)]
pub struct Assign {
    pub row: GuardrailRow,
    /// The workspace the guardrail belongs to (`None`: account-wide).
    pub owner: Option<String>,
    pub selected: usize,
    pub adding: Option<Pick>,
}

fn name_of(data: &ListData, gid: &str) -> String {
    data.guardrails
        .iter()
        .find(|g| g.get("id").and_then(|v| v.as_str()) == Some(gid))
        .and_then(|g| g.get("name").and_then(|v| v.as_str()))
        .unwrap_or(gid)
        .to_string()
}

fn key_label(data: &ListData, hash: &str) -> String {
    match data.ws_keys.iter().find(|k| k.hash == hash) {
        Some(k) => format!("key {}", k.name),
        None => format!("key {}…", &hash[..hash.len().min(12)]),
    }
}

fn member_label(data: &ListData, user: &str) -> String {
    let known = data.org.iter().find(|o| o.id == user);
    let name = known.map(|o| o.display_name());
    crate::write::review::person(name.as_deref(), known.map(|o| o.email.as_str()), user)
}

impl Assign {
    /// The keys, then the members, it is assigned to now.
    pub fn held(&self, data: &ListData) -> Vec<Holder> {
        let id = &self.row.id;
        let keys = data
            .keys
            .iter()
            .filter(|a| &a.guardrail_id == id)
            .map(|a| Holder {
                member: false,
                id: a.holder.clone(),
                label: key_label(data, &a.holder),
                replaces: None,
            });
        let members = data
            .members
            .iter()
            .filter(|a| &a.guardrail_id == id)
            .map(|a| Holder {
                member: true,
                id: a.holder.clone(),
                label: member_label(data, &a.holder),
                replaces: None,
            });
        keys.chain(members).collect()
    }

    /// What can be added, filtered: this workspace's keys not holding it (each saying what it
    /// replaces), then the organisation's members not holding it.
    pub fn candidates(&self, data: &ListData) -> Vec<Holder> {
        let id = &self.row.id;
        let filter = self
            .adding
            .as_ref()
            .map(|p| p.filter.to_lowercase())
            .unwrap_or_default();
        let holds = |list: &[crate::api::Assignment], who: &str| {
            list.iter()
                .find(|a| a.holder == who)
                .map(|a| a.guardrail_id.clone())
        };
        let keys = data
            .ws_keys
            .iter()
            // A workspace guardrail takes only its workspace's keys (R22).
            .filter(|k| {
                self.owner
                    .as_ref()
                    .is_none_or(|w| w.eq_ignore_ascii_case(&k.workspace_id))
            })
            .filter(|k| holds(&data.keys, &k.hash).as_deref() != Some(id.as_str()))
            .map(|k| Holder {
                member: false,
                id: k.hash.clone(),
                label: format!("key {}", k.name),
                replaces: holds(&data.keys, &k.hash).map(|g| name_of(data, &g)),
            });
        let members = data
            .org
            .iter()
            .filter(|o| {
                !data
                    .members
                    .iter()
                    .any(|a| a.holder == o.id && &a.guardrail_id == id)
            })
            .map(|o| Holder {
                member: true,
                id: o.id.clone(),
                label: member_label(data, &o.id),
                replaces: None,
            });
        keys.chain(members)
            .filter(|h| filter.is_empty() || h.label.to_lowercase().contains(&filter))
            .collect()
    }

    /// The Review of assigning `chosen` (keys and members), "replaces <name>" on a key that
    /// holds another guardrail; destructive when it replaces one.
    pub fn add_write(&self, data: &ListData, chosen: &[Holder]) -> AdminWrite {
        let id = &self.row.id;
        let held: Vec<(String, String)> = data
            .keys
            .iter()
            .map(|a| (a.holder.clone(), a.guardrail_id.clone()))
            .collect();
        let hashes: Vec<String> = chosen
            .iter()
            .filter(|h| !h.member)
            .map(|h| h.id.clone())
            .collect();
        let users: Vec<String> = chosen
            .iter()
            .filter(|h| h.member)
            .map(|h| h.id.clone())
            .collect();
        let names = |g: &str| name_of(data, g);
        let key_plan = guardrails::plan_keys(id, &hashes, true, &held, &names);
        let rows = chosen
            .iter()
            .map(|h| {
                let before = h.replaces.clone().unwrap_or_else(|| NULL.to_string());
                Row::new(&h.label, before, &self.row.name)
            })
            .collect();
        let mut w = AdminWrite::new(
            format!(
                "Assign guardrail \"{}\" to {} key(s) and {} member(s)",
                crate::text::escape(&self.row.name),
                hashes.len(),
                users.len()
            ),
            self.requests(true, hashes, users),
        )
        .with_rows(rows);
        for c in key_plan.iter().filter(|c: &&Change| c.replaces.is_some()) {
            w.notes.push(format!(
                "Destructive: {} {} (a key holds one guardrail).",
                key_label(data, &c.id),
                c.note()
            ));
        }
        w.no_undo = Some("Undo an assignment by removing it (x on the assignments).".into());
        w
    }

    /// The Review of removing `h` from the guardrail (destructive).
    pub fn remove_write(&self, h: &Holder) -> AdminWrite {
        let (hashes, users) = if h.member {
            (vec![], vec![h.id.clone()])
        } else {
            (vec![h.id.clone()], vec![])
        };
        let mut w = AdminWrite::new(
            format!(
                "Remove {} from guardrail \"{}\"",
                h.label,
                crate::text::escape(&self.row.name)
            ),
            self.requests(false, hashes, users),
        )
        .with_rows(vec![Row::new(&h.label, &self.row.name, NULL)]);
        w.notes.push(format!(
            "Destructive: {} no longer holds this guardrail{}.",
            h.label,
            if h.member {
                ""
            } else {
                "; the workspace's default applies to it again"
            }
        ));
        w.no_undo = Some("Undo a removal by assigning it again (a on the assignments).".into());
        w
    }

    fn requests(&self, adding: bool, hashes: Vec<String>, users: Vec<String>) -> Vec<AdminRequest> {
        [(false, hashes), (true, users)]
            .into_iter()
            .filter(|(_, ids)| !ids.is_empty())
            .map(|(members, ids)| AdminRequest::Assign {
                guardrail_id: self.row.id.clone(),
                workspace: self.owner.clone(),
                members,
                adding,
                ids,
            })
            .collect()
    }

    pub fn hints() -> Vec<(Action, &'static str)> {
        vec![
            (Action::Add, "add"),
            (Action::Remove, "remove"),
            HELP_HINT,
            (Action::Up, "move"),
            (Action::Down, "move"),
            (Action::Back, "list"),
            QUIT_HINT,
            (Action::Top, "first"),
            (Action::Bottom, "last"),
        ]
    }

    pub fn add_hints() -> Vec<(Action, &'static str)> {
        vec![
            (Action::Toggle, "mark"),
            (Action::Review, "review"),
            (Action::Open, "pick"),
            (Action::Filter, "filter"),
            HELP_HINT,
            (Action::Up, "move"),
            (Action::Down, "move"),
            (Action::Back, "cancel"),
            QUIT_HINT,
            (Action::Top, "first"),
            (Action::Bottom, "last"),
        ]
    }
}
