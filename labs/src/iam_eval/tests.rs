//! Cases from AWS's documented evaluation logic. Each test names the page of the IAM User Guide
//! or the AWS Organizations User Guide it follows (no real tool evaluates IAM offline, so the
//! documentation is the reference — DESIGN.md §4).

use serde_json::{Value, json};

use super::*;

const USER: &str = "arn:aws:iam::111122223333:user/reports-bot";
const SESSION: &str = "arn:aws:sts::111122223333:assumed-role/ReportsReader/nightly";
const ROLE: &str = "arn:aws:iam::111122223333:role/ReportsReader";
const OBJECT: &str = "arn:aws:s3:::acme-quarterly-reports/2026/q3.pdf";
const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc";

fn policy(name: &str, statements: Value) -> Value {
    json!({"name": name, "document": {"Version": "2012-10-17", "Statement": statements}})
}

fn allow(action: &str, resource: &str) -> Value {
    json!({"Effect": "Allow", "Action": action, "Resource": resource})
}

fn deny(action: &str, resource: &str) -> Value {
    json!({"Effect": "Deny", "Action": action, "Resource": resource})
}

fn request(input: Value) -> Request {
    let Value::Object(input) = input else {
        panic!("test input must be an object")
    };
    Request {
        lang: Lang::En,
        input,
    }
}

fn evaluation(input: Value) -> (Input, Evaluation) {
    let input = read_input(&request(input)).unwrap();
    let evaluation = input.evaluate();
    (input, evaluation)
}

fn decision(input: Value) -> Decision {
    evaluation(input).1.decision
}

fn implicit(step: Step) -> Decision {
    Decision::ImplicitDeny { step }
}

fn allowed_at(input: Value, step: Step) -> bool {
    matches!(decision(input), Decision::Allowed { step: s, .. } if s == step)
}

// "How AWS enforcement code logic evaluates requests to allow or deny access" (IAM User Guide),
// Deny evaluation: an applicable Deny in any policy overrides any Allow.
#[test]
fn explicit_deny_beats_allow_even_in_another_policy() {
    let policies = json!([
        policy("allow-all-ec2", json!(allow("ec2:*", "*"))),
        policy(
            "deny-terminate",
            json!([deny("ec2:TerminateInstances", "*")])
        ),
    ]);
    let input =
        |action: &str| json!({"policies": policies, "action": action, "resource": INSTANCE});
    assert!(matches!(
        decision(input("ec2:TerminateInstances")),
        Decision::ExplicitDeny { .. }
    ));
    assert!(allowed_at(input("ec2:StartInstances"), Step::Identity));
}

// Same page: with no applicable Allow the request is implicitly denied.
#[test]
fn no_allow_means_implicit_deny() {
    let policies = json!([policy(
        "p",
        json!([allow("s3:GetObject", "arn:aws:s3:::reports/*")])
    )]);
    assert_eq!(
        decision(
            json!({"policies": policies, "action": "s3:PutObject", "resource": "arn:aws:s3:::reports/a.csv"})
        ),
        implicit(Step::Identity)
    );
}

// "IAM JSON policy elements: Action": action names are case-insensitive and take wildcards.
#[test]
fn actions_match_case_insensitively_with_wildcards() {
    use super::wildcard::action_matches;
    assert!(action_matches("ec2:Describe*", "EC2:describeinstances"));
    assert!(action_matches("s3:Get?bject", "s3:GetObject"));
    assert!(action_matches("*", "iam:CreateUser"));
    assert!(!action_matches("ec2:Describe*", "ec2:RunInstances"));
    assert!(!action_matches("s3:Get", "s3:GetObject"));
}

