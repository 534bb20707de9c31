//! Fault injection: `--fail-next METHOD:STATUS[:COUNT]` and the faults tests inject at runtime.

use std::str::FromStr;

/// The pseudo-method that targets GET /models, so faults meant for the workspace endpoints are
/// not eaten by the catalog fetch a client runs in the background.
pub const MODELS: &str = "MODELS";

const METHODS: [&str; 6] = ["GET", "POST", "PATCH", "DELETE", "PUT", MODELS];

/// Answer the next `count` requests of `method` with `status` and an OpenRouter-shaped error.
#[derive(Debug, Clone, PartialEq)]
pub struct FailNext {
    /// Uppercase, e.g. `PATCH`; `MODELS` targets GET /models.
    pub method: String,
    pub status: u16,
    pub count: u32,
}

impl FromStr for FailNext {
    type Err = String;

    /// `METHOD:STATUS[:COUNT]`, e.g. `PATCH:503` or `get:429:3`; COUNT defaults to 1.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let usage = "expected METHOD:STATUS[:COUNT], e.g. PATCH:503 or GET:429:2";
        let parts: Vec<&str> = s.split(':').collect();
        if !(2..=3).contains(&parts.len()) {
            return Err(format!("invalid fail-next '{s}': {usage}"));
        }
        let method = parts[0].trim().to_ascii_uppercase();
        if !METHODS.contains(&method.as_str()) {
            return Err(format!(
                "invalid fail-next '{s}': unknown method '{}' (one of {})",
                parts[0],
                METHODS.join(", ")
            ));
        }
        let status = match parts[1].trim().parse::<u16>() {
            Ok(n) if (400..=599).contains(&n) => n,
            _ => {
                return Err(format!(
                    "invalid fail-next '{s}': status '{}' must be an HTTP error status from 400 to 599",
                    parts[1]
                ));
            }
        };
        let count = match parts.get(2) {
            None => 1,
            Some(c) => match c.trim().parse::<u32>() {
                Ok(n) if n >= 1 => n,
                _ => {
                    return Err(format!(
                        "invalid fail-next '{s}': count '{c}' must be a whole number of at least 1"
                    ));
                }
            },
        };
        Ok(FailNext {
            method,
            status,
            count,
        })
    }
}

/// What a faulty answer looks like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// This HTTP status with an OpenRouter-shaped error body (429 and 503 carry `Retry-After: 1`).
    Status(u16),
    /// 200 whose body is not valid JSON.
    Malformed,
    /// 200 whose `Content-Length` promises more than is sent before the connection closes.
    Truncated,
    /// Never answers (until the server shuts down).
    Hang,
    /// 200 with valid JSON of the wrong shape: `{"data":42}`.
    WrongShape,
}

#[derive(Debug)]
struct Pending {
    method: String,
    fault: Fault,
    left: u32,
}

/// Faults waiting for their requests, served first come first served per method.
#[derive(Debug, Default)]
pub struct FaultQueue {
    pending: Vec<Pending>,
}

impl FaultQueue {
    pub fn from_fail_next(entries: &[FailNext]) -> Self {
        let mut queue = Self::default();
        for e in entries {
            queue.push(&e.method, Fault::Status(e.status), e.count);
        }
        queue
    }

    pub fn push(&mut self, method: &str, fault: Fault, count: u32) {
        if count > 0 {
            self.pending.push(Pending {
                method: method.trim().to_ascii_uppercase(),
                fault,
                left: count,
            });
        }
    }

    /// The fault for one request of `method`, if any is pending; counts it down.
    pub fn take(&mut self, method: &str) -> Option<Fault> {
        let i = self.pending.iter().position(|p| p.method == method)?;
        let entry = &mut self.pending[i];
        let fault = entry.fault.clone();
        entry.left -= 1;
        if entry.left == 0 {
            self.pending.remove(i);
        }
        Some(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_method_status_and_count() {
        let f: FailNext = "patch:503:2".parse().unwrap();
        assert_eq!(
            f,
            FailNext {
                method: "PATCH".into(),
                status: 503,
                count: 2
            }
        );
        assert_eq!("GET:429".parse::<FailNext>().unwrap().count, 1);
        assert_eq!("MODELS:500".parse::<FailNext>().unwrap().method, "MODELS");
    }

    #[test]
    fn refuses_bad_input_with_a_reason() {
        for (input, needle) in [
            ("PATCH", "expected METHOD:STATUS"),
            ("PATCH:503:1:2", "expected METHOD:STATUS"),
            ("FETCH:503", "unknown method"),
            ("PATCH:abc", "status 'abc'"),
            ("PATCH:200", "status '200'"),
            ("PATCH:600", "status '600'"),
            ("PATCH:503:0", "count '0'"),
            ("PATCH:503:x", "count 'x'"),
        ] {
            let err = input.parse::<FailNext>().unwrap_err();
            assert!(err.contains(needle), "{input}: {err}");
        }
    }

    #[test]
    fn queue_counts_down_per_method_in_order() {
        let mut q = FaultQueue::default();
        q.push("patch", Fault::Status(503), 2);
        q.push("PATCH", Fault::Malformed, 1);
        q.push("GET", Fault::Hang, 0);
        assert_eq!(q.take("GET"), None);
        assert_eq!(q.take("PATCH"), Some(Fault::Status(503)));
        assert_eq!(q.take("PATCH"), Some(Fault::Status(503)));
        assert_eq!(q.take("PATCH"), Some(Fault::Malformed));
        assert_eq!(q.take("PATCH"), None);
    }
}
