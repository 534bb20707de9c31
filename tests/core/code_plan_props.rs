//! Property tests of `orws plan` as a pure function (product.md §11): applying a plan and
//! planning again gives no changes; a field absent from the file is never planned; a workspace
//! already holding a value gets no patch; every planned field differs and every differing
//! field is planned; and an export read back in any format plans no change.

use orws::code::file::read;
use orws::code::write::export;
use orws::code::{FileEntry, Format, plan};
use orws::workspace::{FIELDS, FieldSpec, Workspace, values_equal};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

const IDS: [&str; 5] = [
    "550e8400-e29b-41d4-a716-446655440000",
    "8a6e0f0e-2b1d-4f3c-9a57-1c2d3e4f5a6b",
    "b7d4c2e1-5a3f-4e8b-9c0d-2f1e3a4b5c6d",
    "00000000-0000-4000-8000-000000000001",
    "ffffffff-ffff-4fff-bfff-ffffffffffff",
];

/// A valid value for the field, from a small alphabet so server and file collide often.
fn value_of(spec: &'static FieldSpec) -> BoxedStrategy<Value> {
    let nullable = |s: BoxedStrategy<Value>| prop_oneof![1 => Just(Value::Null), 3 => s].boxed();
    match spec.name {
        "name" => prop_oneof![
            Just(json!("Production")),
            Just(json!("Prod \"2\" \\ #x")),
            Just(json!("漢字 😀")),
            "[A-Za-z][A-Za-z0-9 ]{0,8}".prop_map(Value::String),
        ]
        .boxed(),
        "slug" => "[a-z0-9]{1,4}(-[a-z0-9]{1,4}){0,1}"
            .prop_map(Value::String)
            .boxed(),
        "description" => nullable(
            prop_oneof![
                Just(json!("")),
                Just(json!("null")),
                Just(json!("a: b\n- c\n\t'q' \"d\" ]")),
                "[a-z \n]{0,12}".prop_map(Value::String),
            ]
            .boxed(),
        ),
        "default_text_model" | "default_image_model" => nullable(
            prop::sample::select(vec!["openai/gpt-4o", "x/y"])
                .prop_map(|s| json!(s))
                .boxed(),
        ),
        "default_provider_sort" => nullable(
            prop::sample::select(vec!["price", "latency"])
                .prop_map(|s| json!(s))
                .boxed(),
        ),
        "io_logging_sampling_rate" => prop_oneof![
            Just(json!(1)),
            Just(json!(1.0)),
            Just(json!(0.5)),
            Just(json!(0.0001)),
        ]
        .boxed(),
        "io_logging_api_key_ids" => nullable(
            prop::collection::vec(0u64..4, 0..3)
                .prop_map(|ids| json!(ids))
                .boxed(),
        ),
        "disabled_server_tools" => nullable(
            prop::collection::vec(
                prop::sample::select(vec!["openrouter:web_search", "acme:tool"]),
                0..3,
            )
            .prop_map(|t| json!(t))
            .boxed(),
        ),
        _ => any::<bool>().prop_map(Value::Bool).boxed(),
    }
}

/// Every field maybe present: `None` = not sent (server) or not managed (file).
fn fields() -> impl Strategy<Value = Vec<Option<Value>>> {
    FIELDS
        .iter()
        .map(|spec| prop::option::weighted(0.6, value_of(spec)))
        .collect::<Vec<_>>()
}

fn server_ws(id: &str, values: &[Option<Value>]) -> Workspace {
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    m.insert("name".into(), json!("N"));
    m.insert("slug".into(), json!("n"));
    for (spec, v) in FIELDS.iter().zip(values) {
        if let Some(v) = v {
            m.insert(spec.name.into(), v.clone());
        }
    }
    m.insert("created_at".into(), json!("2025-08-24T10:30:00Z"));
    Workspace::from_json(Value::Object(m)).unwrap()
}

