//! `Condition` blocks: parsing them from a statement and evaluating them against a request
//! context.
//!
//! This module owns the documented semantics of "IAM JSON policy elements: Condition operators"
//! and "Condition with multiple context keys or values": every operator in a block and every key
//! under an operator must hold (AND); several values for one key match when any does (OR), and
//! for a negated operator (`StringNotEquals`, `NotIpAddress`, …) when none does; a key missing
//! from the request makes a condition false, except for negated operators (true), `…IfExists`
//! (true) and `Null` (which tests just that); `ForAnyValue:` and `ForAllValues:` compare a
//! multivalued key's set — `ForAllValues` holds for a missing or empty key, `ForAnyValue` does
//! not. Condition key names are case-insensitive; values follow each operator's own rule.
//!
//! It knows nothing about policy types, principals or the order of evaluation.

use std::net::IpAddr;

use serde_json::{Map, Value};

use super::policy::json_input;
use super::wildcard::{arn_like, string_like};
use crate::protocol::{InputError, Lang};

/// One `operator: {key: values}` pair of a Condition block.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Clause {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub(super) written: String,
    pub(super) key: String,
    set: Option<SetQualifier>,
    test: Test,
    if_exists: bool,
    values: Vec<PolicyValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    ForAnyValue,
    ForAllValues,
}

/// The comparison an operator makes, and whether it is negated.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Test {
    String { kind: StringKind, negated: bool },
    Numeric { cmp: Cmp },
    Date { cmp: Cmp },
    Bool,
    Binary,
    Ip { negated: bool },
    Arn { negated: bool },
    Null,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StringKind {
    Equals,
    EqualsIgnoreCase,
    Like,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cmp {
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A policy-side value, parsed once for its operator.
#[derive(Debug, Clone, PartialEq)]
enum PolicyValue {
    Text(String),
    Number(f64),
    /// Seconds since the Unix epoch.
    Date(i64),
    Bool(bool),
    Network {
        addr: IpAddr,
        prefix: u8,
    },
}

/// The outcome of one clause, with the reason shown in the lab's table.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ClauseResult {
    pub(super) holds: bool,
    pub(super) reason: String,
}

/// Parses a statement's `Condition` object. `path` is the JSON path of the object.
pub(super) fn parse_condition(
    value: &Value,
    path: &str,
    lang: Lang,
) -> Result<Vec<Clause>, InputError> {
    let Value::Object(operators) = value else {
        return Err(InputError::new(
            path,
            lang.pick(
                "expected an object of condition operators, for example {\"Bool\": {\"aws:SecureTransport\": \"true\"}}",
                "se esperaba un objeto de operadores de condición, por ejemplo {\"Bool\": {\"aws:SecureTransport\": \"true\"}}",
            ),
        ));
    };
    let mut clauses = Vec::new();
    for (written, keys) in operators {
        let op_path = format!("{path}.{written}");
        let (set, test, if_exists) = parse_operator(written).ok_or_else(|| {
            InputError::new(
                &op_path,
                lang.pick(
                    "unknown condition operator; this lab knows String*, Arn*, IpAddress, NotIpAddress, Numeric*, Date*, Bool, BinaryEquals and Null, each optionally ending in IfExists (except Null) and starting with ForAnyValue: or ForAllValues:",
                    "operador de condición desconocido; este laboratorio conoce String*, Arn*, IpAddress, NotIpAddress, Numeric*, Date*, Bool, BinaryEquals y Null, cada uno con IfExists opcional al final (salvo Null) y con ForAnyValue: o ForAllValues: opcional al principio",
                ),
            )
        })?;
        let Value::Object(keys) = keys else {
            return Err(InputError::new(
                &op_path,
                lang.pick(
                    "expected an object of condition keys and values, for example {\"aws:SourceIp\": \"203.0.113.0/24\"}",
                    "se esperaba un objeto de claves de condición y valores, por ejemplo {\"aws:SourceIp\": \"203.0.113.0/24\"}",
                ),
            ));
        };
        if keys.is_empty() {
            return Err(InputError::new(
                &op_path,
                lang.pick(
                    "name at least one condition key",
                    "indiquen al menos una clave de condición",
                ),
            ));
        }
        for (key, raw) in keys {
            let key_path = format!("{op_path}.{key}");
            let items: Vec<&Value> = match raw {
                Value::Array(list) if !list.is_empty() => list.iter().collect(),
                Value::Array(_) => {
                    return Err(InputError::new(
                        &key_path,
                        lang.pick(
                            "the list of values is empty",
                            "la lista de valores está vacía",
                        ),
                    ));
                }
                single => vec![single],
            };
            let values = items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    let value_path = if matches!(raw, Value::Array(_)) {
                        format!("{key_path}[{i}]")
                    } else {
                        key_path.clone()
                    };
                    parse_policy_value(test, v, &value_path, lang)
                })
                .collect::<Result<Vec<_>, _>>()?;
            clauses.push(Clause {
                written: written.clone(),
                key: key.clone(),
                set,
                test,
                if_exists,
                values,
            });
        }
    }
    Ok(clauses)
}

