//! The decision: every statement of every policy against one request, then AWS's documented
//! order of evaluation for a request within one account.
//!
//! The order is the one of "How AWS enforcement code logic evaluates requests to allow or deny
//! access" (IAM User Guide): (1) an applicable `Deny` in any policy of any type is final;
//! (2) RCPs of the resource's account must allow — `RCPFullAWSAccess` always does, so only their
//! denies matter; (3) SCPs of the caller's account must allow, at every level from the root
//! through each OU to the account ("SCP evaluation", AWS Organizations User Guide); (4) a
//! resource-based policy that allows the caller itself decides Allow — for an IAM user named by
//! its ARN, for a role session named by its session ARN, or for everyone — while one that names
//! the role only counts as if the role's own policies allowed ("Permissions boundaries for IAM
//! entities", resource-based policies); (5) otherwise an identity-based policy must allow;
//! (6) a permissions boundary, if set, must allow too; (7) so must the session policies, if any.
//! SCPs, RCPs, boundaries and session policies never grant: they are ceilings.
//!
//! It knows nothing about how the answer is shown.

use super::condition::{ClauseResult, Context, evaluate as evaluate_clause};
use super::policy::{Caller, Effect, Element, Kind, Policy, Principals, Statement};
use super::wildcard::{action_matches, resource_matches};
use crate::protocol::Lang;

/// The request: who, what, on which resource, with which context.
pub(super) struct Request<'a> {
    pub(super) caller: &'a Caller,
    pub(super) action: &'a str,
    pub(super) resource: &'a str,
    pub(super) context: &'a Context,
}

/// How one element matched the request: whether it applies, and the pattern responsible.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct ElementMatch {
    pub(super) applies: bool,
    /// The listed pattern that matched the request, if any (for `Not…` elements this pattern is
    /// the reason the statement does *not* apply).
    pub(super) pattern: Option<String>,
}

/// How a statement's `Principal` names the caller, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum PrincipalMatch {
    /// Not named at all.
    No,
    /// The caller's account (an account ID or `…:root`): the account delegates to its own
    /// IAM policies, so this grants nothing by itself.
    Account,
    /// The role whose session is calling: counts like the role's identity-based policies.
    Role,
    /// The caller itself (user ARN, role-session ARN) or everyone (`*`).
    Caller,
}

/// One statement against the request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Row {
    pub(super) policy: usize,
    pub(super) statement: usize,
    pub(super) action: ElementMatch,
    pub(super) resource: ElementMatch,
    /// `None` when the statement has no `Principal`.
    pub(super) principal: Option<PrincipalMatch>,
    pub(super) conditions: Vec<ClauseResult>,
    pub(super) applies: bool,
}

/// The seven steps of the documented order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Step {
    Deny,
    Rcp,
    Scp,
    Resource,
    Identity,
    Boundary,
    Session,
}

impl Step {
    pub(super) const ALL: [Step; 7] = [
        Step::Deny,
        Step::Rcp,
        Step::Scp,
        Step::Resource,
        Step::Identity,
        Step::Boundary,
        Step::Session,
    ];
}

/// What one step found.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Finding {
    /// No policy of this type is in play.
    Absent,
    /// The step passed; the rows that allowed (empty for RCPs, which pass by RCPFullAWSAccess).
    Passed(Vec<usize>),
    /// Step 1 found an applicable Deny (row index).
    Denied(usize),
    /// The step found no Allow; for SCPs, the level without one.
    NoAllow(Option<String>),
    /// Step 4: the resource-based policy allows the caller itself (row index): final Allow.
    Granted(usize),
    /// Step 4: the resource-based policy names the role (rows): counted at step 5.
    RoleNamed(Vec<usize>),
    /// Step 4: nothing in the resource-based policy allows this caller.
    NoGrant,
    /// A step after the decision.
    NotReached,
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Decision {
    Allowed { step: Step, row: usize },
    ExplicitDeny { row: usize },
    ImplicitDeny { step: Step },
}

/// The whole evaluation: every statement's row, each step's finding, and the decision.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Evaluation {
    pub(super) rows: Vec<Row>,
    pub(super) path: Vec<(Step, Finding)>,
    pub(super) decision: Decision,
}

pub(super) fn evaluate(policies: &[Policy], request: &Request<'_>, lang: Lang) -> Evaluation {
    let mut rows = Vec::new();
    for (p, policy) in policies.iter().enumerate() {
        for (s, statement) in policy.statements.iter().enumerate() {
            rows.push(check_statement(p, s, statement, request, lang));
        }
    }
    let (path, decision) = decide(policies, &rows);
    Evaluation {
        rows,
        path,
        decision,
    }
}

fn check_statement(
    policy: usize,
    index: usize,
    statement: &Statement,
    request: &Request<'_>,
    lang: Lang,
) -> Row {
    let action = match_element(&statement.action, request.action, action_matches);
    let resource = match_element(&statement.resource, request.resource, resource_matches);
    let principal = statement
        .principal
        .as_ref()
        .map(|p| principal_match(p, request.caller));
    let conditions: Vec<ClauseResult> = statement
        .conditions
        .iter()
        .map(|c| evaluate_clause(c, request.context, lang))
        .collect();
    let applies = action.applies
        && resource.applies
        && principal.is_none_or(|m| m != PrincipalMatch::No)
        && conditions.iter().all(|c| c.holds);
    Row {
        policy,
        statement: index,
        action,
        resource,
        principal,
        conditions,
        applies,
    }
}

fn match_element(element: &Element, value: &str, matcher: fn(&str, &str) -> bool) -> ElementMatch {
    let pattern = element.patterns.iter().find(|p| matcher(p, value)).cloned();
    // NotAction / NotResource: the statement covers everything *except* what is listed.
    let applies = pattern.is_some() != element.negated;
    ElementMatch { applies, pattern }
}

