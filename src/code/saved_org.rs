//! A saved plan's budgets, members, guardrails and keys: each resource with the server state
//! it was planned on (its base), so `apply PLAN` checks it again before writing; read back with
//! every value checked by its resource's rules again (a saved plan is a file a person may edit).

use super::normal;
use super::org::check_key_field;
use super::org_plan::{
    BudgetsPlan, GuardrailPlan, KeyPlan, MembersPlan, NamedPlan, OrgPlan, SetPlan,
};
use crate::admin::budgets::{self, Budgets, Interval, Limits};
use crate::admin::key_labels::KeyEdit;
use crate::admin::{guardrail, guardrails};
use serde_json::{Map, Value, json};

/// The key of a saved plan's organisation part.
pub const ORG_KEY: &str = "org";

fn budgets_json(b: &Budgets) -> Value {
    json!({"limits": b.limits.to_map(), "include_byok_in_budgets": b.include_byok})
}

fn set_json(s: &SetPlan) -> Value {
    json!({"base": s.base, "add": s.add, "remove": s.remove})
}

/// The organisation part of a plan as saved.
pub fn to_json(org: &OrgPlan) -> Value {
    json!({
        "budgets": org.budgets.iter().filter(|b| !b.requests.is_empty()).map(|b| json!({
            "workspace": b.workspace, "label": b.label,
            "base": budgets_json(&b.base), "target": budgets_json(&b.target),
        })).collect::<Vec<_>>(),
        "members": org.members.iter().filter(|m| !m.set.is_empty()).map(|m| json!({
            "workspace": m.workspace, "label": m.label, "set": set_json(&m.set),
        })).collect::<Vec<_>>(),
        "guardrails": org.guardrails.iter().filter(|g| !g.patch.is_empty()).map(|g| json!({
            "workspace": g.workspace, "label": g.label, "guardrail_id": g.guardrail_id,
            "base": g.base, "patch": g.patch,
        })).collect::<Vec<_>>(),
        "keys": org.keys.iter().filter(|k| !k.changes().is_empty()).map(|k| json!({
            "hash": k.hash, "label": k.label, "workspace": k.workspace, "base": k.base,
            "edit": k.edit.to_map(), "disabled": k.disabled,
        })).collect::<Vec<_>>(),
        "named": org.named.iter().filter(|n| !n.changes().is_empty()).map(|n| json!({
            "id": n.id, "label": n.label, "workspace": n.workspace, "base": n.base,
            "patch": n.patch,
            "keys": n.keys.as_ref().map(set_json),
            "members": n.members.as_ref().map(set_json),
        })).collect::<Vec<_>>(),
    })
}

type Fail = String;

fn text(v: &Value, key: &str) -> Result<String, Fail> {
    v.get(key)
        .and_then(Value::as_str)
        .map(|s| crate::text::escape(s).into_owned())
        .ok_or_else(|| format!("`{key}` must be text"))
}

fn map(v: &Value, key: &str) -> Result<Map<String, Value>, Fail> {
    match v.get(key) {
        Some(Value::Object(m)) => Ok(m.clone()),
        _ => Err(format!("`{key}` must be an object")),
    }
}

fn strings(v: &Value, key: &str) -> Result<Vec<String>, Fail> {
    v.get(key)
        .and_then(Value::as_array)
        .and_then(|a| {
            a.iter()
                .map(|s| s.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| format!("`{key}` must be a list of text"))
}

fn budgets_of(v: &Value) -> Result<Budgets, Fail> {
    let limits = map(v, "limits")?;
    let mut out = Limits::default();
    for i in Interval::ALL {
        match limits.get(i.as_str()) {
            None | Some(Value::Null) => {}
            Some(l) => out.set(
                i,
                Some(l.as_f64().ok_or("a budget limit must be a number")?),
            ),
        }
    }
    Ok(Budgets {
        limits: out,
        include_byok: v.get("include_byok_in_budgets").and_then(Value::as_bool),
    })
}

fn set_of(v: &Value) -> Result<SetPlan, Fail> {
    Ok(SetPlan {
        base: normal::set(&strings(v, "base")?),
        add: normal::set(&strings(v, "add")?),
        remove: normal::set(&strings(v, "remove")?),
    })
}

fn items<'a>(root: &'a Value, key: &str) -> Result<&'a [Value], Fail> {
    match root.get(key) {
        None => Ok(&[]),
        Some(Value::Array(a)) => Ok(a),
        Some(_) => Err(format!("`{ORG_KEY}.{key}` must be a list")),
    }
}

fn checked(
    fields: &Map<String, Value>,
    check: impl Fn(&str, &Value) -> Vec<String>,
) -> Result<(), Fail> {
    let broken: Vec<String> = fields.iter().flat_map(|(f, v)| check(f, v)).collect();
    match broken.first() {
        Some(b) => Err(b.clone()),
        None => Ok(()),
    }
}

