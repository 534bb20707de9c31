//! A file as a tree of values that each know their line, whatever the format it came in.
//! Duplicate keys are kept (not merged), so one check finds them in every format.

use serde_json::{Number, Value};

/// A value and the line (1-based) it starts on.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub line: usize,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Null,
    Bool(bool),
    Number(Number),
    String(String),
    List(Vec<Node>),
    /// Entries in the file's order (TOML: key order), duplicates kept.
    Map(Vec<(Key, Node)>),
    /// A value no field can hold (a TOML date, a YAML alias), named for the message.
    Other(&'static str),
}

/// A map key and its line.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub name: String,
    pub line: usize,
}

/// Why a file could not be read as its format: the line, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub line: usize,
    pub message: String,
}

impl Node {
    fn new(line: usize, kind: Kind) -> Self {
        Self { line, kind }
    }

    /// The type as a person would name it, for "expected …, found …".
    pub fn type_name(&self) -> &'static str {
        match &self.kind {
            Kind::Null => "null",
            Kind::Bool(_) => "a boolean",
            Kind::Number(_) => "a number",
            Kind::String(_) => "a string",
            Kind::List(_) => "a list",
            Kind::Map(_) => "a table",
            Kind::Other(what) => what,
        }
    }

    /// The value as JSON; `None` when it holds something JSON has not (a date, an alias).
    pub fn to_json(&self) -> Option<Value> {
        Some(match &self.kind {
            Kind::Null => Value::Null,
            Kind::Bool(b) => Value::Bool(*b),
            Kind::Number(n) => Value::Number(n.clone()),
            Kind::String(s) => Value::String(s.clone()),
            Kind::List(items) => Value::Array(
                items
                    .iter()
                    .map(Node::to_json)
                    .collect::<Option<Vec<_>>>()?,
            ),
            Kind::Map(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| Some((k.name.clone(), v.to_json()?)))
                    .collect::<Option<serde_json::Map<_, _>>>()?,
            ),
            Kind::Other(_) => return None,
        })
    }
}

/// The 1-based line of a byte offset, by binary search over the line starts (a file of
/// thousands of workspaces has tens of thousands of keys).
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self(starts)
    }

    fn at(&self, offset: usize) -> usize {
        self.0.partition_point(|start| *start <= offset).max(1)
    }
}

// ---- TOML ----

/// A TOML document; spans from toml's own parser give the lines. A document that can be cut
/// at its table headers ([`super::toml_split`]) is read one table at a time, so toml's tokens
/// for the whole text are never held at once; any problem reads it whole, for toml's message.
pub fn parse_toml(text: &str) -> Result<Node, SyntaxError> {
    let lines = Lines::new(text);
    if let Some(node) = super::toml_split::chunks(text).and_then(|c| toml_chunks(&lines, text, &c))
    {
        return Ok(node);
    }
    parse_toml_whole(&lines, text)
}

/// The document read in one piece by toml.
fn parse_toml_whole(lines: &Lines, text: &str) -> Result<Node, SyntaxError> {
    let table = toml::de::DeTable::parse(text).map_err(|e| SyntaxError {
        line: e.span().map_or(1, |s| lines.at(s.start)),
        message: e.message().trim().to_string(),
    })?;
    let at = Base { lines, offset: 0 };
    let line = at.line(table.span().start);
    Ok(toml_table(at, table.get_ref(), line))
}

/// The lines of a whole text and where the part being read starts in it.
#[derive(Clone, Copy)]
struct Base<'a> {
    lines: &'a Lines,
    offset: usize,
}

impl Base<'_> {
    fn line(&self, offset: usize) -> usize {
        self.lines.at(self.offset + offset)
    }
}