fn parse_operator(written: &str) -> Option<(Option<SetQualifier>, Test, bool)> {
    let (set, rest) = if let Some(rest) = written.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), rest)
    } else if let Some(rest) = written.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), rest)
    } else {
        (None, written)
    };
    let (base, if_exists) = match rest.strip_suffix("IfExists") {
        Some(base) => (base, true),
        None => (rest, false),
    };
    let test = match base {
        "StringEquals" => Test::String {
            kind: StringKind::Equals,
            negated: false,
        },
        "StringNotEquals" => Test::String {
            kind: StringKind::Equals,
            negated: true,
        },
        "StringEqualsIgnoreCase" => Test::String {
            kind: StringKind::EqualsIgnoreCase,
            negated: false,
        },
        "StringNotEqualsIgnoreCase" => Test::String {
            kind: StringKind::EqualsIgnoreCase,
            negated: true,
        },
        "StringLike" => Test::String {
            kind: StringKind::Like,
            negated: false,
        },
        "StringNotLike" => Test::String {
            kind: StringKind::Like,
            negated: true,
        },
        "NumericEquals" => Test::Numeric { cmp: Cmp::Eq },
        "NumericNotEquals" => Test::Numeric { cmp: Cmp::NotEq },
        "NumericLessThan" => Test::Numeric { cmp: Cmp::Lt },
        "NumericLessThanEquals" => Test::Numeric { cmp: Cmp::Le },
        "NumericGreaterThan" => Test::Numeric { cmp: Cmp::Gt },
        "NumericGreaterThanEquals" => Test::Numeric { cmp: Cmp::Ge },
        "DateEquals" => Test::Date { cmp: Cmp::Eq },
        "DateNotEquals" => Test::Date { cmp: Cmp::NotEq },
        "DateLessThan" => Test::Date { cmp: Cmp::Lt },
        "DateLessThanEquals" => Test::Date { cmp: Cmp::Le },
        "DateGreaterThan" => Test::Date { cmp: Cmp::Gt },
        "DateGreaterThanEquals" => Test::Date { cmp: Cmp::Ge },
        "Bool" => Test::Bool,
        "BinaryEquals" => Test::Binary,
        "IpAddress" => Test::Ip { negated: false },
        "NotIpAddress" => Test::Ip { negated: true },
        "ArnEquals" | "ArnLike" => Test::Arn { negated: false },
        "ArnNotEquals" | "ArnNotLike" => Test::Arn { negated: true },
        // "You can add IfExists to the end of any condition operator name except the Null
        // condition."
        "Null" if !if_exists => Test::Null,
        _ => return None,
    };
    Some((set, test, if_exists))
}

