//! The `iam-eval` lab: does a set of AWS identity-based policies allow one request?
//!
//! This module owns a small model of AWS's documented evaluation logic for identity-based
//! policies inside one account ("Policy evaluation logic" in the IAM User Guide): every statement
//! of every attached policy is checked against the request's action and resource; an explicit
//! `Deny` that applies wins over everything, otherwise an applicable `Allow` allows, otherwise the
//! request is implicitly denied. It knows the policy grammar well enough to reject malformed
//! documents with a JSON path (`input.policies[0].document.Statement[1].Effect`), and nothing about
//! resource-based policies, SCPs, permission boundaries or session policies — the lab says so.
//!
//! `Condition` blocks are not evaluated: the lab has no request context to evaluate them against.
//! It assumes they hold, marks every such statement in the output, and says when the decision
//! would change if they did not.

use serde_json::{Map, Value};

use crate::protocol::{Block, Fields, InputError, Lang, Request};

/// Runs the lab: parses the policies and the request, evaluates, and explains the decision.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let fields = Fields::new(request);
    let lang = fields.lang();
    let policies = parse_policies(fields.raw("policies"), lang)?;
    let action = parse_action(&fields.string("action", "")?, lang)?;
    let resource = parse_resource(&fields.string("resource", "")?, lang)?;

    let rows = evaluate_statements(&policies, &action, &resource, true);
    let decision = decide(&policies, &rows);
    let mut blocks = vec![decision_block(
        &decision, &policies, &action, &resource, lang,
    )];
    blocks.push(statement_table(&policies, &rows, lang));
    if let Some(block) = condition_note(&policies, &rows, &decision, &action, &resource, lang) {
        blocks.push(block);
    }
    blocks.push(Block::Text {
        text: lang
            .pick(
                "Order of evaluation for identity-based policies in one account: an explicit Deny in any statement wins; otherwise an Allow whose action and resource both match allows; otherwise the request is implicitly denied. Resource-based policies, SCPs, permission boundaries and session policies are not part of this lab.",
                "Orden de evaluación de las políticas basadas en identidad dentro de una cuenta: un Deny explícito en cualquier declaración gana; si no lo hay, un Allow cuya acción y cuyo recurso coinciden permite; si tampoco, la solicitud queda denegada implícitamente. Las políticas basadas en recursos, las SCP, los límites de permisos y las políticas de sesión no forman parte de este laboratorio.",
            )
            .to_string(),
    });
    Ok(blocks)
}

