//! The `contract-check` lab: validates a language model's raw answer against a response
//! contract the way FastAPI and Pydantic v2 do, and answers `200 OK` with the typed object or
//! `422 Unprocessable Content` (RFC 9110's name for the status, and FastAPI's constant since
//! Starlette deprecated `HTTP_422_UNPROCESSABLE_ENTITY`; Python's `http.HTTPStatus` before 3.13 and
//! many servers still say "Unprocessable Entity") with Pydantic's own error list.
//!
//! This module owns the contract format, the extraction of JSON from a chatty answer, and a
//! re-implementation of the part of Pydantic v2 the contracts can express. The reference is
//! `Model.model_validate_json(text, strict=…)`: JSON mode, where Pydantic's messages differ a little
//! from Python mode ("Input should be a valid array", "Input should be an object"). Error `type`,
//! `loc`, `msg`, `input` and `ctx` follow Pydantic 2.x; FastAPI puts `"body"` in front of every `loc`.
//! `msg` stays in English because it is the wire format; everything around it is translated.
//!
//! # The contract
//!
//! ```json
//! {"name": "ChatResponse", "extra": "ignore",
//!  "fields": {
//!    "answer":     {"type": "string", "min_length": 1},
//!    "confidence": {"type": "number", "ge": 0, "le": 1},
//!    "intent":     {"type": "enum", "values": ["question", "complaint"]},
//!    "sources":    {"type": "list", "max_length": 5,
//!                   "items": {"type": "object", "name": "Source",
//!                             "fields": {"url": {"type": "string"}}}},
//!    "tokens":     {"type": "integer", "default": 0},
//!    "escalate":   {"type": "boolean", "required": false, "nullable": true}}}
//! ```
//!
//! - `type`: `string`, `integer`, `number`, `boolean`, `enum` (a `str` Enum: `values`, strings),
//!   `literal` (`Literal[...]` of strings: `values`; Pydantic reports `literal_error`, not `enum`),
//!   `object` (a nested model: `fields`, optional `name` and `extra`) or `list` (`items`: the
//!   element's spec).
//! - A field is required unless it has a `default` or says `"required": false` (default `null`).
//!   Defaults are not validated, as in Pydantic. `"nullable": true` makes it `Optional[...]`; without
//!   it, an explicit `null` is a type error even when the field has a default.
//! - Bounds: `ge`, `gt`, `le`, `lt` for numbers (whole numbers for `integer`); `min_length`,
//!   `max_length` for strings (in characters) and lists (in items).
//! - `extra`: `ignore` (Pydantic's default: unknown keys are dropped), `forbid`
//!   (`extra_forbidden`) or `allow` (kept as they are).
//!
//! # Finding the JSON
//!
//! The whole answer, if it is JSON; else the content of its first ``` fence (the first one whose
//! info string is `json`, if any); else the first `{…}` embedded in the prose that parses. A fence
//! whose content is not JSON is the answer all the same: it gets Pydantic's `json_invalid`, and no
//! object nested inside it is validated in its place. An answer with no JSON at all gets
//! `json_invalid` for the whole text. `json_invalid` reads like `model_validate_json`'s:
//! `Invalid JSON: <error> at line L column C`, with the parser's own wording.
//!
//! JSON objects carry no key order here, so fields are validated — and errors listed — in the
//! alphabetical order of their names, and extra keys likewise; Pydantic uses definition order.
//!
//! # Lax and strict
//!
//! Lax mode applies Pydantic's JSON-mode coercions: `"4"`, `" 4 "`, `"4.00"`, `4.0` and `true` are
//! valid integers (`4.5` is `int_from_float`, `"4.5"` is `int_parsing`); strings and booleans are
//! valid numbers; `"yes"`, `"on"`, `"t"`, `"1"`, `1`, `1.0` (and their negatives) are valid
//! booleans; numbers are never turned into strings. Strict mode accepts only the JSON type itself
//! (and integers for numbers). Integers are limited to 64 bits (`int_parsing_size` beyond).

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value, json};

use crate::protocol::{Block, Fields, InputError, Lang, Request};

/// How deeply objects and lists may nest in a contract.
const MAX_DEPTH: usize = 8;

/// What a value must be.
#[derive(Debug, Clone, PartialEq)]
enum Kind {
    String,
    Integer,
    Number,
    Boolean,
    Enum(Vec<String>),
    Literal(Vec<String>),
    Object(Model),
    List(Box<Spec>),
}