fn file_entry(id: &str, values: &[Option<Value>]) -> FileEntry {
    FileEntry {
        id: id.into(),
        line: 1,
        fields: FIELDS
            .iter()
            .zip(values)
            .filter_map(|(s, v)| v.clone().map(|v| (s.name.to_string(), v)))
            .collect(),
        ..FileEntry::default()
    }
}

/// A server of 1–5 workspaces and a file managing some of them.
fn scenario() -> impl Strategy<Value = (Vec<Workspace>, Vec<FileEntry>)> {
    (1usize..=5)
        .prop_flat_map(|n| {
            (
                prop::collection::vec(fields(), n),
                prop::collection::vec((any::<bool>(), fields()), n),
            )
        })
        .prop_map(|(servers, files)| {
            let server: Vec<Workspace> = servers
                .iter()
                .enumerate()
                .map(|(i, v)| server_ws(IDS[i], v))
                .collect();
            let entries = files
                .iter()
                .enumerate()
                .filter(|(_, (managed, _))| *managed)
                .map(|(i, (_, v))| file_entry(IDS[i], v))
                .collect();
            (server, entries)
        })
}

fn applied(server: &[Workspace], p: &orws::code::Plan) -> Vec<Workspace> {
    server
        .iter()
        .map(|ws| match p.workspaces.iter().find(|w| w.id == ws.id()) {
            Some(w) => w.patch().apply_to(ws),
            None => ws.clone(),
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn applying_a_plan_then_planning_again_gives_no_changes((server, entries) in scenario()) {
        let first = plan(&entries, &server).unwrap();
        let after = applied(&server, &first);
        let second = plan(&entries, &after).unwrap();
        prop_assert_eq!(second.changed_count(), 0, "{:?}", second);
        prop_assert_eq!(second.unmanaged, first.unmanaged);
        prop_assert_eq!(first.unmanaged, server.len() - entries.len());
    }

    #[test]
    fn the_plan_is_exactly_the_differing_managed_fields((server, entries) in scenario()) {
        let p = plan(&entries, &server).unwrap();
        prop_assert_eq!(p.workspaces.len(), entries.len());
        for entry in &entries {
            let ws = server.iter().find(|w| w.id() == entry.id).unwrap();
            let planned = p.workspaces.iter().find(|w| w.id == entry.id).unwrap();
            for spec in &FIELDS {
                let change = planned.changes.iter().find(|c| c.field == spec.name);
                match entry.fields.get(spec.name).as_ref() {
                    // Not managed: never planned.
                    None => prop_assert!(change.is_none(), "{} planned but absent", spec.name),
                    Some(want) => {
                        let holds = values_equal(spec, ws.get(spec.name), Some(want));
                        // Minimal (holding the value: no change) and complete.
                        prop_assert_eq!(change.is_some(), !holds, "{}", spec.name);
                        if let Some(c) = change {
                            prop_assert_eq!(&c.file, want);
                            prop_assert_eq!(c.server.as_ref(), ws.get(spec.name));
                        }
                    }
                }
            }
            // The patch holds exactly the changes, and the base is the server's state of what
            // it changes (with id, name, slug and updated_at: a plan keeps no second copy of
            // every workspace).
            prop_assert_eq!(planned.patch().len(), planned.changes.len());
            let changed = planned.changes.iter().map(|c| c.field.as_str());
            prop_assert_eq!(&planned.base, &ws.trimmed(changed));
            for c in &planned.changes {
                prop_assert_eq!(planned.base.get(&c.field), ws.get(&c.field));
            }
        }
    }

    #[test]
    fn an_export_read_back_plans_no_change((server, _) in scenario()) {
        for format in [Format::Toml, Format::Yaml, Format::Json] {
            let text = export(format, &server);
            let entries = read("export", &text, format)
                .map_err(|e| TestCaseError::fail(format!("{format:?}: {e}\n{text}")))?;
            prop_assert_eq!(entries.len(), server.len());
            let p = plan(&entries, &server).unwrap();
            prop_assert_eq!(p.changed_count(), 0, "{:?}\n{}", format, text);
            prop_assert_eq!(p.unmanaged, 0);
        }
    }
}
