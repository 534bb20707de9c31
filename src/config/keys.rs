//! The one key table of the TUI: named actions, each bound to a list of keys that the
//! configuration file may replace (`[keys]` in `config.toml`), and the scopes (screens and
//! questions) that say which actions a key may stand for where.
//!
//! An action keeps its keys on every screen it acts on (rebinding `quit` rebinds it
//! everywhere); one key bound to two actions of one scope is refused, naming both.
//!
//! Key strings: a single character (`"j"`, `"?"`, `"U"`), a name (`enter`, `esc`, `tab`,
//! `backtab`, `space`, `up`, `down`, `left`, `right`, `delete`, `backspace`, `home`, `end`,
//! `pageup`, `pagedown`, `insert`, `f1`…`f12`), optionally after `ctrl-`, `alt-` and `shift-`
//! (`"ctrl-s"`, `"alt-x"`, `"shift-tab"`). Names and modifiers are case-insensitive; single
//! characters are not (`"u"` and `"U"` are different keys).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

/// The one table of actions: each with its doc, its name in `[keys]` (`Action::name`), its few
/// words for help (`Action::description`) and its default keys (`Action::default_keys`).
macro_rules! actions {
    ($($(#[doc = $doc:literal])* $action:ident $name:literal $description:literal [$($key:literal),*];)*) => {
        /// Every verb of every screen: what a key press stands for where keys are commands.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Action {
            $($(#[doc = $doc])* $action,)*
        }

        impl Action {
            /// Every action, in the order help lists them.
            pub const ALL: [Action; [$(stringify!($action)),*].len()] = [$(Action::$action),*];

            /// The name used in `config.toml`'s `[keys]` table.
            pub fn name(self) -> &'static str {
                match self {
                    $(Action::$action => $name,)*
                }
            }

            /// A few words for the help screen.
            pub fn description(self) -> &'static str {
                match self {
                    $(Action::$action => $description,)*
                }
            }

            /// The keys bound to the action when the configuration says nothing about it.
            pub fn default_keys(self) -> &'static [&'static str] {
                match self {
                    $(Action::$action => &[$($key),*],)*
                }
            }
        }
    };
}

