//! The organisation as code (product.md §11): `export` writes workspaces to a TOML, YAML or
//! JSON file; `plan` compares a file with the server; `apply` sends the plan. Nothing here
//! talks to a server or a terminal: the CLI does (src/cli/export.rs, plan.rs, apply.rs).

pub mod drift;
pub mod file;
pub mod normal;
pub mod org;
pub mod org_plan;
pub mod plan;
pub mod policy;
pub mod report;
pub mod saved;
pub mod saved_org;
pub mod toml_split;
pub mod tree;
pub mod write;

pub use file::{EntryFields, FileEntry, FileErrors, Format};
pub use plan::{FieldChange, Plan, WorkspacePlan, plan};
pub use saved::SavedPlan;
