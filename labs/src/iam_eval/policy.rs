//! Reading policy documents, the caller and the policy sets of one request from the lab's input.
//!
//! This module owns the grammar the lab accepts ("IAM JSON policy element reference"): a policy is
//! `{"name": …, "document": {"Version", "Id", "Statement"}}`, a statement has `Effect`,
//! `Action`/`NotAction`, `Resource`/`NotResource`, an optional `Condition` and — only where the
//! policy type allows it — `Principal`. Which policy types take which elements is checked here,
//! with the JSON path of every mistake (`input.boundary[0].document.Statement[1].Effect`). It
//! does not decide anything about a request.

use serde_json::{Map, Value};

use super::condition::{Clause, parse_condition};
use crate::protocol::{InputError, Lang};

/// The policy types of "Policies and permissions in AWS Identity and Access Management", in the
/// order the evaluation logic reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Rcp,
    Scp,
    Resource,
    Identity,
    Boundary,
    Session,
}

impl Kind {
    /// The lab input that holds policies of this type.
    pub(super) fn input(self) -> &'static str {
        match self {
            Kind::Identity => "policies",
            Kind::Resource => "resource_policy",
            Kind::Boundary => "boundary",
            Kind::Session => "session_policies",
            Kind::Scp => "scps",
            Kind::Rcp => "rcps",
        }
    }

    pub(super) fn label(self, lang: Lang) -> &'static str {
        match self {
            Kind::Identity => lang.pick("identity-based", "basada en identidad"),
            Kind::Resource => lang.pick("resource-based", "basada en recursos"),
            Kind::Boundary => lang.pick("permissions boundary", "límite de permisos"),
            Kind::Session => lang.pick("session policy", "política de sesión"),
            Kind::Scp => "SCP",
            Kind::Rcp => "RCP",
        }
    }
}

/// One policy, validated.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Policy {
    pub(super) kind: Kind,
    pub(super) name: String,
    /// For SCPs and RCPs: the root, OU or account it is attached to.
    pub(super) attached_to: Option<String>,
    pub(super) statements: Vec<Statement>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Effect {
    Allow,
    Deny,
}

/// `Action`/`NotAction` or `Resource`/`NotResource`: the listed patterns and whether the
/// element is the negated form.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Element {
    pub(super) negated: bool,
    pub(super) patterns: Vec<String>,
}

/// A statement's `Principal`: everyone (`"*"`), or the listed AWS principals (account IDs,
/// `…:root`, user, role and role-session ARNs). Service, federated and canonical-user principals
/// are kept as an empty list: they never name the IAM caller this lab models.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Principals {
    Everyone,
    Aws(Vec<String>),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) struct Statement {
    pub(super) sid: Option<String>,
    pub(super) effect: Effect,
    pub(super) action: Element,
    pub(super) resource: Element,
    pub(super) principal: Option<Principals>,
    pub(super) conditions: Vec<Clause>,
}

/// Who makes the request: an IAM user, or a session of an IAM role.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Caller {
    pub(super) arn: String,
    pub(super) account: String,
    pub(super) partition: String,
    /// For a role session, the role's name (the ARN's middle part).
    pub(super) role: Option<String>,
}

impl Caller {
    pub(super) const DEFAULT: &'static str = "arn:aws:iam::111122223333:user/reports-bot";

    pub(super) fn parse(text: &str, lang: Lang) -> Result<Caller, InputError> {
        let text = if text.trim().is_empty() {
            Self::DEFAULT
        } else {
            text.trim()
        };
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        let bad = || {
            InputError::new(
                "input.principal",
                lang.pick(
                    "expected an IAM user ARN (arn:aws:iam::111122223333:user/name) or a role session ARN (arn:aws:sts::111122223333:assumed-role/RoleName/session-name)",
                    "se esperaba el ARN de un usuario de IAM (arn:aws:iam::111122223333:user/nombre) o el de una sesión de rol (arn:aws:sts::111122223333:assumed-role/NombreDelRol/nombre-de-sesion)",
                ),
            )
        };
        let [arn, partition, service, region, account, rest] = parts.as_slice() else {
            return Err(bad());
        };
        let account_ok = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
        if *arn != "arn" || partition.is_empty() || !region.is_empty() || !account_ok {
            return Err(bad());
        }
        let role = match (*service, rest.split('/').collect::<Vec<_>>().as_slice()) {
            ("iam", ["user", .., name]) if !name.is_empty() => None,
            ("sts", ["assumed-role", role, session]) if !role.is_empty() && !session.is_empty() => {
                Some(role.to_string())
            }
            _ => return Err(bad()),
        };
        Ok(Caller {
            arn: text.to_string(),
            account: account.to_string(),
            partition: partition.to_string(),
            role,
        })
    }
}

