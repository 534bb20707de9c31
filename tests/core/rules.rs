//! Every rule boundary of the field table (product.md section 2), through the public domain API:
//! `field`, `check_value`, `parse_typed` and `parse_input`; the rule texts generated from the
//! rule data; `show_value`, which tells null, "null" and "" apart without colour; choice cycling.

use orws::workspace::{
    FIELDS, FieldKind, FieldSpec, Null, Pattern, Rule, RuleError, SlugFault, Step, check_value,
    field, parse_input, parse_typed, show_value,
};
use proptest::prelude::*;
use serde_json::{Value, json};

fn spec(name: &str) -> &'static FieldSpec {
    field(name).unwrap_or_else(|| panic!("no field {name}"))
}

/// The value passes the field's rule.
#[track_caller]
fn ok(name: &str, value: Value) {
    if let Err(e) = check_value(spec(name), &value) {
        panic!("{name} = {value} should pass, got: {e}");
    }
}

/// The value fails the rule; the message names the field and contains every needle.
#[track_caller]
fn bad(name: &str, value: Value, needles: &[&str]) -> String {
    match check_value(spec(name), &value) {
        Ok(()) => panic!("{name} = {value} should fail"),
        Err(e) => {
            assert_names(name, &e, needles);
            e
        }
    }
}

#[track_caller]
fn assert_names(name: &str, message: &str, needles: &[&str]) {
    assert!(
        message.contains(name),
        "message does not name the field {name}: {message}"
    );
    for needle in needles {
        assert!(
            message.to_lowercase().contains(&needle.to_lowercase()),
            "message for {name} lacks {needle:?}: {message}"
        );
    }
}

/// parse_input succeeds with exactly this value.
#[track_caller]
fn input_ok(name: &str, raw: &str, expected: Value) {
    match parse_input(spec(name), raw) {
        Ok(v) => assert_eq!(v, expected, "{name} <- {raw:?}"),
        Err(e) => panic!("{name} <- {raw:?} should parse, got: {e}"),
    }
}

/// parse_input refuses, naming the field.
#[track_caller]
fn input_bad(name: &str, raw: &str, needles: &[&str]) -> String {
    match parse_input(spec(name), raw) {
        Ok(v) => panic!("{name} <- {raw:?} should be refused, got {v}"),
        Err(e) => {
            assert_names(name, &e, needles);
            e
        }
    }
}

fn text(s: String) -> Value {
    Value::String(s)
}

// ---------------------------------------------------------------- the table itself

#[test]
fn twelve_editable_fields_in_form_order_with_their_nullability() {
    let names: Vec<(&str, bool)> = FIELDS.iter().map(|f| (f.name, f.nullable)).collect();
    assert_eq!(
        names,
        [
            ("name", false),
            ("slug", false),
            ("description", true),
            ("default_text_model", true),
            ("default_image_model", true),
            ("default_provider_sort", true),
            ("io_logging_sampling_rate", false),
            ("io_logging_api_key_ids", true),
            ("is_data_discount_logging_enabled", false),
            ("is_observability_broadcast_enabled", false),
            ("is_observability_io_logging_enabled", false),
            ("disabled_server_tools", true),
        ]
    );
    assert!(field("id").is_none());
    assert!(field("updated_at").is_none());
    assert!(field("Name").is_none());
}

// ---------------------------------------------------------------- name

#[test]
fn name_length_boundaries_in_ascii() {
    bad("name", json!(""), &["empty"]);
    ok("name", json!("a"));
    ok("name", text("a".repeat(100)));
    bad("name", text("a".repeat(101)), &["101", "100"]);
}

#[test]
fn name_counts_cjk_characters_not_bytes() {
    // 100 CJK characters are 300 bytes: still within the limit.
    let cjk = "漢".repeat(100);
    assert_eq!(cjk.len(), 300);
    ok("name", text(cjk));
    bad("name", text("漢".repeat(101)), &["101", "100"]);
}