/// A field's validated specification.
#[derive(Debug, Clone, PartialEq)]
struct Spec {
    kind: Kind,
    nullable: bool,
    /// `None`: required. `Some(v)`: optional with default `v`.
    default: Option<Value>,
    ge: Option<Number>,
    gt: Option<Number>,
    le: Option<Number>,
    lt: Option<Number>,
    min_length: Option<u64>,
    max_length: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Extra {
    Ignore,
    Forbid,
    Allow,
}

/// A model: a name, its fields (sorted by name) and what it does with unknown keys.
#[derive(Debug, Clone, PartialEq)]
struct Model {
    name: String,
    fields: BTreeMap<String, Spec>,
    extra: Extra,
}

/// One Pydantic error, before FastAPI adds `"body"` to its location.
#[derive(Debug, Clone, PartialEq)]
struct Issue {
    kind: &'static str,
    loc: Vec<Value>,
    msg: String,
    input: Value,
    ctx: Option<Value>,
}

/// A coercion lax mode applied: where, from what, to what.
#[derive(Debug, Clone, PartialEq)]
struct Coercion {
    loc: Vec<Value>,
    from: Value,
    to: Value,
}

// ---------------------------------------------------------------------------------------------
// Reading the contract
// ---------------------------------------------------------------------------------------------

fn contract_error(lang: Lang, path: &str, en: &str, es: &str) -> InputError {
    InputError::new(format!("input.contract{path}"), lang.pick(en, es))
}

fn read_model(value: &Value, path: &str, depth: usize, lang: Lang) -> Result<Model, InputError> {
    let Value::Object(map) = value else {
        return Err(contract_error(
            lang,
            path,
            "must be an object with \"fields\"",
            "debe ser un objeto con \"fields\"",
        ));
    };
    if depth > MAX_DEPTH {
        return Err(contract_error(
            lang,
            path,
            "nests objects too deeply (at most 8 levels)",
            "anida objetos demasiado (como máximo 8 niveles)",
        ));
    }
    // A nested object's keys were already checked as a field spec.
    for key in map.keys().filter(|_| depth == 0) {
        if !["name", "extra", "fields"].contains(&key.as_str()) {
            return Err(contract_error(
                lang,
                &format!("{path}.{key}"),
                "is not a contract key (name, extra, fields)",
                "no es una clave del contrato (name, extra, fields)",
            ));
        }
    }
    let name = match map.get("name") {
        None => "Model".to_string(),
        Some(Value::String(s)) if is_identifier(s) => s.clone(),
        Some(_) => {
            return Err(contract_error(
                lang,
                &format!("{path}.name"),
                "must be an identifier such as \"ChatResponse\"",
                "debe ser un identificador como \"ChatResponse\"",
            ));
        }
    };
    let extra = match map.get("extra").and_then(Value::as_str) {
        None if map.get("extra").is_none() => Extra::Ignore,
        Some("ignore") => Extra::Ignore,
        Some("forbid") => Extra::Forbid,
        Some("allow") => Extra::Allow,
        _ => {
            return Err(contract_error(
                lang,
                &format!("{path}.extra"),
                "must be \"ignore\", \"forbid\" or \"allow\"",
                "debe ser \"ignore\", \"forbid\" o \"allow\"",
            ));
        }
    };
    let Some(Value::Object(raw_fields)) = map.get("fields") else {
        return Err(contract_error(
            lang,
            &format!("{path}.fields"),
            "must be an object mapping field names to their specs",
            "debe ser un objeto que asocie nombres de campo con sus especificaciones",
        ));
    };
    let mut fields = BTreeMap::new();
    for (field, spec) in raw_fields {
        let field_path = format!("{path}.fields.{field}");
        if field.is_empty() {
            return Err(contract_error(
                lang,
                &field_path,
                "field names cannot be empty",
                "los nombres de campo no pueden estar vacíos",
            ));
        }
        fields.insert(
            field.clone(),
            read_spec(spec, &field_path, depth, true, lang)?,
        );
    }
    Ok(Model {
        name,
        fields,
        extra,
    })
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_spec(
    value: &Value,
    path: &str,
    depth: usize,
    is_field: bool,
    lang: Lang,
) -> Result<Spec, InputError> {
    let Value::Object(map) = value else {
        return Err(contract_error(
            lang,
            path,
            "must be an object such as {\"type\": \"string\"}",
            "debe ser un objeto como {\"type\": \"string\"}",
        ));
    };
    let kind_name = map.get("type").and_then(Value::as_str).unwrap_or("");
    let allowed: &[&str] = match kind_name {
        "string" => &["min_length", "max_length"],
        "integer" | "number" => &["ge", "gt", "le", "lt"],
        "boolean" => &[],
        "enum" | "literal" => &["values"],
        "object" => &["fields", "name", "extra"],
        "list" => &["items", "min_length", "max_length"],
        _ => {
            return Err(contract_error(
                lang,
                &format!("{path}.type"),
                "must be one of: string, integer, number, boolean, enum, literal, object, list",
                "debe ser uno de: string, integer, number, boolean, enum, literal, object, list",
            ));
        }
    };
    let common: &[&str] = if is_field {
        &["type", "required", "default", "nullable"]
    } else {
        &["type", "nullable"]
    };
    for key in map.keys() {
        if !allowed.contains(&key.as_str()) && !common.contains(&key.as_str()) {
            return Err(contract_error(
                lang,
                &format!("{path}.{key}"),
                "is not a valid key for this type",
                "no es una clave válida para este tipo",
            ));
        }
    }
    let flag = |key: &str| -> Result<Option<bool>, InputError> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(contract_error(
                lang,
                &format!("{path}.{key}"),
                "must be true or false",
                "debe ser true o false",
            )),
        }
    };
    let nullable = flag("nullable")?.unwrap_or(false);
    let default = match (flag("required")?, map.get("default")) {
        (Some(true), Some(_)) => {
            return Err(contract_error(
                lang,
                &format!("{path}.required"),
                "a field with a default is not required",
                "un campo con valor predeterminado no es obligatorio",
            ));
        }
        (_, Some(value)) => Some(value.clone()),
        (Some(false), None) => Some(Value::Null),
        (_, None) => None,
    };
    let bound = |key: &str| -> Result<Option<Number>, InputError> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if kind_name == "number" || n.is_i64() => Ok(Some(n.clone())),
            Some(_) => Err(contract_error(
                lang,
                &format!("{path}.{key}"),
                if kind_name == "integer" {
                    "must be a whole number"
                } else {
                    "must be a number"
                },
                if kind_name == "integer" {
                    "debe ser un número entero"
                } else {
                    "debe ser un número"
                },
            )),
        }
    };
    let length = |key: &str| -> Result<Option<u64>, InputError> {
        match map.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_u64() => Ok(n.as_u64()),
            Some(_) => Err(contract_error(
                lang,
                &format!("{path}.{key}"),
                "must be a whole number, 0 or more",
                "debe ser un número entero, 0 o más",
            )),
        }
    };
    let kind = match kind_name {
        "string" => Kind::String,
        "integer" => Kind::Integer,
        "number" => Kind::Number,
        "boolean" => Kind::Boolean,
        "enum" | "literal" => {
            let values: Option<Vec<String>> =
                map.get("values").and_then(Value::as_array).map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                });
            match values {
                Some(v)
                    if !v.is_empty()
                        && map
                            .get("values")
                            .and_then(Value::as_array)
                            .is_some_and(|a| a.len() == v.len()) =>
                {
                    if kind_name == "enum" {
                        Kind::Enum(v)
                    } else {
                        Kind::Literal(v)
                    }
                }
                _ => {
                    return Err(contract_error(
                        lang,
                        &format!("{path}.values"),
                        "must be a non-empty list of strings",
                        "debe ser una lista de textos no vacía",
                    ));
                }
            }
        }
        "object" => Kind::Object(read_model(value, path, depth + 1, lang)?),
        _ => {
            let Some(items) = map.get("items") else {
                return Err(contract_error(
                    lang,
                    &format!("{path}.items"),
                    "a list needs the spec of its items",
                    "una lista necesita la especificación de sus elementos",
                ));
            };
            Kind::List(Box::new(read_spec(
                items,
                &format!("{path}.items"),
                depth + 1,
                false,
                lang,
            )?))
        }
    };
    Ok(Spec {
        kind,
        nullable,
        default,
        ge: bound("ge")?,
        gt: bound("gt")?,
        le: bound("le")?,
        lt: bound("lt")?,
        min_length: length("min_length")?,
        max_length: length("max_length")?,
    })
}

// ---------------------------------------------------------------------------------------------
// Finding the JSON in the answer
// ---------------------------------------------------------------------------------------------

/// Where the JSON came from.
#[derive(Debug, Clone, PartialEq)]
enum Found {
    /// The whole answer is JSON.
    Plain(Value),
    /// The content of a ``` fence.
    Fenced(Value),
    /// The first `{…}` in the prose that parses, at this character offset.
    Embedded(Value, usize),
    /// A ``` fence whose content is not JSON: that content, and the parser's error.
    FencedInvalid(String, String),
    /// No JSON at all: the parser's error for the whole answer.
    Nothing(String),
}

/// The parser's error as Pydantic's JSON mode words it: `trailing comma at line 1 column 9`
/// (serde_json and Pydantic's parser, jiter, share these messages and positions).
fn json_error(text: &str) -> Option<String> {
    serde_json::from_str::<Value>(text)
        .err()
        .map(|e| e.to_string())
}

fn extract_json(raw: &str) -> Found {
    if let Ok(value) = serde_json::from_str::<Value>(raw) {
        return Found::Plain(value);
    }
    if let Some(body) = fence(raw) {
        return match serde_json::from_str::<Value>(body) {
            Ok(value) => Found::Fenced(value),
            // The fence is the answer: a broken one is json_invalid, even when an object
            // nested inside it would parse on its own.
            Err(e) => Found::FencedInvalid(body.to_string(), e.to_string()),
        };
    }
    for (offset, _) in raw.match_indices('{') {
        // The first value at this offset, whatever follows it. A failed attempt stops at the
        // first character that cannot continue the value, so scanning every `{` stays linear
        // in practice (serde_json also stops nesting at 128 levels).
        let mut values = serde_json::Deserializer::from_str(&raw[offset..]).into_iter::<Value>();
        if let Some(Ok(value)) = values.next() {
            return Found::Embedded(value, raw[..offset].chars().count());
        }
    }
    Found::Nothing(json_error(raw).unwrap_or_default())
}