/// The document read chunk by chunk and put together; `None` on anything the whole document
/// might read otherwise (the caller reads it whole then, so toml says what is wrong).
///
/// Each header's table goes where its path says. A step of the path may pass through a table
/// an earlier header made (its own, or one it made implicitly), never through one written
/// as a value in a table's body; the last step must be new. Then every table is defined once,
/// as toml requires, and the tree is the one reading it whole gives.
fn toml_chunks(lines: &Lines, text: &str, chunks: &[super::toml_split::Chunk]) -> Option<Node> {
    use std::collections::HashMap;
    // Each table a header made, by path: its place in its parent's entries, and whether a
    // header named it (else a deeper header made it on the way; nothing else is in it).
    let mut made: HashMap<&[String], (usize, bool)> = HashMap::new();
    let mut root: Vec<(Key, Node)> = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let end = chunks.get(i + 1).map_or(text.len(), |c| c.start);
        let table = toml::de::DeTable::parse(&text[chunk.start..end]).ok()?;
        let at = Base {
            lines,
            offset: chunk.start,
        };
        let Kind::Map(mut top) = toml_table(at, table.get_ref(), 1).kind else {
            return None;
        };
        if chunk.path.is_empty() {
            root = top;
            continue;
        }
        let mut into = &mut root;
        // Whether `into` holds what a header's body wrote (to look for the new key in).
        let mut written = true;
        for (depth, name) in chunk.path.iter().enumerate() {
            if top.len() != 1 || top[0].0.name != *name {
                return None;
            }
            let (key, node) = top.pop()?;
            let path = &chunk.path[..=depth];
            let last = depth + 1 == chunk.path.len();
            let index = match made.get(path) {
                Some(_) if last => return None,
                Some(&(index, named)) => {
                    written = named;
                    index
                }
                None => {
                    if written && into.iter().any(|(k, _)| k.name == *name) {
                        return None;
                    }
                    made.insert(path, (into.len(), last));
                    if last {
                        into.push((key, node));
                        break;
                    }
                    into.push((key, Node::new(node.line, Kind::Map(Vec::new()))));
                    written = false;
                    into.len() - 1
                }
            };
            let Kind::Map(inner) = node.kind else {
                return None;
            };
            top = inner;
            let Kind::Map(next) = &mut into.get_mut(index)?.1.kind else {
                return None;
            };
            into = next;
        }
    }
    Some(Node::new(1, Kind::Map(root)))
}

fn toml_table(at: Base, table: &toml::de::DeTable<'_>, line: usize) -> Node {
    let mut entries: Vec<(Key, Node)> = table
        .iter()
        .map(|(k, v)| {
            let key_line = at.line(k.span().start);
            let key = Key {
                name: k.get_ref().to_string(),
                line: key_line,
            };
            (key, toml_value(at, v.get_ref(), key_line))
        })
        .collect();
    entries.sort_by_key(|(k, _)| k.line);
    Node::new(line, Kind::Map(entries))
}

fn toml_value(at: Base, value: &toml::de::DeValue<'_>, line: usize) -> Node {
    use toml::de::DeValue;
    let kind = match value {
        DeValue::String(s) => Kind::String(s.to_string()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Kind::Number(n.into()),
            Err(_) => Kind::Other("an integer too large"),
        },
        DeValue::Float(f) => match f.as_str().parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Kind::Number(n),
            None => Kind::Other("a float that is not a finite number"),
        },
        DeValue::Boolean(b) => Kind::Bool(*b),
        DeValue::Datetime(_) => Kind::Other("a date-time"),
        DeValue::Array(items) => Kind::List(
            items
                .iter()
                .map(|v| toml_value(at, v.get_ref(), at.line(v.span().start)))
                .collect(),
        ),
        DeValue::Table(t) => return toml_table(at, t, line),
    };
    Node::new(line, kind)
}

// ---- JSON ----

/// A JSON document: serde_json checks it (its messages name the line), then a small scanner
/// over the now-valid text gives each value its line and keeps duplicate keys.
pub fn parse_json(text: &str) -> Result<Node, SyntaxError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let message = e.to_string();
        // serde_json ends its message with " at line L column C"; the line is said apart.
        let message = match message.rfind(" at line ") {
            Some(at) => message[..at].to_string(),
            None => message,
        };
        return Err(SyntaxError {
            line: e.line().max(1),
            message,
        });
    }
    let mut scanner = JsonScanner {
        text,
        pos: 0,
        line: 1,
        depth: 0,
    };
    scanner.value()
}

/// Lists and tables nested deeper are refused: serde_json's check above has no limit, and
/// the scanner recurses (as YAML's and TOML's parsers, which stop at about this depth).
const MAX_JSON_DEPTH: usize = 128;

struct JsonScanner<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    /// Lists and tables open around the value being read.
    depth: usize,
}

impl<'a> JsonScanner<'a> {
    fn bug(&self) -> SyntaxError {
        SyntaxError {
            line: self.line,
            message: "cannot read this JSON".into(),
        }
    }