#[test]
fn name_counts_emoji_as_one_character_each() {
    // 😀 is one scalar value and four bytes.
    let emoji = "😀".repeat(100);
    assert_eq!(emoji.len(), 400);
    ok("name", text(emoji));
    bad("name", text("😀".repeat(101)), &["101", "100"]);
    // Mixed: 99 ASCII + 1 emoji = 100 characters.
    ok("name", text(format!("{}🚀", "x".repeat(99))));
    bad("name", text(format!("{}🚀", "x".repeat(100))), &["101"]);
}

#[test]
fn name_cannot_be_only_whitespace() {
    for ws in [" ", "   ", "\t", " \n ", "\u{3000}"] {
        bad("name", text(ws.to_string()), &["whitespace"]);
    }
    // Whitespace around real text is fine.
    ok("name", json!("  Prod  "));
    ok("name", json!("Prod 2"));
}

#[test]
fn name_must_be_text_and_not_null() {
    bad("name", json!(null), &["null"]);
    bad("name", json!(5), &["text"]);
    input_bad("name", "null", &["null"]);
    // Typed text is taken as is: "null" in the form is just text for parse_typed.
    assert_eq!(parse_typed(spec("name"), "null").unwrap(), json!("null"));
}

// ---------------------------------------------------------------- slug

#[test]
fn slug_length_boundaries() {
    bad("slug", json!(""), &["empty"]);
    ok("slug", json!("a"));
    ok("slug", text("a".repeat(50)));
    bad("slug", text("a".repeat(51)), &["51", "50"]);
    // 50 with hyphens in between is still fine.
    ok(
        "slug",
        text(format!("{}-{}", "a".repeat(24), "b".repeat(25))),
    );
}

#[test]
fn slug_valid_shapes() {
    for s in ["production", "prod-2", "a-b-c", "0", "2025-q1-team", "x9y8"] {
        ok("slug", json!(s));
    }
}

#[test]
fn slug_says_which_part_is_wrong() {
    bad("slug", json!("Production"), &["uppercase"]);
    bad("slug", json!("prod-A"), &["uppercase"]);
    bad("slug", json!("my_workspace"), &["underscore"]);
    bad("slug", json!("my workspace"), &["space"]);
    bad("slug", json!("-prod"), &["hyphen", "start"]);
    bad("slug", json!("prod-"), &["hyphen", "end"]);
    bad("slug", json!("-"), &["hyphen"]);
    bad("slug", json!("a--b"), &["double hyphen"]);
    bad("slug", json!("a.b"), &["'.'"]);
    bad("slug", json!("café"), &["é"]);
}

#[test]
fn slug_messages_differ_by_mistake() {
    let msgs = [
        bad("slug", json!("A"), &[]),
        bad("slug", json!("a_b"), &[]),
        bad("slug", json!("a b"), &[]),
        bad("slug", json!("-a"), &[]),
        bad("slug", json!("a--b"), &[]),
    ];
    for (i, a) in msgs.iter().enumerate() {
        for b in &msgs[i + 1..] {
            assert_ne!(a, b, "two different mistakes got the same message");
        }
    }
}

#[test]
fn slug_cannot_be_null() {
    bad("slug", json!(null), &["null"]);
    input_bad("slug", "null", &["null"]);
}

// ---------------------------------------------------------------- description

#[test]
fn description_length_and_null() {
    ok("description", json!(""));
    ok("description", text("d".repeat(500)));
    bad("description", text("d".repeat(501)), &["501", "500"]);
    ok("description", text("説".repeat(500)));
    bad("description", text("説".repeat(501)), &["500"]);
    ok("description", text("line one\nline two".into()));
    ok("description", json!(null));
    input_ok("description", "null", json!(null));
    bad("description", json!(["x"]), &["text"]);
}

// ---------------------------------------------------------------- models

#[test]
fn model_ids_have_the_author_model_shape() {
    for f in ["default_text_model", "default_image_model"] {
        for good in [
            "openai/gpt-4o",
            "meta-llama/llama-3.1-8b-instruct:free",
            "openai/dall-e-3",
            "unknown-author/unknown-model",
        ] {
            ok(f, json!(good));
        }
        for wrong in ["gpt-4o", "a/b/c", "openai/", "/x", "/", ""] {
            bad(f, json!(wrong), &["author/model"]);
        }
        bad(f, json!("a b/c"), &["space"]);
        bad(f, json!("openai/gpt 4o"), &["space"]);
        ok(f, json!(null));
        input_ok(f, "null", json!(null));
        bad(f, json!(4), &[]);
    }
}