/// The content of the answer's ``` fence, trimmed: the first fence whose info string is `json`
/// (any case), else the first fence. `None` when no fence is closed.
fn fence(raw: &str) -> Option<&str> {
    let mut fences = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.find("```") {
        let after = &rest[start + 3..];
        // The info string (`json`, `JSON`, nothing) runs to the end of the line.
        let info_end = after.find('\n').unwrap_or(after.len());
        let info = after[..info_end].trim();
        let body = &after[(info_end + 1).min(after.len())..];
        let Some(end) = body.find("```") else { break };
        fences.push((info.eq_ignore_ascii_case("json"), body[..end].trim()));
        rest = &body[end + 3..];
    }
    fences
        .iter()
        .find(|(json, _)| *json)
        .or_else(|| fences.first())
        .map(|(_, body)| *body)
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

/// A bound, its error type, the words of its message, its `ctx` key and the test it must pass.
type BoundCheck<'a> = (
    &'a Option<Number>,
    &'static str,
    &'static str,
    &'static str,
    fn(f64, f64) -> bool,
);

struct Validator {
    strict: bool,
    issues: Vec<Issue>,
    coercions: Vec<Coercion>,
}

impl Validator {
    fn issue(&mut self, kind: &'static str, loc: &[Value], msg: String, input: &Value) {
        self.issues.push(Issue {
            kind,
            loc: loc.to_vec(),
            msg,
            input: input.clone(),
            ctx: None,
        });
    }

    fn issue_ctx(
        &mut self,
        kind: &'static str,
        loc: &[Value],
        msg: String,
        input: &Value,
        ctx: Value,
    ) {
        self.issues.push(Issue {
            kind,
            loc: loc.to_vec(),
            msg,
            input: input.clone(),
            ctx: Some(ctx),
        });
    }

    fn coerced(&mut self, loc: &[Value], from: &Value, to: Value) -> Value {
        if *from != to {
            self.coercions.push(Coercion {
                loc: loc.to_vec(),
                from: from.clone(),
                to: to.clone(),
            });
        }
        to
    }

    /// Validates an object against a model; `None` when it produced errors.
    fn model(&mut self, model: &Model, input: &Value, loc: &[Value]) -> Option<Value> {
        let Value::Object(map) = input else {
            self.issue_ctx(
                "model_type",
                loc,
                "Input should be an object".to_string(),
                input,
                json!({ "class_name": model.name }),
            );
            return None;
        };
        let before = self.issues.len();
        let mut out = Map::new();
        for (name, spec) in &model.fields {
            let field_loc = child(loc, name);
            match map.get(name) {
                None => match &spec.default {
                    Some(default) => {
                        out.insert(name.clone(), default.clone());
                    }
                    None => self.issue(
                        "missing",
                        &field_loc,
                        "Field required".to_string(),
                        &sorted(input),
                    ),
                },
                Some(value) => {
                    if let Some(v) = self.value(spec, value, &field_loc) {
                        out.insert(name.clone(), v);
                    }
                }
            }
        }
        // Pydantic 2.14 reports unknown keys after the fields' own errors (2.13 and earlier
        // listed them first).
        if model.extra == Extra::Forbid {
            for (key, value) in sorted_entries(map) {
                if !model.fields.contains_key(key) {
                    self.issue(
                        "extra_forbidden",
                        &child(loc, key),
                        "Extra inputs are not permitted".to_string(),
                        value,
                    );
                }
            }
        }
        if model.extra == Extra::Allow {
            for (key, value) in sorted_entries(map) {
                if !model.fields.contains_key(key) {
                    out.insert(key.clone(), sorted(value));
                }
            }
        }
        (self.issues.len() == before).then_some(Value::Object(out))
    }

    fn value(&mut self, spec: &Spec, input: &Value, loc: &[Value]) -> Option<Value> {
        if input.is_null() && spec.nullable {
            return Some(Value::Null);
        }
        match &spec.kind {
            Kind::String => self.string(spec, input, loc),
            Kind::Integer => self.integer(spec, input, loc),
            Kind::Number => self.number(spec, input, loc),
            Kind::Boolean => self.boolean(input, loc),
            Kind::Enum(values) => self.enumeration("enum", values, input, loc),
            Kind::Literal(values) => self.enumeration("literal_error", values, input, loc),
            Kind::Object(model) => self.model(model, input, loc),
            Kind::List(items) => self.list(spec, items, input, loc),
        }
    }

    fn string(&mut self, spec: &Spec, input: &Value, loc: &[Value]) -> Option<Value> {
        let Value::String(s) = input else {
            self.issue(
                "string_type",
                loc,
                "Input should be a valid string".to_string(),
                input,
            );
            return None;
        };
        let length = s.chars().count() as u64;
        if let Some(min) = spec.min_length.filter(|&min| length < min) {
            self.issue_ctx(
                "string_too_short",
                loc,
                format!("String should have at least {min} character{}", plural(min)),
                input,
                json!({ "min_length": min }),
            );
            return None;
        }
        if let Some(max) = spec.max_length.filter(|&max| length > max) {
            self.issue_ctx(
                "string_too_long",
                loc,
                format!("String should have at most {max} character{}", plural(max)),
                input,
                json!({ "max_length": max }),
            );
            return None;
        }
        Some(input.clone())
    }