// Each action: its name in `[keys]`, its words in help, its default keys.
actions! {
    /// Focus the previous row.
    Up "up" "previous row" ["up", "k", "backtab"];
    /// Focus the next row.
    Down "down" "next row" ["down", "j", "tab"];
    /// The first row.
    Top "top" "first row" ["home", "g"];
    /// The last row.
    Bottom "bottom" "last row" ["end", "G"];
    /// A page up.
    PageUp "page_up" "a page up" ["pageup"];
    /// A page down.
    PageDown "page_down" "a page down" ["pagedown"];
    /// Half a page up in a list.
    HalfPageUp "half_page_up" "half a page up" ["ctrl-u"];
    /// Half a page down in a list.
    HalfPageDown "half_page_down" "half a page down" ["ctrl-d"];
    /// Start editing the focused field.
    Edit "edit" "edit the field" ["enter", "i"];
    /// Flip a boolean, or open the choices of a list field.
    Toggle "toggle" "toggle / choose" ["space"];
    /// Cycle a choice backwards (a boolean flips).
    CycleBack "cycle_back" "previous choice" ["left", "h"];
    /// Cycle a choice forwards (a boolean flips).
    CycleOn "cycle_on" "next choice" ["right", "l"];
    /// Set the focused field to null (when it may be null).
    Clear "clear" "set to null" ["delete", "backspace"];
    /// Undo the last change to the form; on the Result screen, review the inverse patch.
    Undo "undo" "undo a change" ["u"];
    /// Redo what `Undo` undid.
    Redo "redo" "redo" ["ctrl-r"];
    /// Put the focused field back to the server's value.
    Reset "reset" "reset the field" ["x"];
    /// Put every field back to the server's value (asks first).
    ResetAll "reset_all" "reset all fields" ["X"];
    /// Edit the focused text field in $VISUAL / $EDITOR.
    Editor "editor" "edit in $EDITOR" ["e"];
    /// Review the change before sending it.
    Review "review" "review and save" ["s", "ctrl-s"];
    /// Picker: open the selected workspace.
    Open "open" "open the workspace" ["enter"];
    /// Picker: mark or unmark the highlighted workspace for a bulk edit.
    Mark "mark" "mark / unmark (bulk)" ["space"];
    /// Picker: one form for all the marked workspaces.
    EditMarked "edit_marked" "edit all marked" ["e"];
    /// Picker: mark every row from the last mark to the highlighted one.
    MarkRange "mark_range" "mark the range from the last mark" ["ctrl-space"];
    /// Picker: mark every row the filter shows.
    MarkAll "mark_all" "mark every row shown" ["*"];
    /// Picker: type a filter.
    Filter "filter" "filter by name or slug" ["/"];
    /// Picker: load the list again.
    Reload "reload" "load again" ["r"];
    /// Opening a workspace failed: try again.
    Retry "retry" "try again" ["r"];
    /// Review: send the PATCH (the only key that writes).
    Submit "submit" "send the PATCH (no letter sends)" ["enter"];
    /// Submitting: stop waiting (re-reads when the PATCH may have landed).
    Cancel "cancel" "cancel (re-reads if the PATCH may have landed)" ["esc"];
    /// Result: back to the form.
    Done "done" "back to the form" ["enter"];
    /// Conflict: keep my values.
    KeepMine "keep_mine" "keep mine" ["m"];
    /// Conflict: take the server's values.
    TakeTheirs "take_theirs" "take theirs" ["t"];
    /// A question: yes (never destructive).
    Yes "yes" "yes" ["y"];
    /// Leaving with unsaved edits: keep the draft and leave.
    KeepDraft "keep_draft" "keep the draft and leave" ["k"];
    /// A question: discard (the one destructive answer).
    Discard "discard" "discard" ["d"];
    /// A question: not now (stay, keep everything).
    No "no" "not now" ["n", "esc"];
    /// Show the keys.
    Help "help" "help" ["?", "f1"];
    /// Quit orws (asks when there are unsaved edits).
    Quit "quit" "quit" ["q", "ctrl-c"];
    /// Back to the previous screen; never discards.
    Back "back" "back" ["esc"];
    /// The workspace's tabs: jump to tab 1…5 (browse mode only, never while typing).
    Tab1 "tab_1" "go to tab 1–5" ["1"];
    Tab2 "tab_2" "go to tab 1–5" ["2"];
    Tab3 "tab_3" "go to tab 1–5" ["3"];
    Tab4 "tab_4" "go to tab 1–5" ["4"];
    Tab5 "tab_5" "go to tab 1–5" ["5"];
    /// The next tab (wraps around).
    NextTab "next_tab" "previous / next tab" ["]"];
    /// The previous tab (wraps around).
    PrevTab "previous_tab" "previous / next tab" ["["];
    /// Keys tab: disable the selected key, or enable it when disabled (through a Review).
    Disable "disable" "disable / enable" ["d"];
    /// Keys tab: move the selected key to another workspace (through a Review).
    MoveKey "move_key" "move elsewhere" ["m"];
    /// Keys tab: a new key (a form, a Review, then its secret shown once).
    NewKey "new_key" "new key (reviewed)" ["n"];
    /// Keys tab: edit the selected key's name, limit, reset and BYOK switch (reviewed).
    EditKey "edit_key" "edit the key (reviewed)" ["e"];
    KeyPolicy "key_policy" "effective policy (computed)" ["p"];
    /// Delete the selected item (through a Review).
    Remove "remove" "delete (reviewed)" ["x", "delete"];
    /// Members tab: add organisation members (choose, then a Review).
    Add "add" "add (reviewed)" ["a"];
    /// Picker: create a workspace.
    Create "create" "new workspace" ["n"];
    /// Delete the workspace, guided (keys first, the slug typed).
    DeleteWorkspace "delete_workspace" "delete the workspace" ["D"];
    /// Open the history of applied changes (the picker and the workspace tabs).
    History "history" "history of applied changes" ["H"];
    /// Guardrails tab: create a named guardrail (through a Review).
    NewGuardrail "new_guardrail" "new guardrail (reviewed)" ["n"];
    /// Guardrails tab: delete the selected named guardrail (its name typed, then a Review).
    DeleteGuardrail "delete_guardrail" "delete the guardrail (reviewed)" ["D"];
    /// Guardrails tab: the keys and members the selected guardrail is assigned to.
    Assignments "assignments" "its keys and members" ["a"];
}

/// Where keys are commands: each screen, and each question over a screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Picker,
    /// One form for many workspaces (its review, progress and result are the write flow's).
    BulkForm,
    Loading,
    Form,
    Review,
    Submitting,
    Result,
    Conflict,
    /// Leaving with unsaved edits.
    QuestionLeave,
    /// A draft is waiting: restore it?
    QuestionDraft,
    /// Put every field back?
    QuestionResetAll,
    /// The terminal is below the smallest size.
    TooSmall,
    /// The Budgets tab's limits and switch.
    Budgets,
    /// The Guardrail tab's fields.
    Guardrail,
    /// The Keys tab.
    Keys,
    /// Choosing the workspace a key moves to.
    KeyMove,
    /// A key's form: a new key, or the selected one's name, limit, reset and BYOK switch.
    KeyForm,
    /// The Members tab.
    Members,
    /// Choosing organisation members to add.
    MemberAdd,
    /// A new workspace's name and slug.
    Create,
    /// Deleting a workspace, guided.
    Delete,
    /// The history of applied changes.
    History,
    /// The Guardrails tab's list.
    Guardrails,
    /// A new named guardrail's fields.
    GuardrailNew,
    /// A named guardrail's keys and members.
    GuardrailAssign,
    /// Choosing keys and members to assign a guardrail to.
    GuardrailAssignAdd,
}

