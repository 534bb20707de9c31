//! Workspace budgets (R8–R11): the four intervals, their rules as data, and the minimal change as
//! an ordered list of requests that never breaks R8 against what the server holds at any step.

use serde_json::{Map, Value, json};
use std::fmt;

/// A budget interval, ordered from the narrowest to the broadest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Interval {
    Daily,
    Weekly,
    Monthly,
    Lifetime,
}

impl Interval {
    /// Narrowest first.
    pub const ALL: [Interval; 4] = [
        Interval::Daily,
        Interval::Weekly,
        Interval::Monthly,
        Interval::Lifetime,
    ];

    /// The path segment of `/workspaces/{ref}/budgets/{interval}`.
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Daily => "daily",
            Interval::Weekly => "weekly",
            Interval::Monthly => "monthly",
            Interval::Lifetime => "lifetime",
        }
    }

    pub fn parse(s: &str) -> Option<Interval> {
        Interval::ALL.into_iter().find(|i| i.as_str() == s)
    }

    /// A `WorkspaceBudget`'s `reset_interval`: null means lifetime (it never resets).
    pub fn from_reset_interval(reset: Option<&str>) -> Option<Interval> {
        match reset {
            None => Some(Interval::Lifetime),
            Some("lifetime") => None,
            Some(s) => Interval::parse(s),
        }
    }

    pub fn reset_interval(self) -> Option<&'static str> {
        (self != Interval::Lifetime).then(|| self.as_str())
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A limit in USD as a person reads it: "$500", "$12.5".
pub fn usd(limit: f64) -> String {
    format!("${limit}")
}

/// The limit of each interval, or none.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Limits([Option<f64>; 4]);

impl Limits {
    /// `{"daily": …, "weekly": …, "monthly": …, "lifetime": …}`, `null` where none is set.
    pub fn to_map(&self) -> Map<String, Value> {
        Interval::ALL
            .iter()
            .map(|i| (i.as_str().to_string(), json!(self.get(*i))))
            .collect()
    }

    pub fn get(&self, i: Interval) -> Option<f64> {
        self.0[i.index()]
    }

    pub fn set(&mut self, i: Interval, limit: Option<f64>) {
        self.0[i.index()] = limit;
    }

    pub fn with(mut self, i: Interval, limit: Option<f64>) -> Self {
        self.set(i, limit);
        self
    }

    /// The intervals that have a limit, narrowest first.
    pub fn set_intervals(&self) -> impl Iterator<Item = (Interval, f64)> + '_ {
        Interval::ALL
            .into_iter()
            .filter_map(|i| self.get(i).map(|l| (i, l)))
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Option::is_none)
    }
}

/// What a workspace's budgets are: the limits and the workspace-wide BYOK switch (R10).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Budgets {
    pub limits: Limits,
    /// `None` when the server did not say (the list omits it when no budget is set).
    pub include_byok: Option<bool>,
}

/// A rule a limit or a set of limits breaks, one line for the person.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BudgetRule {
    /// R9.
    #[error("the {interval} limit must be a number of US dollars greater than 0 (got '{got}')")]
    NotPositive { interval: Interval, got: String },
    /// R8: a broader interval's limit is not above a narrower one's.
    #[error(
        "the {broader} limit ({}) must be greater than the {narrower} limit ({})",
        usd(*broader_limit),
        usd(*narrower_limit)
    )]
    NotDecreasing {
        broader: Interval,
        broader_limit: f64,
        narrower: Interval,
        narrower_limit: f64,
    },
    /// R10: the switch is only written by a PUT, so it needs a budget to travel with.
    #[error(
        "\"include BYOK in budgets\" can only be changed together with a budget: set a limit for at least one interval first"
    )]
    ByokNeedsABudget,
}

/// R9: a limit as typed; empty means none.
pub fn parse_limit(interval: Interval, text: &str) -> Result<Option<f64>, BudgetRule> {
    let text = text.trim().trim_start_matches('$').trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok(Some(v)),
        _ => Err(BudgetRule::NotPositive {
            interval,
            got: text.to_string(),
        }),
    }
}

/// R8 and R9 over a whole set of limits: every broken rule, narrowest first. Comparing each set
/// interval with the next set broader one is enough: strict order is transitive.
pub fn check(limits: &Limits) -> Vec<BudgetRule> {
    let mut broken = Vec::new();
    for (interval, limit) in limits.set_intervals() {
        if !(limit.is_finite() && limit > 0.0) {
            broken.push(BudgetRule::NotPositive {
                interval,
                got: limit.to_string(),
            });
        }
    }
    let set: Vec<(Interval, f64)> = limits.set_intervals().collect();
    for pair in set.windows(2) {
        let ((narrower, narrower_limit), (broader, broader_limit)) = (pair[0], pair[1]);
        if broader_limit <= narrower_limit {
            broken.push(BudgetRule::NotDecreasing {
                broader,
                broader_limit,
                narrower,
                narrower_limit,
            });
        }
    }
    broken
}

