//! Loads the YAML the lab accepts (role defaults, play vars, vars files, JSON extra vars) the way
//! Ansible does: PyYAML's YAML 1.1 rules, not YAML 1.2's.
//!
//! The difference is the lesson: under YAML 1.1 `yes` and `on` are booleans, `0777` is octal 511,
//! `1:30` is the integer 90, and `1.0e3` (no sign in the exponent) is a string. So this module
//! reads the event stream of `serde_saphyr`'s parser and types each plain scalar itself, instead
//! of letting a YAML 1.2 deserializer decide. Quoted and block scalars are always strings.
//! Date-times other than plain dates stay strings (PyYAML would build a `datetime`).
//!
//! Aliases are copied where they are used, so a few hundred bytes of nested aliases (the
//! "billion laughs" document) would expand into gigabytes. PyYAML shares the aliased object
//! instead, but everything downstream here (the table, templating) works on the expanded value,
//! so the loader counts what it materializes — every node, plus the bytes of its text — and
//! refuses a document past [`MAX_EXPANDED`], as it refuses nesting past [`MAX_NESTING`]: the
//! lab's memory stays proportional to what it can show.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Parser, ScalarStyle, Span};

use super::value::{Value, dict_set};
use crate::protocol::Lang;

/// The most a document may expand to, in nodes plus text bytes (aliases counted at every use).
pub(crate) const MAX_EXPANDED: usize = 200_000;
/// The deepest nesting of lists and mappings (the loader recurses once per level).
pub(crate) const MAX_NESTING: usize = 100;

/// Why a YAML text was refused, with a 1-based line, in the lab's two languages (these are the
/// lab's own words, not Ansible's, so a Spanish answer gets them in Spanish).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct YamlError {
    pub(crate) line: usize,
    pub(crate) message: String,
    pub(crate) es: String,
}

impl YamlError {
    fn new(line: usize, message: impl Into<String>, es: impl Into<String>) -> YamlError {
        YamlError {
            line,
            message: message.into(),
            es: es.into(),
        }
    }

    /// The message in the reader's language.
    pub(crate) fn text(&self, lang: Lang) -> &str {
        lang.pick(&self.message, &self.es)
    }

    /// Whether the document was valid YAML but not a mapping.
    pub(crate) fn is_not_a_mapping(&self) -> bool {
        self.message.starts_with("expected a mapping")
    }
}

/// Loads a document that must be a mapping (or empty), as Ansible requires for variables.
pub(crate) fn load_mapping(text: &str) -> Result<Vec<(String, Value)>, YamlError> {
    let mut loader = Loader {
        parser: Parser::new_from_str(text),
        anchors: HashMap::new(),
        expanded: 0,
        nesting: 0,
    };
    let mut document: Option<(Value, usize)> = None;
    loop {
        let (event, span) = loader.next()?;
        match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::DocumentEnd => {}
            Event::StreamEnd => break,
            node => {
                let line = line_of(&span);
                if document.is_some() {
                    return Err(YamlError::new(
                        line,
                        "only one YAML document is allowed here",
                        "aquí se admite un solo documento YAML",
                    ));
                }
                document = Some((loader.node(node, &span)?, line));
            }
        }
    }
    match document {
        None | Some((Value::None, _)) => Ok(Vec::new()),
        Some((Value::Dict(entries), _)) => Ok(entries),
        Some((other, line)) => Err(YamlError::new(
            line,
            format!(
                "expected a mapping of variable names to values, found a {}",
                other.type_name()
            ),
            format!(
                "se esperaba un mapeo de nombres de variables a valores, pero llegó un valor de tipo {}",
                other.type_name()
            ),
        )),
    }
}

struct Loader<'a> {
    parser: Parser<'a, serde_saphyr::granit_parser::StrInput<'a>>,
    /// Each anchored value with its size, as [`Loader::expanded`] counts it.
    anchors: HashMap<usize, (Value, usize)>,
    /// Nodes plus text bytes materialized so far, aliases counted at every use.
    expanded: usize,
    /// Lists and mappings open around the current node.
    nesting: usize,
}