fn parse_policy_value(
    test: Test,
    value: &Value,
    path: &str,
    lang: Lang,
) -> Result<PolicyValue, InputError> {
    let text = match value {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        _ => {
            return Err(InputError::new(
                path,
                lang.pick(
                    "expected a string, a number or true/false",
                    "se esperaba un texto, un número o true/false",
                ),
            ));
        }
    };
    if text.contains("${") {
        return Err(InputError::new(
            path,
            lang.pick(
                "policy variables such as ${aws:username} are not evaluated by this lab: write the value they would take",
                "este laboratorio no evalúa variables de política como ${aws:username}: escriban el valor que tomarían",
            ),
        ));
    }
    let bad = |en: &str, es: &str| InputError::new(path, lang.pick(en, es));
    match test {
        Test::String { .. } | Test::Binary | Test::Arn { .. } => Ok(PolicyValue::Text(text)),
        Test::Numeric { .. } => parse_number(&text).map(PolicyValue::Number).ok_or_else(|| {
            bad(
                "expected a number, for example 10 or \"10\"",
                "se esperaba un número, por ejemplo 10 o \"10\"",
            )
        }),
        Test::Date { .. } => parse_date(&text).map(PolicyValue::Date).ok_or_else(|| {
            bad(
                "expected an ISO 8601 date such as \"2026-12-31T23:59:59Z\" or seconds since 1970",
                "se esperaba una fecha ISO 8601 como \"2026-12-31T23:59:59Z\" o segundos desde 1970",
            )
        }),
        Test::Bool | Test::Null => parse_bool(&text).map(PolicyValue::Bool).ok_or_else(|| {
            bad(
                "expected \"true\" or \"false\"",
                "se esperaba \"true\" o \"false\"",
            )
        }),
        Test::Ip { .. } => parse_network(&text)
            .map(|(addr, prefix)| PolicyValue::Network { addr, prefix })
            .ok_or_else(|| {
                bad(
                    "expected an IPv4 or IPv6 address or CIDR block, for example \"203.0.113.0/24\"",
                    "se esperaba una dirección IPv4 o IPv6 o un bloque CIDR, por ejemplo \"203.0.113.0/24\"",
                )
            }),
    }
}

/// The request context: condition keys (compared without case) and their values.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Context {
    entries: Vec<(String, Vec<String>)>,
}

impl Context {
    /// Reads `input.context`: an object of key → string, number, boolean or list of those
    /// (a multivalued key).
    pub(super) fn parse(raw: Option<&Value>, lang: Lang) -> Result<Context, InputError> {
        let path = "input.context";
        let Some(raw) = json_input(raw, path, lang)? else {
            return Ok(Context::default());
        };
        let Value::Object(map) = &raw else {
            return Err(InputError::new(
                path,
                lang.pick(
                    "expected an object of condition keys, for example {\"aws:SourceIp\": \"203.0.113.7\"}",
                    "se esperaba un objeto de claves de condición, por ejemplo {\"aws:SourceIp\": \"203.0.113.7\"}",
                ),
            ));
        };
        Self::from_map(map, path, lang)
    }

    fn from_map(map: &Map<String, Value>, path: &str, lang: Lang) -> Result<Context, InputError> {
        let mut entries: Vec<(String, Vec<String>)> = Vec::new();
        for (key, value) in map {
            let key_path = format!("{path}.{key}");
            if entries.iter().any(|(k, _)| k.eq_ignore_ascii_case(key)) {
                return Err(InputError::new(
                    &key_path,
                    lang.pick(
                        "this key is already given in another spelling: condition keys ignore case",
                        "esta clave ya figura escrita de otra forma: las claves de condición no distinguen mayúsculas",
                    ),
                ));
            }
            let scalar = |v: &Value, p: &str| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                Value::Bool(b) => Ok(b.to_string()),
                _ => Err(InputError::new(
                    p,
                    lang.pick(
                        "expected a string, a number, true/false or a list of those",
                        "se esperaba un texto, un número, true/false o una lista de ellos",
                    ),
                )),
            };
            let values = match value {
                // A null value is the same as leaving the key out.
                Value::Null => continue,
                Value::Array(list) => list
                    .iter()
                    .enumerate()
                    .map(|(i, v)| scalar(v, &format!("{key_path}[{i}]")))
                    .collect::<Result<Vec<_>, _>>()?,
                other => vec![scalar(other, &key_path)?],
            };
            let multivalued = matches!(value, Value::Array(_));
            let mut key = key.clone();
            if multivalued {
                // Remember that the request sent a set, even of one value.
                key.push('\u{0}');
            }
            entries.push((key, values));
        }
        Ok(Context { entries })
    }

    /// The values of `key` and whether the request sent it as a set.
    fn get(&self, key: &str) -> Option<(&[String], bool)> {
        self.entries.iter().find_map(|(k, v)| {
            let (name, set) = match k.strip_suffix('\u{0}') {
                Some(name) => (name, true),
                None => (k.as_str(), false),
            };
            name.eq_ignore_ascii_case(key)
                .then_some((v.as_slice(), set))
        })
    }

    pub(super) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Evaluates one clause against the context.
