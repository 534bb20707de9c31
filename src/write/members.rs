//! Members as a write target: each user named is a set member settled on its own (in or out),
//! the write as a whole three ways.

use super::{Holds, Settled};

/// Adding (`adding`) or removing `users`: what `now` (the members' user ids) holds against the
/// base (every user on the other side) and what was sent.
pub fn settle(users: &[String], adding: bool, now: &[String]) -> Settled<String> {
    let flags: Vec<(bool, bool, bool)> = users
        .iter()
        .map(|u| (!adding, adding, now.contains(u)))
        .collect();
    let holds = Holds::of(flags.iter().map(|(b, s, n)| (b, s, n)), |a, b| a == b);
    Settled::from_holds(holds, || "the members changed meanwhile".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_settle_as_a_set() {
        let users = ["a".to_string(), "b".to_string()];
        let now = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            settle(&users, true, &now(&["a", "b", "c"])),
            Settled::Applied
        );
        assert_eq!(settle(&users, true, &now(&["c"])), Settled::NotApplied);
        assert_eq!(settle(&users, true, &now(&["a"])), Settled::Partial);
        assert_eq!(settle(&users, false, &now(&["c"])), Settled::Applied);
        assert_eq!(
            settle(&users, false, &now(&["a", "b"])),
            Settled::NotApplied
        );
    }
}
