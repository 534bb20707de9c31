//! `PatchBody::between` on a workspace with every editable field modified.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use orws::workspace::{FIELDS, PatchBody};
use serde_json::{Map, Value, json};
use std::hint::black_box;

fn patch(c: &mut Criterion) {
    let base = support::production();
    let current: Map<String, Value> = [
        ("name", json!("Production 2")),
        ("slug", json!("production-2")),
        (
            "description",
            json!("Production environment workspace, second edition"),
        ),
        ("default_text_model", json!("anthropic/claude-sonnet-4")),
        (
            "default_image_model",
            json!("google/gemini-2.5-flash-image"),
        ),
        ("default_provider_sort", json!("latency")),
        ("io_logging_sampling_rate", json!(0.25)),
        ("io_logging_api_key_ids", json!([3, 1, 2])),
        ("is_data_discount_logging_enabled", json!(false)),
        ("is_observability_broadcast_enabled", json!(true)),
        ("is_observability_io_logging_enabled", json!(true)),
        ("disabled_server_tools", json!(["openrouter:web_search"])),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let body = PatchBody::between(&base, &current);
    assert_eq!(
        body.len(),
        FIELDS.len(),
        "every field is modified: {body:?}"
    );

    let mut group = c.benchmark_group("patch");
    group.bench_function("between_all_modified", |b| {
        b.iter(|| PatchBody::between(black_box(&base), black_box(&current)))
    });
    group.bench_function("between_none_modified", |b| {
        let same: Map<String, Value> = base.fields().clone();
        b.iter(|| PatchBody::between(black_box(&base), black_box(&same)))
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = patch
}
criterion_main!(benches);
