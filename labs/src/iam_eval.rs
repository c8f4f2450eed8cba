//! The `iam-eval` lab: is one AWS request allowed, across every policy type that can apply?
//!
//! The lab takes the caller (an IAM user or a role session), one action, one resource, a request
//! context of condition keys, and the policies in play: identity-based policies, a resource-based
//! policy, a permissions boundary, session policies, SCPs and RCPs. It evaluates every statement
//! and follows AWS's documented order for a request within one account (see [`evaluate`]),
//! answering with the decision, the path through the seven steps (the picture of the answer), and
//! a table of every statement with the reason it applies or not.
//!
//! The pieces live in child modules: [`policy`] (the grammar and the caller), [`condition`]
//! (condition operators and the request context), [`wildcard`] (the linear-memory matchers) and
//! [`evaluate`] (the order of evaluation). This module only reads the input and writes the answer.
//! Requests across accounts are out of scope and the lab says so: there, the resource's account
//! must also allow through its resource-based policy.

mod condition;
mod evaluate;
mod policy;
mod wildcard;

use crate::protocol::{Block, Fields, InputError, Lang, Request};

use self::condition::Context;
use self::evaluate::{Decision, Evaluation, Finding, PrincipalMatch, Row, Step};
use self::policy::{
    Caller, Effect, Element, Kind, Policy, parse_action, parse_policies, parse_resource,
};

/// Runs the lab: reads the request and the policies, evaluates, and explains the decision.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let input = read_input(request)?;
    let evaluation = input.evaluate();
    let view = View {
        policies: &input.policies,
        evaluation: &evaluation,
        caller: &input.caller,
        action: &input.action,
        resource: &input.resource,
        lang: request.lang,
    };
    Ok(vec![
        view.verdict(),
        view.path_table(),
        view.statement_table(),
        Block::Text {
            text: view.scope_note(&input.context),
        },
    ])
}

/// The lab's input, validated.
struct Input {
    caller: Caller,
    action: String,
    resource: String,
    context: Context,
    policies: Vec<Policy>,
    lang: Lang,
}

impl Input {
    fn evaluate(&self) -> Evaluation {
        evaluate::evaluate(
            &self.policies,
            &evaluate::Request {
                caller: &self.caller,
                action: &self.action,
                resource: &self.resource,
                context: &self.context,
            },
            self.lang,
        )
    }
}

fn read_input(request: &Request) -> Result<Input, InputError> {
    let fields = Fields::new(request);
    let lang = fields.lang();
    let caller = Caller::parse(&fields.string("principal", "")?, lang)?;
    let action = parse_action(&fields.string("action", "")?, lang)?;
    let resource = parse_resource(&fields.string("resource", "")?, lang)?;
    let context = Context::parse(fields.raw("context"), lang)?;
    let mut policies = Vec::new();
    for kind in [
        Kind::Identity,
        Kind::Resource,
        Kind::Boundary,
        Kind::Session,
        Kind::Scp,
        Kind::Rcp,
    ] {
        policies.extend(parse_policies(
            kind,
            fields.raw(kind.input()),
            kind == Kind::Identity,
            lang,
        )?);
    }
    // "Session policies": passed when a role is assumed or a federated user session is made;
    // an IAM user signing with its own keys has no session policy.
    if caller.role.is_none() && policies.iter().any(|p| p.kind == Kind::Session) {
        return Err(InputError::new(
            "input.session_policies",
            lang.pick(
                "session policies apply to role sessions (AssumeRole…) and federated sessions; make the principal a role session ARN (arn:aws:sts::111122223333:assumed-role/RoleName/session) or remove them",
                "las políticas de sesión se aplican a sesiones de rol (AssumeRole…) y sesiones federadas; pongan como principal el ARN de una sesión de rol (arn:aws:sts::111122223333:assumed-role/NombreDelRol/sesion) o quítenlas",
            ),
        ));
    }
    Ok(Input {
        caller,
        action,
        resource,
        context,
        policies,
        lang,
    })
}