    fn integer(&mut self, spec: &Spec, input: &Value, loc: &[Value]) -> Option<Value> {
        const TYPE: &str = "Input should be a valid integer";
        let parsed: Result<i64, &'static str> = match input {
            Value::Number(n) if n.is_i64() => n.as_i64().ok_or("int_type"),
            Value::Number(n) if n.is_u64() => Err("int_parsing_size"),
            _ if self.strict => Err("int_type"),
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() != 0.0 {
                    Err("int_from_float")
                } else if f.abs() >= i64::MAX as f64 {
                    Err("int_parsing_size")
                } else {
                    Ok(f as i64)
                }
            }
            Value::Bool(b) => Ok(i64::from(*b)),
            Value::String(s) => parse_int(s),
            _ => Err("int_type"),
        };
        let value = match parsed {
            Ok(v) => v,
            Err(kind) => {
                let msg = match kind {
                    "int_from_float" => {
                        "Input should be a valid integer, got a number with a fractional part"
                    }
                    "int_parsing" => {
                        "Input should be a valid integer, unable to parse string as an integer"
                    }
                    "int_parsing_size" => {
                        "Unable to parse input string as an integer, exceeded maximum size"
                    }
                    _ => TYPE,
                };
                self.issue(kind, loc, msg.to_string(), input);
                return None;
            }
        };
        if self.bounds_fail(spec, value as f64, input, loc) {
            return None;
        }
        Some(self.coerced(loc, input, Value::from(value)))
    }

    fn number(&mut self, spec: &Spec, input: &Value, loc: &[Value]) -> Option<Value> {
        let parsed: Result<f64, &'static str> = match input {
            Value::Number(n) => Ok(n.as_f64().unwrap_or(f64::NAN)),
            _ if self.strict => Err("float_type"),
            Value::Bool(b) => Ok(if *b { 1.0 } else { 0.0 }),
            Value::String(s) => parse_float(s).ok_or("float_parsing"),
            _ => Err("float_type"),
        };
        let value = match parsed {
            Ok(v) => v,
            Err(kind) => {
                let msg = if kind == "float_parsing" {
                    "Input should be a valid number, unable to parse string as a number"
                } else {
                    "Input should be a valid number"
                };
                self.issue(kind, loc, msg.to_string(), input);
                return None;
            }
        };
        if self.bounds_fail(spec, value, input, loc) {
            return None;
        }
        // Pydantic serializes infinities and NaN as null by default.
        let out = Number::from_f64(value).map_or(Value::Null, Value::Number);
        if input.is_number() {
            // 3 → 3.0 is the same number; only count coercions from other JSON types.
            Some(out)
        } else {
            Some(self.coerced(loc, input, out))
        }
    }

    /// Checks `le`, `lt`, `ge`, `gt` in Pydantic's order, reporting the first that fails.
    fn bounds_fail(&mut self, spec: &Spec, value: f64, input: &Value, loc: &[Value]) -> bool {
        let is_float = matches!(spec.kind, Kind::Number);
        let checks: [BoundCheck<'_>; 4] = [
            (
                &spec.le,
                "less_than_equal",
                "less than or equal to",
                "le",
                |v, b| v <= b,
            ),
            (&spec.lt, "less_than", "less than", "lt", |v, b| v < b),
            (
                &spec.ge,
                "greater_than_equal",
                "greater than or equal to",
                "ge",
                |v, b| v >= b,
            ),
            (&spec.gt, "greater_than", "greater than", "gt", |v, b| v > b),
        ];
        for (bound, kind, words, key, holds) in checks {
            let Some(bound) = bound else { continue };
            let b = bound.as_f64().unwrap_or(f64::NAN);
            // Negated, so that NaN fails like it does in Pydantic.
            if !holds(value, b) {
                // A number field turns its bounds into floats (ctx 1.0), but the message prints
                // them without a useless ".0".
                let ctx_value = if is_float {
                    Number::from_f64(b).map_or(Value::Null, Value::Number)
                } else {
                    Value::Number(bound.clone())
                };
                self.issue_ctx(
                    kind,
                    loc,
                    format!("Input should be {words} {}", display_number(b)),
                    input,
                    json!({ key: ctx_value }),
                );
                return true;
            }
        }
        false
    }

    fn boolean(&mut self, input: &Value, loc: &[Value]) -> Option<Value> {
        const PARSING: &str = "Input should be a valid boolean, unable to interpret input";
        let parsed: Result<bool, &'static str> = match input {
            Value::Bool(b) => Ok(*b),
            _ if self.strict => Err("bool_type"),
            Value::String(s) => match s.to_lowercase().as_str() {
                "0" | "off" | "f" | "false" | "n" | "no" => Ok(false),
                "1" | "on" | "t" | "true" | "y" | "yes" => Ok(true),
                _ => Err("bool_parsing"),
            },
            Value::Number(n) => {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f == 0.0 {
                    Ok(false)
                } else if f == 1.0 {
                    Ok(true)
                } else if f.fract() == 0.0 {
                    Err("bool_parsing")
                } else {
                    Err("bool_type")
                }
            }
            _ => Err("bool_type"),
        };
        match parsed {
            Ok(b) => Some(self.coerced(loc, input, Value::Bool(b))),
            Err(kind) => {
                let msg = if kind == "bool_parsing" {
                    PARSING
                } else {
                    "Input should be a valid boolean"
                };
                self.issue(kind, loc, msg.to_string(), input);
                None
            }
        }
    }

    /// A `str` Enum (`enum`) or a `Literal` of strings (`literal_error`): the same exact match,
    /// in lax and strict mode alike, and the same message; only the error type differs.
    fn enumeration(
        &mut self,
        kind: &'static str,
        values: &[String],
        input: &Value,
        loc: &[Value],
    ) -> Option<Value> {
        if let Value::String(s) = input
            && values.contains(s)
        {
            return Some(input.clone());
        }
        let expected = expected_list(values);
        self.issue_ctx(
            kind,
            loc,
            format!("Input should be {expected}"),
            input,
            json!({ "expected": expected }),
        );
        None
    }

    fn list(&mut self, spec: &Spec, items: &Spec, input: &Value, loc: &[Value]) -> Option<Value> {
        let Value::Array(array) = input else {
            self.issue(
                "list_type",
                loc,
                "Input should be a valid array".to_string(),
                input,
            );
            return None;
        };
        let length = array.len() as u64;
        let too = |words: &str, bound: u64| {
            format!(
                "List should have {words} {bound} item{} after validation, not {length}",
                plural(bound)
            )
        };
        // Pydantic refuses an over-long list before looking at its items (only this error).
        if let Some(max) = spec.max_length.filter(|&max| length > max) {
            self.issue_ctx(
                "too_long",
                loc,
                too("at most", max),
                &sorted(input),
                json!({"field_type": "List", "max_length": max, "actual_length": length}),
            );
            return None;
        }
        let before = self.issues.len();
        let mut out = Vec::with_capacity(array.len());
        for (index, item) in array.iter().enumerate() {
            let mut item_loc = loc.to_vec();
            item_loc.push(Value::from(index));
            if let Some(v) = self.value(items, item, &item_loc) {
                out.push(v);
            }
        }
        // ...but checks the minimum only once every item is valid.
        if self.issues.len() > before {
            return None;
        }
        if let Some(min) = spec.min_length.filter(|&min| length < min) {
            self.issue_ctx(
                "too_short",
                loc,
                too("at least", min),
                &sorted(input),
                json!({"field_type": "List", "min_length": min, "actual_length": length}),
            );
            return None;
        }
        Some(Value::Array(out))
    }
}

fn child(loc: &[Value], key: &str) -> Vec<Value> {
    let mut out = loc.to_vec();
    out.push(Value::from(key));
    out
}

fn plural(n: u64) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn sorted_entries(map: &Map<String, Value>) -> Vec<(&String, &Value)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    entries
}

/// A copy with every object's keys in sorted order, so that the output never depends on how
/// serde_json's map happens to be configured.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            sorted_entries(map)
                .into_iter()
                .map(|(k, v)| (k.clone(), sorted(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// Pydantic's `'a', 'b' or 'c'`, quoting like Python's `repr`.
fn expected_list(values: &[String]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| python_repr(v)).collect();
    match quoted.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => last.clone(),
        None => String::new(),
    }
}

fn python_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// A bound as Pydantic prints it in a message: `0`, `0.5`, `100000000000000000000`.
fn display_number(value: f64) -> String {
    format!("{value}")
}

/// Lax string → integer: surrounding whitespace, a sign, `_` between digits, and a fractional
/// part made only of zeros are accepted, as in Pydantic.
fn parse_int(text: &str) -> Result<i64, &'static str> {
    let trimmed = text.trim();
    let (whole, fraction) = match trimmed.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (trimmed, None),
    };
    if let Some(f) = fraction
        && (f.is_empty() || !f.chars().all(|c| c == '0'))
    {
        return Err("int_parsing");
    }
    let (sign, digits) = match whole.strip_prefix('-') {
        Some(rest) => (-1i128, rest),
        None => (1, whole.strip_prefix('+').unwrap_or(whole)),
    };
    let clean = remove_digit_underscores(digits).ok_or("int_parsing")?;
    if clean.is_empty() || !clean.chars().all(|c| c.is_ascii_digit()) {
        return Err("int_parsing");
    }
    let magnitude: i128 = clean.parse().map_err(|_| "int_parsing_size")?;
    i64::try_from(sign * magnitude).map_err(|_| "int_parsing_size")
}