/// The organisation part read back; every value checked again.
pub fn from_json(root: Option<&Value>) -> Result<OrgPlan, Fail> {
    let Some(root) = root else {
        return Ok(OrgPlan::default());
    };
    let mut out = OrgPlan::default();
    for b in items(root, "budgets")? {
        let workspace = text(b, "workspace")?;
        let base = budgets_of(b.get("base").unwrap_or(&Value::Null))?;
        let target = budgets_of(b.get("target").unwrap_or(&Value::Null))?;
        let requests = budgets::plan(&base, &target).map_err(|r| {
            format!(
                "workspace {workspace}: budgets: {}",
                crate::text::joined(&r)
            )
        })?;
        out.budgets.push(BudgetsPlan {
            label: text(b, "label")?,
            workspace,
            base,
            target,
            requests,
        });
    }
    for m in items(root, "members")? {
        out.members.push(MembersPlan {
            workspace: text(m, "workspace")?,
            label: text(m, "label")?,
            set: set_of(m.get("set").unwrap_or(&Value::Null))?,
        });
    }
    for g in items(root, "guardrails")? {
        let patch = map(g, "patch")?;
        checked(&patch, |f, v| {
            guardrail::check_field(f, v)
                .iter()
                .map(ToString::to_string)
                .collect()
        })?;
        out.guardrails.push(GuardrailPlan {
            workspace: text(g, "workspace")?,
            label: text(g, "label")?,
            guardrail_id: text(g, "guardrail_id")?,
            base: match g.get("base") {
                Some(Value::Object(m)) => Some(m.clone()),
                _ => None,
            },
            patch,
        });
    }
    for k in items(root, "keys")? {
        let edit_map = map(k, "edit")?;
        checked(&edit_map, |f, v| {
            check_key_field(f, v)
                .err()
                .map(|e| format!("{f}: {e}"))
                .into_iter()
                .collect()
        })?;
        let edit = KeyEdit::from_map(&edit_map).ok_or("a key's `edit` holds an unknown field")?;
        out.keys.push(KeyPlan {
            hash: text(k, "hash")?,
            label: text(k, "label")?,
            workspace: text(k, "workspace")?,
            base: map(k, "base")?,
            edit,
            disabled: k.get("disabled").and_then(Value::as_bool),
        });
    }
    for n in items(root, "named")? {
        let patch = map(n, "patch")?;
        checked(&patch, guardrails::check_field)?;
        let set = |key: &str| match n.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => set_of(v).map(Some),
        };
        out.named.push(NamedPlan {
            id: text(n, "id")?,
            label: text(n, "label")?,
            workspace: n
                .get("workspace")
                .and_then(Value::as_str)
                .map(str::to_string),
            base: map(n, "base")?,
            patch,
            keys: set("keys")?,
            members: set("members")?,
            // Who assigned what is for drift's report, not kept in a saved plan.
            assigned: Default::default(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_org_plan_survives_saving_and_edits_are_checked_again() {
        let base = Budgets {
            limits: Limits::default().with(Interval::Monthly, Some(500.0)),
            include_byok: Some(false),
        };
        let target = Budgets {
            limits: base.limits.with(Interval::Weekly, Some(100.0)),
            ..base
        };
        let org = OrgPlan {
            budgets: vec![BudgetsPlan {
                workspace: "w".into(),
                label: "prod".into(),
                base,
                target,
                requests: budgets::plan(&base, &target).unwrap(),
            }],
            members: vec![MembersPlan {
                workspace: "w".into(),
                label: "prod".into(),
                set: SetPlan {
                    base: vec!["a".into()],
                    add: vec!["b".into()],
                    remove: vec!["a".into()],
                },
            }],
            keys: vec![KeyPlan {
                hash: "k".into(),
                label: "K".into(),
                workspace: "w".into(),
                base: json!({"name": "K"}).as_object().unwrap().clone(),
                edit: KeyEdit {
                    name: Some("K2".into()),
                    ..KeyEdit::default()
                },
                disabled: Some(true),
            }],
            ..OrgPlan::default()
        };
        let saved = to_json(&org);
        let text = saved.to_string();
        let back = from_json(Some(&serde_json::from_str(&text).unwrap())).unwrap();
        assert_eq!(back, org);
        let mut edited = saved.clone();
        edited["keys"][0]["edit"]["limit_reset"] = json!("yearly");
        let e = from_json(Some(&edited)).unwrap_err();
        assert!(e.contains("limit_reset: must be daily"), "{e}");
        let mut edited = saved;
        edited["budgets"][0]["target"]["limits"]["daily"] = json!(1000);
        let e = from_json(Some(&edited)).unwrap_err();
        assert!(e.contains("must be greater than the daily limit"), "{e}");
    }
}