/// The keys every workspace tab has: the tab keys, then leaving and help.
pub const TAB_KEYS: &[Action] = &[
    Action::Tab1,
    Action::Tab2,
    Action::Tab3,
    Action::Tab4,
    Action::Tab5,
    Action::NextTab,
    Action::PrevTab,
];

impl Scope {
    pub const ALL: [Scope; 26] = [
        Scope::Picker,
        Scope::BulkForm,
        Scope::Loading,
        Scope::Form,
        Scope::Review,
        Scope::Submitting,
        Scope::Result,
        Scope::Conflict,
        Scope::QuestionLeave,
        Scope::QuestionDraft,
        Scope::QuestionResetAll,
        Scope::TooSmall,
        Scope::Budgets,
        Scope::Guardrail,
        Scope::Keys,
        Scope::KeyMove,
        Scope::KeyForm,
        Scope::Members,
        Scope::MemberAdd,
        Scope::Create,
        Scope::Delete,
        Scope::History,
        Scope::Guardrails,
        Scope::GuardrailNew,
        Scope::GuardrailAssign,
        Scope::GuardrailAssignAdd,
    ];

    /// A heading for help.
    pub fn title(self) -> &'static str {
        match self {
            Scope::Picker => "Workspaces",
            Scope::BulkForm => "Bulk edit",
            Scope::Loading => "Opening",
            Scope::Form => "Form",
            Scope::Review => "Review",
            Scope::Submitting => "Submitting",
            Scope::Result => "Result",
            Scope::Conflict => "Conflict",
            Scope::QuestionLeave | Scope::QuestionDraft | Scope::QuestionResetAll => "Question",
            Scope::TooSmall => "Too small",
            Scope::Budgets => "Budgets",
            Scope::Guardrail => "Guardrail",
            Scope::Keys => "Keys",
            Scope::KeyMove => "Move a key",
            Scope::KeyForm => "A key's form",
            Scope::Members => "Members",
            Scope::MemberAdd => "Add members",
            Scope::Create => "New workspace",
            Scope::Delete => "Delete the workspace",
            Scope::History => "History",
            Scope::Guardrails => "Guardrails",
            Scope::GuardrailNew => "New guardrail",
            Scope::GuardrailAssign => "Assignments",
            Scope::GuardrailAssignAdd => "Assign",
        }
    }
}

/// The actions the router answers the same way in every scope that lists them (help, quit, the
/// history and the tab keys): no scope's own key enum has them.
pub const ROUTER_ACTIONS: &[Action] = &[
    Action::Help,
    Action::Quit,
    Action::History,
    Action::Tab1,
    Action::Tab2,
    Action::Tab3,
    Action::Tab4,
    Action::Tab5,
    Action::NextTab,
    Action::PrevTab,
];

/// The one key table: `Scope::actions` and, per scope, its own key enum, from one list.
macro_rules! scope_keys {
    ($($scope:ident => $key:ident [$($action:ident),* $(,)?];)*) => {
        impl Scope {
            /// The actions a key may stand for in this scope, in the order help lists them.
            pub fn actions(self) -> &'static [Action] {
                match self {
                    $(Scope::$scope => &[$(Action::$action),*],)*
                }
            }
        }

        $(scope_keys!(@own $scope $key [] $($action)*);)*

        /// A key pressed in a scope, as that scope's own enum.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ScopedKey {
            $($scope($key),)*
        }

        impl ScopedKey {
            /// `action` in `scope` as the scope's own key; `None` for what the router answers
            /// (help, quit, history, tabs) and for an action the scope does not have.
            pub fn new(scope: Scope, action: Action) -> Option<Self> {
                match scope {
                    $(Scope::$scope => $key::from_action(action).map(ScopedKey::$scope),)*
                }
            }
        }
    };
    // Collect the scope's actions but the router's into its enum.
    (@own $scope:ident $key:ident [$($own:ident)*]) => {
        #[doc = concat!("The keys of the `", stringify!($scope), "` scope, but the router's.")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $key {
            $($own,)*
        }

        impl $key {
            pub const ALL: &'static [$key] = &[$($key::$own),*];

            pub fn action(self) -> Action {
                match self {
                    $($key::$own => Action::$own,)*
                }
            }

            pub fn from_action(action: Action) -> Option<Self> {
                match action {
                    $(Action::$own => Some($key::$own),)*
                    _ => None,
                }
            }
        }

        impl From<$key> for Action {
            fn from(key: $key) -> Action {
                key.action()
            }
        }
    };
    (@own $scope:ident $key:ident [$($own:ident)*] Help $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Quit $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] History $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Tab1 $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Tab2 $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Tab3 $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Tab4 $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] Tab5 $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] NextTab $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] PrevTab $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)*] $($rest)*); };
    (@own $scope:ident $key:ident [$($own:ident)*] $head:ident $($rest:ident)*) => { scope_keys!(@own $scope $key [$($own)* $head] $($rest)*); };
}