/// How a `Principal` element names the caller ("AWS JSON policy elements: Principal").
pub(super) fn principal_match(principals: &Principals, caller: &Caller) -> PrincipalMatch {
    let Principals::Aws(entries) = principals else {
        return PrincipalMatch::Caller;
    };
    let root = format!("arn:{}:iam::{}:root", caller.partition, caller.account);
    let role_prefix = format!("arn:{}:iam::{}:role/", caller.partition, caller.account);
    entries
        .iter()
        .map(|entry| {
            if *entry == caller.arn {
                PrincipalMatch::Caller
            } else if *entry == caller.account || *entry == root {
                PrincipalMatch::Account
            } else if let (Some(role), Some(path)) = (&caller.role, entry.strip_prefix(&role_prefix))
                // A role ARN may carry a path (role/ops/Deployer); the session ARN does not.
                && path.rsplit('/').next() == Some(role.as_str())
            {
                PrincipalMatch::Role
            } else {
                PrincipalMatch::No
            }
        })
        .max()
        .unwrap_or(PrincipalMatch::No)
}

fn decide(policies: &[Policy], rows: &[Row]) -> (Vec<(Step, Finding)>, Decision) {
    let kind_of = |row: &Row| policies[row.policy].kind;
    let effect_of = |row: &Row| policies[row.policy].statements[row.statement].effect;
    let present = |kind: Kind| policies.iter().any(|p| p.kind == kind);
    let allows = |kind: Kind| -> Vec<usize> {
        rows.iter()
            .enumerate()
            .filter(|(_, r)| r.applies && kind_of(r) == kind && effect_of(r) == Effect::Allow)
            .map(|(i, _)| i)
            .collect()
    };
    let mut path = Vec::new();
    let finish = |mut path: Vec<(Step, Finding)>, decision: Decision| {
        for step in Step::ALL.iter().skip(path.len()) {
            path.push((*step, Finding::NotReached));
        }
        (path, decision)
    };

    // 1. An explicit deny anywhere.
    if let Some(row) = rows
        .iter()
        .position(|r| r.applies && effect_of(r) == Effect::Deny)
    {
        path.push((Step::Deny, Finding::Denied(row)));
        return finish(path, Decision::ExplicitDeny { row });
    }
    path.push((Step::Deny, Finding::Passed(Vec::new())));

    // 2. RCPs: RCPFullAWSAccess allows everything, and denies were handled in step 1.
    path.push((
        Step::Rcp,
        if present(Kind::Rcp) {
            Finding::Passed(Vec::new())
        } else {
            Finding::Absent
        },
    ));

    // 3. SCPs: an Allow is needed at every level of the hierarchy.
    if present(Kind::Scp) {
        let mut levels: Vec<&str> = Vec::new();
        for policy in policies.iter().filter(|p| p.kind == Kind::Scp) {
            let level = policy.attached_to.as_deref().unwrap_or("");
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
        let allowing = allows(Kind::Scp);
        let level_of = |row: usize| {
            policies[rows[row].policy]
                .attached_to
                .as_deref()
                .unwrap_or("")
        };
        if let Some(level) = levels
            .iter()
            .find(|level| !allowing.iter().any(|&r| level_of(r) == **level))
        {
            path.push((Step::Scp, Finding::NoAllow(Some(level.to_string()))));
            return finish(path, Decision::ImplicitDeny { step: Step::Scp });
        }
        path.push((Step::Scp, Finding::Passed(allowing)));
    } else {
        path.push((Step::Scp, Finding::Absent));
    }

    // 4. Resource-based policies.
    let resource_allows = allows(Kind::Resource);
    let strength = |row: usize| rows[row].principal.unwrap_or(PrincipalMatch::No);
    let mut role_named = Vec::new();
    if present(Kind::Resource) {
        if let Some(&row) = resource_allows
            .iter()
            .find(|&&r| strength(r) == PrincipalMatch::Caller)
        {
            path.push((Step::Resource, Finding::Granted(row)));
            return finish(
                path,
                Decision::Allowed {
                    step: Step::Resource,
                    row,
                },
            );
        }
        role_named = resource_allows
            .iter()
            .copied()
            .filter(|&r| strength(r) == PrincipalMatch::Role)
            .collect();
        path.push((
            Step::Resource,
            if role_named.is_empty() {
                Finding::NoGrant
            } else {
                Finding::RoleNamed(role_named.clone())
            },
        ));
    } else {
        path.push((Step::Resource, Finding::Absent));
    }

    // 5. Identity-based policies (or a resource-based policy that named the role).
    let mut identity = allows(Kind::Identity);
    identity.extend(role_named);
    let Some(&first) = identity.first() else {
        path.push((Step::Identity, Finding::NoAllow(None)));
        return finish(
            path,
            Decision::ImplicitDeny {
                step: Step::Identity,
            },
        );
    };
    path.push((Step::Identity, Finding::Passed(identity)));

    // 6 and 7. The ceilings on the principal and on the session.
    for (step, kind) in [
        (Step::Boundary, Kind::Boundary),
        (Step::Session, Kind::Session),
    ] {
        if !present(kind) {
            path.push((step, Finding::Absent));
            continue;
        }
        let allowing = allows(kind);
        if allowing.is_empty() {
            path.push((step, Finding::NoAllow(None)));
            return finish(path, Decision::ImplicitDeny { step });
        }
        path.push((step, Finding::Passed(allowing)));
    }
    (
        path,
        Decision::Allowed {
            step: Step::Identity,
            row: first,
        },
    )
}
