//! Budgets as a write target: one request settles on its interval (and the BYOK switch when
//! it carries it) three ways, so a limit a colleague set during a wait is never overwritten.

use super::{Holds, Settled};
use crate::admin::budgets::{BudgetRequest, Budgets, usd};

/// `request`, made on `base`, against what the server holds `now`.
pub fn settle(base: &Budgets, request: &BudgetRequest, now: &Budgets) -> Settled<String> {
    let sent = request.apply(base);
    let i = request.interval();
    let limit = |b: &Budgets| serde_json::json!(b.limits.get(i));
    let mut parts = vec![(limit(base), limit(&sent), limit(now))];
    // A PUT that carries the BYOK switch is applied only if the switch is there too (a
    // switch-only change re-sends an unchanged limit, which alone proves nothing).
    if let BudgetRequest::Put {
        include_byok: Some(_),
        ..
    } = request
    {
        let byok = |b: &Budgets| serde_json::json!(b.include_byok);
        parts.push((byok(base), byok(&sent), byok(now)));
    }
    let holds = Holds::of(parts.iter().map(|(b, s, n)| (b, s, n)), |a, b| a == b);
    let limit_moved = limit(now) != limit(base) && limit(now) != limit(&sent);
    Settled::from_holds(holds, || {
        let show = |v: Option<f64>| v.map(usd).unwrap_or_else(|| "∅".into());
        if limit_moved {
            format!(
                "the {i} limit is {} on the server now: someone else changed it from {} (this change would set {})",
                show(now.limits.get(i)),
                show(base.limits.get(i)),
                show(sent.limits.get(i)),
            )
        } else {
            "the BYOK switch of the budgets changed on the server meanwhile".into()
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::admin::budgets::{Interval, Limits};

    fn held(monthly: Option<f64>) -> Budgets {
        Budgets {
            limits: Limits::default().with(Interval::Monthly, monthly),
            include_byok: Some(false),
        }
    }

    #[test]
    fn a_limit_a_colleague_set_during_the_wait_is_a_conflict() {
        let base = held(Some(500.0));
        let put = BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 400.0,
            include_byok: None,
        };
        assert_eq!(settle(&base, &put, &held(Some(400.0))), Settled::Applied);
        assert_eq!(settle(&base, &put, &held(Some(500.0))), Settled::NotApplied);
        let Settled::Conflict(why) = settle(&base, &put, &held(Some(450.0))) else {
            panic!()
        };
        assert!(
            why.contains("$450") && why.contains("$500") && why.contains("$400"),
            "{why}"
        );
        let delete = BudgetRequest::Delete {
            interval: Interval::Monthly,
        };
        assert_eq!(settle(&base, &delete, &held(None)), Settled::Applied);
        assert!(matches!(
            settle(&base, &delete, &held(Some(450.0))),
            Settled::Conflict(_)
        ));
    }

    #[test]
    fn a_switch_only_put_is_settled_by_the_switch() {
        let base = held(Some(500.0));
        let put = BudgetRequest::Put {
            interval: Interval::Monthly,
            limit_usd: 500.0,
            include_byok: Some(true),
        };
        let mut on = held(Some(500.0));
        on.include_byok = Some(true);
        assert_eq!(settle(&base, &put, &on), Settled::Applied);
        assert_eq!(settle(&base, &put, &base), Settled::NotApplied);
    }
}