/// The hint of help, which every screen that has it shows (the router answers it).
pub const HELP_HINT: (Action, &str) = (Action::Help, "help");
/// The hint of quit (the router answers it: it asks first when there are unsaved edits).
pub const QUIT_HINT: (Action, &str) = (Action::Quit, "quit");

// Each scope's actions, in the order help lists them: `Scope::actions`, and the scope's own
// key enum (`PickerKey`…) with every action but the router's (`ROUTER_ACTIONS`).
// `e` in Guardrail: the content-filter lists as JSON in $VISUAL/$EDITOR.
scope_keys! {
    Picker => PickerKey [Up, Down, Top, Bottom, PageUp, PageDown, Open, Mark, MarkRange, MarkAll, EditMarked, Filter, Reload, Create, DeleteWorkspace, History, Back, Undo, HalfPageDown, HalfPageUp, Help, Quit];
    BulkForm => BulkFormKey [Up, Down, Top, Bottom, Edit, Toggle, CycleBack, CycleOn, Clear, Undo, Redo, Reset, Review, Help, Quit, Back];
    Loading => LoadingKey [Retry, Back, Help, Quit];
    Form => FormKey [Up, Down, Top, Bottom, Edit, Toggle, CycleBack, CycleOn, Clear, Undo, Redo, Reset, ResetAll, Editor, Review, Reload, Help, Quit, Back, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, DeleteWorkspace, History];
    Review => ReviewKey [Submit, Back, Down, Up, PageDown, PageUp, Top, Bottom, Help, Quit];
    Submitting => SubmittingKey [Cancel, Down, Up, PageDown, PageUp, Top, Bottom, Help];
    Result => ResultKey [Done, Undo, Retry, Back, Down, Up, PageDown, PageUp, Top, Bottom, Help, Quit];
    Conflict => ConflictKey [KeepMine, TakeTheirs, Back, Help, Quit];
    QuestionLeave => LeaveKey [KeepDraft, Yes, Discard, No];
    QuestionDraft => DraftKey [Yes, Discard, No];
    QuestionResetAll => ResetAllKey [Yes, No];
    TooSmall => TooSmallKey [Quit];
    Budgets => BudgetsKey [Up, Down, Top, Bottom, Edit, Toggle, CycleBack, CycleOn, Clear, Undo, Redo, Reset, ResetAll, Review, Reload, Help, Quit, Back, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, History];
    Guardrail => GuardrailKey [Up, Down, Top, Bottom, Edit, Editor, Toggle, CycleBack, CycleOn, Clear, Undo, Redo, Reset, ResetAll, Review, Reload, Help, Quit, Back, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, History];
    Keys => KeysKey [NewKey, EditKey, KeyPolicy, Disable, MoveKey, Remove, Filter, Up, Down, Top, Bottom, Reload, HalfPageDown, HalfPageUp, Help, Back, Quit, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, History];
    KeyForm => KeyFormKey [Edit, Toggle, CycleOn, CycleBack, Review, Up, Down, Help, Back, Quit];
    KeyMove => KeyMoveKey [Open, Filter, Up, Down, Top, Bottom, Back, HalfPageDown, HalfPageUp, Help, Quit];
    Members => MembersKey [Add, Remove, Toggle, Up, Down, Top, Bottom, Reload, HalfPageDown, HalfPageUp, Help, Back, Quit, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, History];
    Create => CreateKey [Edit, Review, Up, Down, Help, Back, Quit];
    Delete => DeleteKey [Edit, Toggle, Help, Back, Quit];
    MemberAdd => MemberAddKey [Toggle, Review, Open, Filter, Up, Down, Top, Bottom, Back, HalfPageDown, HalfPageUp, Help, Quit];
    History => HistoryKey [Up, Down, Top, Bottom, PageUp, PageDown, Open, CycleOn, CycleBack, Filter, Undo, Back, HalfPageDown, HalfPageUp, Help, Quit];
    Guardrails => GuardrailsKey [Open, NewGuardrail, DeleteGuardrail, Assignments, Up, Down, Top, Bottom, Reload, Help, Back, Quit, Tab1, Tab2, Tab3, Tab4, Tab5, NextTab, PrevTab, History];
    GuardrailNew => GuardrailNewKey [Edit, Toggle, CycleBack, CycleOn, Review, Up, Down, Help, Back, Quit];
    GuardrailAssign => GuardrailAssignKey [Add, Remove, Up, Down, Top, Bottom, Help, Back, Quit];
    GuardrailAssignAdd => GuardrailAssignAddKey [Toggle, Review, Open, Filter, Up, Down, Top, Bottom, Back, Help, Quit];
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Picker => "the workspace list",
            Scope::BulkForm => "the bulk edit form",
            Scope::Loading => "the opening screen",
            Scope::Form => "the form",
            Scope::Review => "the review",
            Scope::Submitting => "the submitting screen",
            Scope::Result => "the result",
            Scope::Conflict => "the conflict screen",
            Scope::QuestionLeave => "the question on leaving",
            Scope::QuestionDraft => "the question on a draft",
            Scope::QuestionResetAll => "the question on resetting all",
            Scope::TooSmall => "the too-small notice",
            Scope::Budgets => "the Budgets tab",
            Scope::Guardrail => "the Guardrail tab",
            Scope::Keys => "the Keys tab",
            Scope::KeyMove => "the choice where a key moves",
            Scope::KeyForm => "the key's form",
            Scope::Members => "the Members tab",
            Scope::MemberAdd => "the choice of members to add",
            Scope::Create => "the new workspace form",
            Scope::Delete => "the guided delete",
            Scope::History => "the history",
            Scope::Guardrails => "the Guardrails tab",
            Scope::GuardrailNew => "the new guardrail form",
            Scope::GuardrailAssign => "a guardrail's assignments",
            Scope::GuardrailAssignAdd => "the choice of keys and members to assign",
        })
    }
}

