//! A small hostile HTTP server on 127.0.0.1:0 (plain std threads, one connection per request),
//! answering whatever a test's closure says: redirects, endless bodies, echoed headers.
//! Usable from async client tests and from tests that run the binary.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// The path with its query, e.g. `/api/v1/workspaces?offset=0&limit=100`.
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// A query parameter as a number, e.g. `offset`.
    pub fn query_number(&self, name: &str) -> Option<usize> {
        let (_, query) = self.path.split_once('?')?;
        query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .and_then(|(_, v)| v.parse().ok())
    }
}

pub enum Body {
    Bytes(Vec<u8>),
    /// Chunked, and never ending (until the client hangs up).
    Endless,
    /// No length at all, ended by closing: never ending either.
    EndlessUnframed,
}

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Body,
}

impl Reply {
    pub fn new(status: u16, body: Body) -> Self {
        Self {
            status,
            headers: Vec::new(),
            body,
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::new(status, Body::Bytes(value.to_string().into_bytes()))
            .header("Content-Type", "application/json")
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }
}

pub type Respond = dyn Fn(&Request, usize) -> Reply + Send + Sync;

pub struct Hostile {
    /// The base URL, ending in `/api/v1`.
    pub url: String,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Hostile {
    /// A handle for a server started some other way (it records nothing).
    pub fn at(url: String) -> Self {
        Self {
            url,
            requests: Arc::default(),
        }
    }

    /// Every request read so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

/// Starts a server; `respond` gets each request and its index (0 for the first).
pub fn serve(respond: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static) -> Hostile {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/v1", listener.local_addr().unwrap());
    let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
    let seen = requests.clone();
    let respond: Arc<Respond> = Arc::new(respond);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            let (seen, respond) = (seen.clone(), respond.clone());
            std::thread::spawn(move || handle(stream, &seen, &*respond));
        }
    });
    Hostile { url, requests }
}

fn handle(stream: TcpStream, seen: &Mutex<Vec<Request>>, respond: &Respond) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let index = {
        let mut all = seen.lock().unwrap();
        all.push(request.clone());
        all.len() - 1
    };
    let reply = respond(&request, index);
    let _ = write_reply(stream, reply);
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let path = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).ok()?;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (k, v) = line.split_once(':')?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let length: usize = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        headers,
        body,
    })
}

fn write_reply(mut stream: TcpStream, reply: Reply) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} Hostile\r\nConnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    // Never more than 1 GiB, should a client never stop reading.
    let chunk = vec![b' '; 64 * 1024];
    match reply.body {
        Body::Bytes(bytes) => {
            head.push_str(&format!("Content-Length: {}\r\n\r\n", bytes.len()));
            stream.write_all(head.as_bytes())?;
            stream.write_all(&bytes)?;
        }
        Body::Endless => {
            head.push_str("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            stream.write_all(head.as_bytes())?;
            stream.write_all(b"1\r\n[\r\n")?;
            for _ in 0..16 * 1024 {
                stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                stream.write_all(&chunk)?;
                stream.write_all(b"\r\n")?;
            }
        }
        Body::EndlessUnframed => {
            head.push_str("Content-Type: application/json\r\n\r\n[");
            stream.write_all(head.as_bytes())?;
            for _ in 0..16 * 1024 {
                stream.write_all(&chunk)?;
            }
        }
    }
    stream.flush()
}

/// The reads of a budgets command: the budgets list answers `budgets` (the whole body), the
/// workspace answers `{"data": workspace}`, anything else is a 404.
pub fn budget_reads(
    req: &Request,
    budgets: serde_json::Value,
    workspace: serde_json::Value,
) -> Reply {
    let path = req.path.trim_start_matches("/api/v1");
    if path.ends_with("/budgets") {
        return Reply::json(200, &budgets);
    }
    if path.starts_with("/workspaces/") {
        return Reply::json(200, &serde_json::json!({"data": workspace}));
    }
    Reply::json(
        404,
        &serde_json::json!({"error": {"code": 404, "message": "no route"}}),
    )
}

/// `ws` with the request's JSON body (a PATCH) laid over it, answered as `{"data": ws}`.
pub fn patched(mut ws: serde_json::Value, req: &Request) -> Reply {
    if let Ok(serde_json::Value::Object(patch)) = serde_json::from_slice(&req.body) {
        for (k, v) in patch {
            ws[k] = v;
        }
    }
    Reply::json(200, &serde_json::json!({ "data": ws }))
}

/// A server answering every request `status` with an error message made from the request's
/// Authorization header (what a careless server echoes).
pub fn echoing_auth(status: u16, message: fn(&str) -> String) -> Hostile {
    serve(move |req: &Request, _| {
        let auth = req.header("authorization").unwrap_or_default();
        Reply::json(
            status,
            &serde_json::json!({"error": {"message": message(auth)}}),
        )
    })
}

/// A proxy in front of the server at `base` that forwards every request, and hands the answer
/// to each `method` request (it landed) to `answer`: what comes back is up to the test.
pub fn tamper(
    base: String,
    method: &'static str,
    answer: impl Fn(Reply) -> Reply + Send + Sync + 'static,
) -> Hostile {
    serve(move |req, _| {
        let reply = forward(&base, req, None);
        if req.method == method {
            answer(reply)
        } else {
            reply
        }
    })
}

/// Forwards `req` as it came to the server at `base` (`http://host:port/api/v1`, e.g. the
/// fake's) and returns its answer: a hostile proxy's honest half. `body` replaces the request's
/// body when given (a proxy that tampers with what is sent).
pub fn forward(base: &str, req: &Request, body: Option<&[u8]>) -> Reply {
    let host = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_string();
    let body = body.unwrap_or(&req.body);
    let mut stream = TcpStream::connect(&host).unwrap();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n",
        req.method, req.path
    );
    for (k, v) in &req.headers {
        let k_low = k.to_ascii_lowercase();
        if !matches!(k_low.as_str(), "host" | "connection" | "content-length") {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut reader = BufReader::new(stream);
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let code: u16 = status.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut reply = Reply::new(code, Body::Bytes(vec![]));
    let mut length = None;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((k, v)) = line.split_once(':') {
            let (k, v) = (k.trim(), v.trim());
            if k.eq_ignore_ascii_case("content-length") {
                length = v.parse::<usize>().ok();
            } else if matches!(
                k.to_ascii_lowercase().as_str(),
                "content-type" | "retry-after" | "date"
            ) {
                reply = reply.header(k, v);
            }
        }
    }
    let mut bytes = Vec::new();
    match length {
        Some(n) => {
            bytes.resize(n, 0);
            reader.read_exact(&mut bytes).unwrap();
        }
        None => {
            reader.read_to_end(&mut bytes).unwrap();
        }
    }
    reply.body = Body::Bytes(bytes);
    reply
}

/// The JSON of a reply's body (a forwarded answer), to tamper with.
pub fn reply_json(reply: &Reply) -> serde_json::Value {
    match &reply.body {
        Body::Bytes(b) => serde_json::from_slice(b).unwrap_or(serde_json::Value::Null),
        _ => serde_json::Value::Null,
    }
}