// ---------------------------------------------------------------- provider sort

#[test]
fn provider_sort_is_one_of_four_or_null() {
    for s in ["price", "throughput", "latency", "exacto"] {
        ok("default_provider_sort", json!(s));
        input_ok("default_provider_sort", s, json!(s));
    }
    let e = bad("default_provider_sort", json!("fastest"), &["fastest"]);
    for option in ["price", "throughput", "latency", "exacto"] {
        assert!(e.contains(option), "message lists the choices: {e}");
    }
    bad("default_provider_sort", json!("Price"), &[]);
    bad("default_provider_sort", json!(""), &[]);
    ok("default_provider_sort", json!(null));
    input_ok("default_provider_sort", "null", json!(null));
    input_bad("default_provider_sort", "fastest", &["fastest"]);
}

// ---------------------------------------------------------------- sampling rate

const RATE: &str = "io_logging_sampling_rate";

#[test]
fn rate_bounds_are_inclusive() {
    ok(RATE, json!(0.0001));
    ok(RATE, json!(1));
    ok(RATE, json!(1.0));
    ok(RATE, json!(0.25));
    bad(RATE, json!(0), &["0.0001"]);
    bad(RATE, json!(0.0), &["0.0001"]);
    bad(RATE, json!(0.00009), &["0.0001"]);
    bad(RATE, json!(-0.5), &["0.0001"]);
    bad(RATE, json!(1.00001), &["at most 1"]);
    bad(RATE, json!(1.5), &["at most 1"]);
    bad(RATE, json!(2), &["at most 1"]);
    bad(RATE, json!("0.5"), &["number"]);
    bad(RATE, json!(null), &["null"]);
}

#[test]
fn rate_input_parses_decimals_only() {
    input_ok(RATE, "0.0001", json!(0.0001));
    input_ok(RATE, "1", json!(1));
    input_ok(RATE, "0.25", json!(0.25));
    input_ok(RATE, " 0.5 ", json!(0.5));
    let one = parse_input(spec(RATE), "1.0").unwrap();
    assert_eq!(one.as_f64(), Some(1.0));
    for out in ["0", "0.00009", "1.00001", "1.5", "-1"] {
        input_bad(RATE, out, &[]);
    }
    for not_a_decimal in [
        "abc", "1e-3", "1E-3", "", "0x1", "1.2.3", "+0.5", "NaN", "inf", "%", "5%%", "-5%", "x%",
    ] {
        input_bad(RATE, not_a_decimal, &[]);
        assert!(
            parse_typed(spec(RATE), not_a_decimal).is_err(),
            "parse_typed accepted {not_a_decimal:?}"
        );
    }
    input_bad(RATE, "abc", &["decimal"]);
    input_bad(RATE, "null", &["null"]);
}

// ---------------------------------------------------------------- key ids

const KEYS: &str = "io_logging_api_key_ids";

#[test]
fn key_ids_parse_lists_empty_and_null() {
    input_ok(KEYS, "1,2,3", json!([1, 2, 3]));
    input_ok(KEYS, " 1 , 2 ,3 ", json!([1, 2, 3]));
    input_ok(KEYS, "0", json!([0]));
    input_ok(KEYS, "", json!([]));
    input_ok(KEYS, "  ", json!([]));
    input_ok(KEYS, "[]", json!([]));
    input_ok(KEYS, "null", json!(null));
    assert_eq!(parse_typed(spec(KEYS), "7,8").unwrap(), json!([7, 8]));
}

#[test]
fn key_ids_refuse_what_is_not_a_non_negative_integer() {
    input_bad(KEYS, "1,x", &["\"x\"", "non-negative integer"]);
    input_bad(KEYS, "-1", &["\"-1\""]);
    input_bad(KEYS, "1,,2", &["empty entry"]);
    input_bad(KEYS, "1.5", &["1.5"]);
    input_bad(KEYS, "[1,2]", &[]);
    ok(KEYS, json!([]));
    ok(KEYS, json!([0, 1, 99]));
    ok(KEYS, json!(null));
    bad(KEYS, json!([-1]), &["-1"]);
    bad(KEYS, json!([1.5]), &["1.5"]);
    bad(KEYS, json!(["1"]), &[]);
    bad(KEYS, json!("1,2"), &["list"]);
}