impl Action {
    /// A key that steps or jumps between the workspace's tabs.
    pub fn is_tab_key(self) -> bool {
        TAB_KEYS.contains(&self)
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A key string that could not be understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyParseError {
    /// The key string as written.
    pub key: String,
    pub reason: String,
}

impl fmt::Display for KeyParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad key {:?}: {}", self.key, self.reason)
    }
}

impl std::error::Error for KeyParseError {}

/// One key: a code and the modifiers that matter (ctrl, alt, and shift on non-character keys).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeySpec {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

const NAMED: &[(&str, KeyCode)] = &[
    ("enter", KeyCode::Enter),
    ("return", KeyCode::Enter),
    ("esc", KeyCode::Esc),
    ("escape", KeyCode::Esc),
    ("tab", KeyCode::Tab),
    ("backtab", KeyCode::BackTab),
    ("space", KeyCode::Char(' ')),
    ("up", KeyCode::Up),
    ("down", KeyCode::Down),
    ("left", KeyCode::Left),
    ("right", KeyCode::Right),
    ("delete", KeyCode::Delete),
    ("del", KeyCode::Delete),
    ("backspace", KeyCode::Backspace),
    ("home", KeyCode::Home),
    ("end", KeyCode::End),
    ("pageup", KeyCode::PageUp),
    ("pagedown", KeyCode::PageDown),
    ("insert", KeyCode::Insert),
];