/// Reads one policy input. `required` inputs must hold at least one policy; the others may be
/// absent, empty text or `[]`. A single policy object is accepted in place of a list of one.
pub(super) fn parse_policies(
    kind: Kind,
    raw: Option<&Value>,
    required: bool,
    lang: Lang,
) -> Result<Vec<Policy>, InputError> {
    let path = format!("input.{}", kind.input());
    let path = path.as_str();
    let raw = json_input(raw, path, lang)?;
    let raw = raw.as_ref();
    let items: Vec<(String, &Value)> = match raw {
        None => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, item)| (format!("{path}[{i}]"), item))
            .collect(),
        Some(one @ Value::Object(_)) if kind != Kind::Identity => vec![(path.to_string(), one)],
        Some(_) => {
            return Err(expected(
                path,
                "a list of policies",
                "una lista de políticas",
                lang,
            ));
        }
    };
    if items.is_empty() && required {
        return Err(InputError::new(
            path,
            lang.pick(
                "attach at least one policy: a list of {\"name\": …, \"document\": {…}}",
                "adjunten al menos una política: una lista de {\"name\": …, \"document\": {…}}",
            ),
        ));
    }
    // "Permissions boundaries for IAM entities": an entity has at most one boundary.
    if kind == Kind::Boundary && items.len() > 1 {
        return Err(InputError::new(
            path,
            lang.pick(
                "an IAM user or role has at most one permissions boundary",
                "un usuario o rol de IAM tiene como máximo un límite de permisos",
            ),
        ));
    }
    items
        .iter()
        .map(|(item_path, item)| parse_policy(kind, item, item_path, lang))
        .collect()
}