// ---------------------------------------------------------------- toggles

#[test]
fn toggles_take_true_or_false_only() {
    for f in [
        "is_data_discount_logging_enabled",
        "is_observability_broadcast_enabled",
        "is_observability_io_logging_enabled",
    ] {
        input_ok(f, "true", json!(true));
        input_ok(f, "false", json!(false));
        input_bad(f, "yes", &["true or false", "yes"]);
        input_bad(f, "1", &["true or false"]);
        input_bad(f, "TRUE", &[]);
        input_bad(f, "null", &["null"]);
        ok(f, json!(true));
        bad(f, json!("true"), &["true or false"]);
        bad(f, json!(null), &["null"]);
    }
}

// ---------------------------------------------------------------- disabled server tools

const TOOLS: &str = "disabled_server_tools";

#[test]
fn disabled_server_tools_entries_are_non_empty_strings() {
    ok(TOOLS, json!(null));
    ok(TOOLS, json!([]));
    ok(TOOLS, json!(["openrouter:web_search"]));
    // A tool orws does not know is kept, not refused.
    ok(TOOLS, json!(["openrouter:web_search", "acme:teleport"]));
    bad(TOOLS, json!([""]), &["non-empty"]);
    bad(TOOLS, json!(["  "]), &["non-empty"]);
    bad(TOOLS, json!(["openrouter:bash", ""]), &["non-empty"]);
    bad(TOOLS, json!([1]), &[]);
    bad(TOOLS, json!([null]), &[]);
    bad(TOOLS, json!("openrouter:bash"), &["list"]);
}

#[test]
fn disabled_server_tools_input() {
    input_ok(
        TOOLS,
        "openrouter:web_search, openrouter:bash",
        json!(["openrouter:web_search", "openrouter:bash"]),
    );
    input_ok(TOOLS, "[]", json!([]));
    input_ok(TOOLS, "", json!([]));
    input_ok(TOOLS, "null", json!(null));
    // Empty pieces between commas are dropped, never sent as "".
    input_ok(TOOLS, "a,,b,", json!(["a", "b"]));
}

// ---------------------------------------------------------------- null for every field

#[test]
fn null_is_refused_exactly_for_the_non_nullable_fields() {
    for f in &FIELDS {
        let got = parse_input(f, "null");
        if f.nullable {
            assert_eq!(got, Ok(Value::Null), "{} is nullable", f.name);
        } else {
            let e = got.expect_err(f.name);
            assert_names(f.name, &e, &["null"]);
        }
    }
}

#[test]
fn every_failure_names_its_field() {
    // One bad value per field, through check_value.
    let cases: [(&str, Value); 12] = [
        ("name", json!("")),
        ("slug", json!("A")),
        ("description", text("x".repeat(501))),
        ("default_text_model", json!("gpt")),
        ("default_image_model", json!("dall-e")),
        ("default_provider_sort", json!("fastest")),
        (RATE, json!(0)),
        (KEYS, json!([-3])),
        ("is_data_discount_logging_enabled", json!(1)),
        ("is_observability_broadcast_enabled", json!("on")),
        ("is_observability_io_logging_enabled", json!([])),
        (TOOLS, json!([""])),
    ];
    for (name, value) in cases {
        bad(name, value, &[]);
    }
}

// ---------------------------------------------------------------- inputs people type

#[test]
fn key_ids_take_commas_and_or_spaces() {
    input_ok(KEYS, "1,2 3", json!([1, 2, 3]));
    input_ok(KEYS, "1 2 3", json!([1, 2, 3]));
    input_ok(KEYS, "1, 2,3", json!([1, 2, 3]));
    input_ok(KEYS, " [] ", json!([]));
    // The form takes the same words: null and [] cannot be key ids, so they are not text here.
    assert_eq!(parse_typed(spec(KEYS), "null").unwrap(), json!(null));
    assert_eq!(parse_typed(spec(KEYS), "[]").unwrap(), json!([]));
    assert_eq!(parse_typed(spec(KEYS), "4 5,6").unwrap(), json!([4, 5, 6]));
}