impl KeySpec {
    pub fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Self::normalized(code, modifiers)
    }

    /// Keeps ctrl and alt; shift only where the code does not already carry it (a character
    /// comes as its shifted self, `U`; shift-tab comes as BackTab).
    fn normalized(code: KeyCode, modifiers: KeyModifiers) -> Self {
        let mut modifiers =
            modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            KeyCode::Char(c) => {
                modifiers.remove(KeyModifiers::SHIFT);
                // Terminals cannot tell ctrl-s from ctrl-S.
                if modifiers.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            KeyCode::Tab if modifiers.contains(KeyModifiers::SHIFT) => {
                modifiers.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Self { code, modifiers }
    }

    /// True when the event is a press (or repeat) of this key.
    pub fn matches(&self, event: &KeyEvent) -> bool {
        event.kind != KeyEventKind::Release
            && Self::normalized(event.code, event.modifiers) == *self
    }
}

impl FromStr for KeySpec {
    type Err = KeyParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason: &str| KeyParseError {
            key: s.to_string(),
            reason: reason.to_string(),
        };
        if s.is_empty() {
            return Err(err("empty"));
        }
        let mut rest = s;
        let mut modifiers = KeyModifiers::NONE;
        // A single character is itself, even `-`; longer strings may start with modifiers.
        while rest.chars().count() > 1 {
            let lower = rest.to_ascii_lowercase();
            let (flag, len) = if lower.starts_with("ctrl-") {
                (KeyModifiers::CONTROL, 5)
            } else if lower.starts_with("alt-") {
                (KeyModifiers::ALT, 4)
            } else if lower.starts_with("shift-") {
                (KeyModifiers::SHIFT, 6)
            } else {
                break;
            };
            if modifiers.contains(flag) {
                return Err(err("a modifier is given twice"));
            }
            modifiers |= flag;
            rest = &rest[len..];
        }
        if rest.is_empty() {
            return Err(err("a modifier needs a key after it, e.g. ctrl-s"));
        }
        let mut chars = rest.chars();
        let code = match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_control() => {
                return Err(err("a control character; write e.g. ctrl-x or a key name"));
            }
            (Some(c), None) => {
                if modifiers.contains(KeyModifiers::SHIFT) {
                    if !c.is_alphabetic() {
                        return Err(err(
                            "shift- goes with a letter or a named key; write the shifted character itself",
                        ));
                    }
                    modifiers.remove(KeyModifiers::SHIFT);
                    KeyCode::Char(c.to_uppercase().next().unwrap_or(c))
                } else {
                    KeyCode::Char(c)
                }
            }
            _ => {
                let lower = rest.to_ascii_lowercase();
                if let Some((_, code)) = NAMED.iter().find(|(name, _)| *name == lower) {
                    *code
                } else if let Some(n) = lower
                    .strip_prefix('f')
                    .and_then(|n| n.parse::<u8>().ok())
                    .filter(|n| (1..=24).contains(n))
                {
                    KeyCode::F(n)
                } else {
                    return Err(err(
                        "not a key; use one character, or enter, esc, tab, backtab, space, up, \
                         down, left, right, delete, backspace, home, end, pageup, pagedown, \
                         insert, f1-f24, after ctrl-, alt- or shift- if needed",
                    ));
                }
            }
        };
        Ok(Self::normalized(code, modifiers))
    }
}

impl fmt::Display for KeySpec {
    /// The canonical key string, which parses back to the same key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            f.write_str("ctrl-")?;
        }
        if self.modifiers.contains(KeyModifiers::ALT) {
            f.write_str("alt-")?;
        }
        if self.modifiers.contains(KeyModifiers::SHIFT) {
            f.write_str("shift-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::F(n) => write!(f, "f{n}"),
            code => {
                let name = NAMED
                    .iter()
                    .find(|(_, c)| *c == code)
                    .map_or("?", |(name, _)| *name);
                f.write_str(name)
            }
        }
    }
}

/// Every action's keys. Build with [`KeyBindings::default`], then [`KeyBindings::set`] to
/// replace the keys of some actions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyBindings {
    map: BTreeMap<Action, Vec<KeySpec>>,
}

impl Default for KeyBindings {
    fn default() -> Self {
        let map = Action::ALL
            .into_iter()
            .map(|a| {
                let keys = a
                    .default_keys()
                    .iter()
                    .map(|k| k.parse().expect("default keys parse"))
                    .collect();
                (a, keys)
            })
            .collect();
        Self { map }
    }
}

/// Two actions of one scope that were given the same key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyConflict {
    pub key: KeySpec,
    pub scope: Scope,
    pub first: Action,
    pub second: Action,
}

impl fmt::Display for KeyConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the key {} is bound to both {} and {} in {}; give one of them other keys",
            self.key, self.first, self.second, self.scope
        )
    }
}

/// Keys that act before any screen sees them, so no action may take them.
pub const RESERVED: &[(&str, &str)] = &[("ctrl-z", "suspends orws on every screen")];

/// An action given a key that is [`RESERVED`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservedKey {
    pub key: KeySpec,
    pub action: Action,
    pub why: &'static str,
}

impl fmt::Display for ReservedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the key {} cannot be bound to {}: it {}; give {} other keys",
            self.key, self.action, self.why, self.action
        )
    }
}

impl KeyBindings {
    /// Actions given a key that is [`RESERVED`] (it would never reach them).
    pub fn reserved(&self) -> Vec<ReservedKey> {
        let mut out = Vec::new();
        for (key, why) in RESERVED {
            let key: KeySpec = key.parse().expect("reserved keys parse");
            for action in Action::ALL {
                if self.keys(action).contains(&key) {
                    out.push(ReservedKey { key, action, why });
                }
            }
        }
        out
    }

