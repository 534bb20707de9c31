//! The Members tab: the workspace's members joined with the organisation's (name, email,
//! role). `a` adds (choose among the organisation's members: `/` filters, `Space` marks,
//! `Enter` reviews); `Space` marks members here and `x`/`Delete` removes the marked ones (or
//! the selected one) through a Review. R6 is warned before the request where the keys tell;
//! the default workspace's members cannot be removed (R7); the server's refusal is explained.

pub mod view;

use crate::admin::keys::Key;
use crate::admin::members::{self, Member, MemberRow, OrgMember};
use crate::config::Action;
use crate::config::keys::{HELP_HINT, MemberAddKey, MembersKey, QUIT_HINT};
use crate::state::drafts::TabDraft;
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::tui::screens::tabs::TabState;
use serde_json::{Map, Value};
use std::collections::BTreeSet;

/// What the first visit reads: the members, the organisation, the keys (R6) and which
/// workspace is the default (R21; `None` when the keys do not tell).
#[derive(Debug, Clone, PartialEq)]
pub struct MembersData {
    pub members: Vec<Member>,
    pub org: Vec<OrgMember>,
    pub keys: Vec<Key>,
    pub default_id: Option<String>,
}

/// Choosing organisation members to add.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct AddPick {
    pub filter: String,
    pub filtering: bool,
    pub selected: usize,
    /// User ids marked with Space.
    pub chosen: BTreeSet<String>,
}

#[derive(Debug, Default)]
pub struct MembersTab {
    /// `None` while loading.
    pub data: Option<Result<MembersData, String>>,
    pub rows: Vec<MemberRow>,
    pub selected: usize,
    /// User ids marked for removal.
    pub marked: BTreeSet<String>,
    pub adding: Option<AddPick>,
    /// People chosen to add when the list closed (`Esc`, or a Review left): `a` opens the
    /// list on them again; they are a selection the draft keeps.
    pub kept_choice: BTreeSet<String>,
}

impl TabState for MembersTab {
    /// The people chosen to add or marked for removal: a selection is work too.
    fn unsaved(&self) -> usize {
        self.draft().map_or(0, |d| d.len())
    }
}