fn line_of(span: &Span) -> usize {
    span.start.line()
}

impl<'a> Loader<'a> {
    /// The next event that carries data (comments and anchor metadata are skipped).
    fn next(&mut self) -> Result<(Event<'a>, Span), YamlError> {
        loop {
            match self.parser.next() {
                None => {
                    return Err(YamlError::new(
                        0,
                        "unexpected end of the YAML text",
                        "el texto YAML termina antes de tiempo",
                    ));
                }
                Some(Err(e)) => {
                    // The parser's own words stay in English, as a quoted detail.
                    return Err(YamlError::new(
                        e.marker().line(),
                        format!("YAML syntax error: {}", e.info()),
                        format!("error de sintaxis YAML (el analizador dice: {})", e.info()),
                    ));
                }
                Some(Ok((event, span))) => match event {
                    Event::StreamStart
                    | Event::StreamEnd
                    | Event::DocumentStart(..)
                    | Event::DocumentEnd
                    | Event::Alias(_)
                    | Event::Scalar(..)
                    | Event::SequenceStart(..)
                    | Event::SequenceEnd
                    | Event::MappingStart(..)
                    | Event::MappingEnd => return Ok((event, span)),
                    _ => continue,
                },
            }
        }
    }

    /// Adds `size` to what the document has materialized, refusing it past [`MAX_EXPANDED`].
    fn grow(&mut self, size: usize, line: usize) -> Result<(), YamlError> {
        self.expanded = self.expanded.saturating_add(size);
        if self.expanded > MAX_EXPANDED {
            return Err(YamlError::new(
                line,
                format!(
                    "this YAML expands to more than {MAX_EXPANDED} values and characters (aliases are copied at every use); the lab stops here — use fewer or smaller aliases"
                ),
                format!(
                    "este YAML se expande a más de {MAX_EXPANDED} valores y caracteres (los alias se copian cada vez que se usan); el laboratorio se detiene aquí: usen menos alias o alias más pequeños"
                ),
            ));
        }
        Ok(())
    }

    fn node(&mut self, event: Event<'a>, span: &Span) -> Result<Value, YamlError> {
        let line = line_of(span);
        let before = self.expanded;
        let (value, anchor) = match event {
            Event::Alias(id) => {
                let Some(size) = self.anchors.get(&id).map(|(_, size)| *size) else {
                    return Err(YamlError::new(
                        line,
                        "an alias refers to an unknown anchor",
                        "un alias apunta a un ancla que no existe",
                    ));
                };
                // Counted before the copy is made, so a refused alias never allocates.
                self.grow(size, line)?;
                return Ok(self
                    .anchors
                    .get(&id)
                    .map(|(value, _)| value.clone())
                    .unwrap_or(Value::None));
            }
            Event::Scalar(text, style, anchor, tag) => {
                self.grow(1 + text.len(), line)?;
                let tag = tag.map(|t| t.suffix().to_string());
                (resolve_scalar(&text, style, tag.as_deref(), line)?, anchor)
            }
            Event::SequenceStart(_, anchor, _) => {
                self.enter(line)?;
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    items.push(self.node(event, &span)?);
                }
                self.nesting -= 1;
                (Value::List(items), anchor)
            }
            Event::MappingStart(_, anchor, _) => {
                self.enter(line)?;
                let mapping = self.mapping()?;
                self.nesting -= 1;
                (mapping, anchor)
            }
            _ => {
                return Err(YamlError::new(
                    line,
                    "unexpected YAML structure",
                    "estructura YAML inesperada",
                ));
            }
        };
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), self.expanded - before));
        }
        Ok(value)
    }

    /// Opens a list or a mapping, refusing nesting past [`MAX_NESTING`].
    fn enter(&mut self, line: usize) -> Result<(), YamlError> {
        self.nesting += 1;
        self.grow(1, line)?;
        if self.nesting > MAX_NESTING {
            return Err(YamlError::new(
                line,
                format!("lists and mappings nest more than {MAX_NESTING} levels deep"),
                format!("las listas y los mapeos se anidan a más de {MAX_NESTING} niveles"),
            ));
        }
        Ok(())
    }

    fn mapping(&mut self) -> Result<Value, YamlError> {
        let mut entries = Vec::new();
        let mut merged: Vec<(String, Value)> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let line = line_of(&span);
            let is_merge =
                matches!(&event, Event::Scalar(text, ScalarStyle::Plain, _, None) if text == "<<");
            let key = self.node(event, &span)?;
            let (event, span) = self.next()?;
            let value = self.node(event, &span)?;
            if is_merge {
                // `<<: *base` (or a list of them): keys of earlier maps win over later ones,
                // and the mapping's own keys win over all of them.
                let sources = match value {
                    Value::List(items) => items,
                    single => vec![single],
                };
                for source in sources {
                    let Value::Dict(source) = source else {
                        return Err(YamlError::new(
                            line,
                            "a merge key (<<) needs a mapping or a list of mappings",
                            "una clave de combinación (<<) necesita un mapeo o una lista de mapeos",
                        ));
                    };
                    for (k, v) in source {
                        if !merged.iter().any(|(m, _)| *m == k) {
                            merged.push((k, v));
                        }
                    }
                }
                continue;
            }
            let key = match key {
                Value::List(_) | Value::Dict(_) => {
                    return Err(YamlError::new(
                        line,
                        "a mapping key must be a plain value, not a list or a mapping",
                        "la clave de un mapeo debe ser un valor simple, no una lista ni un mapeo",
                    ));
                }
                Value::None => "None".to_string(),
                other => other.to_template_text(),
            };
            // PyYAML keeps the last of duplicate keys (Ansible warns about it).
            dict_set(&mut entries, key, value);
        }
        let mut result = merged;
        for (k, v) in entries {
            dict_set(&mut result, k, v);
        }
        Ok(Value::Dict(result))
    }
}