// "IAM JSON policy elements: NotAction": an Allow with NotAction allows everything except the
// listed actions and does not deny those; a Deny with NotAction denies everything else.
#[test]
fn not_action_allows_everything_else_but_does_not_deny() {
    let almost = json!([policy(
        "p",
        json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    )]);
    assert_eq!(
        decision(json!({"policies": almost, "action": "iam:CreateUser", "resource": "*"})),
        implicit(Step::Identity)
    );
    let guard = json!([policy(
        "p",
        json!([allow("*", "*"), {"Effect": "Deny", "NotAction": ["iam:ChangePassword", "iam:GetUser"], "Resource": "*"}])
    )]);
    assert!(allowed_at(
        json!({"policies": guard, "action": "iam:GetUser", "resource": "*"}),
        Step::Identity
    ));
    assert!(matches!(
        decision(json!({"policies": guard, "action": "ec2:RunInstances", "resource": INSTANCE})),
        Decision::ExplicitDeny { .. }
    ));
}

// "IAM JSON policy elements: NotResource": the statement covers every resource but those listed.
#[test]
fn not_resource_covers_every_other_resource() {
    let policies = json!([policy(
        "p",
        json!([allow("s3:*", "*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"]}])
    )]);
    let input = |resource: &str| json!({"policies": policies, "action": "s3:GetObject", "resource": resource});
    assert!(allowed_at(
        input("arn:aws:s3:::public/index.html"),
        Step::Identity
    ));
    assert!(matches!(
        decision(input("arn:aws:s3:::private/keys.txt")),
        Decision::ExplicitDeny { .. }
    ));
}

// "SCP evaluation" (AWS Organizations User Guide): SCPs do not grant; an explicit Deny in an SCP
// wins over an identity-based Allow.
#[test]
fn scps_deny_but_never_grant() {
    let identity = json!([policy("ec2-admin", json!(allow("ec2:*", "*")))]);
    let full = policy("FullAWSAccess", json!(allow("*", "*")));
    let no_terminate = policy("NoTerminate", json!(deny("ec2:TerminateInstances", "*")));
    assert!(matches!(
        decision(
            json!({"policies": identity, "scps": [full, no_terminate], "action": "ec2:TerminateInstances", "resource": INSTANCE})
        ),
        Decision::ExplicitDeny { .. }
    ));
    // An SCP that allows S3 gives nothing to a user whose own policies do not.
    let s3_only_user = json!([policy("ec2", json!(allow("ec2:*", "*")))]);
    assert_eq!(
        decision(
            json!({"policies": s3_only_user, "scps": [full], "action": "s3:GetObject", "resource": OBJECT})
        ),
        implicit(Step::Identity)
    );
}

// "SCP evaluation": for a permission to be allowed, an Allow must exist at every level from the
// root through each OU to the account.
#[test]
fn scps_need_an_allow_at_every_level() {
    let identity = json!([policy("admin", json!(allow("*", "*")))]);
    let scps = json!([
        {"name": "FullAWSAccess", "attached_to": "Root", "document": {"Statement": allow("*", "*")}},
        {"name": "StorageOnly", "attached_to": "ou-workloads", "document": {"Statement": allow("s3:*", "*")}},
        {"name": "FullAWSAccess", "attached_to": "111122223333", "document": {"Statement": allow("*", "*")}}
    ]);
    let (_, evaluation) = evaluation(
        json!({"policies": identity, "scps": scps, "action": "ec2:RunInstances", "resource": INSTANCE}),
    );
    assert_eq!(evaluation.decision, implicit(Step::Scp));
    assert!(evaluation.path.contains(&(
        Step::Scp,
        Finding::NoAllow(Some("ou-workloads".to_string()))
    )));
    assert!(allowed_at(
        json!({"policies": identity, "scps": scps, "action": "s3:GetObject", "resource": OBJECT}),
        Step::Identity
    ));
}

