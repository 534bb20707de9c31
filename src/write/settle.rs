//! The one three-way settle (product.md §6, §15): after a busy, lost, cut-off or misdirected
//! answer, what the server holds now is compared with the base the review showed and with what
//! was sent, part by part (a field, a set member, a key's place).

/// What the server holds for a write's parts, against the base and what was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holds {
    /// Every part holds the value sent: the write landed.
    Sent,
    /// Every part holds the base: not landed, and sending it again overwrites nothing.
    Base,
    /// Some parts hold the value sent, the others the base (a backend that is not atomic):
    /// sending it again still overwrites nothing.
    Partial,
    /// Some part holds a third value: someone else wrote meanwhile. Nothing more is sent.
    Other,
}

impl Holds {
    /// Settles parts given as `(base, sent, now)`; `eq` is the API's equality after its own
    /// normalisation (numbers as values, sets as sets, …). A part whose sent value equals its
    /// base counts as sent (such a request is never built, but a merged one may hold it).
    pub fn of<'a, V: ?Sized + 'a>(
        parts: impl IntoIterator<Item = (&'a V, &'a V, &'a V)>,
        eq: impl Fn(&V, &V) -> bool,
    ) -> Holds {
        let mut all_sent = true;
        let mut some_landed = false;
        for (base, sent, now) in parts {
            if eq(now, sent) {
                some_landed |= !eq(base, sent);
            } else if eq(now, base) {
                all_sent = false;
            } else {
                return Holds::Other;
            }
        }
        match (all_sent, some_landed) {
            (true, _) => Holds::Sent,
            (false, true) => Holds::Partial,
            (false, false) => Holds::Base,
        }
    }

    /// One part: `(base, sent, now)` compared with `==`.
    pub fn of_one<V: PartialEq>(base: &V, sent: &V, now: &V) -> Holds {
        Holds::of([(base, sent, now)], |a, b| a == b)
    }
}

/// How a write settled when its answer alone could not tell: the loop's view of [`Holds`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Settled<C> {
    /// The server holds what was sent.
    Applied,
    /// The server holds the base: not applied (a busy answer is then tried again).
    NotApplied,
    /// Part landed, the rest holds the base: retried whole after a busy answer (it overwrites
    /// nothing), reported as partly applied after a lost one.
    Partial,
    /// Anything else: someone else wrote meanwhile (`C` says what). Nothing more is sent.
    Conflict(C),
}

impl<C> Settled<C> {
    /// From [`Holds`]; `conflict` describes the third value when there is one.
    pub fn from_holds(holds: Holds, conflict: impl FnOnce() -> C) -> Self {
        match holds {
            Holds::Sent => Settled::Applied,
            Holds::Base => Settled::NotApplied,
            Holds::Partial => Settled::Partial,
            Holds::Other => Settled::Conflict(conflict()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn one_part_is_sent_base_or_other() {
        assert_eq!(Holds::of_one(&1, &2, &2), Holds::Sent);
        assert_eq!(Holds::of_one(&1, &2, &1), Holds::Base);
        assert_eq!(Holds::of_one(&1, &2, &3), Holds::Other);
        // Nothing to change: whatever matches is "sent".
        assert_eq!(Holds::of_one(&1, &1, &1), Holds::Sent);
        assert_eq!(Holds::of_one(&1, &1, &2), Holds::Other);
    }

    #[test]
    fn equality_is_the_apis_not_the_bytes() {
        let eq = |a: &f64, b: &f64| (a - b).abs() < 1e-9;
        assert_eq!(Holds::of([(&1.0, &0.5, &0.5000000000001)], eq), Holds::Sent);
    }

    proptest! {
        /// Every base/sent/now combination over a small domain, for up to four parts: the
        /// verdict follows from the parts alone, as §15 defines it.
        #[test]
        fn every_combination_settles_as_defined(
            parts in proptest::collection::vec((0u8..3, 0u8..3, 0u8..3), 0..4)
        ) {
            let refs: Vec<(&u8, &u8, &u8)> = parts.iter().map(|(b, s, n)| (b, s, n)).collect();
            let got = Holds::of(refs, |a, b| a == b);
            let other = parts.iter().any(|(b, s, n)| n != s && n != b);
            let all_sent = parts.iter().all(|(_, s, n)| n == s);
            let landed = parts.iter().any(|(b, s, n)| n == s && b != s);
            let want = if other {
                Holds::Other
            } else if all_sent {
                Holds::Sent
            } else if landed {
                Holds::Partial
            } else {
                Holds::Base
            };
            prop_assert_eq!(got, want);
            // Never "not applied" while something sent is there, never "applied" while a
            // part still holds a base that differs from what was sent.
            if got == Holds::Base {
                prop_assert!(!landed);
            }
            if got == Holds::Sent {
                prop_assert!(parts.iter().all(|(_, s, n)| n == s));
            }
        }
    }
}