/// Types one scalar following PyYAML's implicit resolvers (YAML 1.1).
fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&str>,
    line: usize,
) -> Result<Value, YamlError> {
    let explicit_string = matches!(tag, Some("str") | Some("unsafe"));
    if style != ScalarStyle::Plain || explicit_string {
        return Ok(Value::Str(text.to_string()));
    }
    if matches!(text, "" | "~" | "null" | "Null" | "NULL") {
        return Ok(Value::None);
    }
    if let Some(b) = yaml11_bool(text) {
        return Ok(Value::Bool(b));
    }
    if let Some(result) = yaml11_int(text) {
        return result.map(Value::Int).ok_or_else(|| {
            YamlError::new(
                line,
                format!("the integer {text} is too large for this lab"),
                format!("el entero {text} es demasiado grande para este laboratorio"),
            )
        });
    }
    if let Some(f) = yaml11_float(text) {
        if !f.is_finite() {
            return Err(YamlError::new(
                line,
                format!("{text}: infinite and NaN values are not supported by this lab"),
                format!("{text}: este laboratorio no admite valores infinitos ni NaN"),
            ));
        }
        return Ok(Value::Float(f));
    }
    if is_date(text) {
        return Ok(Value::Date(text.to_string()));
    }
    Ok(Value::Str(text.to_string()))
}

fn yaml11_bool(text: &str) -> Option<bool> {
    match text {
        "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(true),
        "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => Some(false),
        _ => None,
    }
}

fn split_sign(text: &str) -> (i64, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    }
}