// "RCP evaluation" and "RCP syntax" (AWS Organizations User Guide): RCPFullAWSAccess is attached
// everywhere and cannot be detached, custom RCPs can only Deny, and a Deny applies to every
// principal, whatever the identity-based policies say.
#[test]
fn rcps_only_deny() {
    let identity = json!([policy("reader", json!(allow("s3:GetObject", "*")))]);
    let tls_only = json!([policy(
        "RequireTLS",
        json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
               "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}}})
    )]);
    let input = |tls: bool| json!({"policies": identity, "rcps": tls_only, "action": "s3:GetObject", "resource": OBJECT, "context": {"aws:SecureTransport": tls}});
    assert!(matches!(
        decision(input(false)),
        Decision::ExplicitDeny { .. }
    ));
    assert!(allowed_at(input(true), Step::Identity));
    let custom_allow = json!([policy("Mine", json!(allow("s3:*", "*")))]);
    let error = read_input(&request(
        json!({"policies": identity, "rcps": custom_allow, "action": "s3:GetObject", "resource": OBJECT}),
    ))
    .err()
    .unwrap();
    assert_eq!(error.field, "input.rcps[0].document.Statement.Effect");
}

// "Permissions boundaries for IAM entities": the effective permissions are the intersection of
// the identity-based policies and the boundary; the boundary alone grants nothing.
#[test]
fn a_boundary_is_a_ceiling() {
    let identity = json!([policy("s3-admin", json!(allow("s3:*", "*")))]);
    let boundary = policy("ReadOnlyCeiling", json!(allow("s3:GetObject", "*")));
    let input = |action: &str| json!({"policies": identity, "boundary": boundary, "action": action, "resource": OBJECT});
    assert!(allowed_at(input("s3:GetObject"), Step::Identity));
    assert_eq!(decision(input("s3:DeleteObject")), implicit(Step::Boundary));
    let nothing = json!([policy("ec2", json!(allow("ec2:*", "*")))]);
    assert_eq!(
        decision(
            json!({"policies": nothing, "boundary": boundary, "action": "s3:GetObject", "resource": OBJECT})
        ),
        implicit(Step::Identity)
    );
}