impl Budgets {
    /// What the history keeps of a state: the limits and, as a BYOK-only change has nothing
    /// else to show, the switch.
    pub fn to_history(&self) -> Map<String, Value> {
        let mut m = self.limits.to_map();
        m.insert("include_byok_in_budgets".into(), json!(self.include_byok));
        m
    }
}

/// One budget write, in the order it must be sent.
#[derive(Debug, Clone, PartialEq)]
pub enum BudgetRequest {
    /// `PUT /workspaces/{ref}/budgets/{interval}` with `{"limit_usd": …}` and, when the switch
    /// changes, `include_byok_in_budgets`.
    Put {
        interval: Interval,
        limit_usd: f64,
        include_byok: Option<bool>,
    },
    /// `DELETE /workspaces/{ref}/budgets/{interval}`.
    Delete { interval: Interval },
}

impl BudgetRequest {
    pub fn interval(&self) -> Interval {
        match self {
            BudgetRequest::Put { interval, .. } | BudgetRequest::Delete { interval } => *interval,
        }
    }

    /// What the server holds after this request lands on `state`.
    pub fn apply(&self, state: &Budgets) -> Budgets {
        let mut next = *state;
        match self {
            BudgetRequest::Put {
                interval,
                limit_usd,
                include_byok,
            } => {
                next.limits.set(*interval, Some(*limit_usd));
                if include_byok.is_some() {
                    next.include_byok = *include_byok;
                }
            }
            BudgetRequest::Delete { interval } => next.limits.set(*interval, None),
        }
        next
    }

    /// The request that undoes this one, given what the server held before it.
    pub fn undo(&self, before: &Budgets) -> Option<BudgetRequest> {
        let interval = self.interval();
        let byok = match self {
            BudgetRequest::Put {
                include_byok: Some(_),
                ..
            } => before.include_byok,
            _ => None,
        };
        match before.limits.get(interval) {
            Some(limit_usd) => Some(BudgetRequest::Put {
                interval,
                limit_usd,
                include_byok: byok,
            }),
            None => match self {
                BudgetRequest::Put { .. } => Some(BudgetRequest::Delete { interval }),
                BudgetRequest::Delete { .. } => None,
            },
        }
    }

    /// The HTTP method this request is sent with.
    pub fn method(&self) -> &'static str {
        match self {
            BudgetRequest::Put { .. } => "PUT",
            BudgetRequest::Delete { .. } => "DELETE",
        }
    }

    /// The JSON body: `{"limit_usd": …}` (and the BYOK switch when it changes), none for DELETE.
    pub fn body(&self) -> Option<Value> {
        match self {
            BudgetRequest::Put {
                limit_usd,
                include_byok,
                ..
            } => {
                let mut body = json!({ "limit_usd": limit_usd });
                if let Some(b) = include_byok {
                    body["include_byok_in_budgets"] = json!(b);
                }
                Some(body)
            }
            BudgetRequest::Delete { .. } => None,
        }
    }

    /// How the history keeps it: method, the path under the workspace `ws`, body.
    pub fn to_history(&self, ws: &str) -> Value {
        json!({
            "method": self.method(),
            "path": format!("/workspaces/{ws}/budgets/{}", self.interval()),
            "body": self.body(),
        })
    }

    /// "PUT monthly $500" / "DELETE weekly", for reviews and logs.
    pub fn summary(&self) -> String {
        match self {
            BudgetRequest::Put {
                interval,
                limit_usd,
                include_byok,
            } => {
                let byok = include_byok
                    .map(|b| format!(", include BYOK {}", if b { "on" } else { "off" }))
                    .unwrap_or_default();
                format!("PUT {interval} {}{byok}", usd(*limit_usd))
            }
            BudgetRequest::Delete { interval } => format!("DELETE {interval}"),
        }
    }
}