    /// Replaces the keys of one action (duplicates dropped, order kept).
    pub fn set(&mut self, action: Action, keys: Vec<KeySpec>) {
        let mut unique: Vec<KeySpec> = Vec::with_capacity(keys.len());
        for k in keys {
            if !unique.contains(&k) {
                unique.push(k);
            }
        }
        self.map.insert(action, unique);
    }

    /// The keys of an action, first the one help shows.
    pub fn keys(&self, action: Action) -> &[KeySpec] {
        self.map.get(&action).map_or(&[], Vec::as_slice)
    }

    /// The action a key press stands for in a scope, if any. Releases never match.
    pub fn action_for(&self, scope: Scope, event: &KeyEvent) -> Option<Action> {
        if event.kind == KeyEventKind::Release {
            return None;
        }
        let pressed = KeySpec::normalized(event.code, event.modifiers);
        scope
            .actions()
            .iter()
            .copied()
            .find(|a| self.keys(*a).contains(&pressed))
    }

    /// True when the key press is one of the action's keys.
    pub fn is(&self, action: Action, event: &KeyEvent) -> bool {
        self.keys(action).iter().any(|k| k.matches(event))
    }

    /// The keys of an action as text for help and hints, e.g. `s / ctrl-s`.
    pub fn label(&self, action: Action) -> String {
        let keys: Vec<String> = self.keys(action).iter().map(|k| k.to_string()).collect();
        keys.join(" / ")
    }