// "Permissions boundaries for IAM entities", resource-based policies: within one account, a
// resource-based policy that names an IAM user's ARN is not limited by an implicit deny in the
// user's identity-based policies or boundary.
#[test]
fn a_resource_policy_naming_the_user_grants_past_the_boundary() {
    let identity = json!([policy("ec2", json!(allow("ec2:*", "*")))]);
    let boundary = policy("Ec2Ceiling", json!(allow("ec2:*", "*")));
    let bucket = policy(
        "BucketPolicy",
        json!({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::acme-quarterly-reports/*"}),
    );
    assert!(allowed_at(
        json!({"policies": identity, "boundary": boundary, "resource_policy": bucket, "principal": USER, "action": "s3:GetObject", "resource": OBJECT}),
        Step::Resource
    ));
    // An explicit deny in the boundary still wins: step 1 comes first.
    let deny_boundary = policy("DenyS3", json!([allow("*", "*"), deny("s3:*", "*")]));
    assert!(matches!(
        decision(
            json!({"policies": identity, "boundary": deny_boundary, "resource_policy": bucket, "principal": USER, "action": "s3:GetObject", "resource": OBJECT})
        ),
        Decision::ExplicitDeny { .. }
    ));
}

// Same section: a resource-based policy that names a role's ARN is limited by an implicit deny in
// the boundary or a session policy; one that names the role *session* ARN grants to the session
// directly and is not.
#[test]
fn role_arn_versus_role_session_arn() {
    let identity = json!([policy("nothing-s3", json!(allow("ec2:*", "*")))]);
    let boundary = policy("Ec2Ceiling", json!(allow("ec2:*", "*")));
    let naming = |who: &str| {
        policy(
            "BucketPolicy",
            json!({"Effect": "Allow", "Principal": {"AWS": who}, "Action": "s3:GetObject", "Resource": "*"}),
        )
    };
    let input = |who: &str, with_boundary: bool| {
        let mut input = json!({"policies": identity, "resource_policy": naming(who), "principal": SESSION,
                               "action": "s3:GetObject", "resource": OBJECT});
        if with_boundary {
            input["boundary"] = boundary.clone();
        }
        input
    };
    assert_eq!(decision(input(ROLE, true)), implicit(Step::Boundary));
    // Without a boundary the role-ARN grant counts like the role's own Allow.
    assert!(allowed_at(input(ROLE, false), Step::Identity));
    assert!(allowed_at(input(SESSION, true), Step::Resource));
    // A role ARN with a path names the same role.
    assert!(allowed_at(
        input(
            "arn:aws:iam::111122223333:role/reports/ReportsReader",
            false
        ),
        Step::Identity
    ));
}

// "AWS JSON policy elements: Principal", AWS account principals: naming an account delegates to
// the account, whose identity-based policies must still allow. In the same account, a
// resource-based policy naming the account grants nothing by itself.
#[test]
fn naming_the_account_delegates() {
    let identity = json!([policy("ec2", json!(allow("ec2:*", "*")))]);
    for who in ["111122223333", "arn:aws:iam::111122223333:root"] {
        let bucket = policy(
            "BucketPolicy",
            json!({"Effect": "Allow", "Principal": {"AWS": who}, "Action": "s3:*", "Resource": "*"}),
        );
        assert_eq!(
            decision(
                json!({"policies": identity, "resource_policy": bucket, "action": "s3:GetObject", "resource": OBJECT})
            ),
            implicit(Step::Identity),
            "{who}"
        );
    }
    // But a Deny naming the account covers everyone in it.
    let bucket = policy(
        "BucketPolicy",
        json!({"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}),
    );
    let admin = json!([policy("admin", json!(allow("*", "*")))]);
    assert!(matches!(
        decision(
            json!({"policies": admin, "resource_policy": bucket, "action": "s3:GetObject", "resource": OBJECT})
        ),
        Decision::ExplicitDeny { .. }
    ));
}

// "Policy evaluation for requests within a single account": if either the identity-based policy
// or the resource-based policy allows the request and the other does not, it is still allowed.
#[test]
fn within_one_account_either_side_may_allow() {
    let bucket = policy(
        "BucketPolicy",
        json!({"Effect": "Allow", "Principal": {"AWS": USER}, "Action": "s3:PutObject", "Resource": "*"}),
    );
    let identity = json!([policy("reader", json!(allow("s3:GetObject", "*")))]);
    let input = |action: &str| json!({"policies": identity, "resource_policy": bucket, "action": action, "resource": OBJECT});
    assert!(allowed_at(input("s3:PutObject"), Step::Resource));
    assert!(allowed_at(input("s3:GetObject"), Step::Identity));
    assert_eq!(decision(input("s3:DeleteObject")), implicit(Step::Identity));
}

// "Session policies" (IAM User Guide, "Policies and permissions"): the session's permissions are
// the intersection of the role's identity-based policies and the session policies, which grant
// nothing themselves; an IAM user signing with its own keys has none.
#[test]
fn session_policies_cap_a_session() {
    let role_policies = json!([policy(
        "ReportsWriter",
        json!(allow("s3:*Object", "arn:aws:s3:::acme-quarterly-reports/*"))
    )]);
    let session = json!([policy("ReadOnlySession", json!(allow("s3:GetObject", "*")))]);
    let input = |action: &str, principal: &str| {
        json!({"policies": role_policies, "session_policies": session, "principal": principal,
               "action": action, "resource": OBJECT})
    };
    assert!(allowed_at(input("s3:GetObject", SESSION), Step::Identity));
    assert_eq!(
        decision(input("s3:PutObject", SESSION)),
        implicit(Step::Session)
    );
    let error = read_input(&request(input("s3:GetObject", USER)))
        .err()
        .unwrap();
    assert_eq!(error.field, "input.session_policies");
}

// "IAM JSON policy elements: Condition" and "Condition operators": a statement applies only when
// its conditions hold against the request context; a missing key makes a positive operator false.
#[test]
fn conditions_decide_whether_a_statement_applies() {
    let office_only = json!([policy(
        "OfficeOnly",
        json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
               "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}})
    )]);
    let input = |context: Value| json!({"policies": office_only, "action": "s3:GetObject", "resource": OBJECT, "context": context});
    assert!(allowed_at(
        input(json!({"aws:SourceIp": "203.0.113.40"})),
        Step::Identity
    ));
    assert_eq!(
        decision(input(json!({"aws:SourceIp": "198.51.100.9"}))),
        implicit(Step::Identity)
    );
    assert_eq!(decision(input(json!({}))), implicit(Step::Identity));
    // The statement table says why.
    let (_, evaluation) = evaluation(input(json!({"aws:SourceIp": "198.51.100.9"})));
    assert!(!evaluation.rows[0].conditions[0].holds);
    assert!(
        evaluation.rows[0].conditions[0]
            .reason
            .contains("198.51.100.9")
    );
}

#[test]
fn malformed_policies_are_reported_with_their_path() {
    let cases = [
        (
            json!({"policies": [policy("p", json!([allow("s3:*", "*"), {"Effect": "allow", "Action": "s3:*", "Resource": "*"}]))]}),
            "input.policies[0].document.Statement[1].Effect",
        ),
        (
            json!({"policies": [policy("p", json!({"Effect": "Deny", "Action": "*", "NotAction": "s3:*", "Resource": "*"}))]}),
            "input.policies[0].document.Statement.NotAction",
        ),
        (
            json!({"policies": [policy("p", json!({"Effect": "Deny", "Action": "*", "Resource": ["*", "bucket"]}))]}),
            "input.policies[0].document.Statement.Resource[1]",
        ),
        (
            json!({"policies": [policy("p", json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}))]}),
            "input.policies[0].document.Statement.Principal",
        ),
        (
            json!({"policies": [policy("p", json!(allow("*", "*")))], "resource_policy": [policy("b", json!(allow("s3:*", "*")))]}),
            "input.resource_policy[0].document.Statement.Principal",
        ),
        (
            json!({"policies": [policy("p", json!(allow("*", "*")))], "boundary": [policy("a", json!(allow("*", "*"))), policy("b", json!(allow("*", "*")))]}),
            "input.boundary",
        ),
        (
            json!({"policies": [policy("p", json!({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceVpc": ["vpc-1", 7, {}]}}}))]}),
            "input.policies[0].document.Statement.Condition.StringEquals.aws:SourceVpc[2]",
        ),
        (
            json!({"policies": [policy("p", json!(allow("*", "*")))], "principal": "arn:aws:iam::111122223333:group/ops"}),
            "input.principal",
        ),
        (
            json!({"policies": [policy("p", json!(allow("*", "*")))], "context": {"aws:SourceIp": {"x": 1}}}),
            "input.context.aws:SourceIp",
        ),
    ];
    for (mut input, field) in cases {
        input["action"] = json!("s3:GetObject");
        input["resource"] = json!(OBJECT);
        let error = read_input(&request(input)).err().unwrap();
        assert_eq!(error.field, field);
    }
}

// The answer draws the decision path: seven steps in the documented order, the deciding one
// marked, the later ones "not reached".
#[test]
fn the_answer_shows_the_decision_path_in_order() {
    let identity = json!([policy("s3-admin", json!(allow("s3:*", "*")))]);
    let boundary = policy("ReadOnlyCeiling", json!(allow("s3:GetObject", "*")));
    let blocks = run(&request(
        json!({"policies": identity, "boundary": boundary, "action": "s3:PutObject", "resource": OBJECT}),
    ))
    .unwrap();
    let Block::Table { caption, rows, .. } = &blocks[1] else {
        panic!("the second block is the decision path")
    };
    assert_eq!(
        caption,
        "Decision path in AWS's order of evaluation, decided at step 6, Permissions boundary: DENY (implicit)"
    );
    let steps: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("1. Explicit deny anywhere", "continue"),
            ("2. RCPs (resource's account)", "skipped"),
            ("3. SCPs (caller's account)", "skipped"),
            ("4. Resource-based policy", "skipped"),
            ("5. Identity-based policies", "continue"),
            ("6. Permissions boundary", "DENY (implicit)"),
            ("7. Session policies", "not reached"),
        ]
    );
}
