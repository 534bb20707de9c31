//! The domain: workspaces, the field table, the rules, the minimal patch and before/after diffs.
//! Nothing here knows about terminals, HTTP or files.

pub mod compact;
pub mod conflict;
pub mod diff;
pub mod error;
pub mod field;
pub mod identity;
pub mod model;
pub mod patch;
pub mod rule;
pub mod show;
pub mod validate;

pub use compact::CompactList;
pub use conflict::{ConflictReport, ConflictRow, check_conflicts};
pub use diff::{Change, changes_between, word_diff};
pub use error::{RuleError, SlugFault};
pub use field::{FIELDS, FieldKind, FieldSpec, READ_ONLY, Step, field};
pub use model::{Workspace, WorkspaceError};
pub use patch::{PatchBody, echo_mismatches, values_equal};
pub use rule::{Modality, Null, Pattern, Rule};
pub use show::{NULL_SIGN, ValueText, show_value};
pub use validate::{check_value, display_value, edit_text, parse_input, parse_typed, percentage};