fn parse_policy(kind: Kind, value: &Value, path: &str, lang: Lang) -> Result<Policy, InputError> {
    let Value::Object(object) = value else {
        return Err(expected(
            path,
            "an object {\"name\": …, \"document\": {…}}",
            "un objeto {\"name\": …, \"document\": {…}}",
            lang,
        ));
    };
    for key in object.keys() {
        let known = matches!(key.as_str(), "name" | "document")
            || (key == "attached_to" && matches!(kind, Kind::Scp | Kind::Rcp));
        if !known {
            return Err(InputError::new(
                format!("{path}.{key}"),
                if matches!(kind, Kind::Scp | Kind::Rcp) {
                    lang.pick(
                        "unknown field; an organization policy has name, document and attached_to (the root, OU or account it is attached to)",
                        "campo desconocido; una política de la organización tiene name, document y attached_to (la raíz, la OU o la cuenta a la que se asocia)",
                    )
                } else {
                    lang.pick(
                        "unknown field; a policy has name and document",
                        "campo desconocido; una política tiene name y document",
                    )
                },
            ));
        }
    }
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
    let attached_to = match object.get("attached_to") {
        None => None,
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(_) => {
            return Err(expected(
                &format!("{path}.attached_to"),
                "the name of the root, OU or account, for example \"Root\" or \"ou-workloads\"",
                "el nombre de la raíz, la OU o la cuenta, por ejemplo \"Root\" u \"ou-workloads\"",
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
            .map(|(i, s)| parse_statement(kind, s, &format!("{statement_path}[{i}]"), lang))
            .collect::<Result<Vec<_>, _>>()?,
        Some(single @ Value::Object(_)) => {
            vec![parse_statement(kind, single, &statement_path, lang)?]
        }
        _ => {
            return Err(expected(
                &statement_path,
                "a statement object or a non-empty list of statements",
                "un objeto de declaración o una lista no vacía de declaraciones",
                lang,
            ));
        }
    };
    Ok(Policy {
        kind,
        name,
        attached_to,
        statements,
    })
}

fn parse_statement(
    kind: Kind,
    value: &Value,
    path: &str,
    lang: Lang,
) -> Result<Statement, InputError> {
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
            "Principal" if matches!(kind, Kind::Resource | Kind::Rcp) => {}
            // "Permissions boundaries for IAM entities" advises against NotPrincipal with Deny
            // and recommends ArnNotEquals on aws:PrincipalArn; the lab models only that form.
            "NotPrincipal" if kind == Kind::Resource => {
                return Err(InputError::new(
                    format!("{path}.{key}"),
                    lang.pick(
                        "this lab does not model NotPrincipal; AWS recommends Principal \"*\" with a Condition on aws:PrincipalArn (ArnNotEquals) instead",
                        "este laboratorio no modela NotPrincipal; AWS recomienda Principal \"*\" con una Condition sobre aws:PrincipalArn (ArnNotEquals) en su lugar",
                    ),
                ));
            }
            "Principal" | "NotPrincipal" => {
                return Err(InputError::new(
                    format!("{path}.{key}"),
                    lang.pick(
                        "only resource-based policies and RCPs name a Principal: the other policy types apply to the identity or account they are attached to",
                        "solo las políticas basadas en recursos y las RCP indican Principal: los demás tipos de política se aplican a la identidad o la cuenta a la que se asocian",
                    ),
                ));
            }
            _ => {
                return Err(InputError::new(
                    format!("{path}.{key}"),
                    lang.pick(
                        "unknown statement element; expected Sid, Effect, Action or NotAction, Resource or NotResource, Condition (and Principal in resource-based policies)",
                        "elemento de declaración desconocido; se esperaba Sid, Effect, Action o NotAction, Resource o NotResource, Condition (y Principal en políticas basadas en recursos)",
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
    // "RCP syntax": Allow is only supported in RCPFullAWSAccess, which AWS attaches everywhere
    // and nobody can detach; the lab assumes it, so the RCPs written here are Deny statements.
    if kind == Kind::Rcp && effect == Effect::Allow {
        return Err(InputError::new(
            format!("{path}.Effect"),
            lang.pick(
                "RCPs you write can only Deny: Allow is reserved to RCPFullAWSAccess, which AWS attaches everywhere (the lab assumes it)",
                "las RCP que ustedes escriben solo pueden denegar (Deny): Allow está reservado a RCPFullAWSAccess, que AWS asocia en todas partes (el laboratorio la supone)",
            ),
        ));
    }
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
    let principal = match object.get("Principal") {
        None if kind == Kind::Resource => {
            return Err(InputError::new(
                format!("{path}.Principal"),
                lang.pick(
                    "missing: a resource-based policy names who it applies to, for example {\"AWS\": \"arn:aws:iam::111122223333:user/reports-bot\"}",
                    "falta: una política basada en recursos indica a quién se aplica, por ejemplo {\"AWS\": \"arn:aws:iam::111122223333:user/reports-bot\"}",
                ),
            ));
        }
        None => None,
        Some(value) => Some(parse_principal(value, &format!("{path}.Principal"), lang)?),
    };
    let conditions = match object.get("Condition") {
        None => Vec::new(),
        Some(value) => parse_condition(value, &format!("{path}.Condition"), lang)?,
    };
    Ok(Statement {
        sid,
        effect,
        action,
        resource,
        principal,
        conditions,
    })
}

fn parse_principal(value: &Value, path: &str, lang: Lang) -> Result<Principals, InputError> {
    let bad = || {
        expected(
            path,
            "\"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:role/Name\"}",
            "\"*\" o un objeto como {\"AWS\": \"arn:aws:iam::111122223333:role/Nombre\"}",
            lang,
        )
    };
    let object = match value {
        Value::String(s) if s == "*" => return Ok(Principals::Everyone),
        Value::Object(object) => object,
        _ => return Err(bad()),
    };
    let mut aws = Vec::new();
    for (key, entries) in object {
        let key_path = format!("{path}.{key}");
        let list: Vec<(String, &Value)> = match entries {
            Value::Array(list) if !list.is_empty() => list
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("{key_path}[{i}]"), v))
                .collect(),
            Value::String(_) => vec![(key_path.clone(), entries)],
            _ => {
                return Err(expected(
                    &key_path,
                    "a string or a non-empty list of strings",
                    "un texto o una lista no vacía de textos",
                    lang,
                ));
            }
        };
        match key.as_str() {
            "AWS" => {
                for (entry_path, entry) in list {
                    let Value::String(entry) = entry else {
                        return Err(expected(&entry_path, "a string", "un texto", lang));
                    };
                    let account = entry.len() == 12 && entry.bytes().all(|b| b.is_ascii_digit());
                    if entry == "*" {
                        return Ok(Principals::Everyone);
                    }
                    if !account && !entry.starts_with("arn:") {
                        return Err(expected(
                            &entry_path,
                            "\"*\", a 12-digit account ID, or the ARN of an account (…:root), user, role or role session",
                            "\"*\", un ID de cuenta de 12 dígitos, o el ARN de una cuenta (…:root), usuario, rol o sesión de rol",
                            lang,
                        ));
                    }
                    aws.push(entry.clone());
                }
            }
            "Service" | "Federated" | "CanonicalUser" => {}
            _ => {
                return Err(InputError::new(
                    key_path,
                    lang.pick(
                        "unknown principal type; expected AWS, Service, Federated or CanonicalUser",
                        "tipo de principal desconocido; se esperaba AWS, Service, Federated o CanonicalUser",
                    ),
                ));
            }
        }
    }
    Ok(Principals::Aws(aws))
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

pub(super) fn parse_action(text: &str, lang: Lang) -> Result<String, InputError> {
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

pub(super) fn parse_resource(text: &str, lang: Lang) -> Result<String, InputError> {
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

/// A JSON input as the lab receives it: absent, a JSON value, or — when the form sends a plain
/// textarea — text holding JSON. Blank text counts as absent.
pub(super) fn json_input(
    raw: Option<&Value>,
    path: &str,
    lang: Lang,
) -> Result<Option<Value>, InputError> {
    match raw {
        None => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => serde_json::from_str::<Value>(text).map(Some).map_err(|e| {
            InputError::new(
                path,
                format!(
                    "{} {e}",
                    lang.pick("is not valid JSON:", "no es JSON válido:")
                ),
            )
        }),
        Some(other) => Ok(Some(other.clone())),
    }
}

pub(super) fn expected(path: &str, en: &str, es: &str, lang: Lang) -> InputError {
    InputError::new(
        path,
        format!(
            "{} {}",
            lang.pick("expected", "se esperaba"),
            lang.pick(en, es)
        ),
    )
}
