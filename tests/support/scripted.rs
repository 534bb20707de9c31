//! A scripted HTTP/1.1 server on 127.0.0.1:0 that misbehaves on purpose: each test gives it
//! one behaviour as a closure over the request and a workspace it holds. Blocking std I/O on a
//! thread of its own, so it serves an in-process client and a child `orws` alike.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const ID: &str = "550e8400-e29b-41d4-a716-446655440000";
pub const OTHER_ID: &str = "11111111-2222-3333-4444-555555555555";

/// One request as received.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub body: String,
}

impl Req {
    pub fn is(&self, method: &str) -> bool {
        self.method == method
    }
}

/// What to answer.
pub enum Reply {
    /// A status, a JSON body and extra headers.
    Json(u16, Value, Vec<(&'static str, String)>),
    /// Close the connection without answering (the write may have landed).
    Drop,
}

impl Reply {
    pub fn ok(ws: &Value) -> Self {
        Reply::Json(200, json!({ "data": ws }), vec![])
    }

    /// An OpenRouter-shaped error; 429 and 503 carry `Retry-After: 0` so tests stay quick.
    pub fn error(status: u16) -> Self {
        let headers = if matches!(status, 429 | 503) {
            vec![("Retry-After", "0".to_string())]
        } else {
            vec![]
        };
        Reply::Json(
            status,
            json!({"error": {"code": status, "message": format!("injected {status}")}}),
            headers,
        )
    }
}

/// The workspace the server holds, and what the script does with it.
pub struct World {
    pub ws: Value,
    /// Requests so far, in order.
    pub log: Vec<Req>,
}

impl World {
    /// Applies a PATCH body to the held workspace and bumps `updated_at`.
    pub fn apply(&mut self, body: &str) {
        let patch: Value = serde_json::from_str(body).expect("the client sends JSON");
        for (k, v) in patch.as_object().expect("an object") {
            self.ws[k] = v.clone();
        }
        self.ws["updated_at"] = json!(format!("2026-11-29T12:00:{:02}Z", self.log.len()));
    }

    pub fn count(&self, method: &str) -> usize {
        self.log.iter().filter(|r| r.method == method).count()
    }
}

pub type Script = Box<dyn FnMut(&Req, &mut World) -> Reply + Send>;

pub struct Hostile {
    pub url: String,
    world: Arc<Mutex<World>>,
}

impl Hostile {
    /// Serves `script` until the process ends; each connection is answered and closed.
    pub fn start(script: impl FnMut(&Req, &mut World) -> Reply + Send + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
        let world = Arc::new(Mutex::new(World {
            ws: production(),
            log: Vec::new(),
        }));
        let shared = world.clone();
        let mut script: Script = Box::new(script);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { continue };
                serve(stream, &shared, &mut script);
            }
        });
        Self { url, world }
    }

    /// The workspace as the server holds it now.
    pub fn workspace(&self) -> Value {
        self.world.lock().unwrap().ws.clone()
    }

    pub fn requests(&self) -> Vec<Req> {
        self.world.lock().unwrap().log.clone()
    }

    pub fn count(&self, method: &str) -> usize {
        self.world.lock().unwrap().count(method)
    }
}

fn serve(mut stream: TcpStream, world: &Mutex<World>, script: &mut Script) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let Some(req) = read_request(&mut stream) else {
        return;
    };
    let reply = {
        let mut w = world.lock().unwrap();
        w.log.push(req.clone());
        script(&req, &mut w)
    };
    match reply {
        Reply::Drop => {}
        Reply::Json(status, body, headers) => {
            let body = body.to_string();
            let mut head = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (k, v) in headers {
                head.push_str(&format!("{k}: {v}\r\n"));
            }
            head.push_str("\r\n");
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
            let _ = stream.flush();
        }
    }
    let _ = stream.shutdown(std::net::Shutdown::Both);
}

fn read_request(stream: &mut TcpStream) -> Option<Req> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.lines();
    let mut first = lines.next()?.split_whitespace();
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let length = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8_lossy(&buf[head_end..]).into_owned();
    Some(Req { method, path, body })
}

/// OpenRouter's example workspace, as an older server sends it (no guardrail or BYOK fields,
/// never updated since it was made).
pub fn production() -> Value {
    let mut ws = super::common::production_json();
    let fields = ws.as_object_mut().unwrap();
    fields.remove("default_guardrail_id");
    fields.remove("include_byok_in_budgets");
    fields.insert("updated_at".into(), json!("2025-08-24T10:30:00Z"));
    ws
}

/// A well-behaved answer: GET returns the workspace, PATCH applies and returns it.
pub fn honest(req: &Req, w: &mut World) -> Reply {
    if req.is("PATCH") {
        w.apply(&req.body);
    }
    Reply::ok(&w.ws)
}