/// The minimal change from `held` (what the server holds) to `target`: a PUT per changed
/// interval, a DELETE per cleared one, nothing for the rest, ordered so that every intermediate
/// state satisfies R8. A BYOK change rides on the first PUT; alone, it re-sends one unchanged
/// limit (R10). The target's broken rules come back instead when it breaks any.
pub fn plan(held: &Budgets, target: &Budgets) -> Result<Vec<BudgetRequest>, Vec<BudgetRule>> {
    let broken = check(&target.limits);
    if !broken.is_empty() {
        return Err(broken);
    }
    let mut deletes = Vec::new();
    let mut puts = Vec::new();
    for i in Interval::ALL {
        match (held.limits.get(i), target.limits.get(i)) {
            (Some(_), None) => deletes.push(BudgetRequest::Delete { interval: i }),
            (h, Some(t)) if h != Some(t) => puts.push(BudgetRequest::Put {
                interval: i,
                limit_usd: t,
                include_byok: None,
            }),
            _ => {}
        }
    }
    let byok_changes = matches!(
        (held.include_byok, target.include_byok),
        (h, Some(t)) if h != Some(t)
    );
    if byok_changes && puts.is_empty() {
        // R10: the switch travels only on a PUT; re-send the broadest unchanged limit.
        match target.limits.set_intervals().last() {
            Some((interval, limit_usd)) => puts.push(BudgetRequest::Put {
                interval,
                limit_usd,
                include_byok: None,
            }),
            None => return Err(vec![BudgetRule::ByokNeedsABudget]),
        }
    }
    // Deletes first (dropping a limit never breaks a strict order), narrowest first; then the
    // puts: lowered limits narrowest first, raised or new ones broadest first.
    let (mut lower, mut raise): (Vec<_>, Vec<_>) = puts.into_iter().partition(|r| {
        let BudgetRequest::Put {
            interval,
            limit_usd,
            ..
        } = r
        else {
            return false;
        };
        held.limits.get(*interval).is_some_and(|h| *limit_usd < h)
    });
    raise.reverse();
    lower.append(&mut raise);
    let mut order = deletes;
    order.append(&mut lower);
    let mut order = first_safe_order(held, order);
    if byok_changes
        && let Some(BudgetRequest::Put { include_byok, .. }) = order
            .iter_mut()
            .find(|r| matches!(r, BudgetRequest::Put { .. }))
    {
        *include_byok = target.include_byok;
    }
    Ok(order)
}

/// The requests that revert `landed` (a plan's requests that succeeded, in the order sent),
/// newest first: each step returns to a state the server already held, so R8 holds throughout.
/// A BYOK change reverts with the PUT that carried it, when that PUT had a limit to restore.
pub fn undo_plan(held: &Budgets, landed: &[BudgetRequest]) -> Vec<BudgetRequest> {
    let mut state = *held;
    let mut undos = Vec::new();
    for r in landed {
        undos.push(r.undo(&state));
        state = r.apply(&state);
    }
    undos.into_iter().rev().flatten().collect()
}

/// Whether every state from `held` through each request in turn satisfies R8.
pub fn order_is_safe(held: &Budgets, requests: &[BudgetRequest]) -> bool {
    let mut state = *held;
    for r in requests {
        state = r.apply(&state);
        if !check(&state.limits).is_empty() {
            return false;
        }
    }
    true
}

/// The preferred order when it is safe, else the first safe permutation of it (at most four
/// requests, so at most 24 to try), else the preferred order (the server will say no).
fn first_safe_order(held: &Budgets, preferred: Vec<BudgetRequest>) -> Vec<BudgetRequest> {
    if order_is_safe(held, &preferred) {
        return preferred;
    }
    let n = preferred.len();
    let mut idx: Vec<usize> = (0..n).collect();
    // Heap's algorithm, iterative.
    let mut c = vec![0; n];
    let mut i = 0;
    while i < n {
        if c[i] < i {
            if i % 2 == 0 {
                idx.swap(0, i);
            } else {
                idx.swap(c[i], i);
            }
            let candidate: Vec<BudgetRequest> = idx.iter().map(|&k| preferred[k].clone()).collect();
            if order_is_safe(held, &candidate) {
                return candidate;
            }
            c[i] += 1;
            i = 0;
        } else {
            c[i] = 0;
            i += 1;
        }
    }
    preferred
}

/// The intervals (and the switch, as `None`) someone else changed since `base` was read that
/// this edit also changes to something else: sending would overwrite their change.
pub fn conflicts(base: &Budgets, now: &Budgets, target: &Budgets) -> Vec<Option<Interval>> {
    let mut out = Vec::new();
    for i in Interval::ALL {
        let (b, n, t) = (base.limits.get(i), now.limits.get(i), target.limits.get(i));
        if t != b && n != b && n != t {
            out.push(Some(i));
        }
    }
    let (b, n, t) = (base.include_byok, now.include_byok, target.include_byok);
    if t.is_some() && t != b && n != b && n != t {
        out.push(None);
    }
    out
}
