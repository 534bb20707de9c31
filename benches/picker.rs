//! Filtering a picker of 1,000 workspaces, as on each key typed after `/`.

mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use orws::tui::screens::picker::filter_indices;
use std::hint::black_box;

fn picker(c: &mut Criterion) {
    let list = support::many(1000);
    let mut group = c.benchmark_group("picker_filter_1000");
    for (name, filter, expected) in [
        ("empty", "", 1000..=1000),
        ("prod", "prod", 1..=999),
        ("no_match", "zzzz", 0..=0),
        ("cjk", "研究", 1..=999),
    ] {
        let n = filter_indices(&list, filter).len();
        assert!(expected.contains(&n), "{filter:?} matched {n}");
        group.bench_function(name, |b| {
            b.iter(|| filter_indices(black_box(&list), black_box(filter)))
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::quick();
    targets = picker
}
criterion_main!(benches);