    /// Keys bound to more than one action of the same scope.
    pub fn conflicts(&self) -> Vec<KeyConflict> {
        let mut out = Vec::new();
        for scope in Scope::ALL {
            let actions = scope.actions();
            for (i, first) in actions.iter().enumerate() {
                for second in &actions[i + 1..] {
                    for key in self.keys(*first) {
                        let seen = out.iter().any(|c: &KeyConflict| {
                            c.key == *key && c.first == *first && c.second == *second
                        });
                        if self.keys(*second).contains(key) && !seen {
                            out.push(KeyConflict {
                                key: *key,
                                scope,
                                first: *first,
                                second: *second,
                            });
                        }
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scopes_own_keys_are_its_actions_but_the_routers() {
        for scope in Scope::ALL {
            for action in Action::ALL {
                let own = ScopedKey::new(scope, action);
                let listed = scope.actions().contains(&action);
                let routed = ROUTER_ACTIONS.contains(&action);
                assert_eq!(
                    own.is_some(),
                    listed && !routed,
                    "{scope}: {action} is {}its own key",
                    if own.is_some() { "" } else { "not " }
                );
            }
        }
        // Each enum round-trips through the action it stands for.
        for key in PickerKey::ALL {
            assert_eq!(PickerKey::from_action(key.action()), Some(*key));
        }
        assert!(TooSmallKey::ALL.is_empty(), "the notice has only quit");
    }

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn key_strings_parse_and_print_back() {
        for s in [
            "j",
            "U",
            "?",
            "-",
            "space",
            "enter",
            "esc",
            "tab",
            "backtab",
            "ctrl-s",
            "alt-x",
            "ctrl-alt-d",
            "delete",
            "backspace",
            "home",
            "end",
            "up",
            "f5",
            "shift-up",
        ] {
            let k: KeySpec = s.parse().unwrap();
            assert_eq!(k.to_string(), s, "{s}");
            assert_eq!(k.to_string().parse::<KeySpec>().unwrap(), k);
        }
        assert_eq!(
            "shift-tab".parse::<KeySpec>().unwrap().to_string(),
            "backtab"
        );
        assert_eq!("shift-u".parse::<KeySpec>().unwrap().to_string(), "U");
        assert_eq!("CTRL-S".parse::<KeySpec>().unwrap().to_string(), "ctrl-s");
        assert_eq!("ctrl--".parse::<KeySpec>().unwrap().to_string(), "ctrl--");
        assert_eq!(" ".parse::<KeySpec>().unwrap().to_string(), "space");
        for bad in ["", "ctrl-", "foo", "ctrl-ctrl-x", "shift-1", "f99", "\t"] {
            let e = bad.parse::<KeySpec>().unwrap_err();
            assert_eq!(e.key, bad);
            assert!(e.to_string().contains(&format!("{bad:?}")), "{e}");
        }
    }

    #[test]
    fn events_match_as_terminals_send_them() {
        let keys = KeyBindings::default();
        let cases = [
            (
                press(KeyCode::Char('j'), KeyModifiers::NONE),
                Some(Action::Down),
            ),
            (
                press(KeyCode::Char('X'), KeyModifiers::SHIFT),
                Some(Action::ResetAll),
            ),
            (
                press(KeyCode::Char('x'), KeyModifiers::NONE),
                Some(Action::Reset),
            ),
            (
                press(KeyCode::Char('u'), KeyModifiers::NONE),
                Some(Action::Undo),
            ),
            (
                press(KeyCode::Char('r'), KeyModifiers::CONTROL),
                Some(Action::Redo),
            ),
            (press(KeyCode::Char('U'), KeyModifiers::SHIFT), None),
            (
                press(KeyCode::Char('?'), KeyModifiers::SHIFT),
                Some(Action::Help),
            ),
            (
                press(KeyCode::BackTab, KeyModifiers::SHIFT),
                Some(Action::Up),
            ),
            (
                press(KeyCode::Char('s'), KeyModifiers::CONTROL),
                Some(Action::Review),
            ),
            (
                press(
                    KeyCode::Char('S'),
                    KeyModifiers::CONTROL | KeyModifiers::SHIFT,
                ),
                Some(Action::Review),
            ),
            (
                press(KeyCode::Char(' '), KeyModifiers::NONE),
                Some(Action::Toggle),
            ),
            (press(KeyCode::Esc, KeyModifiers::NONE), Some(Action::Back)),
            (
                press(KeyCode::Char('c'), KeyModifiers::CONTROL),
                Some(Action::Quit),
            ),
            (press(KeyCode::Char('q'), KeyModifiers::CONTROL), None),
            (press(KeyCode::Char('z'), KeyModifiers::NONE), None),
        ];
        for (event, want) in cases {
            assert_eq!(keys.action_for(Scope::Form, &event), want, "{event:?}");
        }
        let mut release = press(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(keys.action_for(Scope::Form, &release), None);
    }

    #[test]
    fn defaults_have_no_conflicts() {
        assert!(KeyBindings::default().conflicts().is_empty());
        for a in Action::ALL {
            assert_eq!(Action::from_name(a.name()), Some(a));
            assert!(!KeyBindings::default().keys(a).is_empty());
        }
    }

    #[test]
    fn one_key_for_two_actions_of_one_scope_is_a_conflict_naming_both() {
        let mut keys = KeyBindings::default();
        keys.set(Action::Review, vec!["v".parse().unwrap()]);
        assert_eq!(keys.label(Action::Review), "v");
        assert!(keys.conflicts().is_empty(), "{:?}", keys.conflicts());
        // `r` retries an open and reloads the list: other scopes, no conflict.
        keys.set(Action::Retry, vec!["r".parse().unwrap()]);
        assert!(keys.conflicts().is_empty(), "{:?}", keys.conflicts());
        // Bound to review, `r` would also re-read the form: refused, naming both.
        keys.set(Action::Review, vec!["r".parse().unwrap()]);
        let text = keys.conflicts()[0].to_string();
        assert!(text.contains("review") && text.contains("reload"), "{text}");
        keys.set(Action::Review, vec!["v".parse().unwrap()]);
        keys.set(Action::Quit, vec!["j".parse().unwrap()]);
        let c = keys.conflicts();
        let text = c[0].to_string();
        assert!(text.contains("down") && text.contains("quit"), "{text}");
        assert!(
            c.iter()
                .all(|c| text.contains("in the") && c.key.to_string() == "j")
        );
        // Rebinding an action rebinds it on every screen that uses it.
        let event = press(KeyCode::Char('j'), KeyModifiers::NONE);
        assert_eq!(keys.action_for(Scope::Conflict, &event), Some(Action::Quit));
    }

    #[test]
    fn a_reserved_key_is_refused_naming_the_action() {
        assert!(KeyBindings::default().reserved().is_empty());
        let mut keys = KeyBindings::default();
        keys.set(Action::Quit, vec!["ctrl-z".parse().unwrap()]);
        let found = keys.reserved();
        assert_eq!(found.len(), 1);
        let text = found[0].to_string();
        assert!(text.contains("ctrl-z") && text.contains("quit"), "{text}");
        assert!(text.contains("suspends"), "{text}");
    }

    #[test]
    fn every_scope_has_help_and_every_action_a_scope() {
        let keys = KeyBindings::default();
        for scope in Scope::ALL {
            assert!(!scope.actions().is_empty());
        }
        for a in Action::ALL {
            assert!(Scope::ALL.iter().any(|s| s.actions().contains(&a)), "{a}");
        }
        for scope in Scope::ALL {
            if scope != Scope::TooSmall && !scope.title().is_empty() {
                let has_help = scope.actions().contains(&Action::Help);
                let question = matches!(
                    scope,
                    Scope::QuestionLeave | Scope::QuestionDraft | Scope::QuestionResetAll
                );
                assert!(has_help || question, "{scope}");
            }
        }
        assert_eq!(keys.label(Action::Help), "? / f1");
    }
}