/// Lax string → float, with Python's syntax: whitespace, `_` between digits, `inf`, `nan`.
fn parse_float(text: &str) -> Option<f64> {
    let trimmed = text.trim();
    let clean = remove_digit_underscores(trimmed)?;
    let lower = clean.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    let named = ["inf", "infinity", "nan"].contains(&body);
    if !named
        && !body
            .chars()
            .all(|c| c.is_ascii_digit() || "+-.e".contains(c))
    {
        return None;
    }
    clean.parse::<f64>().ok()
}

/// Removes underscores that sit between two digits; `None` if any other underscore appears.
fn remove_digit_underscores(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c == '_' {
            let before = i > 0 && chars[i - 1].is_ascii_digit();
            let after = chars.get(i + 1).is_some_and(char::is_ascii_digit);
            if !(before && after) {
                return None;
            }
        } else {
            out.push(c);
        }
    }
    Some(out)
}

// ---------------------------------------------------------------------------------------------
// The lab
// ---------------------------------------------------------------------------------------------

/// The outcome of checking one answer.
struct Outcome {
    found: Found,
    result: Result<Value, Vec<Issue>>,
    coercions: Vec<Coercion>,
}

fn check(model: &Model, raw: &str, strict: bool) -> Outcome {
    let found = extract_json(raw);
    let body = match &found {
        Found::Plain(v) | Found::Fenced(v) | Found::Embedded(v, _) => v.clone(),
        Found::FencedInvalid(text, error) => {
            let issue = invalid_json(text, error);
            return Outcome {
                found,
                result: Err(vec![issue]),
                coercions: Vec::new(),
            };
        }
        Found::Nothing(error) => {
            let issue = invalid_json(raw, error);
            return Outcome {
                found,
                result: Err(vec![issue]),
                coercions: Vec::new(),
            };
        }
    };
    let mut validator = Validator {
        strict,
        issues: Vec::new(),
        coercions: Vec::new(),
    };
    let result = match validator.model(model, &body, &[Value::from("body")]) {
        Some(value) if validator.issues.is_empty() => Ok(value),
        _ => Err(validator.issues),
    };
    Outcome {
        found,
        result,
        coercions: validator.coercions,
    }
}

/// Pydantic's error for text that is not JSON, as `model_validate_json` reports it.
fn invalid_json(text: &str, error: &str) -> Issue {
    Issue {
        kind: "json_invalid",
        loc: vec![Value::from("body")],
        msg: format!("Invalid JSON: {error}"),
        input: Value::from(text),
        ctx: Some(json!({ "error": error })),
    }
}

/// FastAPI's 422 body, `{"detail": [...]}`, written by hand so that each error's keys come in
/// FastAPI's order (type, loc, msg, input, ctx) whatever serde_json's map ordering is.
fn detail(issues: &[Issue]) -> String {
    let items: Vec<Vec<(&str, Value)>> = issues
        .iter()
        .map(|issue| {
            let mut item = vec![
                ("type", Value::from(issue.kind)),
                ("loc", Value::Array(issue.loc.clone())),
                ("msg", Value::from(issue.msg.clone())),
                ("input", sorted(&issue.input)),
            ];
            if let Some(ctx) = &issue.ctx {
                item.push(("ctx", ctx.clone()));
            }
            item
        })
        .collect();
    let rendered: Vec<String> = items
        .iter()
        .map(|item| {
            let lines: Vec<String> = item
                .iter()
                .map(|(key, value)| format!("      \"{key}\": {value}"))
                .collect();
            format!("    {{\n{}\n    }}", lines.join(",\n"))
        })
        .collect();
    format!("{{\n  \"detail\": [\n{}\n  ]\n}}", rendered.join(",\n"))
}

fn loc_text(loc: &[Value]) -> String {
    loc.iter()
        .map(|part| match part {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" → ")
}

fn compact(value: &Value) -> String {
    let text = sorted(value).to_string();
    if text.chars().count() > 60 {
        let cut: String = text.chars().take(57).collect();
        format!("{cut}…")
    } else {
        text
    }
}

/// What an error type means, for the reader.
fn explain(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "missing" => lang.pick(
            "A required field is absent.",
            "Falta un campo obligatorio.",
        ),
        "extra_forbidden" => lang.pick(
            "The contract forbids keys it does not declare.",
            "El contrato prohíbe claves que no declara.",
        ),
        "string_type" => lang.pick(
            "Not a string; Pydantic never turns numbers or booleans into strings.",
            "No es un texto; Pydantic nunca convierte números ni booleanos en texto.",
        ),
        "string_too_short" | "string_too_long" => lang.pick(
            "The string's length (in characters) is out of bounds.",
            "La longitud del texto (en caracteres) está fuera de los límites.",
        ),
        "int_type" => lang.pick(
            "Not an integer (strict mode accepts only JSON integers; null is never an integer).",
            "No es un entero (el modo estricto solo acepta enteros JSON; null nunca es un entero).",
        ),
        "int_parsing" => lang.pick(
            "A string that does not spell a whole number.",
            "Un texto que no expresa un número entero.",
        ),
        "int_from_float" => lang.pick(
            "A number with a fractional part cannot become an integer without losing data.",
            "Un número con parte decimal no puede volverse entero sin perder datos.",
        ),
        "int_parsing_size" => lang.pick(
            "The integer is too large.",
            "El entero es demasiado grande.",
        ),
        "float_type" => lang.pick(
            "Not a number.",
            "No es un número.",
        ),
        "float_parsing" => lang.pick(
            "A string that does not spell a number.",
            "Un texto que no expresa un número.",
        ),
        "bool_type" | "bool_parsing" => lang.pick(
            "Not a boolean (lax mode also accepts 0/1 and words such as \"yes\" or \"off\").",
            "No es un booleano (el modo laxo también acepta 0/1 y palabras como \"yes\" u \"off\").",
        ),
        "greater_than" | "greater_than_equal" | "less_than" | "less_than_equal" => lang.pick(
            "The number is outside the contract's bounds.",
            "El número está fuera de los límites del contrato.",
        ),
        "enum" => lang.pick(
            "Not one of the allowed values (the comparison is exact, case included).",
            "No es uno de los valores permitidos (la comparación es exacta, incluidas las mayúsculas).",
        ),
        "literal_error" => lang.pick(
            "Not one of the Literal's values (the comparison is exact, case included, in lax mode too).",
            "No es uno de los valores del Literal (la comparación es exacta, incluidas las mayúsculas, también en modo laxo).",
        ),
        "list_type" => lang.pick(
            "Not a JSON array.",
            "No es un arreglo JSON.",
        ),
        "too_short" | "too_long" => lang.pick(
            "The list has too few or too many items.",
            "La lista tiene muy pocos o demasiados elementos.",
        ),
        "model_type" => lang.pick(
            "Not a JSON object.",
            "No es un objeto JSON.",
        ),
        "json_invalid" => lang.pick(
            "The text is not JSON; ctx.error says where the parser stopped (line and column).",
            "El texto no es JSON; ctx.error indica dónde se detuvo el analizador (línea y columna).",
        ),
        _ => lang.pick(
            "See Pydantic's error types.",
            "Vean los tipos de error de Pydantic.",
        ),
    }
}