#[test]
fn key_ids_say_what_is_wrong_with_other_shapes() {
    input_bad(
        KEYS,
        "[1,2]",
        &["without brackets", "1,2 3", "[] alone = no keys"],
    );
    input_bad(KEYS, "1,", &["empty entry"]);
    input_bad(KEYS, ",1", &["empty entry"]);
    input_bad(KEYS, "1 x", &["\"x\"", "non-negative integer"]);
    input_bad(KEYS, "all", &["\"all\""]);
}

#[test]
fn the_rate_takes_percentages() {
    input_ok(RATE, "50%", json!(0.5));
    input_ok(RATE, "100%", json!(1.0));
    input_ok(RATE, " 25 % ", json!(0.25));
    // Exact decimal shifting: 0.01% is 0.0001, not 1.0000000000000002e-6-ish float noise.
    input_ok(RATE, "0.01%", json!(0.0001));
    input_ok(RATE, ".5%", json!(0.005));
    assert_eq!(parse_typed(spec(RATE), "50%").unwrap(), json!(0.5));
    for bad_text in ["%", "x%", "-5%", "5%%", "1.2.3%", "1e2%"] {
        input_bad(RATE, bad_text, &["percentage such as 50%"]);
    }
}

#[test]
fn rate_bounds_are_given_both_ways() {
    // Bounds as decimals and as percentages, whichever way the person typed.
    input_bad(RATE, "150%", &["at most 1 (100%)", "1.5 (150%)"]);
    input_bad(RATE, "0.001%", &["at least 0.0001 (0.01%)", "(0.001%)"]);
    input_bad(RATE, "2", &["at most 1 (100%)", "2 (200%)"]);
    bad(RATE, json!(0), &["at least 0.0001 (0.01%)"]);
    input_bad(RATE, "abc", &["0.25", "50%", "0.01%–100%"]);
}

// ---------------------------------------------------------------- rule texts, generated

#[test]
fn every_rule_text_is_generated_from_the_rule_data() {
    let texts: Vec<(&str, String)> = FIELDS.iter().map(|f| (f.name, f.rule_text())).collect();
    let expected = [
        ("name", "1–100 characters; not only whitespace"),
        (
            "slug",
            "1–50 characters; lowercase a–z and 0–9 in segments joined by single hyphens",
        ),
        (
            "description",
            "at most 500 characters; line breaks and tabs allowed; may be null",
        ),
        (
            "default_text_model",
            "author/model, e.g. openai/gpt-4o; may be null",
        ),
        (
            "default_image_model",
            "author/model, e.g. openai/dall-e-3; may be null",
        ),
        (
            "default_provider_sort",
            "one of price, throughput, latency, exacto; may be null",
        ),
        (
            RATE,
            "decimal, 0.0001 ≤ x ≤ 1; or a percentage, 0.01%–100% (50% = 0.5)",
        ),
        (
            KEYS,
            "non-negative integers separated by commas or spaces, e.g. 1,2 3; [] = no keys; null = all keys",
        ),
        ("is_data_discount_logging_enabled", "on or off"),
        ("is_observability_broadcast_enabled", "on or off"),
        ("is_observability_io_logging_enabled", "on or off"),
        (
            TOOLS,
            "each entry a non-empty tool name; [] = none; null = none",
        ),
    ];
    let expected: Vec<(&str, String)> = expected.iter().map(|(n, t)| (*n, t.to_string())).collect();
    assert_eq!(texts, expected);
}