/// One attached policy, validated.
#[derive(Debug, Clone, PartialEq)]
struct Policy {
    name: String,
    statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    Allow,
    Deny,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: the listed patterns and whether the
/// element is the negated form.
#[derive(Debug, Clone, PartialEq)]
struct Element {
    negated: bool,
    patterns: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Statement {
    sid: Option<String>,
    effect: Effect,
    action: Element,
    resource: Element,
    has_condition: bool,
}

/// How one element matched the request: whether it applies, and the pattern responsible.
#[derive(Debug, Clone, PartialEq)]
struct ElementMatch {
    applies: bool,
    /// The listed pattern that matched the request, if any (for `Not…` elements this pattern is
    /// the reason the statement does *not* apply).
    pattern: Option<String>,
}

/// The result of one statement against the request.
#[derive(Debug, Clone, PartialEq)]
struct StatementRow {
    policy: usize,
    statement: usize,
    action: ElementMatch,
    resource: ElementMatch,
    applies: bool,
}

#[derive(Debug, Clone, PartialEq)]
enum Decision {
    /// An applicable Allow and no applicable Deny; the first such Allow is reported.
    Allowed {
        policy: usize,
        statement: usize,
    },
    /// An applicable Deny; the first one is reported.
    ExplicitDeny {
        policy: usize,
        statement: usize,
    },
    ImplicitDeny,
}

// ---------------------------------------------------------------------------------------------
// Parsing and validation
// ---------------------------------------------------------------------------------------------

fn parse_policies(raw: Option<&Value>, lang: Lang) -> Result<Vec<Policy>, InputError> {
    let path = "input.policies";
    let Some(raw) = raw else {
        return Err(InputError::new(
            path,
            lang.pick(
                "attach at least one policy: a list of {\"name\": …, \"document\": {…}}",
                "adjunten al menos una política: una lista de {\"name\": …, \"document\": {…}}",
            ),
        ));
    };
    // The form may send the JSON as text when it comes from a plain textarea.
    let parsed;
    let raw = match raw {
        Value::String(text) => {
            parsed = serde_json::from_str::<Value>(text).map_err(|e| {
                InputError::new(
                    path,
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
    let Value::Array(items) = raw else {
        return Err(expected(
            path,
            "a list of policies",
            "una lista de políticas",
            lang,
        ));
    };
    if items.is_empty() {
        return Err(InputError::new(
            path,
            lang.pick(
                "the list is empty: attach at least one policy",
                "la lista está vacía: adjunten al menos una política",
            ),
        ));
    }
    items
        .iter()
        .enumerate()
        .map(|(i, item)| parse_policy(item, &format!("{path}[{i}]"), lang))
        .collect()
}

fn parse_policy(value: &Value, path: &str, lang: Lang) -> Result<Policy, InputError> {
    let Value::Object(object) = value else {
        return Err(expected(
            path,
            "an object {\"name\": …, \"document\": {…}}",
            "un objeto {\"name\": …, \"document\": {…}}",
            lang,
        ));
    };
    let name = match object.get("name") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        _ => {
            return Err(expected(
                &format!("{path}.name"),
                "the policy's name as a non-empty string",
                "el nombre de la política como texto no vacío",
                lang,
            ));
        }
    };
    let doc_path = format!("{path}.document");
    let Some(Value::Object(document)) = object.get("document") else {
        return Err(expected(
            &doc_path,
            "a policy document (a JSON object with Version and Statement)",
            "un documento de política (un objeto JSON con Version y Statement)",
            lang,
        ));
    };
    for key in document.keys() {
        if !matches!(key.as_str(), "Version" | "Id" | "Statement") {
            return Err(InputError::new(
                format!("{doc_path}.{key}"),
                lang.pick(
                    "unknown policy element; a policy document has Version, Id and Statement",
                    "elemento de política desconocido; un documento de política tiene Version, Id y Statement",
                ),
            ));
        }
    }
    match document.get("Version") {
        // AWS treats a missing Version as 2008-10-17; both versions evaluate the same way
        // for everything this lab models (policy variables are where they differ).
        None => {}
        Some(Value::String(v)) if v == "2012-10-17" || v == "2008-10-17" => {}
        Some(_) => {
            return Err(expected(
                &format!("{doc_path}.Version"),
                "\"2012-10-17\" (or the older \"2008-10-17\")",
                "\"2012-10-17\" (o el antiguo \"2008-10-17\")",
                lang,
            ));
        }
    }
    let statement_path = format!("{doc_path}.Statement");
    let statements = match document.get("Statement") {
        Some(Value::Array(list)) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(i, s)| parse_statement(s, &format!("{statement_path}[{i}]"), lang))
            .collect::<Result<Vec<_>, _>>()?,
        Some(single @ Value::Object(_)) => vec![parse_statement(single, &statement_path, lang)?],
        _ => {
            return Err(expected(
                &statement_path,
                "a statement object or a non-empty list of statements",
                "un objeto de declaración o una lista no vacía de declaraciones",
                lang,
            ));
        }
    };
    Ok(Policy { name, statements })
}

fn parse_statement(value: &Value, path: &str, lang: Lang) -> Result<Statement, InputError> {
    let Value::Object(object) = value else {
        return Err(expected(
            path,
            "a statement object",
            "un objeto de declaración",
            lang,
        ));
    };
    for key in object.keys() {
        match key.as_str() {
            "Sid" | "Effect" | "Action" | "NotAction" | "Resource" | "NotResource"
            | "Condition" => {}
            // Principal only makes sense in resource-based policies; IAM rejects it in a
            // policy attached to a user.
            "Principal" | "NotPrincipal" => {
                return Err(InputError::new(
                    format!("{path}.{key}"),
                    lang.pick(
                        "identity-based policies cannot name a Principal: the principal is the user the policy is attached to",
                        "las políticas basadas en identidad no pueden indicar Principal: el principal es el usuario al que se adjunta la política",
                    ),
                ));
            }
            _ => {
                return Err(InputError::new(
                    format!("{path}.{key}"),
                    lang.pick(
                        "unknown statement element; expected Sid, Effect, Action or NotAction, Resource or NotResource, Condition",
                        "elemento de declaración desconocido; se esperaba Sid, Effect, Action o NotAction, Resource o NotResource, Condition",
                    ),
                ));
            }
        }
    }
    let sid = match object.get("Sid") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => {
            return Err(expected(
                &format!("{path}.Sid"),
                "a string",
                "un texto",
                lang,
            ));
        }
    };
    let effect = match object.get("Effect") {
        Some(Value::String(s)) if s == "Allow" => Effect::Allow,
        Some(Value::String(s)) if s == "Deny" => Effect::Deny,
        _ => {
            return Err(expected(
                &format!("{path}.Effect"),
                "\"Allow\" or \"Deny\" (exactly so written)",
                "\"Allow\" o \"Deny\" (escrito exactamente así)",
                lang,
            ));
        }
    };
    let action = parse_element(
        object,
        path,
        "Action",
        "NotAction",
        lang,
        check_action_pattern,
    )?;
    let resource = parse_element(
        object,
        path,
        "Resource",
        "NotResource",
        lang,
        check_resource_pattern,
    )?;
    let has_condition = match object.get("Condition") {
        None => false,
        Some(Value::Object(_)) => true,
        Some(_) => {
            return Err(expected(
                &format!("{path}.Condition"),
                "an object of condition operators",
                "un objeto de operadores de condición",
                lang,
            ));
        }
    };
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        has_condition,
    })
}

/// Reads `Action` or `NotAction` (or the resource pair): exactly one of them, a string or a
/// non-empty list of strings, each checked by `check`.
fn parse_element(
    object: &Map<String, Value>,
    path: &str,
    plain: &str,
    negated: &str,
    lang: Lang,
    check: fn(&str) -> bool,
) -> Result<Element, InputError> {
    let (key, is_negated, value) = match (object.get(plain), object.get(negated)) {
        (Some(v), None) => (plain, false, v),
        (None, Some(v)) => (negated, true, v),
        (Some(_), Some(_)) => {
            return Err(InputError::new(
                format!("{path}.{negated}"),
                format!(
                    "{} {plain} {} {negated}",
                    lang.pick("a statement has either", "una declaración tiene o bien"),
                    lang.pick("or", "o bien"),
                ),
            ));
        }
        (None, None) => {
            return Err(InputError::new(
                format!("{path}.{plain}"),
                format!(
                    "{} {plain} {} {negated}",
                    lang.pick(
                        "missing: a statement needs",
                        "falta: una declaración necesita"
                    ),
                    lang.pick("or", "o"),
                ),
            ));
        }
    };
    let element_path = format!("{path}.{key}");
    let patterns = match value {
        Value::String(s) => vec![(element_path.clone(), s.clone())],
        Value::Array(list) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok((format!("{element_path}[{i}]"), s.clone())),
                _ => Err(expected(
                    &format!("{element_path}[{i}]"),
                    "a string",
                    "un texto",
                    lang,
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        _ => {
            return Err(expected(
                &element_path,
                "a string or a non-empty list of strings",
                "un texto o una lista no vacía de textos",
                lang,
            ));
        }
    };
    for (pattern_path, pattern) in &patterns {
        if !check(pattern) {
            let message = if plain == "Action" {
                lang.pick(
                    "expected \"*\" or service:action, for example \"ec2:DescribeInstances\" or \"s3:Get*\"",
                    "se esperaba \"*\" o servicio:acción, por ejemplo \"ec2:DescribeInstances\" o \"s3:Get*\"",
                )
            } else {
                lang.pick(
                    "expected \"*\" or an ARN such as \"arn:aws:s3:::my-bucket/*\"",
                    "se esperaba \"*\" o un ARN como \"arn:aws:s3:::my-bucket/*\"",
                )
            };
            return Err(InputError::new(pattern_path.clone(), message));
        }
    }
    Ok(Element {
        negated: is_negated,
        patterns: patterns.into_iter().map(|(_, p)| p).collect(),
    })
}

fn check_action_pattern(pattern: &str) -> bool {
    pattern == "*"
        || pattern
            .split_once(':')
            .is_some_and(|(service, action)| !service.is_empty() && !action.is_empty())
}

fn check_resource_pattern(pattern: &str) -> bool {
    pattern == "*" || (pattern.starts_with("arn:") && pattern.split(':').count() >= 6)
}

fn parse_action(text: &str, lang: Lang) -> Result<String, InputError> {
    let action = text.trim();
    let valid = action
        .split_once(':')
        .is_some_and(|(service, name)| !service.is_empty() && !name.is_empty())
        && !action.contains(['*', '?']);
    if valid {
        Ok(action.to_string())
    } else {
        Err(InputError::new(
            "input.action",
            lang.pick(
                "expected one concrete action, service:Action, for example ec2:DescribeInstances (no wildcards: a request is one action)",
                "se esperaba una acción concreta, servicio:Acción, por ejemplo ec2:DescribeInstances (sin comodines: una solicitud es una sola acción)",
            ),
        ))
    }
}

fn parse_resource(text: &str, lang: Lang) -> Result<String, InputError> {
    let resource = text.trim();
    if resource == "*" || (resource.starts_with("arn:") && resource.split(':').count() >= 6) {
        Ok(resource.to_string())
    } else {
        Err(InputError::new(
            "input.resource",
            lang.pick(
                "expected an ARN with six colon-separated parts (arn:partition:service:region:account:resource), or * for actions without resource-level permissions",
                "se esperaba un ARN con seis partes separadas por dos puntos (arn:partición:servicio:región:cuenta:recurso), o * para acciones sin permisos a nivel de recurso",
            ),
        ))
    }
}

fn expected(path: &str, en: &str, es: &str, lang: Lang) -> InputError {
    InputError::new(
        path,
        format!(
            "{} {}",
            lang.pick("expected", "se esperaba"),
            lang.pick(en, es)
        ),
    )
}

// ---------------------------------------------------------------------------------------------
// Matching and evaluation
// ---------------------------------------------------------------------------------------------

/// Whether an action pattern matches a request action. Action names are case-insensitive
/// ("IAM JSON policy elements: Action"), and `*` / `?` may appear anywhere.
fn action_matches(pattern: &str, action: &str) -> bool {
    let pattern: Vec<char> = pattern.to_lowercase().chars().collect();
    let action: Vec<char> = action.to_lowercase().chars().collect();
    glob(&pattern, &action, false)
}

/// Whether a resource pattern matches a request ARN. ARNs are case-sensitive; a wildcard stays
/// inside its colon-separated segment unless a `*` is the last character of a segment, in which
/// case it may expand beyond the colon ("IAM JSON policy elements: Resource", wildcards).
fn resource_matches(pattern: &str, resource: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let resource: Vec<char> = resource.chars().collect();
    glob(&pattern, &resource, true)
}

/// Wildcard matching by dynamic programming over (pattern position, text position), so that no
/// pattern can make it take exponential time. With `arn` set, `?` and a mid-segment `*` do not
/// match `:`.
fn glob(pattern: &[char], text: &[char], arn: bool) -> bool {
    let (p, t) = (pattern.len(), text.len());
    // matches[i][j]: pattern[i..] matches text[j..].
    let mut matches = vec![vec![false; t + 1]; p + 1];
    matches[p][t] = true;
    for i in (0..p).rev() {
        for j in (0..=t).rev() {
            matches[i][j] = match pattern[i] {
                '*' => {
                    let may_cross = !arn || i + 1 == p || pattern[i + 1] == ':';
                    // Match nothing here, or swallow one character and stay on the `*`.
                    matches[i + 1][j]
                        || (j < t && (may_cross || text[j] != ':') && matches[i][j + 1])
                }
                '?' => j < t && (!arn || text[j] != ':') && matches[i + 1][j + 1],
                c => j < t && text[j] == c && matches[i + 1][j + 1],
            };
        }
    }
    matches[0][0]
}

fn match_element(element: &Element, value: &str, matcher: fn(&str, &str) -> bool) -> ElementMatch {
    let pattern = element.patterns.iter().find(|p| matcher(p, value)).cloned();
    // NotAction / NotResource: the statement covers everything *except* what is listed.
    let applies = pattern.is_some() != element.negated;
    ElementMatch { applies, pattern }
}

/// Checks every statement; `with_conditions` says whether statements carrying a Condition are
/// assumed to apply (`true`) or assumed not to (`false`).
fn evaluate_statements(
    policies: &[Policy],
    action: &str,
    resource: &str,
    with_conditions: bool,
) -> Vec<StatementRow> {
    let mut rows = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            let action_match = match_element(&statement.action, action, action_matches);
            let resource_match = match_element(&statement.resource, resource, resource_matches);
            let applies = action_match.applies
                && resource_match.applies
                && (with_conditions || !statement.has_condition);
            rows.push(StatementRow {
                policy: p,
                statement: s,
                action: action_match,
                resource: resource_match,
                applies,
            });
        }
    }
    rows
}

fn effect_of(policies: &[Policy], row: &StatementRow) -> Effect {
    policies[row.policy].statements[row.statement].effect
}

/// The documented order: any applicable Deny wins; else any applicable Allow; else implicit deny.
fn decide(policies: &[Policy], rows: &[StatementRow]) -> Decision {
    let applicable = |effect| {
        rows.iter()
            .find(|r| r.applies && effect_of(policies, r) == effect)
    };
    if let Some(row) = applicable(Effect::Deny) {
        Decision::ExplicitDeny {
            policy: row.policy,
            statement: row.statement,
        }
    } else if let Some(row) = applicable(Effect::Allow) {
        Decision::Allowed {
            policy: row.policy,
            statement: row.statement,
        }
    } else {
        Decision::ImplicitDeny
    }
}

/// Evaluates a request end to end.
#[cfg(test)]
fn evaluate(policies: &[Policy], action: &str, resource: &str) -> Decision {
    decide(
        policies,
        &evaluate_statements(policies, action, resource, true),
    )
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

fn statement_label(policies: &[Policy], policy: usize, statement: usize) -> String {
    let p = &policies[policy];
    let index = if p.statements.len() == 1 {
        "Statement".to_string()
    } else {
        format!("Statement[{statement}]")
    };
    match &p.statements[statement].sid {
        Some(sid) if !sid.is_empty() => format!("{index} (Sid \"{sid}\")"),
        _ => index,
    }
}

fn decision_block(
    decision: &Decision,
    policies: &[Policy],
    action: &str,
    resource: &str,
    lang: Lang,
) -> Block {
    match *decision {
        Decision::Allowed { policy, statement } => Block::Verdict {
            status: "pass".into(),
            title: lang.pick("Allowed", "Permitido").into(),
            detail: format!(
                "{}{} {} {} {} {action} {} {resource}, {}",
                lang.pick("", "La declaración "),
                statement_label(policies, policy, statement),
                lang.pick("of policy", "de la política"),
                policies[policy].name,
                lang.pick("allows", "permite"),
                lang.pick("on", "sobre"),
                lang.pick(
                    "and no statement in any attached policy explicitly denies it.",
                    "y ninguna declaración de las políticas adjuntas lo deniega explícitamente.",
                ),
            ),
        },
        Decision::ExplicitDeny { policy, statement } => Block::Verdict {
            status: "fail".into(),
            title: lang
                .pick("Denied: explicit deny", "Denegado: denegación explícita")
                .into(),
            detail: format!(
                "{}{} {} {} {} {action} {} {resource}. {}",
                lang.pick("", "La declaración "),
                statement_label(policies, policy, statement),
                lang.pick("of policy", "de la política"),
                policies[policy].name,
                lang.pick("denies", "deniega"),
                lang.pick("on", "sobre"),
                lang.pick(
                    "An explicit Deny overrides every Allow, in this or any other policy.",
                    "Un Deny explícito anula cualquier Allow, de esta o de otra política.",
                ),
            ),
        },
        Decision::ImplicitDeny => Block::Verdict {
            status: "fail".into(),
            title: lang
                .pick("Denied: implicit deny", "Denegado: denegación implícita")
                .into(),
            detail: format!(
                "{} {action} {} {resource}. {}",
                lang.pick(
                    "No statement in the attached policies allows",
                    "Ninguna declaración de las políticas adjuntas permite",
                ),
                lang.pick("on", "sobre"),
                lang.pick(
                    "Nothing denies it either, but in AWS every request starts denied and needs an Allow.",
                    "Tampoco hay una que lo deniegue, pero en AWS toda solicitud empieza denegada y necesita un Allow.",
                ),
            ),
        },
    }
}

fn describe_match(element: &Element, found: &ElementMatch, lang: Lang) -> String {
    let yes = lang.pick("yes", "sí");
    let no = lang.pick("no", "no");
    match (&found.pattern, element.negated) {
        (Some(pattern), false) => format!("{yes} ({pattern})"),
        (None, false) => format!(
            "{no} ({})",
            lang.pick("no pattern matches", "ningún patrón coincide")
        ),
        (Some(pattern), true) => format!(
            "{no} ({} {pattern})",
            lang.pick("excluded by", "excluido por")
        ),
        (None, true) => format!("{yes} ({})", lang.pick("not excluded", "no está excluido")),
    }
}

fn statement_table(policies: &[Policy], rows: &[StatementRow], lang: Lang) -> Block {
    let table_rows = rows
        .iter()
        .map(|row| {
            let statement = &policies[row.policy].statements[row.statement];
            let element_name = |element: &Element, plain: &str, negated: &str| {
                if element.negated {
                    negated.to_string()
                } else {
                    plain.to_string()
                }
            };
            vec![
                policies[row.policy].name.clone(),
                statement_label(policies, row.policy, row.statement),
                match statement.effect {
                    Effect::Allow => "Allow".to_string(),
                    Effect::Deny => "Deny".to_string(),
                },
                format!(
                    "{}: {}",
                    element_name(&statement.action, "Action", "NotAction"),
                    describe_match(&statement.action, &row.action, lang)
                ),
                format!(
                    "{}: {}",
                    element_name(&statement.resource, "Resource", "NotResource"),
                    describe_match(&statement.resource, &row.resource, lang)
                ),
                if statement.has_condition {
                    lang.pick(
                        "not evaluated (assumed true)",
                        "no evaluada (se supone verdadera)",
                    )
                    .to_string()
                } else {
                    "—".to_string()
                },
                lang.pick(
                    if row.applies { "yes" } else { "no" },
                    if row.applies { "sí" } else { "no" },
                )
                .to_string(),
            ]
        })
        .collect();
    Block::Table {
        caption: lang
            .pick(
                "Every statement against the request",
                "Cada declaración frente a la solicitud",
            )
            .into(),
        columns: [
            lang.pick("Policy", "Política"),
            lang.pick("Statement", "Declaración"),
            lang.pick("Effect", "Efecto"),
            lang.pick("Action matches", "Coincide la acción"),
            lang.pick("Resource matches", "Coincide el recurso"),
            lang.pick("Condition", "Condición"),
            lang.pick("Applies", "Se aplica"),
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: table_rows,
    }
}

/// When some applicable statement has a Condition, says so, and whether the decision would be
/// different if those conditions were false.
fn condition_note(
    policies: &[Policy],
    rows: &[StatementRow],
    assumed: &Decision,
    action: &str,
    resource: &str,
    lang: Lang,
) -> Option<Block> {
    let conditional: Vec<String> = rows
        .iter()
        .filter(|r| r.applies && policies[r.policy].statements[r.statement].has_condition)
        .map(|r| {
            format!(
                "{} {}",
                policies[r.policy].name,
                statement_label(policies, r.policy, r.statement)
            )
        })
        .collect();
    if conditional.is_empty() {
        return None;
    }
    let without = decide(
        policies,
        &evaluate_statements(policies, action, resource, false),
    );
    let outcome = |d: &Decision| match d {
        Decision::Allowed { .. } => lang.pick("allowed", "permitido"),
        Decision::ExplicitDeny { .. } => lang.pick("explicitly denied", "denegado explícitamente"),
        Decision::ImplicitDeny => lang.pick("implicitly denied", "denegado implícitamente"),
    };
    let same = std::mem::discriminant(assumed) == std::mem::discriminant(&without);
    let detail = format!(
        "{} {}. {}",
        lang.pick(
            "This lab does not evaluate Condition blocks (it has no request context) and assumed these hold:",
            "Este laboratorio no evalúa bloques Condition (no tiene el contexto de la solicitud) y supuso que se cumplen:",
        ),
        conditional.join(", "),
        if same {
            format!(
                "{} {}.",
                lang.pick(
                    "If they did not hold, the request would still be",
                    "Si no se cumplieran, la solicitud seguiría siendo",
                ),
                outcome(&without)
            )
        } else {
            format!(
                "{} {}.",
                lang.pick(
                    "If they did not hold, the request would be",
                    "Si no se cumplieran, la solicitud quedaría",
                ),
                outcome(&without)
            )
        }
    );
    Some(Block::Verdict {
        status: if same { "info" } else { "warn" }.into(),
        title: lang
            .pick("Conditions not evaluated", "Condiciones no evaluadas")
            .into(),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policies(value: Value) -> Vec<Policy> {
        parse_policies(Some(&value), Lang::En).unwrap()
    }

    fn one(statements: Value) -> Vec<Policy> {
        policies(
            json!([{"name": "p", "document": {"Version": "2012-10-17", "Statement": statements}}]),
        )
    }

    const INSTANCE: &str = "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc";

    // "Policy evaluation logic": an explicit deny in any policy overrides any allow.
    #[test]
    fn explicit_deny_beats_allow_even_in_another_policy() {
        let ps = policies(json!([
            {"name": "allow-all-ec2", "document": {"Statement": {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}}},
            {"name": "deny-terminate", "document": {"Statement": [{"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"}]}}
        ]));
        assert_eq!(
            evaluate(&ps, "ec2:TerminateInstances", INSTANCE),
            Decision::ExplicitDeny {
                policy: 1,
                statement: 0
            }
        );
        assert_eq!(
            evaluate(&ps, "ec2:StartInstances", INSTANCE),
            Decision::Allowed {
                policy: 0,
                statement: 0
            }
        );
    }

    // "Policy evaluation logic": with no applicable Allow the request is implicitly denied.
    #[test]
    fn no_allow_means_implicit_deny() {
        let ps = one(
            json!([{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]),
        );
        assert_eq!(
            evaluate(&ps, "s3:PutObject", "arn:aws:s3:::reports/a.csv"),
            Decision::ImplicitDeny
        );
        assert_eq!(
            evaluate(&ps, "s3:GetObject", "arn:aws:s3:::other/a.csv"),
            Decision::ImplicitDeny
        );
    }

    // "IAM JSON policy elements: Action": action names are case-insensitive and accept wildcards.
    #[test]
    fn actions_match_case_insensitively_with_wildcards() {
        assert!(action_matches("ec2:Describe*", "EC2:describeinstances"));
        assert!(action_matches("s3:Get?bject", "s3:GetObject"));
        assert!(action_matches("*", "iam:CreateUser"));
        assert!(!action_matches("ec2:Describe*", "ec2:RunInstances"));
        assert!(!action_matches("s3:Get", "s3:GetObject"));
    }

    // "IAM JSON policy elements: Resource": ARNs are case-sensitive; `*` inside a segment does
    // not cross a colon unless it ends the segment.
    #[test]
    fn resources_match_case_sensitively_within_segments() {
        assert!(resource_matches(
            "arn:aws:s3:::reports/*",
            "arn:aws:s3:::reports/2025/a.csv"
        ));
        assert!(!resource_matches(
            "arn:aws:s3:::Reports/*",
            "arn:aws:s3:::reports/a.csv"
        ));
        assert!(resource_matches(
            "arn:aws:ec2:*:123456789012:instance/*",
            INSTANCE
        ));
        assert!(resource_matches(
            "arn:aws:iam::123456789012:user/B?b",
            "arn:aws:iam::123456789012:user/Bob"
        ));
        // A mid-segment `*` stays inside its segment…
        assert!(!resource_matches(
            "arn:aws:ec2:us-*1:1:x",
            "arn:aws:ec2:us-east:1:1:x"
        ));
        // …but one that ends a segment may expand past colons.
        assert!(resource_matches("arn:aws:ec2:*", INSTANCE));
        assert!(resource_matches("*", INSTANCE));
    }

    // "IAM JSON policy elements: NotAction": an Allow with NotAction allows everything except
    // the listed actions, and does not deny the listed ones — they are simply not allowed.
    #[test]
    fn not_action_allows_everything_else_but_does_not_deny() {
        let ps = one(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}));
        assert_eq!(evaluate(&ps, "iam:CreateUser", "*"), Decision::ImplicitDeny);
        assert!(matches!(
            evaluate(&ps, "s3:ListBucket", "arn:aws:s3:::b"),
            Decision::Allowed { .. }
        ));
        // With Deny, NotAction denies every action except the listed ones.
        let ps = one(json!([
            {"Effect": "Allow", "Action": "*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["iam:ChangePassword", "iam:GetUser"], "Resource": "*"}
        ]));
        assert!(matches!(
            evaluate(&ps, "iam:GetUser", "*"),
            Decision::Allowed { .. }
        ));
        assert_eq!(
            evaluate(&ps, "ec2:RunInstances", INSTANCE),
            Decision::ExplicitDeny {
                policy: 0,
                statement: 1
            }
        );
    }

    // "IAM JSON policy elements: NotResource": the statement covers every resource except those
    // listed.
    #[test]
    fn not_resource_covers_every_other_resource() {
        let ps = one(json!([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"]}
        ]));
        assert!(matches!(
            evaluate(&ps, "s3:GetObject", "arn:aws:s3:::public/index.html"),
            Decision::Allowed { .. }
        ));
        assert_eq!(
            evaluate(&ps, "s3:GetObject", "arn:aws:s3:::private/keys.txt"),
            Decision::ExplicitDeny {
                policy: 0,
                statement: 1
            }
        );
    }

    #[test]
    fn malformed_policies_are_reported_with_their_path() {
        let bad = json!([{"name": "p", "document": {"Statement": [
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "allow", "Action": "s3:*", "Resource": "*"}
        ]}}]);
        let error = parse_policies(Some(&bad), Lang::En).unwrap_err();
        assert_eq!(
            error.field,
            "input.policies[0].document.Statement[1].Effect"
        );

        let both = json!([{"name": "p", "document": {"Statement": {"Effect": "Deny", "Action": "*", "NotAction": "s3:*", "Resource": "*"}}}]);
        let error = parse_policies(Some(&both), Lang::Es).unwrap_err();
        assert_eq!(
            error.field,
            "input.policies[0].document.Statement.NotAction"
        );

        let arn = json!([{"name": "p", "document": {"Statement": {"Effect": "Deny", "Action": "*", "Resource": ["*", "bucket"]}}}]);
        let error = parse_policies(Some(&arn), Lang::En).unwrap_err();
        assert_eq!(
            error.field,
            "input.policies[0].document.Statement.Resource[1]"
        );
    }

    #[test]
    fn conditions_are_assumed_true_and_flagged() {
        let ps = one(
            json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}),
        );
        let rows = evaluate_statements(&ps, "s3:GetObject", "arn:aws:s3:::b", true);
        let decision = decide(&ps, &rows);
        assert!(matches!(decision, Decision::Allowed { .. }));
        let note = condition_note(
            &ps,
            &rows,
            &decision,
            "s3:GetObject",
            "arn:aws:s3:::b",
            Lang::En,
        )
        .unwrap();
        let Block::Verdict { status, .. } = note else {
            panic!("expected a verdict")
        };
        assert_eq!(status, "warn");
    }
}