/// Everything the answer is written from.
struct View<'a> {
    policies: &'a [Policy],
    evaluation: &'a Evaluation,
    caller: &'a Caller,
    action: &'a str,
    resource: &'a str,
    lang: Lang,
}

impl View<'_> {
    fn row(&self, index: usize) -> &Row {
        &self.evaluation.rows[index]
    }

    /// "Statement[1] (Sid "X") of policy P (permissions boundary)".
    fn statement_name(&self, index: usize) -> String {
        let row = self.row(index);
        let policy = &self.policies[row.policy];
        format!(
            "{} {} {} ({})",
            statement_label(policy, row.statement),
            self.lang.pick("of", "de"),
            policy.name,
            policy.kind.label(self.lang)
        )
    }

    fn verdict(&self) -> Block {
        let lang = self.lang;
        let request = format!(
            "{} {} {} {}",
            self.action,
            lang.pick("on", "sobre"),
            self.resource,
            lang.pick("by", "por"),
        ) + " "
            + &self.caller.arn;
        match &self.evaluation.decision {
            Decision::Allowed { step, row } => {
                let how = if *step == Step::Resource {
                    lang.pick(
                        "allows the caller itself, which decides within one account: an implicit deny in identity-based policies, a permissions boundary or a session policy does not take it away.",
                        "permite a quien llama, en persona, y eso decide dentro de una misma cuenta: una denegación implícita en las políticas basadas en identidad, el límite de permisos o una política de sesión no lo quita.",
                    )
                } else {
                    lang.pick(
                        "allows it, no statement of any policy denies it, and every ceiling in play (SCPs, permissions boundary, session policies) allows it too.",
                        "lo permite, ninguna declaración de ninguna política lo deniega, y cada techo en juego (SCP, límite de permisos, políticas de sesión) también lo permite.",
                    )
                };
                Block::Verdict {
                    status: "pass".into(),
                    title: lang.pick("Allowed", "Permitido").into(),
                    detail: format!("{request}: {} {how}", self.statement_name(*row)),
                }
            }
            Decision::ExplicitDeny { row } => Block::Verdict {
                status: "fail".into(),
                title: lang
                    .pick("Denied: explicit deny", "Denegado: denegación explícita")
                    .into(),
                detail: format!(
                    "{request}: {} {}",
                    self.statement_name(*row),
                    lang.pick(
                        "denies it. An explicit Deny in any policy of any type overrides every Allow.",
                        "lo deniega. Un Deny explícito en cualquier política, del tipo que sea, anula cualquier Allow.",
                    )
                ),
            },
            Decision::ImplicitDeny { step } => Block::Verdict {
                status: "fail".into(),
                title: lang
                    .pick("Denied: implicit deny", "Denegado: denegación implícita")
                    .into(),
                detail: format!("{request}: {}", self.implicit_reason(*step)),
            },
        }
    }

    fn implicit_reason(&self, step: Step) -> String {
        let lang = self.lang;
        match step {
            Step::Scp => {
                let level = self.evaluation.path.iter().find_map(|(s, f)| match (s, f) {
                    (Step::Scp, Finding::NoAllow(level)) => level.clone(),
                    _ => None,
                });
                format!(
                    "{} {}. {}",
                    lang.pick(
                        "no SCP allows it at the level",
                        "ninguna SCP lo permite en el nivel",
                    ),
                    level_name(level.as_deref().unwrap_or(""), lang),
                    lang.pick(
                        "SCPs never grant, but an Allow is needed at every level from the root to the account.",
                        "Las SCP nunca conceden, pero hace falta un Allow en cada nivel, desde la raíz hasta la cuenta.",
                    )
                )
            }
            Step::Boundary => lang
                .pick(
                    "the permissions boundary does not allow it. A boundary grants nothing; it is the most the identity-based policies can give.",
                    "el límite de permisos no lo permite. Un límite no concede nada; es lo máximo que pueden dar las políticas basadas en identidad.",
                )
                .to_string(),
            Step::Session => lang
                .pick(
                    "no session policy allows it. Session policies grant nothing; they cap what the role's policies give this session.",
                    "ninguna política de sesión lo permite. Las políticas de sesión no conceden nada; limitan lo que las políticas del rol le dan a esta sesión.",
                )
                .to_string(),
            _ => lang
                .pick(
                    "no identity-based policy allows it, and no resource-based policy allows this caller. Nothing denies it either, but in AWS every request starts denied and needs an Allow.",
                    "ninguna política basada en identidad lo permite, y ninguna política basada en recursos permite a quien llama. Tampoco hay nada que lo deniegue, pero en AWS toda solicitud empieza denegada y necesita un Allow.",
                )
                .to_string(),
        }
    }

    /// The decision path: one row per documented step, in order, with what it found. It leads the
    /// answer under the verdict (a path of reasons, not quantities, so no chart), and its caption
    /// names the step that decided, so the path reads at a glance.
    fn path_table(&self) -> Block {
        let lang = self.lang;
        let mut decided: Option<(usize, Step, &'static str)> = None;
        let rows = self
            .evaluation
            .path
            .iter()
            .enumerate()
            .map(|(i, (step, finding))| {
                let (found, result) = self.describe_finding(*step, finding);
                let passes = matches!(finding, Finding::Absent | Finding::NotReached)
                    || result == lang.pick("continue", "sigue");
                if decided.is_none() && !passes {
                    decided = Some((i + 1, *step, result));
                }
                vec![
                    format!("{}. {}", i + 1, step_name(*step, lang)),
                    self.policies_of(*step),
                    found,
                    result.to_string(),
                ]
            })
            .collect();
        let mut block = table(
            lang,
            ("", ""),
            &[
                ("Step", "Paso"),
                ("Policies", "Políticas"),
                ("What it found", "Qué encontró"),
                ("Result", "Resultado"),
            ],
            rows,
        );
        if let Block::Table { caption, .. } = &mut block {
            *caption = match decided {
                Some((number, step, result)) => format!(
                    "{} {number}, {}: {result}",
                    lang.pick(
                        "Decision path in AWS's order of evaluation, decided at step",
                        "Camino de la decisión en el orden de evaluación de AWS, decidido en el paso",
                    ),
                    step_name(step, lang),
                ),
                None => lang
                    .pick(
                        "Decision path: AWS's order of evaluation, step by step",
                        "Camino de la decisión: el orden de evaluación de AWS, paso a paso",
                    )
                    .to_string(),
            };
        }
        block
    }

    fn policies_of(&self, step: Step) -> String {
        let kind = match step {
            Step::Deny => {
                return format!(
                    "{} {}",
                    self.policies.len(),
                    self.lang.pick("(all)", "(todas)")
                );
            }
            Step::Rcp => Kind::Rcp,
            Step::Scp => Kind::Scp,
            Step::Resource => Kind::Resource,
            Step::Identity => Kind::Identity,
            Step::Boundary => Kind::Boundary,
            Step::Session => Kind::Session,
        };
        let names: Vec<&str> = self
            .policies
            .iter()
            .filter(|p| p.kind == kind)
            .map(|p| p.name.as_str())
            .collect();
        if names.is_empty() {
            "—".to_string()
        } else {
            names.join(", ")
        }
    }

    fn describe_finding(&self, step: Step, finding: &Finding) -> (String, &'static str) {
        let lang = self.lang;
        let continue_ = lang.pick("continue", "sigue");
        match finding {
            Finding::Absent => (
                lang.pick("none in play", "ninguna en juego").to_string(),
                lang.pick("skipped", "se omite"),
            ),
            Finding::NotReached => ("—".to_string(), lang.pick("not reached", "no se llega")),
            Finding::Denied(row) => (
                format!("Deny: {}", self.statement_name(*row)),
                lang.pick("DENY (explicit)", "DENEGADO (explícito)"),
            ),
            Finding::Passed(_) if step == Step::Deny => (
                lang.pick("no Deny applies", "ningún Deny se aplica")
                    .to_string(),
                continue_,
            ),
            Finding::Passed(_) if step == Step::Rcp => (
                lang.pick(
                    "RCPFullAWSAccess allows; no RCP denies",
                    "RCPFullAWSAccess permite; ninguna RCP deniega",
                )
                .to_string(),
                continue_,
            ),
            Finding::Passed(rows) => {
                let names: Vec<String> = rows.iter().map(|r| self.short_name(*r)).collect();
                let last = step == Step::Session
                    || (step == Step::Boundary
                        && !self.policies.iter().any(|p| p.kind == Kind::Session))
                    || (step == Step::Identity
                        && !self
                            .policies
                            .iter()
                            .any(|p| matches!(p.kind, Kind::Boundary | Kind::Session)));
                (
                    format!("Allow: {}", names.join(", ")),
                    if last {
                        lang.pick("ALLOW", "PERMITIDO")
                    } else {
                        continue_
                    },
                )
            }
            Finding::NoAllow(level) => (
                match level {
                    Some(level) => format!(
                        "{} {}",
                        lang.pick("no Allow at", "ningún Allow en"),
                        level_name(level, lang)
                    ),
                    None => lang
                        .pick("no Allow applies", "ningún Allow se aplica")
                        .to_string(),
                },
                lang.pick("DENY (implicit)", "DENEGADO (implícito)"),
            ),
            Finding::Granted(row) => (
                format!(
                    "Allow {}: {}",
                    lang.pick("for the caller", "para quien llama"),
                    self.short_name(*row)
                ),
                lang.pick("ALLOW", "PERMITIDO"),
            ),
            Finding::RoleNamed(rows) => (
                format!(
                    "{}: {}",
                    lang.pick(
                        "Allow for the role (counted with the role's own policies)",
                        "Allow para el rol (cuenta junto con las políticas del propio rol)",
                    ),
                    rows.iter()
                        .map(|r| self.short_name(*r))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                continue_,
            ),
            Finding::NoGrant => (
                lang.pick("no Allow for this caller", "ningún Allow para quien llama")
                    .to_string(),
                continue_,
            ),
        }
    }

    fn short_name(&self, index: usize) -> String {
        let row = self.row(index);
        let policy = &self.policies[row.policy];
        format!("{} {}", policy.name, statement_label(policy, row.statement))
    }

    fn statement_table(&self) -> Block {
        let lang = self.lang;
        let rows = self
            .evaluation
            .rows
            .iter()
            .map(|row| {
                let policy = &self.policies[row.policy];
                let statement = &policy.statements[row.statement];
                let element_name = |element: &Element, plain: &str, negated: &str| {
                    if element.negated {
                        negated.to_string()
                    } else {
                        plain.to_string()
                    }
                };
                vec![
                    policy.kind.label(lang).to_string(),
                    policy.name.clone(),
                    statement_label(policy, row.statement),
                    match statement.effect {
                        Effect::Allow => "Allow".to_string(),
                        Effect::Deny => "Deny".to_string(),
                    },
                    format!(
                        "{}: {}",
                        element_name(&statement.action, "Action", "NotAction"),
                        describe_match(statement.action.negated, &row.action.pattern, lang)
                    ),
                    format!(
                        "{}: {}",
                        element_name(&statement.resource, "Resource", "NotResource"),
                        describe_match(statement.resource.negated, &row.resource.pattern, lang)
                    ),
                    describe_principal(row.principal, lang),
                    if row.conditions.is_empty() {
                        "—".to_string()
                    } else {
                        row.conditions
                            .iter()
                            .map(|c| c.reason.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    },
                    lang.pick(
                        if row.applies { "yes" } else { "no" },
                        if row.applies { "sí" } else { "no" },
                    )
                    .to_string(),
                ]
            })
            .collect();
        table(
            lang,
            (
                "Every statement against the request",
                "Cada declaración frente a la solicitud",
            ),
            &[
                ("Policy type", "Tipo de política"),
                ("Policy", "Política"),
                ("Statement", "Declaración"),
                ("Effect", "Efecto"),
                ("Action matches", "Coincide la acción"),
                ("Resource matches", "Coincide el recurso"),
                ("Principal", "Principal"),
                ("Condition", "Condición"),
                ("Applies", "Se aplica"),
            ],
            rows,
        )
    }

    fn scope_note(&self, context: &Context) -> String {
        let lang = self.lang;
        let mut text = lang
            .pick(
                "The lab follows AWS's order for a request within one account: an explicit Deny anywhere; RCPs; SCPs at every level; a resource-based policy that names the caller; identity-based policies; the permissions boundary; session policies. SCPs, RCPs, boundaries and session policies are ceilings: they can deny, never grant. Across accounts, the resource's account must also allow the caller in its resource-based policy; this lab models one account.",
                "El laboratorio sigue el orden de AWS para una solicitud dentro de una misma cuenta: un Deny explícito en cualquier parte; las RCP; las SCP en cada nivel; una política basada en recursos que nombra a quien llama; las políticas basadas en identidad; el límite de permisos; las políticas de sesión. Las SCP, las RCP, los límites y las políticas de sesión son techos: pueden denegar, nunca conceder. Entre cuentas distintas, la cuenta del recurso también debe permitir a quien llama en su política basada en recursos; este laboratorio modela una sola cuenta.",
            )
            .to_string();
        if context.is_empty() {
            text.push(' ');
            text.push_str(lang.pick(
                "The request context is empty: every condition key is treated as absent.",
                "El contexto de la solicitud está vacío: toda clave de condición se trata como ausente.",
            ));
        }
        text
    }
}

/// A table block with its caption and column headers in the reader's language.
fn table(
    lang: Lang,
    caption: (&str, &str),
    columns: &[(&str, &str)],
    rows: Vec<Vec<String>>,
) -> Block {
    Block::Table {
        caption: lang.pick(caption.0, caption.1).to_string(),
        columns: columns
            .iter()
            .map(|(en, es)| lang.pick(en, es).to_string())
            .collect(),
        rows,
    }
}

fn statement_label(policy: &Policy, statement: usize) -> String {
    let index = if policy.statements.len() == 1 {
        "Statement".to_string()
    } else {
        format!("Statement[{statement}]")
    };
    match &policy.statements[statement].sid {
        Some(sid) if !sid.is_empty() => format!("{index} (Sid \"{sid}\")"),
        _ => index,
    }
}

fn step_name(step: Step, lang: Lang) -> &'static str {
    match step {
        Step::Deny => lang.pick(
            "Explicit deny anywhere",
            "Deny explícito en cualquier parte",
        ),
        Step::Rcp => lang.pick("RCPs (resource's account)", "RCP (cuenta del recurso)"),
        Step::Scp => lang.pick("SCPs (caller's account)", "SCP (cuenta de quien llama)"),
        Step::Resource => lang.pick("Resource-based policy", "Política basada en recursos"),
        Step::Identity => lang.pick("Identity-based policies", "Políticas basadas en identidad"),
        Step::Boundary => lang.pick("Permissions boundary", "Límite de permisos"),
        Step::Session => lang.pick("Session policies", "Políticas de sesión"),
    }
}

fn level_name(level: &str, lang: Lang) -> String {
    if level.is_empty() {
        lang.pick("(no attached_to given)", "(sin attached_to)")
            .to_string()
    } else {
        format!("\"{level}\"")
    }
}

fn describe_match(negated: bool, pattern: &Option<String>, lang: Lang) -> String {
    let yes = lang.pick("yes", "sí");
    let no = lang.pick("no", "no");
    match (pattern, negated) {
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

fn describe_principal(found: Option<PrincipalMatch>, lang: Lang) -> String {
    match found {
        None => "—".to_string(),
        Some(PrincipalMatch::Caller) => lang
            .pick("the caller (or *)", "quien llama (o *)")
            .to_string(),
        Some(PrincipalMatch::Role) => lang
            .pick("the caller's role", "el rol de quien llama")
            .to_string(),
        Some(PrincipalMatch::Account) => lang
            .pick("the caller's account", "la cuenta de quien llama")
            .to_string(),
        Some(PrincipalMatch::No) => lang.pick("not the caller", "no es quien llama").to_string(),
    }
}

#[cfg(test)]
mod tests;