fn describe_kind(spec: &Spec) -> String {
    let base = match &spec.kind {
        Kind::String => "str".to_string(),
        Kind::Integer => "int".to_string(),
        Kind::Number => "float".to_string(),
        Kind::Boolean => "bool".to_string(),
        Kind::Enum(values) => format!("Enum[{}]", expected_list(values).replace(" or ", ", ")),
        Kind::Literal(values) => {
            format!("Literal[{}]", expected_list(values).replace(" or ", ", "))
        }
        Kind::Object(model) => model.name.clone(),
        Kind::List(items) => format!("list[{}]", describe_kind(items)),
    };
    if spec.nullable {
        format!("Optional[{base}]")
    } else {
        base
    }
}

fn describe_constraints(spec: &Spec) -> String {
    let mut parts = Vec::new();
    for (key, bound) in [
        ("ge", &spec.ge),
        ("gt", &spec.gt),
        ("le", &spec.le),
        ("lt", &spec.lt),
    ] {
        if let Some(b) = bound {
            parts.push(format!("{key}={b}"));
        }
    }
    if let Some(min) = spec.min_length {
        parts.push(format!("min_length={min}"));
    }
    if let Some(max) = spec.max_length {
        parts.push(format!("max_length={max}"));
    }
    parts.join(", ")
}

fn field_rows(model: &Model, prefix: &str, lang: Lang, rows: &mut Vec<Vec<String>>) {
    for (name, spec) in &model.fields {
        let path = format!("{prefix}{name}");
        let required = match &spec.default {
            None => lang.pick("yes", "sí").to_string(),
            Some(default) => format!(
                "{} {default}",
                lang.pick("no, default", "no; predeterminado:")
            ),
        };
        rows.push(vec![
            path.clone(),
            describe_kind(spec),
            required,
            describe_constraints(spec),
        ]);
        let mut inner = spec;
        let mut inner_path = path;
        while let Kind::List(items) = &inner.kind {
            inner = items;
            inner_path.push_str("[]");
        }
        if let Kind::Object(nested) = &inner.kind {
            field_rows(nested, &format!("{inner_path}."), lang, rows);
        }
    }
}

/// The lab's entry point.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let lang = request.lang;
    let fields = Fields::new(request);
    let Some(contract) = fields.raw("contract") else {
        return Err(InputError::new(
            "input.contract",
            lang.pick("the contract is required", "el contrato es obligatorio"),
        ));
    };
    // The form sends parsed JSON; a lab run by hand may send the JSON as a string.
    let parsed;
    let contract = match contract {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).map_err(|e| {
                InputError::new(
                    "input.contract",
                    format!(
                        "{} {e}",
                        lang.pick("is not valid JSON:", "no es JSON válido:")
                    ),
                )
            })?;
            &parsed
        }
        other => other,
    };
    let model = read_model(contract, "", 0, lang)?;
    let raw = fields.string("raw_answer", "")?;
    if raw.chars().count() > 20_000 {
        return Err(InputError::new(
            "input.raw_answer",
            lang.pick(
                "is too long (at most 20,000 characters)",
                "es demasiado largo (como máximo 20.000 caracteres)",
            ),
        ));
    }
    let strict = fields.choice("mode", "lax", &["lax", "strict"])? == "strict";
    let outcome = check(&model, &raw, strict);

    let mut blocks = vec![Block::Text {
        text: describe_found(&outcome.found, strict, lang),
    }];
    let mut rows = Vec::new();
    field_rows(&model, "", lang, &mut rows);
    blocks.push(Block::Table {
        caption: format!(
            "{} {} ({})",
            lang.pick("Contract", "Contrato"),
            model.name,
            match model.extra {
                Extra::Ignore => lang.pick("extra keys ignored", "claves extra ignoradas"),
                Extra::Forbid => lang.pick("extra keys forbidden", "claves extra prohibidas"),
                Extra::Allow => lang.pick("extra keys kept", "claves extra conservadas"),
            }
        ),
        columns: vec![
            lang.pick("Field", "Campo").to_string(),
            lang.pick("Type", "Tipo").to_string(),
            lang.pick("Required", "Obligatorio").to_string(),
            lang.pick("Constraints", "Restricciones").to_string(),
        ],
        rows,
    });
    match &outcome.result {
        Ok(value) => {
            blocks.push(Block::Text {
                text: "HTTP/1.1 200 OK".to_string(),
            });
            blocks.push(Block::Code {
                language: "json".to_string(),
                code: pretty(value),
            });
            if !outcome.coercions.is_empty() {
                blocks.push(Block::Table {
                    caption: lang
                        .pick(
                            "Lax-mode coercions applied (strict mode would reject these)",
                            "Conversiones del modo laxo aplicadas (el modo estricto las rechazaría)",
                        )
                        .to_string(),
                    columns: vec![
                        lang.pick("Location", "Ubicación").to_string(),
                        lang.pick("Model's value", "Valor del modelo").to_string(),
                        lang.pick("Typed value", "Valor tipado").to_string(),
                    ],
                    rows: outcome
                        .coercions
                        .iter()
                        .map(|c| vec![loc_text(&c.loc), compact(&c.from), compact(&c.to)])
                        .collect(),
                });
            }
            let fenced = !matches!(outcome.found, Found::Plain(_));
            blocks.push(Block::Verdict {
                status: "pass".to_string(),
                title: lang
                    .pick(
                        "200 OK: the answer honors the contract",
                        "200 OK: la respuesta cumple el contrato",
                    )
                    .to_string(),
                detail: ok_detail(&outcome, fenced, lang),
            });
        }
        Err(issues) => {
            blocks.push(Block::Text {
                text: "HTTP/1.1 422 Unprocessable Content".to_string(),
            });
            blocks.push(Block::Code {
                language: "json".to_string(),
                code: detail(issues),
            });
            blocks.push(Block::Table {
                caption: lang
                    .pick("The errors, explained", "Los errores, explicados")
                    .to_string(),
                columns: vec![
                    "loc".to_string(),
                    "type".to_string(),
                    lang.pick("Input", "Entrada").to_string(),
                    lang.pick("Meaning", "Significado").to_string(),
                ],
                rows: issues
                    .iter()
                    .map(|i| {
                        vec![
                            loc_text(&i.loc),
                            i.kind.to_string(),
                            compact(&i.input),
                            explain(i.kind, lang).to_string(),
                        ]
                    })
                    .collect(),
            });
            let count = issues.len().max(1);
            blocks.push(Block::Verdict {
                status: "fail".to_string(),
                title: format!(
                    "422 Unprocessable Content: {} {}",
                    lang.number(count as f64, 0),
                    if count == 1 {
                        lang.pick("error", "error")
                    } else {
                        lang.pick("errors", "errores")
                    }
                ),
                detail: if matches!(outcome.found, Found::FencedInvalid(..)) {
                    lang.pick(
                        "The fenced JSON is broken, so nothing reached the model's fields: the endpoint does not go looking for an object inside it, because a nested object is not the answer. Ask the model for JSON only, or use structured outputs.",
                        "El JSON del bloque está roto, así que nada llegó a los campos del modelo: el endpoint no busca un objeto dentro de él, porque un objeto anidado no es la respuesta. Pidan al modelo solo JSON, o usen salidas estructuradas.",
                    )
                    .to_string()
                } else if matches!(outcome.found, Found::Nothing(_)) {
                    lang.pick(
                        "No JSON could be found in the answer, so nothing reached the model's fields. Ask the model for JSON only, or use structured outputs.",
                        "No se encontró JSON en la respuesta, así que nada llegó a los campos del modelo. Pidan al modelo solo JSON, o usen salidas estructuradas.",
                    )
                    .to_string()
                } else {
                    lang.pick(
                        "The endpoint refuses the answer instead of passing a malformed object downstream. Every error names its place (loc) and Pydantic's type; feed them back to the model or fix the prompt.",
                        "El endpoint rechaza la respuesta en lugar de pasar un objeto mal formado a los sistemas siguientes. Cada error indica su lugar (loc) y el tipo de Pydantic; devuélvanselos al modelo o corrijan el prompt.",
                    )
                    .to_string()
                },
            });
        }
    }
    Ok(blocks)
}

