//! Evaluates a task's `when:` the way ansible-core 2.19 and later do: the expression must end in
//! a boolean. A string, a number, a list or `None` is an error ("Conditionals must have a
//! boolean result") that names the value's type and where it came from — unless the
//! `ALLOW_BROKEN_CONDITIONALS` option brings back the old rule, Python's truthiness, under which
//! the string `"false"` made a task run.
//!
//! The expression language is the Jinja2 subset conditionals use: literals, variables with
//! `.key` / `['key']` / `[0]` lookups, the template module's filters, comparisons (`==`, `!=`,
//! `<`, `<=`, `>`, `>=`, `in`, `not in`), the tests `is defined`, `is undefined`, `is none` (and
//! `is not …`), `not`, `and`, `or` and parentheses. `and` and `or` return one of their operands,
//! as in Jinja2 — which is how `port and name` ends up a string. Anything else is refused as
//! unsupported, so the lab never guesses. This module knows nothing about where variables come
//! from beyond the [`Scope`] it is given.

use super::template::{self, Budget, FILTERS, Scope, SyntaxError};
use super::value::{Key, Value};

/// The most characters a conditional may have.
pub(crate) const MAX_LENGTH: usize = 1_000;
/// Parentheses, `not` and filters nest at most this deep.
const MAX_NESTING: usize = 50;

/// Where a conditional's value came from, as the error message names it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Origin {
    /// A variable defined in this file of the modelled project (or `<CLI option '-e'>`).
    Variable(String),
    /// Computed by the expression itself: the `when:` line of the task.
    Expression,
    /// `None` carries no origin in ansible-core.
    Unknown,
}

/// What a `when:` decides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Decision {
    /// A boolean result.
    Bool(bool),
    /// A result of another type: the value, and where it came from.
    NotBoolean(Value, Origin),
    /// The expression failed: ansible-core's message after "Task failed: ".
    Failed(String),
}

/// The task file of the modelled project, where a computed value's origin points.
pub(crate) const TASK_FILE: &str = "roles/lab/tasks/main.yml";

impl Decision {
    /// ansible-core's text for a non-boolean result, without the "Task failed: " prefix.
    pub(crate) fn not_boolean_message(value: &Value, origin: &Origin) -> String {
        let place = match (value, origin) {
            (Value::None, _) | (_, Origin::Unknown) => "<unknown>".to_string(),
            (_, Origin::Variable(file)) => file.clone(),
            (_, Origin::Expression) => TASK_FILE.to_string(),
        };
        format!(
            "Conditional result ({}) was derived from value of type '{}' at {}. Conditionals must have a boolean result.",
            if value.truthy() { "True" } else { "False" },
            value.type_name(),
            python_repr(&place)
        )
    }
}

/// Python's `repr` of a string: single quotes unless the text holds one.
fn python_repr(text: &str) -> String {
    if text.contains('\'') && !text.contains('"') {
        format!("\"{text}\"")
    } else {
        format!("'{}'", text.replace('\'', "\\'"))
    }
}