pub(super) fn evaluate(clause: &Clause, context: &Context, lang: Lang) -> ClauseResult {
    let said = |holds: bool, en: String, es: String| ClauseResult {
        holds,
        reason: format!(
            "{} {} {}: {}",
            clause.written,
            clause.key,
            if holds { "✓" } else { "✗" },
            lang.pick(&en, &es)
        ),
    };
    let found = context.get(&clause.key);
    if clause.test == Test::Null {
        let wants_absent = clause.values.contains(&PolicyValue::Bool(true));
        let absent = found.is_none_or(|(values, _)| values.is_empty());
        return said(
            wants_absent == absent,
            if absent { "key absent" } else { "key present" }.to_string(),
            if absent {
                "la clave no está"
            } else {
                "la clave está"
            }
            .to_string(),
        );
    }
    let Some((values, is_set)) = found else {
        // The documented defaults for a key missing from the request.
        let holds = clause.if_exists
            || clause.set == Some(SetQualifier::ForAllValues)
            || (clause.set.is_none() && clause.test.negated());
        let (en, es) = if clause.if_exists {
            (
                "key absent, and …IfExists holds then",
                "la clave no está, y …IfExists se cumple entonces",
            )
        } else if clause.set == Some(SetQualifier::ForAllValues) {
            (
                "key absent: ForAllValues holds for an empty set",
                "la clave no está: ForAllValues se cumple con un conjunto vacío",
            )
        } else if clause.set == Some(SetQualifier::ForAnyValue) {
            (
                "key absent: ForAnyValue needs at least one value",
                "la clave no está: ForAnyValue necesita al menos un valor",
            )
        } else if holds {
            (
                "key absent: a negated operator holds",
                "la clave no está: un operador negado se cumple",
            )
        } else {
            (
                "key absent from the request",
                "la clave no está en la solicitud",
            )
        };
        return said(holds, en.to_string(), es.to_string());
    };
    let shown = values.join(", ");
    let holds = match clause.set {
        None if is_set => {
            // A single-valued operator given a set: AWS documents no meaning for this, so the
            // lab refuses to guess and says what to write instead.
            return said(
                false,
                format!("the request sends a set ({shown}): use ForAnyValue: or ForAllValues:"),
                format!(
                    "la solicitud envía un conjunto ({shown}): usen ForAnyValue: o ForAllValues:"
                ),
            );
        }
        None => values.iter().all(|v| value_matches(clause, v)),
        Some(SetQualifier::ForAnyValue) => values.iter().any(|v| value_matches(clause, v)),
        Some(SetQualifier::ForAllValues) => values.iter().all(|v| value_matches(clause, v)),
    };
    said(
        holds,
        format!("request has {shown}"),
        format!("la solicitud tiene {shown}"),
    )
}

impl Test {
    fn negated(self) -> bool {
        match self {
            Test::String { negated, .. } | Test::Ip { negated } | Test::Arn { negated } => negated,
            Test::Numeric { cmp } | Test::Date { cmp } => cmp == Cmp::NotEq,
            Test::Bool | Test::Binary | Test::Null => false,
        }
    }
}