fn pretty(value: &Value) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

fn describe_found(found: &Found, strict: bool, lang: Lang) -> String {
    let how = match found {
        Found::Plain(_) => lang
            .pick(
                "The answer is plain JSON.",
                "La respuesta es JSON sin adornos.",
            )
            .to_string(),
        Found::Fenced(_) => lang
            .pick(
                "The JSON was taken from a ``` code fence; the prose around it was ignored.",
                "El JSON se tomó de un bloque de código ```; se ignoró el texto a su alrededor.",
            )
            .to_string(),
        Found::Embedded(_, at) => format!(
            "{} {}; {}",
            lang.pick(
                "The JSON object was found inside the text, at character",
                "El objeto JSON se encontró dentro del texto, en el carácter",
            ),
            lang.number(*at as f64, 0),
            lang.pick(
                "the prose around it was ignored.",
                "se ignoró el texto a su alrededor.",
            ),
        ),
        Found::FencedInvalid(..) => lang
            .pick(
                "The answer has a ``` code fence, but its content is not valid JSON; it is reported as json_invalid, and no object nested inside it is validated in its place.",
                "La respuesta tiene un bloque de código ```, pero su contenido no es JSON válido; se informa como json_invalid y no se valida en su lugar ningún objeto anidado dentro de él.",
            )
            .to_string(),
        Found::Nothing(_) => lang
            .pick(
                "No JSON was found in the answer: neither the whole text, nor a ``` fence, nor an object inside the prose parses.",
                "No se encontró JSON en la respuesta: no se puede leer ni el texto completo, ni un bloque ```, ni un objeto dentro del texto.",
            )
            .to_string(),
    };
    let mode = if strict {
        lang.pick(
            "Strict mode: every value must already have its JSON type.",
            "Modo estricto: cada valor debe tener ya su tipo JSON.",
        )
    } else {
        lang.pick(
            "Lax mode: Pydantic's default coercions apply (\"4\" → 4, \"yes\" → true).",
            "Modo laxo: se aplican las conversiones predeterminadas de Pydantic (\"4\" → 4, \"yes\" → true).",
        )
    };
    format!("{how} {mode}")
}