#[test]
fn kind_nullability_and_counter_follow_the_rule() {
    for f in &FIELDS {
        assert_eq!(f.kind, f.rule.kind(), "{}", f.name);
        assert_eq!(f.nullable, f.null.allowed(), "{}", f.name);
        assert_eq!(f.max_chars, f.rule.max_chars(), "{}", f.name);
    }
    // A new field is one value: its kind, text and checks come with its rule.
    static CODE: FieldSpec = FieldSpec::new(
        "code",
        "Code",
        Rule::Text {
            min: 3,
            max: 7,
            pattern: Some(Pattern::Slug),
            multiline: false,
        },
        Null::Refused,
        "A code.",
    );
    assert_eq!(CODE.kind, FieldKind::Text);
    assert_eq!(CODE.max_chars, Some(7));
    assert_eq!(
        CODE.rule_text(),
        "3–7 characters; lowercase a–z and 0–9 in segments joined by single hyphens"
    );
    assert_eq!(check_value(&CODE, &json!("ab-1")), Ok(()));
    assert!(
        check_value(&CODE, &json!("ab"))
            .unwrap_err()
            .contains("minimum is 3")
    );
    assert!(
        check_value(&CODE, &json!("AB-1"))
            .unwrap_err()
            .contains("uppercase")
    );
}

proptest! {
    /// Whatever the bounds, the generated rule text names them, and a value just past a bound
    /// is refused with a message that names the bound it broke.
    #[test]
    fn generated_text_rules_mention_their_bounds(min in 0usize..60, extra in 1usize..60, nullable: bool) {
        let max = min + extra;
        let null = if nullable { Null::Clears } else { Null::Refused };
        let rule = Rule::Text { min, max, pattern: None, multiline: false };
        let spec = FieldSpec::new("t", "T", rule, null, "");
        let text = spec.rule_text();
        prop_assert!(text.contains(&max.to_string()), "{text}");
        if min > 0 {
            prop_assert!(text.contains(&format!("{min}–{max}")), "{text}");
        }
        prop_assert_eq!(text.contains("may be null"), nullable);
        let long = check_value(&spec, &json!("x".repeat(max + 1))).unwrap_err();
        prop_assert!(long.contains(&format!("limit is {max}")), "{long}");
        prop_assert_eq!(check_value(&spec, &json!("x".repeat(max))), Ok(()));
    }

    #[test]
    fn generated_decimal_rules_mention_their_bounds(lo in 1u32..500, span in 1u32..500, percent: bool) {
        let (min, max) = (f64::from(lo) / 1000.0, f64::from(lo + span) / 1000.0);
        let spec = FieldSpec::new("d", "D", Rule::Decimal { min, max, percent }, Null::Refused, "");
        let text = spec.rule_text();
        prop_assert!(text.contains(&format!("{min} ≤ x ≤ {max}")), "{text}");
        prop_assert_eq!(text.contains('%'), percent);
        let below = check_value(&spec, &json!(min / 2.0)).unwrap_err();
        prop_assert!(below.contains(&format!("at least {min}")), "{below}");
        let above = check_value(&spec, &json!(max * 2.0)).unwrap_err();
        prop_assert!(above.contains(&format!("at most {max}")), "{above}");
    }
}

// ---------------------------------------------------------------- showing values

fn shown(name: &str, v: Value) -> String {
    show_value(field(name), Some(&v)).text
}

#[test]
fn null_null_text_and_empty_text_read_differently_without_colour() {
    let texts = [
        shown("description", json!(null)),
        shown("description", json!("null")),
        shown("description", json!("")),
        shown("description", json!("∅")),
        shown("description", json!(" null")),
    ];
    assert_eq!(texts, ["∅", "\"null\"", "\"\"", "\"∅\"", "\" null\""]);
    assert_eq!(shown("name", json!("Prod 2")), "Prod 2");
    assert_eq!(shown("name", json!("Prod ")), "\"Prod \"");
    // Fields orws does not know read the same way.
    assert_eq!(show_value(None, Some(&json!(null))).text, "∅");
    assert_eq!(show_value(None, Some(&json!("null"))).text, "\"null\"");
    assert_eq!(show_value(None, None).text, "(absent)");
    // Only null, absent and empty values are placeholders a front end may dim.
    assert!(show_value(field("description"), Some(&json!(null))).placeholder);
    assert!(!show_value(field("description"), Some(&json!("null"))).placeholder);
}

#[test]
fn key_ids_read_all_keys_no_keys_or_the_list() {
    assert_eq!(shown(KEYS, json!(null)), "all keys");
    assert_eq!(shown(KEYS, json!([])), "no keys");
    assert_eq!(shown(KEYS, json!([1, 2, 3])), "1, 2, 3");
    assert_eq!(shown(TOOLS, json!(null)), "none");
    assert_eq!(shown(TOOLS, json!([])), "none");
    assert_eq!(shown(TOOLS, json!(["a", "none"])), "a, \"none\"");
    assert_eq!(shown(RATE, json!(0.25)), "0.25 (25%)");
    assert_eq!(shown("is_data_discount_logging_enabled", json!(true)), "on");
}