/// Whether one request value satisfies the clause: for a positive operator, it matches at least
/// one policy value (OR); for a negated one, it matches none of them (NOR).
fn value_matches(clause: &Clause, request: &str) -> bool {
    let positive = |policy: &PolicyValue| -> bool {
        match (clause.test, policy) {
            (Test::String { kind, .. }, PolicyValue::Text(p)) => match kind {
                StringKind::Equals => p == request,
                StringKind::EqualsIgnoreCase => p.to_lowercase() == request.to_lowercase(),
                StringKind::Like => string_like(p, request),
            },
            (Test::Binary, PolicyValue::Text(p)) => p == request,
            (Test::Arn { .. }, PolicyValue::Text(p)) => arn_like(p, request),
            (Test::Numeric { cmp }, PolicyValue::Number(p)) => {
                parse_number(request).is_some_and(|r| compare(cmp, r, *p))
            }
            (Test::Date { cmp }, PolicyValue::Date(p)) => {
                parse_date(request).is_some_and(|r| compare(cmp, r as f64, *p as f64))
            }
            (Test::Bool, PolicyValue::Bool(p)) => parse_bool(request) == Some(*p),
            (Test::Ip { .. }, PolicyValue::Network { addr, prefix }) => request
                .parse::<IpAddr>()
                .is_ok_and(|r| in_network(r, *addr, *prefix)),
            _ => false,
        }
    };
    match clause.test {
        // `…NotEquals` on numbers and dates: the request value equals none of the listed ones.
        Test::Numeric { cmp: Cmp::NotEq } | Test::Date { cmp: Cmp::NotEq } => {
            let equal = |policy: &PolicyValue| match policy {
                PolicyValue::Number(p) => parse_number(request) == Some(*p),
                PolicyValue::Date(p) => parse_date(request) == Some(*p),
                _ => false,
            };
            !clause.values.iter().any(equal)
        }
        test if test.negated() => !clause.values.iter().any(positive),
        _ => clause.values.iter().any(positive),
    }
}

