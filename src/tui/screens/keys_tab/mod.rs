//! The Keys tab: the workspace's API keys (disabled ones too, all pages) with name, label,
//! state, usage and limit; `d` disables or enables the selected key through a Review.

pub mod view;

use crate::admin::keys::{Key, KeyPatch};
use crate::config::Action;
use crate::config::keys::{HELP_HINT, KeyMoveKey, KeysKey, QUIT_HINT};
use crate::tui::screens::admin_write::{AdminRequest, AdminWrite};
use crate::tui::screens::tabs::TabState;
use crate::write::review::{self, Row};

#[derive(Debug, Default)]
pub struct KeysTab {
    /// `None` while loading; the keys or why they could not be listed.
    pub keys: Option<Result<Vec<Key>, String>>,
    pub selected: usize,
    /// Choosing where the selected key moves: the index into the other workspaces the
    /// filter shows.
    pub moving: Option<usize>,
    /// The move target's filter (slug or name), and whether it is being typed.
    pub move_filter: String,
    pub move_filtering: bool,
    /// Deleting a key: its name typed to confirm, as the workspace delete asks for the slug.
    pub deleting: Option<DeleteAsk>,
    /// The list's filter (name, label, hash or a hygiene label), and whether it is being typed.
    pub filter: String,
    pub filtering: bool,
    /// What the tab knows beside the keys, read once per visit: the server's now and each
    /// key's assigned guardrail.
    pub context: Option<KeysContext>,
    /// A key's form (`n` a new key, `e` the selected one), kept while hidden.
    pub form: Option<crate::tui::screens::key_form::KeyForm>,
    /// A created key's secret, shown until the person says it is stored.
    pub secret: Option<crate::tui::screens::key_secret::SecretDialog>,
    /// `p`: the selected key's effective policy (its name, and the policy once read); any
    /// key of the tab closes it.
    pub policy: Option<PolicyView>,
}

/// The effective policy shown over the tab: whose, and what was read (`None`: reading).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyView {
    pub hash: String,
    pub name: String,
    pub policy: Option<Result<crate::admin::policy::Policy, String>>,
}

/// Read with the keys on each visit: the server's clock (the labels and dates are judged at
/// it) and the guardrail assigned to each key, by name (`GET /guardrails/assignments/keys`).
#[derive(Debug, Clone, PartialEq)]
pub struct KeysContext {
    pub now: time::OffsetDateTime,
    /// Key hash → the name of its assigned guardrail; why not, when it could not be read.
    pub assigned: Result<std::collections::BTreeMap<String, String>, String>,
}

/// The runtime's part: every key assignment of the organisation (all pages) and the
/// workspace's guardrails for their names, then the server's now (the `Date` of those answers).
pub async fn load_context(client: &crate::api::Client, workspace: &str) -> KeysContext {
    let assigned = async {
        let all = client.all_assignments(false).await?;
        let guardrails = client.list_guardrails(workspace).await?;
        let name = |id: &str| {
            guardrails
                .iter()
                .find(|g| g.get("id").and_then(serde_json::Value::as_str) == Some(id))
                .and_then(|g| g.get("name").and_then(serde_json::Value::as_str))
                .unwrap_or(id)
                .to_string()
        };
        Ok::<_, crate::api::ApiError>(
            all.iter()
                .map(|a| (a.holder.clone(), name(&a.guardrail_id)))
                .collect(),
        )
    }
    .await
    .map_err(|e| e.to_string());
    KeysContext {
        now: client.server_time(time::OffsetDateTime::now_utc()),
        assigned,
    }
}

/// A key's effective guardrail (R23): its assigned one by name, else the workspace's default;
/// `…` until read, `?` when it could not be.
pub fn effective_guardrail(context: Option<&KeysContext>, hash: &str) -> String {
    match context.map(|c| &c.assigned) {
        None => "…".into(),
        Some(Err(_)) => "?".into(),
        Some(Ok(m)) => m.get(hash).cloned().unwrap_or_else(|| "default".into()),
    }
}

/// The question before a key's delete Review: its name, typed exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteAsk {
    pub hash: String,
    pub name: String,
    pub typed: String,
}

/// What a key typed into the question did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Typing,
    /// Esc: nothing is deleted.
    Cancelled,
    /// Enter with the name typed exactly: on to the Review.
    Confirmed,
    /// Enter with anything else: the question stays.
    NotTheName,
}

