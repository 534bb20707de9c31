//! The picker's filter gives exactly the catalog matcher's ranking (slug exact, prefix,
//! substring, name substring, then the slug's letters in order), whatever shortcut it takes
//! to stay fast at thousands of workspaces.

use orws::catalog::rank_indices;
use orws::tui::screens::picker::filter_indices;
use orws::workspace::Workspace;
use proptest::prelude::*;
use serde_json::json;

fn workspace(i: usize, slug: &str, name: &str) -> Workspace {
    Workspace::from_json(json!({"id": format!("u{i}"), "slug": slug, "name": name})).unwrap()
}

fn reference(list: &[Workspace], filter: &str) -> Vec<usize> {
    rank_indices(list.iter().map(|w| (w.slug(), w.name())), filter)
}

/// Letters that collide in interesting ways under lowercasing: the Kelvin sign lowercases to
/// an ASCII k, the dotted İ to two chars, a final Σ to ς.
const ALPHABET: &[char] = &[
    'a', 'b', 'p', 'y', 'm', 'k', 'K', 'P', 'A', '-', ' ', '0', '\u{212A}', 'İ', 'Σ', 'σ', 'ς',
    '研', '究', '\u{0B}', 'é', 'É',
];

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(ALPHABET), 0..max)
        .prop_map(|cs| cs.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn the_filter_ranks_as_the_matcher_does(
        items in proptest::collection::vec((text(12), text(12)), 0..30),
        filter in text(6),
    ) {
        let list: Vec<Workspace> = items
            .iter()
            .enumerate()
            .map(|(i, (slug, name))| workspace(i, slug, name))
            .collect();
        let expected = reference(&list, &filter);
        prop_assert_eq!(filter_indices(&list, &filter), expected.clone());
        // Through the picker's index of the list, as each keystroke filters.
        let mut picker = orws::tui::screens::picker::PickerState::default();
        picker.set_workspaces(list);
        picker.filter = filter;
        prop_assert_eq!(picker.matches(), expected);
    }
}

#[test]
fn kelvin_sign_dotted_i_and_a_long_query_match_as_the_matcher_does() {
    let list = vec![
        workspace(0, "\u{212A}elvin", "Temperature"),
        workspace(1, "istanbul", "İstanbul"),
        workspace(2, "pay-ments", "Payments"),
        workspace(3, "other", "p a y"),
    ];
    for filter in [
        "kel",
        "i",
        "İs",
        "pay",
        "p a y",
        "pym",
        " PAY ",
        &"p".repeat(300),
    ] {
        assert_eq!(
            filter_indices(&list, filter),
            reference(&list, filter),
            "{filter:?}"
        );
    }
}

#[test]
fn the_picker_filters_the_list_it_holds_after_a_reload_and_while_loading() {
    use orws::tui::screens::picker::PickerState;
    let first = vec![
        workspace(0, "payments", "Payments"),
        workspace(1, "search", "Search"),
    ];
    let second = vec![
        workspace(0, "payroll", "Payroll"),
        workspace(1, "ledger", "Ledger"),
        workspace(2, "pay", "Pay"),
    ];
    let mut p = PickerState::default();
    p.set_workspaces(first.clone());
    p.filter = "pay".into();
    assert_eq!(p.matches(), reference(&first, "pay"));
    // A reload brings other workspaces: the filter sees them, not the first list.
    p.set_workspaces(second.clone());
    assert_eq!(p.matches(), [2, 0]);
    assert_eq!(p.matches(), reference(&second, "pay"));
    // While pages arrive the list grows in place.
    p.loading = true;
    p.workspaces.push(workspace(3, "paystubs", "Paystubs"));
    let grown = p.workspaces.clone();
    assert_eq!(p.matches(), reference(&grown, "pay"));
    // Grown behind set_workspaces' back, settled: still never a stale answer.
    p.loading = false;
    p.workspaces.push(workspace(4, "pay-eu", "Pay EU"));
    let grown = p.workspaces.clone();
    assert_eq!(p.matches(), reference(&grown, "pay"));
    p.filter = "  ".into();
    assert_eq!(p.matches(), [0, 1, 2, 3, 4]);
}