fn compare(cmp: Cmp, request: f64, policy: f64) -> bool {
    match cmp {
        Cmp::Eq => request == policy,
        Cmp::NotEq => request != policy,
        Cmp::Lt => request < policy,
        Cmp::Le => request <= policy,
        Cmp::Gt => request > policy,
        Cmp::Ge => request >= policy,
    }
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// An address or a CIDR block; a bare address is a block of one (/32 or /128).
fn parse_network(text: &str) -> Option<(IpAddr, u8)> {
    let (addr, prefix) = match text.split_once('/') {
        Some((a, p)) => (a.parse::<IpAddr>().ok()?, Some(p.parse::<u8>().ok()?)),
        None => (text.parse::<IpAddr>().ok()?, None),
    };
    let max = if addr.is_ipv4() { 32 } else { 128 };
    let prefix = prefix.unwrap_or(max);
    (prefix <= max).then_some((addr, prefix))
}

fn in_network(request: IpAddr, network: IpAddr, prefix: u8) -> bool {
    let prefix = u32::from(prefix);
    match (request, network) {
        (IpAddr::V4(r), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
            u32::from(r) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(r), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
            u128::from(r) & mask == u128::from(n) & mask
        }
        // An IPv4 request never falls in an IPv6 block, nor the other way round.
        _ => false,
    }
}

/// An ISO 8601 date (`2026-12-31`, `2026-12-31T23:59:59Z`, with optional fractions and a
/// `±hh:mm` offset) or whole seconds since the Unix epoch, as seconds since the epoch.
pub(super) fn parse_date(text: &str) -> Option<i64> {
    let text = text.trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let (date, time) = match text.split_once(['T', 't']) {
        Some((d, t)) => (d, Some(t)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if parts.next().is_some()
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in(year, month)
    {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let (clock, offset) = if let Some(clock) = time.strip_suffix(['Z', 'z']) {
            (clock, 0)
        } else if let Some(at) = time.rfind(['+', '-']) {
            let (clock, zone) = time.split_at(at);
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let (h, m) = zone[1..].split_once(':')?;
            let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
            if h > 23 || m > 59 {
                return None;
            }
            (clock, sign * (h * 3600 + m * 60))
        } else {
            (time, 0)
        };
        let clock = clock.split('.').next()?;
        let mut fields = clock.split(':');
        let h: i64 = fields.next()?.parse().ok()?;
        let m: i64 = fields.next()?.parse().ok()?;
        let s: i64 = match fields.next() {
            Some(s) => s.parse().ok()?,
            None => 0,
        };
        if fields.next().is_some() || h > 23 || m > 59 || s > 60 {
            return None;
        }
        seconds += h * 3600 + m * 60 + s - offset;
    }
    Some(seconds)
}

fn days_in(year: i64, month: u32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn holds(condition: Value, context: Value) -> bool {
        let clauses = parse_condition(&condition, "c", Lang::En).unwrap();
        let context = Context::parse(Some(&context), Lang::En).unwrap();
        clauses
            .iter()
            .all(|c| evaluate(c, &context, Lang::En).holds)
    }

    // "Condition operators", string condition operators: StringEquals is case-sensitive,
    // StringEqualsIgnoreCase is not, StringLike takes * and ?; several values are an OR.
    #[test]
    fn string_operators() {
        let ctx = json!({"aws:PrincipalTag/team": "Data"});
        assert!(holds(
            json!({"StringEquals": {"aws:PrincipalTag/team": ["ops", "Data"]}}),
            ctx.clone()
        ));
        assert!(!holds(
            json!({"StringEquals": {"aws:PrincipalTag/team": "data"}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "data"}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"StringLike": {"aws:principaltag/TEAM": "D?t*"}}),
            ctx.clone()
        ));
        // Negated operators with several values: the request matches none of them (NOR).
        assert!(!holds(
            json!({"StringNotEquals": {"aws:PrincipalTag/team": ["ops", "Data"]}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"StringNotLike": {"aws:PrincipalTag/team": ["ops*", "x"]}}),
            ctx
        ));
    }

    // "Condition operators", the Important note: a missing key makes the condition false,
    // except for negated operators, …IfExists and Null.
    #[test]
    fn a_missing_key() {
        let none = json!({});
        assert!(!holds(
            json!({"StringEquals": {"aws:SourceVpc": "vpc-1"}}),
            none.clone()
        ));
        assert!(holds(
            json!({"StringNotEquals": {"aws:SourceVpc": "vpc-1"}}),
            none.clone()
        ));
        assert!(holds(
            json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
            none.clone()
        ));
        assert!(holds(
            json!({"Null": {"aws:SourceVpc": "true"}}),
            none.clone()
        ));
        assert!(!holds(
            json!({"Null": {"aws:SourceVpc": false}}),
            none.clone()
        ));
        assert!(!holds(
            json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            none.clone()
        ));
        assert!(holds(
            json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            none
        ));
        // …IfExists with the key present evaluates normally.
        assert!(!holds(
            json!({"StringEqualsIfExists": {"aws:SourceVpc": "vpc-1"}}),
            json!({"aws:SourceVpc": "vpc-2"})
        ));
    }

    // "Condition operators", numeric, date and Boolean operators.
    #[test]
    fn numbers_dates_and_booleans() {
        assert!(holds(
            json!({"NumericLessThanEquals": {"s3:max-keys": "10"}}),
            json!({"s3:max-keys": 10})
        ));
        assert!(!holds(
            json!({"NumericLessThan": {"s3:max-keys": 10}}),
            json!({"s3:max-keys": "10"})
        ));
        assert!(holds(
            json!({"NumericNotEquals": {"s3:max-keys": [1, 2]}}),
            json!({"s3:max-keys": 3})
        ));
        let now = json!({"aws:CurrentTime": "2026-12-07T03:00:00Z"});
        assert!(holds(
            json!({"DateLessThan": {"aws:CurrentTime": "2026-12-31T23:59:59Z"}}),
            now.clone()
        ));
        assert!(!holds(
            json!({"DateGreaterThan": {"aws:CurrentTime": "2026-12-07T04:00:00+01:00"}}),
            now.clone()
        ));
        assert!(holds(
            json!({"DateGreaterThanEquals": {"aws:CurrentTime": "1796612400"}}),
            now
        ));
        assert!(holds(
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            json!({"aws:SecureTransport": true})
        ));
        assert!(!holds(
            json!({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            json!({"aws:MultiFactorAuthPresent": "false"})
        ));
    }

    #[test]
    fn dates_are_read_as_iso_8601_or_epoch_seconds() {
        assert_eq!(parse_date("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(parse_date("2026-12-07"), Some(1_796_601_600));
        assert_eq!(parse_date("2026-12-07T03:00:00.250Z"), Some(1_796_612_400));
        assert_eq!(parse_date("2026-12-07T04:00:00+01:00"), Some(1_796_612_400));
        assert_eq!(parse_date("2024-02-29"), Some(1_709_164_800));
        assert_eq!(parse_date("2026-02-29"), None);
        assert_eq!(parse_date("yesterday"), None);
    }

    // "Condition operators", IP address condition operators: CIDR blocks, IPv4 and IPv6.
    #[test]
    fn ip_addresses() {
        let ctx = json!({"aws:SourceIp": "203.0.113.7"});
        assert!(holds(
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.7"]}}),
            ctx.clone()
        ));
        assert!(!holds(
            json!({"IpAddress": {"aws:SourceIp": "203.0.114.0/24"}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"NotIpAddress": {"aws:SourceIp": "198.51.100.0/24"}}),
            ctx.clone()
        ));
        assert!(holds(
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            ctx.clone()
        ));
        assert!(!holds(
            json!({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}),
            ctx
        ));
        assert!(holds(
            json!({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}}),
            json!({"aws:SourceIp": "2001:db8:1234::1"})
        ));
    }

    // "Condition operators", ARN condition operators.
    #[test]
    fn arn_operators() {
        let ctx = json!({"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ops/Deployer"});
        assert!(holds(
            json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/ops/*"}}),
            ctx.clone()
        ));
        assert!(!holds(
            json!({"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::*:role/ops/*"}}),
            ctx
        ));
    }

    // "Single-valued vs. multivalued context keys": ForAnyValue needs one request value to
    // match; ForAllValues needs every one to, and holds for a missing key.
    #[test]
    fn set_operators() {
        let tags = json!({"aws:TagKeys": ["team", "cost-center"]});
        assert!(holds(
            json!({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}),
            tags.clone()
        ));
        assert!(!holds(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}),
            tags.clone()
        ));
        assert!(holds(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "cost-center", "env"]}}),
            tags.clone()
        ));
        assert!(holds(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}),
            json!({})
        ));
        assert!(!holds(
            json!({"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}}),
            json!({})
        ));
        assert!(holds(
            json!({"ForAllValues:StringEquals": {"aws:TagKeys": "team"}}),
            json!({"aws:TagKeys": []})
        ));
        assert!(holds(
            json!({"ForAnyValue:StringNotEquals": {"aws:TagKeys": "team"}}),
            tags.clone()
        ));
        // A single-valued operator on a set is refused rather than guessed.
        assert!(!holds(
            json!({"StringEquals": {"aws:TagKeys": "team"}}),
            tags
        ));
    }

    #[test]
    fn bad_conditions_name_their_path() {
        let error =
            parse_condition(&json!({"StringEqual": {"k": "v"}}), "c", Lang::En).unwrap_err();
        assert_eq!(error.field, "c.StringEqual");
        let error =
            parse_condition(&json!({"NullIfExists": {"k": "true"}}), "c", Lang::En).unwrap_err();
        assert_eq!(error.field, "c.NullIfExists");
        let error = parse_condition(
            &json!({"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "10.0.0.0/33"]}}),
            "c",
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(error.field, "c.IpAddress.aws:SourceIp[1]");
        let error = parse_condition(
            &json!({"DateLessThan": {"aws:CurrentTime": "soon"}}),
            "c",
            Lang::Es,
        )
        .unwrap_err();
        assert_eq!(error.field, "c.DateLessThan.aws:CurrentTime");
        let error = parse_condition(
            &json!({"StringEquals": {"s3:prefix": "home/${aws:username}/"}}),
            "c",
            Lang::En,
        )
        .unwrap_err();
        assert_eq!(error.field, "c.StringEquals.s3:prefix");
    }
}