    fn skip_ws(&mut self) {
        let bytes = self.text.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            match b {
                b'\n' => self.line += 1,
                b' ' | b'\t' | b'\r' => {}
                _ => break,
            }
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    /// The slice of a string token, quotes included (the text is valid JSON, so it ends).
    fn string_token(&mut self) -> Result<&'a str, SyntaxError> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        self.pos += 1;
        while let Some(&b) = bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'\\' => self.pos += 1,
                b'"' => {
                    let text: &'a str = self.text;
                    return Ok(&text[start..self.pos]);
                }
                _ => {}
            }
        }
        Err(self.bug())
    }

    fn decode<T: serde::de::DeserializeOwned>(&self, token: &str) -> Result<T, SyntaxError> {
        serde_json::from_str(token).map_err(|_| self.bug())
    }

    fn value(&mut self) -> Result<Node, SyntaxError> {
        self.skip_ws();
        let line = self.line;
        let opens = matches!(self.peek(), Some(b'{' | b'['));
        if opens && self.depth >= MAX_JSON_DEPTH {
            return Err(SyntaxError {
                line,
                message: format!("lists and tables nested more than {MAX_JSON_DEPTH} deep"),
            });
        }
        self.depth += usize::from(opens);
        let node = self.value_here(line);
        self.depth -= usize::from(opens);
        node
    }

    fn value_here(&mut self, line: usize) -> Result<Node, SyntaxError> {
        match self.peek().ok_or_else(|| self.bug())? {
            b'{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b',') => self.pos += 1,
                        Some(b'"') => {
                            let key_line = self.line;
                            let token = self.string_token()?;
                            let name: String = self.decode(token)?;
                            self.skip_ws();
                            if self.peek() != Some(b':') {
                                return Err(self.bug());
                            }
                            self.pos += 1;
                            let value = self.value()?;
                            entries.push((
                                Key {
                                    name,
                                    line: key_line,
                                },
                                value,
                            ));
                        }
                        _ => return Err(self.bug()),
                    }
                }
                Ok(Node::new(line, Kind::Map(entries)))
            }
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    match self.peek() {
                        Some(b']') => {
                            self.pos += 1;
                            break;
                        }
                        Some(b',') => self.pos += 1,
                        Some(_) => items.push(self.value()?),
                        None => return Err(self.bug()),
                    }
                }
                Ok(Node::new(line, Kind::List(items)))
            }
            b'"' => {
                let token = self.string_token()?;
                Ok(Node::new(line, Kind::String(self.decode(token)?)))
            }
            _ => {
                let start = self.pos;
                let bytes = self.text.as_bytes();
                while let Some(&b) = bytes.get(self.pos) {
                    if matches!(b, b',' | b'}' | b']' | b' ' | b'\t' | b'\r' | b'\n') {
                        break;
                    }
                    self.pos += 1;
                }
                let text: &'a str = self.text;
                let kind = match self.decode::<Value>(&text[start..self.pos])? {
                    Value::Null => Kind::Null,
                    Value::Bool(b) => Kind::Bool(b),
                    Value::Number(n) => Kind::Number(n),
                    Value::String(_) | Value::Array(_) | Value::Object(_) => {
                        return Err(self.bug());
                    }
                };
                Ok(Node::new(line, kind))
            }
        }
    }
}

// ---- YAML ----

/// A YAML document (one), from saphyr's events and their marks. Plain scalars are typed by
/// YAML 1.2's core schema (`null`, `~`, `true`, numbers); quoted ones are always text.
pub fn parse_yaml(text: &str) -> Result<Node, SyntaxError> {
    use saphyr_parser::{Event, Parser};
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut documents = 0;
    for item in Parser::new_from_str(text) {
        let (event, span) = item.map_err(|e| SyntaxError {
            line: e.marker().line().max(1),
            message: e.info().to_string(),
        })?;
        let line = span.start.line().max(1);
        let node = match event {
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        line,
                        message: "only one YAML document is allowed".into(),
                    });
                }
                continue;
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {
                continue;
            }
            Event::Alias(_) => Node::new(line, Kind::Other("an alias")),
            Event::Scalar(value, style, _, tag) => {
                let kind = match tag {
                    Some(t) if t.handle == "!!" && t.suffix == "str" => Kind::String(value.into()),
                    Some(_) => Kind::Other("a tagged value"),
                    None if style == saphyr_parser::ScalarStyle::Plain => plain_scalar(&value),
                    None => Kind::String(value.into()),
                };
                Node::new(line, kind)
            }
            Event::SequenceStart(..) => {
                stack.push(Frame::List(line, Vec::new()));
                continue;
            }
            Event::MappingStart(..) => {
                stack.push(Frame::Map(line, Vec::new(), None));
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::List(l, items)) => Node::new(l, Kind::List(items)),
                Some(Frame::Map(l, entries, _)) => Node::new(l, Kind::Map(entries)),
                None => continue,
            },
        };
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::List(_, items)) => items.push(node),
            Some(Frame::Map(_, entries, pending)) => match pending.take() {
                None => {
                    let name = match node.kind {
                        Kind::String(s) => s,
                        Kind::Number(n) => n.to_string(),
                        Kind::Bool(b) => b.to_string(),
                        Kind::Null => "null".into(),
                        _ => {
                            return Err(SyntaxError {
                                line: node.line,
                                message: "a key must be text".into(),
                            });
                        }
                    };
                    *pending = Some(Key {
                        name,
                        line: node.line,
                    });
                }
                Some(key) => entries.push((key, node)),
            },
        }
    }
    Ok(root.unwrap_or(Node::new(1, Kind::Null)))
}