/// `Some(Some(n))` for a YAML 1.1 int, `Some(None)` for one that overflows, `None` otherwise.
fn yaml11_int(text: &str) -> Option<Option<i64>> {
    let (sign, body) = split_sign(text);
    let all = |s: &str, ok: fn(u8) -> bool| !s.is_empty() && s.bytes().all(ok);
    let (radix, digits) = if let Some(rest) = body.strip_prefix("0b") {
        if !all(rest, |b| matches!(b, b'0' | b'1' | b'_')) {
            return None;
        }
        (2, rest)
    } else if let Some(rest) = body.strip_prefix("0x") {
        if !all(rest, |b| b.is_ascii_hexdigit() || b == b'_') {
            return None;
        }
        (16, rest)
    } else if body == "0" {
        (10, body)
    } else if let Some(rest) = body.strip_prefix('0') {
        if !all(rest, |b| matches!(b, b'0'..=b'7' | b'_')) {
            return None;
        }
        (8, rest)
    } else if body.contains(':') {
        return sexagesimal_int(body).map(|v| v.and_then(|v| v.checked_mul(sign)));
    } else {
        if !body.starts_with(|c: char| c.is_ascii_digit())
            || !all(body, |b| b.is_ascii_digit() || b == b'_')
        {
            return None;
        }
        (10, body)
    };
    let cleaned: String = digits.chars().filter(|c| *c != '_').collect();
    if cleaned.is_empty() {
        return Some(Some(0));
    }
    Some(
        i64::from_str_radix(&cleaned, radix)
            .ok()
            .and_then(|v| v.checked_mul(sign)),
    )
}

/// `1:30` is 90 in YAML 1.1: base-60 digits after a decimal first part.
fn sexagesimal_int(body: &str) -> Option<Option<i64>> {
    let mut parts = body.split(':');
    let first = parts.next()?;
    if !first.starts_with(|c: char| ('1'..='9').contains(&c))
        || !first.bytes().all(|b| b.is_ascii_digit() || b == b'_')
    {
        return None;
    }
    let rest: Vec<&str> = parts.collect();
    if rest.is_empty() || !rest.iter().all(|p| is_base60_digit(p)) {
        return None;
    }
    let mut value: Option<i64> = first.replace('_', "").parse().ok();
    for part in rest {
        let digit: i64 = part.parse().ok()?;
        value = value
            .and_then(|v| v.checked_mul(60))
            .and_then(|v| v.checked_add(digit));
    }
    Some(value)
}

fn is_base60_digit(part: &str) -> bool {
    match part.as_bytes() {
        [d] => d.is_ascii_digit(),
        [a, b] => (b'0'..=b'5').contains(a) && b.is_ascii_digit(),
        _ => false,
    }
}