fn ok_detail(outcome: &Outcome, fenced: bool, lang: Lang) -> String {
    let mut parts = vec![
        lang.pick(
            "The typed object above is what the endpoint returns; defaults fill the optional fields the model left out.",
            "El objeto tipado de arriba es lo que devuelve el endpoint; los valores predeterminados completan los campos opcionales que el modelo omitió.",
        )
        .to_string(),
    ];
    if fenced {
        parts.push(
            lang.pick(
                "The model wrapped its JSON in extra text: a plain json.loads of the raw answer would have failed.",
                "El modelo envolvió su JSON en texto extra: un json.loads directo de la respuesta habría fallado.",
            )
            .to_string(),
        );
    }
    if !outcome.coercions.is_empty() {
        parts.push(format!(
            "{} {} {}",
            lang.pick("Lax mode converted", "El modo laxo convirtió"),
            lang.number(outcome.coercions.len() as f64, 0),
            lang.pick(
                "value(s); in strict mode they would be errors.",
                "valor(es); en modo estricto serían errores.",
            ),
        ));
    }
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_request;

    fn chat_model() -> Model {
        let contract = json!({"name": "ChatResponse", "fields": {
            "answer": {"type": "string", "min_length": 1},
            "confidence": {"type": "number", "ge": 0, "le": 1},
            "intent": {"type": "enum", "values": ["question", "complaint"]},
            "sources": {"type": "list", "items": {"type": "object", "name": "Source",
                "fields": {"url": {"type": "string"}, "score": {"type": "number", "required": false}}}},
            "tokens": {"type": "integer", "default": 0},
            "urgent": {"type": "boolean", "default": false}
        }});
        read_model(&contract, "", 0, Lang::En).unwrap()
    }

    fn issues(raw: &str, strict: bool) -> Vec<(String, String)> {
        match check(&chat_model(), raw, strict).result {
            Ok(_) => Vec::new(),
            Err(issues) => issues
                .iter()
                .map(|i| (i.kind.to_string(), loc_text(&i.loc)))
                .collect(),
        }
    }

    #[test]
    fn a_valid_answer_gets_defaults_and_drops_extras() {
        let raw = r#"{"answer": "Hi", "confidence": 1, "intent": "question",
                      "sources": [{"url": "u"}], "mood": "happy"}"#;
        let value = check(&chat_model(), raw, false).result.unwrap();
        assert_eq!(
            value,
            json!({"answer": "Hi", "confidence": 1.0, "intent": "question",
                   "sources": [{"url": "u", "score": null}], "tokens": 0, "urgent": false})
        );
    }

    #[test]
    fn lax_mode_coerces_like_pydantic_and_strict_mode_refuses() {
        let raw = r#"{"answer": "Hi", "confidence": "0.5", "intent": "question",
                      "sources": [], "tokens": "4", "urgent": "yes"}"#;
        let outcome = check(&chat_model(), raw, false);
        let value = outcome.result.unwrap();
        assert_eq!(value["tokens"], json!(4));
        assert_eq!(value["urgent"], json!(true));
        assert_eq!(value["confidence"], json!(0.5));
        assert_eq!(outcome.coercions.len(), 3);
        let strict = issues(raw, true);
        assert_eq!(
            strict,
            vec![
                ("float_type".into(), "body → confidence".into()),
                ("int_type".into(), "body → tokens".into()),
                ("bool_type".into(), "body → urgent".into()),
            ]
        );
    }

    #[test]
    fn errors_use_pydantic_types_and_locations() {
        let raw = r#"{"answer": "", "confidence": 1.5, "intent": "Question",
                      "sources": [{"url": 3}, "x"], "tokens": 2.5, "urgent": null}"#;
        assert_eq!(
            issues(raw, false),
            vec![
                ("string_too_short".into(), "body → answer".into()),
                ("less_than_equal".into(), "body → confidence".into()),
                ("enum".into(), "body → intent".into()),
                ("string_type".into(), "body → sources → 0 → url".into()),
                ("model_type".into(), "body → sources → 1".into()),
                ("int_from_float".into(), "body → tokens".into()),
                ("bool_type".into(), "body → urgent".into()),
            ]
        );
        assert_eq!(
            issues("{}", false),
            vec![
                ("missing".into(), "body → answer".into()),
                ("missing".into(), "body → confidence".into()),
                ("missing".into(), "body → intent".into()),
                ("missing".into(), "body → sources".into()),
            ]
        );
    }

    #[test]
    fn messages_are_pydantics_wording() {
        let raw =
            r#"{"answer": "", "confidence": -1, "intent": "x", "sources": 1, "tokens": "4.5"}"#;
        let Err(found) = check(&chat_model(), raw, false).result else {
            panic!("expected errors")
        };
        let messages: Vec<&str> = found.iter().map(|i| i.msg.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "String should have at least 1 character",
                "Input should be greater than or equal to 0",
                "Input should be 'question' or 'complaint'",
                "Input should be a valid array",
                "Input should be a valid integer, unable to parse string as an integer",
            ]
        );
    }

    #[test]
    fn json_is_found_in_fences_and_prose() {
        let fenced = "Sure!\n```json\n{\"a\": 1}\n```\nAnything else?";
        assert_eq!(extract_json(fenced), Found::Fenced(json!({"a": 1})));
        let prose = "Here it is: {\"a\": \"}\", \"b\": [1, {\"c\": 2}]} — done {x}";
        assert_eq!(
            extract_json(prose),
            Found::Embedded(json!({"a": "}", "b": [1, {"c": 2}]}), 12)
        );
        assert_eq!(
            extract_json("{not json} nope"),
            Found::Nothing("key must be a string at line 1 column 2".into())
        );
        assert_eq!(extract_json(" [1] "), Found::Plain(json!([1])));
        // A json fence wins over an earlier fence in another language.
        let two = "```python\nprint(1)\n```\nand\n```JSON\n{\"b\": 2}\n```";
        assert_eq!(extract_json(two), Found::Fenced(json!({"b": 2})));
    }

    #[test]
    fn a_broken_fence_is_json_invalid_never_a_nested_object() {
        // The fenced answer has a trailing comma; the object inside it would parse on its own.
        let raw = "Here:\n```json\n{\"answer\": \"Hi\", \"sources\": [{\"url\": \"u\"}],}\n```";
        let found = extract_json(raw);
        let Found::FencedInvalid(text, error) = &found else {
            panic!("{found:?}")
        };
        assert!(text.starts_with("{\"answer\""));
        assert_eq!(error, "trailing comma at line 1 column 44");
        let Err(issues) = check(&chat_model(), raw, false).result else {
            panic!("expected errors")
        };
        assert_eq!(issues.len(), 1);
        assert_eq!(issues[0].kind, "json_invalid");
        assert_eq!(
            issues[0].msg,
            "Invalid JSON: trailing comma at line 1 column 44"
        );
        assert_eq!(issues[0].input, json!(text));
    }

    #[test]
    fn lax_parsing_of_strings_follows_pydantic() {
        assert_eq!(parse_int(" +4 "), Ok(4));
        assert_eq!(parse_int("4.00"), Ok(4));
        assert_eq!(parse_int("1_000"), Ok(1000));
        for bad in ["4.", "4.5", "1__0", "_1", "0x10", "1e3", ""] {
            assert_eq!(parse_int(bad), Err("int_parsing"), "{bad}");
        }
        assert_eq!(parse_float("1_0.5"), Some(10.5));
        assert_eq!(parse_float(".5"), Some(0.5));
        assert!(parse_float("-INF").is_some_and(f64::is_infinite));
        assert_eq!(parse_float("1.5e"), None);
        assert_eq!(parse_float("0x1"), None);
    }

    #[test]
    fn expected_values_are_quoted_like_python() {
        let values = vec!["a".to_string(), "it's".to_string(), "c".to_string()];
        assert_eq!(expected_list(&values), "'a', \"it's\" or 'c'");
        assert_eq!(expected_list(&values[..1]), "'a'");
    }

    #[test]
    fn bad_contracts_name_the_place() {
        let cases = [
            (
                json!({"fields": {"a": {"type": "text"}}}),
                "input.contract.fields.a.type",
            ),
            (
                json!({"fields": {"a": {"type": "string", "min_lenght": 1}}}),
                "input.contract.fields.a.min_lenght",
            ),
            (
                json!({"fields": {"a": {"type": "integer", "ge": 0.5}}}),
                "input.contract.fields.a.ge",
            ),
            (
                json!({"fields": {"a": {"type": "enum", "values": []}}}),
                "input.contract.fields.a.values",
            ),
            (
                json!({"fields": {"a": {"type": "list"}}}),
                "input.contract.fields.a.items",
            ),
            (json!({"fields": 3}), "input.contract.fields"),
            (
                json!({"extra": "maybe", "fields": {}}),
                "input.contract.extra",
            ),
            (json!("{not json"), "input.contract"),
        ];
        for (contract, field) in cases {
            let request = parse_request(
                &json!({"input": {"contract": contract, "raw_answer": "{}"}}).to_string(),
            )
            .unwrap();
            assert_eq!(run(&request).unwrap_err().field, field, "{contract}");
        }
    }

    #[test]
    fn no_json_is_a_json_invalid_422() {
        let request = parse_request(
            r#"{"lang": "es", "input": {"contract": {"fields": {}}, "raw_answer": "Lo siento, no puedo."}}"#,
        )
        .unwrap();
        let text = serde_json::to_string(&run(&request).unwrap()).unwrap();
        assert!(text.contains("json_invalid"));
        assert!(text.contains("Invalid JSON: expected value at line 1 column 1"));
        assert!(text.contains("No se encontró JSON en la respuesta"));
    }

    #[test]
    fn unknown_keys_are_reported_after_the_fields_like_pydantic_2_14() {
        let contract = json!({"extra": "forbid", "fields": {"a": {"type": "string"}}});
        let model = read_model(&contract, "", 0, Lang::En).unwrap();
        let Err(issues) = check(&model, r#"{"aaa": 1, "a": 5}"#, false).result else {
            panic!("expected errors")
        };
        let kinds: Vec<&str> = issues.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ["string_type", "extra_forbidden"]);
    }

    #[test]
    fn literal_fields_report_literal_error() {
        let contract = json!({"name": "Reply", "fields": {
            "intent": {"type": "literal", "values": ["question", "complaint"]},
            "tone": {"type": "enum", "values": ["calm"]}}});
        let model = read_model(&contract, "", 0, Lang::En).unwrap();
        let Err(issues) = check(&model, r#"{"intent": "Question", "tone": "angry"}"#, false).result
        else {
            panic!("expected errors")
        };
        let kinds: Vec<&str> = issues.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ["literal_error", "enum"]);
        assert_eq!(issues[0].msg, "Input should be 'question' or 'complaint'");
        assert_eq!(
            issues[0].ctx,
            Some(json!({"expected": "'question' or 'complaint'"}))
        );
        // Strict mode changes nothing for a Literal of strings; a valid value passes as is.
        let ok = check(&model, r#"{"intent": "complaint", "tone": "calm"}"#, true);
        assert_eq!(ok.result.unwrap()["intent"], json!("complaint"));
        assert_eq!(
            describe_kind(&model.fields["intent"]),
            "Literal['question', 'complaint']"
        );
    }
}