// ---------------------------------------------------------------- cycling a choice

#[test]
fn a_choice_cycles_both_ways_through_null() {
    let sort = spec("default_provider_sort");
    let step = |v: Value, dir| sort.kind.cycle(Some(&v), sort.nullable, dir).unwrap();
    assert_eq!(step(json!("price"), Step::Forward), json!("throughput"));
    assert_eq!(step(json!("exacto"), Step::Forward), json!(null));
    assert_eq!(step(json!(null), Step::Forward), json!("price"));
    assert_eq!(step(json!("price"), Step::Back), json!(null));
    assert_eq!(step(json!(null), Step::Back), json!("exacto"));
    assert_eq!(step(json!("latency"), Step::Back), json!("throughput"));
    // A value orws does not know starts the round at either end.
    assert_eq!(step(json!("fastest"), Step::Forward), json!("price"));
    assert_eq!(step(json!("fastest"), Step::Back), json!("exacto"));
    // Forward then back is where it started, for every stop.
    for v in [
        json!("price"),
        json!("throughput"),
        json!("latency"),
        json!("exacto"),
        json!(null),
    ] {
        assert_eq!(step(step(v.clone(), Step::Forward), Step::Back), v);
    }
    let toggle = spec("is_data_discount_logging_enabled");
    assert_eq!(
        toggle.kind.cycle(Some(&json!(true)), false, Step::Back),
        Some(json!(false))
    );
    assert_eq!(
        spec("name")
            .kind
            .cycle(Some(&json!("x")), false, Step::Forward),
        None
    );
}

proptest! {
    /// What the form and the tables show for key ids reads back as the same ids, whichever
    /// separators a person uses.
    #[test]
    fn key_ids_read_back_from_what_is_shown(ids in proptest::collection::vec(0u64..100_000, 0..8), spaces: bool) {
        let value = json!(ids);
        let shown = show_value(field(KEYS), Some(&value)).text;
        let typed = if ids.is_empty() {
            "[]".to_string()
        } else if spaces {
            shown.replace(", ", " ")
        } else {
            shown.clone()
        };
        prop_assert_eq!(parse_input(spec(KEYS), &typed), Ok(value));
    }

    /// A rate typed as a percentage is the same value as typed as a decimal.
    #[test]
    fn percentages_equal_their_decimals(hundredths in 1u32..=10_000) {
        let pct = format!("{}.{:02}%", hundredths / 100, hundredths % 100);
        let dec = format!("{:.4}", f64::from(hundredths) / 10_000.0);
        let (a, b) = (parse_input(spec(RATE), &pct), parse_input(spec(RATE), &dec));
        prop_assert_eq!(a.as_ref().ok().and_then(Value::as_f64), b.as_ref().ok().and_then(Value::as_f64), "{} vs {}", pct, dec);
        prop_assert!(a.is_ok(), "{}: {:?}", pct, a);
    }
}

// ---------------------------------------------------------------- errors as types

#[test]
fn rule_errors_are_typed_and_read_as_one_line() {
    assert_eq!(
        spec("slug").check(&json!("Prod")),
        Err(RuleError::Slug {
            field: "slug",
            fault: SlugFault::Uppercase('P')
        })
    );
    assert_eq!(
        spec("name").check(&json!(null)),
        Err(RuleError::Null { field: "name" })
    );
    assert_eq!(
        spec(KEYS).parse_input("[1]"),
        Err(RuleError::KeyIdBrackets {
            field: KEYS,
            none: "no keys"
        })
    );
    let e = spec(RATE).parse_input("150%").unwrap_err();
    assert!(matches!(e, RuleError::AboveMax { .. }), "{e:?}");
    // The String API says exactly what the typed error says.
    assert_eq!(parse_input(spec(RATE), "150%"), Err(e.to_string()));
    assert!(!e.to_string().contains('\n'));
}