/// Parses and evaluates `text`; a syntax the lab does not support is an error for the form.
pub(crate) fn decide(text: &str, scope: &dyn Scope) -> Result<Decision, SyntaxError> {
    if text.chars().count() > MAX_LENGTH {
        return Err(SyntaxError(
            format!("a conditional of more than {MAX_LENGTH} characters"),
            format!("una condición de más de {MAX_LENGTH} caracteres"),
        ));
    }
    let mut parser = Parser {
        chars: text.chars().collect(),
        pos: 0,
        nesting: 0,
    };
    let expression = parser.or()?;
    parser.skip_space();
    if parser.pos != parser.chars.len() {
        return Err(parser.unsupported());
    }
    let mut budget = Budget::new();
    Ok(match evaluate(&expression, scope, &mut budget)? {
        Err(Failure::Undefined(message)) => {
            Decision::Failed(format!("Error while evaluating conditional: {message}"))
        }
        Err(Failure::Type(message)) => {
            Decision::Failed(format!("Error rendering expression: {message}"))
        }
        Ok((Value::Bool(b), _)) => Decision::Bool(b),
        Ok((value, origin)) => Decision::NotBoolean(value, origin),
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Expr {
    Literal(Value),
    Variable(String, Vec<Key>),
    Filter(Box<Expr>, String, Vec<Value>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Compare(Box<Expr>, Op, Box<Expr>),
    /// `x is [not] defined|undefined|none`.
    Test(Box<Expr>, bool, String),
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Op {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
}

struct Parser {
    chars: Vec<char>,
    pos: usize,
    nesting: usize,
}

impl Parser {
    fn unsupported(&self) -> SyntaxError {
        let text: String = self.chars.iter().collect();
        SyntaxError(
            format!(
                "when: {text}: this lab understands variables (name.key, name['key'], name[0]), literals, the filters {}, ==, !=, <, <=, >, >=, in, not in, is defined, is undefined, is none, not, and, or and parentheses",
                FILTERS.join(", ")
            ),
            format!(
                "when: {text}: este laboratorio entiende variables (nombre.clave, nombre['clave'], nombre[0]), literales, los filtros {}, ==, !=, <, <=, >, >=, in, not in, is defined, is undefined, is none, not, and, or y paréntesis",
                FILTERS.join(", ")
            ),
        )
    }

    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek_str(&mut self, token: &str) -> bool {
        self.skip_space();
        token
            .chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn eat(&mut self, token: &str) -> bool {
        if self.peek_str(token) {
            self.pos += token.chars().count();
            true
        } else {
            false
        }
    }

    /// A keyword: the word itself, not the start of a longer name.
    fn eat_word(&mut self, word: &str) -> bool {
        let start = self.pos;
        if self.eat(word)
            && !self
                .chars
                .get(self.pos)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            return true;
        }
        self.pos = start;
        false
    }

    fn deeper(&mut self) -> Result<(), SyntaxError> {
        self.nesting += 1;
        if self.nesting > MAX_NESTING {
            return Err(SyntaxError(
                format!("a conditional nested more than {MAX_NESTING} levels deep"),
                format!("una condición anidada a más de {MAX_NESTING} niveles"),
            ));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.and()?;
        while self.eat_word("or") {
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut left = self.not()?;
        while self.eat_word("and") {
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        if self.eat_word("not") {
            self.deeper()?;
            let inner = self.not()?;
            self.nesting -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, SyntaxError> {
        let left = self.filtered()?;
        if self.eat_word("is") {
            let negated = self.eat_word("not");
            let test = self.name().ok_or_else(|| self.unsupported())?;
            if !matches!(test.as_str(), "defined" | "undefined" | "none") {
                return Err(self.unsupported());
            }
            return Ok(Expr::Test(Box::new(left), negated, test));
        }
        let start = self.pos;
        let op = if self.eat("==") {
            Op::Eq
        } else if self.eat("!=") {
            Op::Ne
        } else if self.eat("<=") {
            Op::Le
        } else if self.eat(">=") {
            Op::Ge
        } else if self.eat("<") {
            Op::Lt
        } else if self.eat(">") {
            Op::Gt
        } else if self.eat_word("in") {
            Op::In
        } else if self.eat_word("not") {
            if !self.eat_word("in") {
                self.pos = start;
                return Ok(left);
            }
            Op::NotIn
        } else {
            return Ok(left);
        };
        let right = self.filtered()?;
        Ok(Expr::Compare(Box::new(left), op, Box::new(right)))
    }

    fn filtered(&mut self) -> Result<Expr, SyntaxError> {
        let mut value = self.atom()?;
        while self.eat("|") {
            let filter = self.name().ok_or_else(|| self.unsupported())?;
            if !FILTERS.contains(&filter.as_str()) {
                return Err(self.unsupported());
            }
            let mut args = Vec::new();
            if self.eat("(") && !self.eat(")") {
                loop {
                    args.push(self.literal().ok_or_else(|| self.unsupported())?);
                    if self.eat(")") {
                        break;
                    }
                    if !self.eat(",") {
                        return Err(self.unsupported());
                    }
                }
            }
            value = Expr::Filter(Box::new(value), filter, args);
        }
        Ok(value)
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        self.skip_space();
        if self.eat("(") {
            self.deeper()?;
            let inner = self.or()?;
            self.nesting -= 1;
            if !self.eat(")") {
                return Err(self.unsupported());
            }
            return Ok(inner);
        }
        if let Some(value) = self.literal() {
            return Ok(Expr::Literal(value));
        }
        let name = self.name().ok_or_else(|| self.unsupported())?;
        if ["and", "or", "not", "in", "is"].contains(&name.as_str()) {
            return Err(self.unsupported());
        }
        let mut path = Vec::new();
        loop {
            if self.eat(".") {
                path.push(Key::Name(self.name().ok_or_else(|| self.unsupported())?));
            } else if self.eat("[") {
                match self.literal().ok_or_else(|| self.unsupported())? {
                    Value::Str(s) => path.push(Key::Name(s)),
                    Value::Int(i) => path.push(Key::Index(i)),
                    _ => return Err(self.unsupported()),
                }
                if !self.eat("]") {
                    return Err(self.unsupported());
                }
            } else {
                break;
            }
        }
        Ok(Expr::Variable(name, path))
    }

    fn name(&mut self) -> Option<String> {
        self.skip_space();
        let first = *self.chars.get(self.pos)?;
        if !(first.is_ascii_alphabetic() || first == '_') {
            return None;
        }
        let start = self.pos;
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        Some(self.chars[start..self.pos].iter().collect())
    }

    /// A quoted string, a number, or `true`/`false`/`none` (any of Jinja2's spellings).
    fn literal(&mut self) -> Option<Value> {
        self.skip_space();
        let first = *self.chars.get(self.pos)?;
        if first == '\'' || first == '"' {
            let end = self.chars[self.pos + 1..]
                .iter()
                .position(|c| *c == first)?;
            let text: String = self.chars[self.pos + 1..self.pos + 1 + end]
                .iter()
                .collect();
            self.pos += end + 2;
            return Some(Value::Str(text));
        }
        if first.is_ascii_digit() || first == '-' {
            let start = self.pos;
            let mut end = start + 1;
            while self
                .chars
                .get(end)
                .is_some_and(|c| c.is_ascii_digit() || *c == '.' || *c == '_')
            {
                end += 1;
            }
            let word: String = self.chars[start..end].iter().collect();
            let value = word
                .parse::<i64>()
                .map(Value::Int)
                .ok()
                .or_else(|| word.parse::<f64>().ok().map(Value::Float))?;
            self.pos = end;
            return Some(value);
        }
        let start = self.pos;
        let word = self.name()?;
        let value = match word.as_str() {
            "true" | "True" => Value::Bool(true),
            "false" | "False" => Value::Bool(false),
            "none" | "None" => Value::None,
            _ => {
                self.pos = start;
                return None;
            }
        };
        Some(value)
    }
}

/// Why an expression has no value.
enum Failure {
    /// An undefined variable or attribute (Jinja2's `Undefined`).
    Undefined(String),
    /// An operation Python refuses (`'<' not supported between …`).
    Type(String),
}

type Evaluated = Result<Result<(Value, Origin), Failure>, SyntaxError>;

fn evaluate(expr: &Expr, scope: &dyn Scope, budget: &mut Budget) -> Evaluated {
    Ok(match expr {
        Expr::Literal(value) => {
            let origin = if *value == Value::None {
                Origin::Unknown
            } else {
                Origin::Expression
            };
            Ok((value.clone(), origin))
        }
        Expr::Variable(name, path) => match template::lookup(name, path, scope, 0, budget)? {
            Ok(value) => {
                let origin = scope.origin(name).map_or(Origin::Unknown, Origin::Variable);
                Ok((value, origin))
            }
            Err(message) => Err(Failure::Undefined(message)),
        },
        Expr::Filter(inner, filter, args) => {
            let (current, origin) = match evaluate(inner, scope, budget)? {
                Ok((value, origin)) => (Ok(value), Some(origin)),
                Err(Failure::Undefined(message)) => (Err(message), None),
                Err(failure) => return Ok(Err(failure)),
            };
            let defined = current.is_ok();
            match template::apply_filter(filter, args, current) {
                // `default` of a defined value hands the same value (and origin) back.
                Ok(value) if matches!(filter.as_str(), "default" | "d") && defined => {
                    Ok((value, origin.unwrap_or(Origin::Expression)))
                }
                Ok(value) => Ok((value, Origin::Expression)),
                Err(message) if defined => Err(Failure::Type(message)),
                Err(message) => Err(Failure::Undefined(message)),
            }
        }
        Expr::Not(inner) => evaluate(inner, scope, budget)?
            .map(|(value, _)| (Value::Bool(!value.truthy()), Origin::Expression)),
        Expr::And(left, right) => match evaluate(left, scope, budget)? {
            Ok((value, _)) if value.truthy() => evaluate(right, scope, budget)?,
            other => other,
        },
        Expr::Or(left, right) => match evaluate(left, scope, budget)? {
            Ok((value, _)) if !value.truthy() => evaluate(right, scope, budget)?,
            other => other,
        },
        Expr::Test(inner, negated, test) => {
            let result = match (evaluate(inner, scope, budget)?, test.as_str()) {
                (Err(Failure::Undefined(_)), "defined") => false,
                (Err(Failure::Undefined(_)), "undefined") => true,
                (Ok(_), "defined") => true,
                (Ok(_), "undefined") => false,
                (Ok((value, _)), _) => value == Value::None,
                (Err(failure), _) => return Ok(Err(failure)),
            };
            Ok((Value::Bool(result != *negated), Origin::Expression))
        }
        Expr::Compare(left, op, right) => {
            let left = match evaluate(left, scope, budget)? {
                Ok((value, _)) => value,
                Err(failure) => return Ok(Err(failure)),
            };
            let right = match evaluate(right, scope, budget)? {
                Ok((value, _)) => value,
                Err(failure) => return Ok(Err(failure)),
            };
            compare(&left, *op, &right).map(|b| (Value::Bool(b), Origin::Expression))
        }
    })
}

/// Python's comparison rules for the lab's values.
fn compare(left: &Value, op: Op, right: &Value) -> Result<bool, Failure> {
    match op {
        Op::Eq => Ok(equal(left, right)),
        Op::Ne => Ok(!equal(left, right)),
        Op::In => contains(right, left),
        Op::NotIn => contains(right, left).map(|b| !b),
        Op::Lt | Op::Le | Op::Gt | Op::Ge => {
            let symbol = match op {
                Op::Lt => "<",
                Op::Le => "<=",
                Op::Gt => ">",
                _ => ">=",
            };
            let ordering = order(left, right).ok_or_else(|| {
                Failure::Type(format!(
                    "'{symbol}' not supported between instances of '{}' and '{}'",
                    left.type_name(),
                    right.type_name()
                ))
            })?;
            Ok(match op {
                Op::Lt => ordering.is_lt(),
                Op::Le => ordering.is_le(),
                Op::Gt => ordering.is_gt(),
                _ => ordering.is_ge(),
            })
        }
    }
}

/// A number as Python compares it (`True == 1`, `1 == 1.0`).
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    }
}

fn equal(left: &Value, right: &Value) -> bool {
    match (number(left), number(right)) {
        (Some(a), Some(b)) => a == b,
        _ => match (left, right) {
            (Value::List(a), Value::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equal(x, y))
            }
            (Value::Dict(a), Value::Dict(b)) => {
                a.len() == b.len()
                    && a.iter().all(|(k, v)| {
                        b.iter()
                            .find(|(k2, _)| k2 == k)
                            .is_some_and(|(_, v2)| equal(v, v2))
                    })
            }
            (Value::Str(a), Value::Str(b)) | (Value::Date(a), Value::Date(b)) => a == b,
            (Value::None, Value::None) => true,
            _ => false,
        },
    }
}

fn order(left: &Value, right: &Value) -> Option<std::cmp::Ordering> {
    match (number(left), number(right)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => match (left, right) {
            (Value::Str(a), Value::Str(b)) | (Value::Date(a), Value::Date(b)) => Some(a.cmp(b)),
            (Value::List(a), Value::List(b)) => {
                for (x, y) in a.iter().zip(b) {
                    if !equal(x, y) {
                        return order(x, y);
                    }
                }
                Some(a.len().cmp(&b.len()))
            }
            _ => None,
        },
    }
}

/// `needle in haystack`, as Python answers it.
fn contains(haystack: &Value, needle: &Value) -> Result<bool, Failure> {
    match haystack {
        Value::Str(text) => match needle {
            Value::Str(part) => Ok(text.contains(part.as_str())),
            other => Err(Failure::Type(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::List(items) => Ok(items.iter().any(|item| equal(item, needle))),
        Value::Dict(entries) => Ok(match needle {
            Value::Str(key) => entries.iter().any(|(k, _)| k == key),
            _ => false,
        }),
        other => Err(Failure::Type(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars(Vec<(String, Value, &'static str)>);

    impl Scope for Vars {
        fn lookup(&self, name: &str) -> Option<&Value> {
            self.0.iter().find(|(k, _, _)| k == name).map(|(_, v, _)| v)
        }

        fn origin(&self, name: &str) -> Option<String> {
            self.0
                .iter()
                .find(|(k, _, _)| k == name)
                .map(|(_, _, o)| o.to_string())
        }
    }

    fn scope() -> Vars {
        Vars(vec![
            ("port".into(), Value::Int(8080), "inventory.ini"),
            ("name".into(), Value::Str("shop".into()), "inventory.ini"),
            (
                "flag_str".into(),
                Value::Str("FALSE".into()),
                "inventory.ini",
            ),
            (
                "lst".into(),
                Value::List(vec![Value::Int(1), Value::Int(2)]),
                "site.yml",
            ),
            (
                "d".into(),
                Value::Dict(vec![("a".into(), Value::Int(1))]),
                "site.yml",
            ),
            ("none_var".into(), Value::None, "site.yml"),
            (
                "cli".into(),
                Value::Str("false".into()),
                "<CLI option '-e'>",
            ),
        ])
    }

    /// The outcome as ansible-core 2.20 reported it for the same variables (see the module
    /// docs of tests/differential/test_ansible_vars.py): RAN, SKIP, or the failure text.
    fn outcome(text: &str) -> String {
        match decide(text, &scope()).unwrap() {
            Decision::Bool(true) => "RAN".into(),
            Decision::Bool(false) => "SKIP".into(),
            Decision::NotBoolean(value, origin) => Decision::not_boolean_message(&value, &origin),
            Decision::Failed(message) => message,
        }
    }

    #[test]
    fn boolean_results_run_or_skip() {
        for (text, expected) in [
            ("port > 80", "RAN"),
            ("port == '8080'", "SKIP"),
            ("name == 'shop'", "RAN"),
            ("not name", "SKIP"),
            ("'x' in name", "SKIP"),
            ("'h' in name", "RAN"),
            ("name is defined", "RAN"),
            ("nope is defined", "SKIP"),
            ("nope is undefined", "RAN"),
            ("nope | default(false)", "SKIP"),
            ("flag_str | bool", "SKIP"),
            ("'maybe' | bool", "SKIP"),
            ("'yes' | bool", "RAN"),
            ("1 | bool", "RAN"),
            ("'0' | bool", "SKIP"),
            ("lst | length > 0", "RAN"),
            ("true", "RAN"),
            ("false", "SKIP"),
            ("(port > 1) and (name == 'shop')", "RAN"),
            ("port | int > 8000", "RAN"),
            ("name | upper == 'SHOP'", "RAN"),
            ("false and nope", "SKIP"),
            ("true or nope", "RAN"),
            ("port != 8080", "SKIP"),
            ("name is not defined", "SKIP"),
            ("d is defined", "RAN"),
            ("lst[0] == 1", "RAN"),
            ("'a' not in name", "RAN"),
            ("port >= 8080 and port <= 9000", "RAN"),
            ("none_var is none", "RAN"),
            ("'a' in d", "RAN"),
        ] {
            assert_eq!(outcome(text), expected, "{text}");
        }
    }

    #[test]
    fn other_results_are_errors_naming_type_and_origin() {
        let broken = |truth: &str, kind: &str, at: &str| {
            format!(
                "Conditional result ({truth}) was derived from value of type '{kind}' at {at}. Conditionals must have a boolean result."
            )
        };
        for (text, expected) in [
            ("port", broken("True", "int", "'inventory.ini'")),
            ("name", broken("True", "str", "'inventory.ini'")),
            ("flag_str", broken("True", "str", "'inventory.ini'")),
            ("name and port", broken("True", "int", "'inventory.ini'")),
            ("port or name", broken("True", "int", "'inventory.ini'")),
            (
                "nope | default('x')",
                broken("True", "str", "'roles/lab/tasks/main.yml'"),
            ),
            (
                "lst | length",
                broken("True", "int", "'roles/lab/tasks/main.yml'"),
            ),
            ("lst", broken("True", "list", "'site.yml'")),
            ("d.a", broken("True", "int", "'site.yml'")),
            ("none", broken("False", "NoneType", "'<unknown>'")),
            ("none_var", broken("False", "NoneType", "'<unknown>'")),
            ("0", broken("False", "int", "'roles/lab/tasks/main.yml'")),
            ("''", broken("False", "str", "'roles/lab/tasks/main.yml'")),
            ("cli", broken("True", "str", "\"<CLI option '-e'>\"")),
        ] {
            assert_eq!(outcome(text), expected, "{text}");
        }
    }

    #[test]
    fn failures_use_ansible_cores_words() {
        for (text, expected) in [
            (
                "nope",
                "Error while evaluating conditional: 'nope' is undefined",
            ),
            (
                "not nope",
                "Error while evaluating conditional: 'nope' is undefined",
            ),
            (
                "nope.x",
                "Error while evaluating conditional: 'nope' is undefined",
            ),
            (
                "d.zz",
                "Error while evaluating conditional: object of type 'dict' has no attribute 'zz'",
            ),
            (
                "lst[3]",
                "Error while evaluating conditional: object of type 'list' has no attribute 3",
            ),
            (
                "name.x",
                "Error while evaluating conditional: object of type 'str' has no attribute 'x'",
            ),
            (
                "port < 'a'",
                "Error rendering expression: '<' not supported between instances of 'int' and 'str'",
            ),
        ] {
            assert_eq!(outcome(text), expected, "{text}");
        }
    }

    #[test]
    fn unsupported_syntax_is_refused() {
        for text in [
            "port + 1",
            "name | to_json",
            "x is string",
            "(port > 1",
            "and",
            "{{ port }}",
        ] {
            assert!(decide(text, &scope()).is_err(), "{text}");
        }
        let deep = format!("{}true{}", "(".repeat(500), ")".repeat(500));
        assert!(decide(&deep, &scope()).is_err());
        let nots = format!("{}true", "not ".repeat(200));
        assert!(decide(&nots, &scope()).is_err());
    }
}