enum Frame {
    List(usize, Vec<Node>),
    Map(usize, Vec<(Key, Node)>, Option<Key>),
}

/// A plain scalar by the YAML 1.2 core schema.
fn plain_scalar(s: &str) -> Kind {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Kind::Null,
        "true" | "True" | "TRUE" => return Kind::Bool(true),
        "false" | "False" | "FALSE" => return Kind::Bool(false),
        _ => {}
    }
    let number = |t: &str| -> Option<Number> {
        if let Some(hex) = t.strip_prefix("0x") {
            return i64::from_str_radix(hex, 16).ok().map(Number::from);
        }
        if let Some(oct) = t.strip_prefix("0o") {
            return i64::from_str_radix(oct, 8).ok().map(Number::from);
        }
        let looks = t
            .trim_start_matches(['-', '+'])
            .starts_with(|c: char| c.is_ascii_digit() || c == '.');
        if !looks || t.ends_with('.') && !t.contains(|c: char| c.is_ascii_digit()) {
            return None;
        }
        // JSON's grammar is stricter than YAML's (`+1`, `.5`, `1.`): fall back to f64.
        serde_json::from_str::<Number>(t).ok().or_else(|| {
            t.parse::<f64>()
                .ok()
                .filter(|f| f.is_finite())
                .and_then(Number::from_f64)
        })
    };
    match number(s) {
        Some(n) => Kind::Number(n),
        None if matches!(
            s.trim_start_matches(['-', '+']),
            ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN"
        ) =>
        {
            Kind::Other("an infinite or not-a-number float")
        }
        None => Kind::String(s.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(node: &Node) -> Vec<(String, usize)> {
        match &node.kind {
            Kind::Map(entries) => entries
                .iter()
                .map(|(k, _)| (k.name.clone(), k.line))
                .collect(),
            _ => panic!("not a map: {node:?}"),
        }
    }

    #[test]
    fn json_keys_know_their_lines_and_duplicates_stay() {
        let text = "{\n  \"a\": 1,\n  \"b\": {\"x\": \"y\\\"}\"},\n  \"a\": [null, true, 0.25]\n}";
        let node = parse_json(text).unwrap();
        assert_eq!(
            keys(&node),
            [("a".into(), 2), ("b".into(), 3), ("a".into(), 4)]
        );
        let Kind::Map(entries) = &node.kind else {
            unreachable!()
        };
        assert_eq!(
            entries[2].1.to_json(),
            Some(serde_json::json!([null, true, 0.25]))
        );
        assert_eq!(
            entries[1].1.to_json(),
            Some(serde_json::json!({"x": "y\"}"}))
        );
    }

    #[test]
    fn json_syntax_errors_name_the_line() {
        let e = parse_json("{\n  \"a\": 1,\n  \"b\": ,\n}").unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(!e.message.contains("at line"), "{e:?}");
    }

    #[test]
    fn yaml_types_plain_scalars_and_keeps_quoted_text() {
        let text = "a: null\nb: ~\nc: 'null'\nd: 0.5\ne: true\nf: \"1\"\ng: [1, x]\na: 2\n";
        let node = parse_yaml(text).unwrap();
        assert_eq!(keys(&node).len(), 8);
        assert_eq!(keys(&node)[7], ("a".into(), 8));
        assert_eq!(
            node.to_json(),
            Some(serde_json::json!({
                "a": 2, "b": null, "c": "null", "d": 0.5, "e": true, "f": "1", "g": [1, "x"]
            }))
        );
    }

    #[test]
    fn yaml_errors_and_aliases() {
        let e = parse_yaml("a: 1\nb: [1,\nc: 2\n  - x").unwrap_err();
        assert!(e.line >= 2, "{e:?}");
        let node = parse_yaml("a: &x 1\nb: *x\n").unwrap();
        let Kind::Map(entries) = &node.kind else {
            unreachable!()
        };
        assert_eq!(entries[1].1.kind, Kind::Other("an alias"));
    }

    #[test]
    fn line_of_an_offset() {
        let lines = Lines::new("ab\ncd\n\ne");
        let got: Vec<usize> = [0, 2, 3, 5, 6, 7, 99]
            .iter()
            .map(|o| lines.at(*o))
            .collect();
        assert_eq!(got, [1, 1, 2, 2, 3, 4, 4]);
    }

    #[test]
    fn toml_keys_know_their_lines() {
        let text = "[workspaces.\"u1\"]\nname = \"A\"\nrate = 0.5\n\n[workspaces.\"u2\"]\nclear = [\"x\"]\nwhen = 1979-05-27\n";
        let node = parse_toml(text).unwrap();
        let Kind::Map(top) = &node.kind else {
            unreachable!()
        };
        let ws = &top[0].1;
        assert_eq!(keys(ws), [("u1".into(), 1), ("u2".into(), 5)]);
        let Kind::Map(entries) = &ws.kind else {
            unreachable!()
        };
        assert_eq!(
            keys(&entries[0].1),
            [("name".into(), 2), ("rate".into(), 3)]
        );
        assert_eq!(
            keys(&entries[1].1),
            [("clear".into(), 6), ("when".into(), 7)]
        );
        let e = parse_toml("a = 1\na = 2\n").unwrap_err();
        assert_eq!(e.line, 2, "{e:?}");
    }

    /// Read table by table or whole, a document is the same tree, and what the cut cannot take
    /// is read whole (so toml's own message names what is wrong).
    #[test]
    fn toml_read_in_chunks_is_the_whole_document() {
        let whole = |text: &str| parse_toml_whole(&Lines::new(text), text);
        let chunked = |text: &str| {
            let chunks = super::super::toml_split::chunks(text)?;
            toml_chunks(&Lines::new(text), text, &chunks)
        };
        let cut = [
            "# head\n\n[workspaces.\"u1\"]\nname = \"A\"\nrate = 0.5\n\n[workspaces.\"u2\"]\nclear = [\"x\"]\n",
            "[workspaces.u1]\nname = 'a'\n[workspaces.u1.budgets]\nmonthly = 1\n[workspaces.u1.guardrail]\nx.y = 2\n[guardrails.\"g\"]\nn = 1\n[workspaces.u2]\nname = \"b\"\n",
            "[a.b.c]\nx = 1\n[a.b.d]\ny = [\n  [1, 2],\n  {z = 3},\n]\n[a.e]\ns = \"\"\"\n[x]\n\"\"\"\n",
            "top = 1\n[a]\nx = 1\n[a.b]\n",
            "\r\n[a]\r\nx = 1\r\n[b]  # c\r\ny = 2\r\n",
        ];
        for text in cut {
            let got = chunked(text).unwrap_or_else(|| panic!("not cut: {text:?}"));
            assert_eq!(Ok(got), whole(text), "{text:?}");
        }
        let not_cut = [
            "[a]\nx = 1\n[a]\ny = 2\n",    // a table twice
            "[a.b]\nx = 1\n[a]\ny = 2\n",  // a table after one inside it
            "[a]\nb = {x = 1}\n[a.b.c]\n", // a header inside an inline table
            "[a]\nb.x = 1\n[a.b]\n",       // ... or a dotted key's
            "[a]\nb = 1\n[a.b]\n",         // ... or a value
            "a.b = 1\n[a.c]\n",            // before the first header
            "[a]\nx = \n[b]\n",            // a syntax error
            "[a]\nx = 1\nx = 2\n[b]\n",    // a duplicate key
        ];
        for text in not_cut {
            assert_eq!(chunked(text), None, "{text:?}");
            assert_eq!(parse_toml(text), whole(text), "{text:?}");
        }
    }
}