impl DeleteAsk {
    pub fn new(key: &Key) -> Self {
        Self {
            hash: key.hash.clone(),
            name: key.name.clone(),
            typed: String::new(),
        }
    }

    /// A key typed while the question shows: text, `Ctrl-U` clears, `Enter` confirms.
    pub fn key(&mut self, key: crossterm::event::KeyEvent) -> Asked {
        use crossterm::event::{KeyCode, KeyModifiers};
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return Asked::Cancelled,
            KeyCode::Enter if self.typed == self.name => return Asked::Confirmed,
            KeyCode::Enter => return Asked::NotTheName,
            KeyCode::Backspace => {
                self.typed.pop();
            }
            KeyCode::Char('u') if ctrl => self.typed.clear(),
            KeyCode::Char(c) if !ctrl => self.typed.push(c),
            _ => {}
        }
        Asked::Typing
    }
}

impl TabState for KeysTab {
    /// A key's form typed and not sent, and a secret not yet stored (quitting loses it).
    fn unsaved(&self) -> usize {
        self.form.as_ref().map_or(0, |f| f.unsaved()) + usize::from(self.secret.is_some())
    }
}

impl KeysTab {
    pub fn list(&self) -> &[Key] {
        match &self.keys {
            Some(Ok(keys)) => keys,
            _ => &[],
        }
    }

    /// The keys the filter shows (all without one): those whose name, label, hash or effective
    /// guardrail holds it,
    /// or one of whose hygiene labels does (`idle`, `no limit`, …), case aside. `selected`
    /// indexes these.
    pub fn shown(&self) -> Vec<&Key> {
        let needle = self.filter.trim().to_lowercase();
        if needle.is_empty() {
            return self.list().iter().collect();
        }
        let now = self.now();
        self.list()
            .iter()
            .filter(|k| {
                let guardrail = effective_guardrail(self.context.as_ref(), &k.hash);
                [&k.name, &k.label, &k.hash, &guardrail]
                    .iter()
                    .any(|t| t.to_lowercase().contains(&needle))
                    || crate::admin::key_labels::labels(k, now)
                        .iter()
                        .any(|l| l.as_str().contains(&needle))
            })
            .collect()
    }

    /// The time labels and dates are judged at: the server's, else this machine's.
    pub fn now(&self) -> time::OffsetDateTime {
        self.context
            .as_ref()
            .map_or_else(time::OffsetDateTime::now_utc, |c| c.now)
    }

    /// The selected key among those shown.
    pub fn selected_key(&self) -> Option<&Key> {
        self.shown().get(self.selected).copied()
    }

    /// The keys as listed, or why not; an answer naming another workspace is refused.
    pub fn loaded(&mut self, workspace_id: &str, result: Result<Vec<Key>, String>) {
        let result =
            result.and_then(
                |keys| match keys.iter().find(|k| k.workspace_id != workspace_id) {
                    Some(k) => Err(format!(
                        "the key list holds key '{}' of another workspace ({}); nothing is shown",
                        k.name, k.workspace_id
                    )),
                    None => Ok(keys),
                },
            );
        self.keys = Some(result);
        self.selected = self.selected.min(self.list().len().saturating_sub(1));
    }

    /// A key the server answered after a write: replaced in the list, taken out when it now
    /// lives in another workspace, added when it came back here (an undone move).
    pub fn replace(&mut self, key: &Key, here: Option<&str>) {
        let Some(Ok(keys)) = &mut self.keys else {
            return;
        };
        let pos = keys.iter().position(|k| k.hash == key.hash);
        match (pos, here == Some(key.workspace_id.as_str())) {
            (Some(i), true) => keys[i] = key.clone(),
            (Some(i), false) => {
                keys.remove(i);
            }
            (None, true) => keys.push(key.clone()),
            (None, false) => {}
        }
        self.selected = self.selected.min(keys.len().saturating_sub(1));
    }

    pub fn remove(&mut self, hash: &str) {
        if let Some(Ok(keys)) = &mut self.keys {
            keys.retain(|k| k.hash != hash);
            self.selected = self.selected.min(keys.len().saturating_sub(1));
        }
    }
}

/// What a key's history entry keeps of it, as the Review saw it (as the CLI records it).
fn seen(key: &Key) -> serde_json::Map<String, serde_json::Value> {
    crate::write::record::key_seen(key)
}

