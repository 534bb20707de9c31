//! `orws profiles`: the config file's profiles, which one a run would use and why. Never a
//! key: a key file is named, a key command shown, neither read nor run.

use crate::cli::output;
use crate::config::{ConfigFile, ProfileKey};
use crate::error::RunError;
use crate::settings::{Flags, Output, paths};
use crate::text::escape;
use serde_json::{Value, json};
use std::path::PathBuf;

pub fn run(flags: &Flags, env: impl Fn(&str) -> Option<String>) -> Result<String, RunError> {
    let var = |k: &str| env(k).filter(|v| !v.is_empty());
    let home = var("HOME").map(PathBuf::from);
    let path = paths::config_file(&env);
    let file = match &path {
        Some(p) => ConfigFile::load(p, home.as_deref())?,
        None => None,
    };
    let output = flags
        .output
        .or(file.as_ref().and_then(|f| f.output))
        .unwrap_or_default();
    let file = file.unwrap_or_default();
    let (chosen, from) = match (&flags.profile, var("ORWS_PROFILE"), &file.default_profile) {
        (Some(p), _, _) => (Some(p.clone()), "--profile"),
        (None, Some(p), _) => (Some(p), "ORWS_PROFILE"),
        (None, None, Some(p)) => (Some(p.clone()), "default_profile"),
        _ => (None, ""),
    };
    let rows: Vec<Value> = file
        .profiles
        .values()
        .map(|p| {
            let (key_kind, key) = match &p.key {
                ProfileKey::File(path) => ("file", Value::from(path.display().to_string())),
                ProfileKey::Command(cmd) => ("command", Value::from(cmd.clone())),
                ProfileKey::None => ("none", Value::Null),
            };
            json!({
                "name": p.name,
                "in_use": chosen.as_deref() == Some(p.name.as_str()),
                "default": file.default_profile.as_deref() == Some(p.name.as_str()),
                "base_url": p.base_url.clone().unwrap_or_else(|| crate::settings::DEFAULT_BASE_URL.to_string()),
                "key_from": key_kind,
                "key_source": key,
                "production": p.production,
                "color": p.color.map(|c| c.to_string()),
            })
        })
        .collect();
    let missing = chosen
        .as_ref()
        .filter(|c| !file.profiles.contains_key(c.as_str()));
    if output == Output::Json {
        return Ok(output::json_pretty(&json!({
            "config_file": path.as_ref().map(|p| p.display().to_string()),
            "selected": chosen,
            "selected_from": chosen.as_ref().map(|_| from),
            "profiles": rows,
        })));
    }
    if rows.is_empty() {
        let place = path.map_or_else(
            || "the config file".to_string(),
            |p| p.display().to_string(),
        );
        return Ok(format!(
            "no profiles: add [profiles.NAME] to {place} (base_url, api_key_file or api_key_cmd, production, color)\n"
        ));
    }
    let text = |v: &Value| v.as_str().map(|s| escape(s).into_owned());
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mark = match (r["in_use"].as_bool(), r["default"].as_bool()) {
                (Some(true), _) => "*",
                _ => " ",
            };
            let key = match r["key_from"].as_str() {
                Some("file") => format!("file {}", text(&r["key_source"]).unwrap_or_default()),
                Some("command") => {
                    format!("command '{}'", text(&r["key_source"]).unwrap_or_default())
                }
                _ => "none".to_string(),
            };
            let mut name = text(&r["name"]).unwrap_or_default();
            if r["default"] == true {
                name.push_str(" (default)");
            }
            vec![
                format!("{mark} {name}"),
                text(&r["base_url"]).unwrap_or_default(),
                key,
                if r["production"] == true {
                    "yes, read-only without --write"
                } else {
                    "no"
                }
                .to_string(),
                text(&r["color"]).unwrap_or_else(|| "-".to_string()),
            ]
        })
        .collect();
    let mut out = output::table(
        &["  PROFILE", "SERVER", "KEY FROM", "PRODUCTION", "COLOR"],
        &table_rows,
    );
    match (&chosen, missing) {
        (Some(name), Some(_)) => out.push_str(&format!(
            "! {from} names the profile {}, which this file does not define\n",
            escape(name)
        )),
        (Some(_), None) => out.push_str(&format!("* in use (from {from})\n")),
        (None, _) => out.push_str(
            "no profile in use: --profile NAME, ORWS_PROFILE or default_profile picks one\n",
        ),
    }
    Ok(out)
}