fn yaml11_float(text: &str) -> Option<f64> {
    match text {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let (sign, body) = split_sign(text);
    let signed = body.len() != text.len();
    let digits_or_underscores = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    if let Some(exponent) = exponent {
        // YAML 1.1 insists on a sign in the exponent: `1.0e3` is a string, `1.0e+3` a float.
        let digits = exponent.strip_prefix(['+', '-'])?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let (whole, fraction) = mantissa.split_once('.')?;
    if !digits_or_underscores(fraction) {
        return None;
    }
    if whole.is_empty() {
        // `.5`: PyYAML's pattern allows no sign and needs a digit after the dot.
        if signed || fraction.is_empty() {
            return None;
        }
    } else if whole.contains(':') {
        // Base 60 with a fraction, `1:30.5`, takes no exponent.
        let mut parts = whole.split(':');
        let first = parts.next()?;
        let first_ok =
            first.starts_with(|c: char| c.is_ascii_digit()) && digits_or_underscores(first);
        if exponent.is_some() || !first_ok || !parts.all(is_base60_digit) {
            return None;
        }
    } else if !whole.starts_with(|c: char| c.is_ascii_digit()) || !digits_or_underscores(whole) {
        return None;
    }
    let cleaned = body.replace('_', "");
    let value = if cleaned.contains(':') {
        let mut total = 0.0;
        for part in cleaned.split(':') {
            total = total * 60.0 + part.parse::<f64>().ok()?;
        }
        total
    } else {
        cleaned.parse::<f64>().ok()?
    };
    Some(sign as f64 * value)
}

fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b.iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Vec<(String, Value)> {
        load_mapping(text).unwrap()
    }

    fn one(text: &str) -> Value {
        load(&format!("x: {text}\n")).remove(0).1
    }

    #[test]
    fn plain_scalars_follow_yaml_1_1() {
        assert_eq!(one("yes"), Value::Bool(true));
        assert_eq!(one("Off"), Value::Bool(false));
        assert_eq!(one("8080"), Value::Int(8080));
        assert_eq!(one("0777"), Value::Int(511));
        assert_eq!(one("0x1F"), Value::Int(31));
        assert_eq!(one("1_000"), Value::Int(1000));
        assert_eq!(one("1:30"), Value::Int(90));
        assert_eq!(one("-12"), Value::Int(-12));
        assert_eq!(one("1.5"), Value::Float(1.5));
        assert_eq!(one("1:30.5"), Value::Float(90.5));
        assert_eq!(one("-.5"), Value::Str("-.5".into()));
        assert_eq!(one("1.0e+3"), Value::Float(1000.0));
        assert_eq!(one("1."), Value::Float(1.0));
        assert_eq!(one(".5"), Value::Float(0.5));
        assert_eq!(one("1.0e3"), Value::Str("1.0e3".into()));
        assert_eq!(one("1e3"), Value::Str("1e3".into()));
        assert_eq!(one("08"), Value::Str("08".into()));
        assert_eq!(one("~"), Value::None);
        assert_eq!(one(""), Value::None);
        assert_eq!(one("2026-10-01"), Value::Date("2026-10-01".into()));
        assert_eq!(one("\"yes\""), Value::Str("yes".into()));
        assert_eq!(one("'8080'"), Value::Str("8080".into()));
        assert_eq!(one("!!str 8080"), Value::Str("8080".into()));
    }

    #[test]
    fn structures_anchors_and_merges_load() {
        let vars = load("base: &b {a: 1, b: 2}\nother:\n  <<: *b\n  b: 3\nlist: [1, x]\n");
        assert_eq!(
            vars[1].1,
            Value::Dict(vec![
                ("a".into(), Value::Int(1)),
                ("b".into(), Value::Int(3))
            ])
        );
        assert_eq!(
            vars[2].1,
            Value::List(vec![Value::Int(1), Value::Str("x".into())])
        );
        assert_eq!(load("# only a comment\n"), vec![]);
    }

    #[test]
    fn alias_expansion_is_bounded() {
        // Nine levels of nine aliases: under 500 bytes that expand to 9⁹ strings.
        let mut doc = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
        for i in 1..9 {
            let refs = vec![format!("*a{}", i - 1); 9].join(", ");
            doc.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let error = load_mapping(&doc).unwrap_err();
        assert!(error.message.contains("expands to more than"), "{error:?}");
        assert!(error.line >= 5, "{error:?}");
        // A long string aliased many times counts its bytes.
        let long = "y".repeat(5_000);
        let mut doc = format!("s: &s {long}\nl: [");
        doc.push_str(&vec!["*s"; 50].join(", "));
        doc.push_str("]\n");
        assert!(load_mapping(&doc).is_err());
        // Ordinary aliases stay well within the limit.
        let doc = "base: &b {a: 1, b: [1, 2, 3]}\nx: *b\ny: *b\nz: {<<: *b, c: 3}\n";
        assert_eq!(load_mapping(doc).unwrap().len(), 4);
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        // The parser has a recursion limit of its own; the loader's comes first.
        for depth in [MAX_NESTING + 1, 5_000] {
            let deep = format!("x: {}1{}\n", "[".repeat(depth), "]".repeat(depth));
            assert!(load_mapping(&deep).is_err(), "{depth}");
        }
        let deep = format!("x: {}1{}\n", "[".repeat(150), "]".repeat(150));
        let error = load_mapping(&deep).unwrap_err();
        assert!(error.message.contains("nest more than"), "{error:?}");
        let fine = format!("x: {}1{}\n", "[".repeat(50), "]".repeat(50));
        assert!(load_mapping(&fine).is_ok());
    }

    #[test]
    fn errors_carry_a_line() {
        let error = load_mapping("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(error.line >= 2, "{error:?}");
        let error = load_mapping("- a\n- b\n").unwrap_err();
        assert_eq!(error.line, 1);
        assert!(error.message.contains("mapping"));
    }
}