/// The request that sets a key's disabled flag, and its inverse.
pub fn disable_write(key: &Key) -> AdminWrite {
    let patch = |disabled: bool| AdminRequest::PatchKey {
        hash: key.hash.clone(),
        patch: KeyPatch {
            disabled: Some(disabled),
            ..KeyPatch::default()
        },
    };
    let verb = |disabled: bool| if disabled { "Disable" } else { "Enable" };
    let to = !key.disabled;
    let state = |disabled: bool| if disabled { "disabled" } else { "enabled" };
    let mut write = AdminWrite::new(
        format!("{} key \"{}\"", verb(to), key.name),
        vec![patch(to)],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        state(key.disabled),
        state(to),
    )]);
    if to {
        write
            .notes
            .push("A disabled key is refused for every request until enabled again.".into());
    }
    write.undo = Some((
        format!("{} key \"{}\"", verb(!to), key.name),
        vec![patch(!to)],
    ));
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

/// `PATCH /keys/{hash}` with the new workspace; undone by moving it back.
/// `from`: the workspace open, where the key is (named in the review when known).
pub fn move_write(
    key: &Key,
    from: Option<&crate::workspace::Workspace>,
    to: &crate::workspace::Workspace,
) -> AdminWrite {
    let patch = |ws: &str| AdminRequest::PatchKey {
        hash: key.hash.clone(),
        patch: KeyPatch {
            workspace_id: Some(ws.to_string()),
            ..KeyPatch::default()
        },
    };
    let mut write = AdminWrite::new(
        format!("Move key \"{}\" to {} ({})", key.name, to.name(), to.slug()),
        vec![patch(to.id())],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        match from.filter(|f| f.id() == key.workspace_id) {
            Some(f) => format!("{} · {}", review::workspace(f.name(), f.slug()), f.id()),
            None => format!("workspace {}", key.workspace_id),
        },
        format!("{} · {}", review::workspace(to.name(), to.slug()), to.id()),
    )]);
    write
        .notes
        .push(crate::admin::keys::MOVE_LEAVES_BEHIND.to_string());
    write.undo = Some((
        format!("Move key \"{}\" back", key.name),
        vec![patch(&key.workspace_id)],
    ));
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

/// `DELETE /keys/{hash}`: not revertable, and it says so.
pub fn delete_write(key: &Key) -> AdminWrite {
    let mut write = AdminWrite::new(
        format!("Delete key \"{}\"", key.name),
        vec![AdminRequest::DeleteKey {
            hash: key.hash.clone(),
        }],
    )
    .with_rows(vec![Row::new(
        review::key(&key.name, &key.label),
        if key.disabled { "disabled" } else { "enabled" },
        format!("{} (deleted)", review::NULL),
    )]);
    write.notes.push(
        "Deleting cannot be undone: every request made with this key is refused from then on."
            .into(),
    );
    write.no_undo = Some("A deleted key cannot be brought back.".into());
    write.seen = seen(key);
    write.with_key_in(&key.hash, &key.workspace_id)
}

pub fn move_hints() -> Vec<(Action, &'static str)> {
    vec![
        (Action::Open, "choose"),
        (Action::Filter, "filter"),
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Back, "cancel"),
        HELP_HINT,
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (KeyMoveKey::HalfPageDown.into(), "half page"),
        (KeyMoveKey::HalfPageUp.into(), "half page"),
    ]
}

pub fn hints() -> Vec<(Action, &'static str)> {
    let mut h = vec![
        (Action::Disable, "disable/enable"),
        (Action::MoveKey, "move"),
        (Action::Remove, "delete"),
        (Action::NewKey, "new key"),
        (Action::EditKey, "edit"),
        (Action::KeyPolicy, "policy"),
        (Action::Filter, "filter (name or label)"),
        HELP_HINT,
        (Action::Up, "move"),
        (Action::Down, "move"),
        (Action::Reload, "reload"),
        (Action::Back, "workspaces"),
        QUIT_HINT,
        (Action::Top, "first"),
        (Action::Bottom, "last"),
        (KeysKey::HalfPageDown.into(), "half page"),
        (KeysKey::HalfPageUp.into(), "half page"),
    ];
    h.extend(crate::tui::screens::tabs::tab_hints());
    h
}