impl MembersTab {
    pub fn loaded(&mut self, result: Result<MembersData, String>) {
        self.rows = match &result {
            Ok(d) => members::join(d.members.clone(), &d.org),
            Err(_) => vec![],
        };
        self.data = Some(result);
        self.marked.clear();
        // Who became a member meanwhile is no longer to add.
        let here: BTreeSet<&str> = self
            .rows
            .iter()
            .map(|r| r.member.user_id.as_str())
            .collect();
        self.kept_choice.retain(|u| !here.contains(u.as_str()));
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    /// The selection as a draft: the user ids chosen to add and marked for removal.
    pub fn draft(&self) -> Option<TabDraft> {
        let ids = |set: &BTreeSet<String>| Value::from(set.iter().cloned().collect::<Vec<_>>());
        let mut edits = Map::new();
        if !self.marked.is_empty() {
            edits.insert("remove".into(), ids(&self.marked));
        }
        let chosen = self
            .adding
            .as_ref()
            .map_or(&self.kept_choice, |p| &p.chosen);
        if !chosen.is_empty() {
            edits.insert("add".into(), ids(chosen));
        }
        (!edits.is_empty()).then_some(TabDraft {
            base: Value::Null,
            edits,
        })
    }

    /// Marks again who a draft chose, among who can still be chosen: members to remove must
    /// still be members, people to add must be in the organisation and not members yet (the
    /// add list opens on them). How many of the draft's choices could not be kept.
    pub fn restore_draft(&mut self, draft: &TabDraft) -> usize {
        let ids = |key: &str| -> Vec<String> {
            draft
                .edits
                .get(key)
                .and_then(Value::as_array)
                .map_or(vec![], |a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
        };
        let (remove, add) = (ids("remove"), ids("add"));
        let here: BTreeSet<String> = self.rows.iter().map(|r| r.member.user_id.clone()).collect();
        let org: BTreeSet<String> = self.org().iter().map(|o| o.id.clone()).collect();
        self.marked = remove
            .iter()
            .filter(|u| here.contains(*u))
            .cloned()
            .collect();
        let chosen: BTreeSet<String> = add
            .iter()
            .filter(|u| org.contains(*u) && !here.contains(*u))
            .cloned()
            .collect();
        let kept = self.marked.len() + chosen.len();
        if !chosen.is_empty() {
            self.kept_choice.clear();
            self.adding = Some(AddPick {
                chosen,
                ..AddPick::default()
            });
        }
        remove.len() + add.len() - kept
    }

    fn org(&self) -> &[OrgMember] {
        match &self.data {
            Some(Ok(d)) => &d.org,
            _ => &[],
        }
    }

    /// The organisation members not in the workspace that match the filter.
    pub fn candidates(&self) -> Vec<&OrgMember> {
        let Some(pick) = &self.adding else {
            return vec![];
        };
        let here: BTreeSet<&str> = self
            .rows
            .iter()
            .map(|r| r.member.user_id.as_str())
            .collect();
        let f = pick.filter.to_lowercase();
        self.org()
            .iter()
            .filter(|o| !here.contains(o.id.as_str()))
            .filter(|o| {
                f.is_empty()
                    || o.display_name().to_lowercase().contains(&f)
                    || o.email.to_lowercase().contains(&f)
            })
            .collect()
    }
}

fn add_request(workspace: &str, user_ids: Vec<String>) -> AdminRequest {
    AdminRequest::AddMembers {
        workspace: workspace.to_string(),
        user_ids,
    }
}

fn remove_request(workspace: &str, user_ids: Vec<String>) -> AdminRequest {
    AdminRequest::RemoveMembers {
        workspace: workspace.to_string(),
        user_ids,
    }
}

fn people(n: usize) -> String {
    if n == 1 {
        "1 member".into()
    } else {
        format!("{n} members")
    }
}

/// A person as every review names them: name and email, the user id when unknown.
fn who(user_id: &str, data: &MembersData) -> String {
    let known = data.org.iter().find(|o| o.id == user_id);
    let name = known.map(|o| o.display_name());
    crate::write::review::person(name.as_deref(), known.map(|o| o.email.as_str()), user_id)
}

/// Review rows for the people an add or a removal names: each by name and email (the user id
/// when the organisation does not know them), membership before → after.
pub fn member_rows(
    users: &[String],
    data: &MembersData,
    removing: bool,
) -> Vec<crate::write::review::Row> {
    use crate::write::review::{NULL, Row};
    users
        .iter()
        .map(|u| {
            let label = who(u, data);
            let role = data
                .members
                .iter()
                .find(|m| &m.user_id == u)
                .map_or("member", |m| m.role.as_str());
            if removing {
                Row::new(format!("{label} · {u}"), role, NULL)
            } else {
                Row::new(format!("{label} · {u}"), NULL, "member")
            }
        })
        .collect()
}

/// The Review of an add; undone by removing them again.
pub fn add_write(workspace: &str, user_ids: Vec<String>) -> AdminWrite {
    let n = user_ids.len();
    let mut w = AdminWrite::new(
        format!("Add {} to the workspace", people(n)),
        vec![add_request(workspace, user_ids.clone())],
    );
    w.undo = Some((
        format!("Remove the {} added", people(n)),
        vec![remove_request(workspace, user_ids)],
    ));
    w
}

/// The Review of a removal, with R6 warned where the keys tell; undone by adding them again.
pub fn remove_write(workspace: &str, user_ids: Vec<String>, data: &MembersData) -> AdminWrite {
    let n = user_ids.len();
    let mut w = AdminWrite::new(
        format!("Remove {} from the workspace", people(n)),
        vec![remove_request(workspace, user_ids.clone())],
    )
    .with_rows(member_rows(&user_ids, data, true));
    w.seen = crate::write::record::people_seen(&user_ids, &data.org);
    let mut with_keys = Vec::new();
    for (user, blocking) in members::keys_blocking_removal(&user_ids, &data.keys) {
        let names: Vec<&str> = blocking.iter().map(|k| k.name.as_str()).collect();
        w.notes.push(format!(
            "{} created active keys here ({}): the server will refuse. {}",
            who(&user, data),
            names.join(", "),
            members::REMOVE_NEEDS_NO_KEYS
        ));
        with_keys.push(who(&user, data));
    }
    // Inferred from the keys' creator, so Enter stays (product.md §15 "Known refusals").
    if !with_keys.is_empty() {
        w.refusal_expected = Some(format!(
            "{} created API keys in this workspace that are still active, and a member with active keys here cannot be removed.",
            with_keys.join(", ")
        ));
    }
    w.undo = Some((
        format!("Add the {} removed again", people(n)),
        vec![add_request(workspace, user_ids)],
    ));
    w.notes.push(members::READD_ROLE_NOTE.to_string());
    w
}

pub fn hints() -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Add, "add"),
        (Action::Remove, "remove"),
        (Action::Toggle, "mark"),
        HELP_HINT,
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Reload, "reload"),
        (Action::Back, "workspaces"),
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (MembersKey::HalfPageDown.into(), "half page"),
        (MembersKey::HalfPageUp.into(), "half page"),
    ];
    h.extend(crate::tui::screens::tabs::tab_hints());
    h
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
        (MemberAddKey::HalfPageDown.into(), "half page"),
        (MemberAddKey::HalfPageUp.into(), "half page"),
    ]
}

/// The runtime's part of the first visit: four reads, the first failure the answer.
pub async fn load(
    client: &crate::api::Client,
    id: &str,
) -> Result<MembersData, crate::api::ApiError> {
    let members = client.list_members(id).await?;
    let org = client.organization_members().await?;
    let keys = client
        .list_keys(&crate::admin::keys::KeyQuery::all_in(id))
        .await?;
    // R21 is a help for the R7 warning; when it cannot be had, the server's refusal tells.
    // The default workspace is known only by its keys (listed without a workspace): one with
    // no keys cannot be told to be it that way, so the unscoped read is skipped (as the CLI does).
    let default_id = if keys.is_empty() {
        None
    } else {
        client.default_workspace_id().await.ok().flatten()
    };
    Ok(MembersData {
        members,
        org,
        keys,
        default_id,
    })
}
