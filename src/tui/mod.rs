//! The terminal front end (being written).

use crate::cli::{CliError, Settings};

pub async fn run(_settings: Settings, _workspace: Option<String>) -> Result<(), CliError> {
    Err(CliError::usage(
        "the form is not built yet; use list, get or patch",
    ))
}
