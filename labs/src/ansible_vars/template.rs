//! Renders the lab's message the way Ansible's Jinja2 templating would, for a small subset.
//!
//! Supported: `{{ name }}`, lookups `name.key`, `name['key']`, `name[0]`, the filters `default`
//! (alias `d`), `int`, `string`, `lower` and `upper`, and `{# comments #}`. Variables whose value
//! is itself a template are rendered when used, as Ansible does lazily. Anything else (`{% %}`
//! blocks, other filters, expressions) is refused with a message, so the lab never pretends to
//! render something it does not understand. Undefined names fail with Jinja2's own wording.
//!
//! Nested templates multiply: three lookups of a value that itself looks up three others, twenty
//! levels deep, is 3²⁰ copies. Every piece of text produced, at any depth, is counted against
//! [`MAX_RENDERED`], and rendering stops there with a message, so the lab's memory and time stay
//! proportional to what it can show.

use super::value::{Key, Value};

/// A message the lab cannot render at all (unsupported syntax), as opposed to a variable that
/// turns out to be undefined, which is the lesson and not an input error.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SyntaxError(pub(crate) String, pub(crate) String);

impl SyntaxError {
    /// The message in the reader's language: `.0` is English, `.1` Spanish.
    pub(crate) fn text(&self, lang: crate::protocol::Lang) -> &str {
        lang.pick(&self.0, &self.1)
    }
}

/// The outcome of rendering: the text, or Jinja2's message for the first undefined lookup.
pub(crate) type Rendered = Result<String, String>;

/// Looks a top-level name up.
pub(crate) trait Scope {
    fn lookup(&self, name: &str) -> Option<&Value>;

    /// Where the name's value was defined, as ansible-core names it in errors (a file, or
    /// `<CLI option '-e'>`); `None` when unknown.
    fn origin(&self, _name: &str) -> Option<String> {
        None
    }
}

/// Ansible gives up after this many nested templates, calling it a recursive loop.
const MAX_DEPTH: usize = 20;
/// The most characters one render may produce, counted at every nesting level.
pub(crate) const MAX_RENDERED: usize = 100_000;

/// What a render has produced so far, in characters, across every nested template.
pub(crate) struct Budget(usize);

impl Budget {
    pub(crate) fn new() -> Self {
        Budget(0)
    }

    fn spend(&mut self, text: &str) -> Result<(), SyntaxError> {
        self.0 = self.0.saturating_add(text.len());
        if self.0 > MAX_RENDERED {
            return Err(SyntaxError(
                format!(
                    "the template expands to more than {MAX_RENDERED} characters (nested templates multiply); the lab stops here"
                ),
                format!(
                    "la plantilla se expande a más de {MAX_RENDERED} caracteres (las plantillas anidadas se multiplican); el laboratorio se detiene aquí"
                ),
            ));
        }
        Ok(())
    }
}

pub(crate) fn render(template: &str, scope: &dyn Scope) -> Result<Rendered, SyntaxError> {
    render_at(template, scope, 0, &mut Budget::new())
}

fn render_at(
    template: &str,
    scope: &dyn Scope,
    depth: usize,
    budget: &mut Budget,
) -> Result<Rendered, SyntaxError> {
    if depth > MAX_DEPTH {
        return Ok(Err(format!(
            "recursive loop detected in template string: {template}"
        )));
    }
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        budget.spend(&rest[..start])?;
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        if let Some(body) = tail.strip_prefix("{{") {
            let end = body.find("}}").ok_or_else(|| {
                SyntaxError(
                    "a '{{' is never closed with '}}'".into(),
                    "un '{{' nunca se cierra con '}}'".into(),
                )
            })?;
            let expression = parse_expression(&body[..end])?;
            match evaluate(&expression, scope, depth, budget)? {
                Ok(value) => {
                    let text = value.to_template_text();
                    budget.spend(&text)?;
                    out.push_str(&text);
                }
                Err(message) => return Ok(Err(message)),
            }
            rest = &body[end + 2..];
        } else if let Some(body) = tail.strip_prefix("{#") {
            let end = body.find("#}").ok_or_else(|| {
                SyntaxError(
                    "a '{#' comment is never closed with '#}'".into(),
                    "un comentario '{#' nunca se cierra con '#}'".into(),
                )
            })?;
            rest = &body[end + 2..];
        } else if tail.starts_with("{%") {
            return Err(SyntaxError(
                "{% … %} blocks are not supported by this lab; use {{ name }} expressions".into(),
                "este laboratorio no admite bloques {% … %}; usen expresiones {{ nombre }}".into(),
            ));
        } else {
            budget.spend("{")?;
            out.push('{');
            rest = &tail[1..];
        }
    }
    budget.spend(rest)?;
    out.push_str(rest);
    Ok(Ok(out))
}

#[derive(Debug, Clone, PartialEq)]
struct Expression {
    name: String,
    path: Vec<Key>,
    filters: Vec<(String, Vec<Value>)>,
}

fn is_name_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl Cursor<'_> {
    fn skip_space(&mut self) {
        while self.text[self.pos..].starts_with(char::is_whitespace) {
            self.pos += self.text[self.pos..]
                .chars()
                .next()
                .map_or(1, char::len_utf8);
        }
    }

    fn eat(&mut self, token: char) -> bool {
        self.skip_space();
        if self.text[self.pos..].starts_with(token) {
            self.pos += token.len_utf8();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Option<String> {
        self.skip_space();
        let rest = &self.text[self.pos..];
        if !rest.starts_with(is_name_start) {
            return None;
        }
        let len = rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
        self.pos += len;
        Some(rest[..len].to_string())
    }

    /// A literal argument: a quoted string, an integer, a float, or a boolean.
    fn literal(&mut self) -> Option<Value> {
        self.skip_space();
        let rest = &self.text[self.pos..];
        let quote = rest.chars().next()?;
        if quote == '\'' || quote == '"' {
            let end = rest[1..].find(quote)?;
            self.pos += end + 2;
            return Some(Value::Str(rest[1..end + 1].to_string()));
        }
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let value = match word {
            "True" | "true" => Value::Bool(true),
            "False" | "false" => Value::Bool(false),
            "None" | "none" => Value::None,
            _ => {
                if let Ok(i) = word.parse::<i64>() {
                    Value::Int(i)
                } else {
                    Value::Float(word.parse::<f64>().ok()?)
                }
            }
        };
        self.pos += len;
        Some(value)
    }
}

const SUPPORTED: &str = "this lab understands {{ name }}, name.key, name['key'], name[0] and the filters default, int, string, lower, upper, bool and length";
const SUPPORTED_ES: &str = "este laboratorio entiende {{ nombre }}, nombre.clave, nombre['clave'], nombre[0] y los filtros default, int, string, lower, upper, bool y length";

/// The filters the lab implements, in templates and conditionals alike.
pub(crate) const FILTERS: [&str; 8] = [
    "default", "d", "int", "string", "lower", "upper", "bool", "length",
];

fn parse_expression(text: &str) -> Result<Expression, SyntaxError> {
    let unsupported = || {
        SyntaxError(
            format!("{{{{{text}}}}}: {SUPPORTED}"),
            format!("{{{{{text}}}}}: {SUPPORTED_ES}"),
        )
    };
    let mut cursor = Cursor { text, pos: 0 };
    let name = cursor.name().ok_or_else(unsupported)?;
    let mut path = Vec::new();
    loop {
        if cursor.eat('.') {
            path.push(Key::Name(cursor.name().ok_or_else(unsupported)?));
        } else if cursor.eat('[') {
            match cursor.literal().ok_or_else(unsupported)? {
                Value::Str(s) => path.push(Key::Name(s)),
                Value::Int(i) => path.push(Key::Index(i)),
                _ => return Err(unsupported()),
            }
            if !cursor.eat(']') {
                return Err(unsupported());
            }
        } else {
            break;
        }
    }
    let mut filters = Vec::new();
    while cursor.eat('|') {
        let filter = cursor.name().ok_or_else(unsupported)?;
        if !FILTERS.contains(&filter.as_str()) {
            return Err(unsupported());
        }
        let mut args = Vec::new();
        if cursor.eat('(') && !cursor.eat(')') {
            loop {
                args.push(cursor.literal().ok_or_else(unsupported)?);
                if cursor.eat(')') {
                    break;
                }
                if !cursor.eat(',') {
                    return Err(unsupported());
                }
            }
        }
        filters.push((filter, args));
    }
    cursor.skip_space();
    if cursor.pos != text.len() {
        return Err(unsupported());
    }
    Ok(Expression {
        name,
        path,
        filters,
    })
}

/// Renders string values that are themselves templates, inside containers too.
fn resolve(
    value: &Value,
    scope: &dyn Scope,
    depth: usize,
    budget: &mut Budget,
) -> Result<Result<Value, String>, SyntaxError> {
    Ok(match value {
        Value::Str(s) if s.contains("{{") || s.contains("{#") || s.contains("{%") => {
            render_at(s, scope, depth + 1, budget)?.map(Value::Str)
        }
        Value::List(items) => {
            let mut out = Vec::new();
            for item in items {
                match resolve(item, scope, depth, budget)? {
                    Ok(v) => out.push(v),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Ok(Value::List(out))
        }
        Value::Dict(entries) => {
            let mut out = Vec::new();
            for (k, v) in entries {
                match resolve(v, scope, depth, budget)? {
                    Ok(v) => out.push((k.clone(), v)),
                    Err(e) => return Ok(Err(e)),
                }
            }
            Ok(Value::Dict(out))
        }
        other => Ok(other.clone()),
    })
}

fn evaluate(
    expression: &Expression,
    scope: &dyn Scope,
    depth: usize,
    budget: &mut Budget,
) -> Result<Result<Value, String>, SyntaxError> {
    let mut current = lookup(&expression.name, &expression.path, scope, depth, budget)?;
    for (filter, args) in &expression.filters {
        current = apply_filter(filter, args, current);
    }
    Ok(current)
}

/// Looks `name` and then `path` up, rendering values that are templates; an undefined result
/// is kept as ansible-core's message (`'x' is undefined`, `object of type 'dict' has no
/// attribute 'zone'`) so that `default` and `is defined` can still replace it.
pub(crate) fn lookup(
    name: &str,
    path: &[Key],
    scope: &dyn Scope,
    depth: usize,
    budget: &mut Budget,
) -> Result<Result<Value, String>, SyntaxError> {
    let mut current: Result<Value, String> = match scope.lookup(name) {
        Some(value) => resolve(value, scope, depth, budget)?,
        None => Err(format!("'{name}' is undefined")),
    };
    for key in path {
        current = match current {
            Ok(object) => match object.get(key) {
                Some(v) => Ok(v.clone()),
                None => Err(object.missing_message(key)),
            },
            Err(e) => Err(e),
        };
    }
    Ok(current)
}

/// One filter of [`FILTERS`] applied to a value (or to an undefined one, which only `default`
/// replaces). A filter's own failure (`length` of a number) is returned as its message.
pub(crate) fn apply_filter(
    filter: &str,
    args: &[Value],
    current: Result<Value, String>,
) -> Result<Value, String> {
    match (filter, current) {
        ("default" | "d", current) => {
            let fallback = args.first().cloned().unwrap_or(Value::Str(String::new()));
            let only_if_falsy = matches!(args.get(1), Some(Value::Bool(true)));
            match current {
                Err(_) => Ok(fallback),
                Ok(v) if only_if_falsy && !v.truthy() => Ok(fallback),
                Ok(v) => Ok(v),
            }
        }
        (_, Err(e)) => Err(e),
        ("int", Ok(v)) => Ok(Value::Int(to_int(&v))),
        ("string", Ok(Value::None)) => Ok(Value::Str("None".into())),
        ("string", Ok(v)) => Ok(Value::Str(v.to_template_text())),
        ("lower", Ok(v)) => Ok(Value::Str(v.to_template_text().to_lowercase())),
        ("upper", Ok(v)) => Ok(Value::Str(v.to_template_text().to_uppercase())),
        ("bool", Ok(v)) => Ok(Value::Bool(to_bool(&v))),
        ("length", Ok(v)) => match &v {
            Value::Str(s) | Value::Date(s) => Ok(Value::Int(s.chars().count() as i64)),
            Value::List(items) => Ok(Value::Int(items.len() as i64)),
            Value::Dict(entries) => Ok(Value::Int(entries.len() as i64)),
            other => Err(format!(
                "object of type '{}' has no len()",
                other.type_name()
            )),
        },
        (_, Ok(v)) => Ok(v),
    }
}

/// ansible-core's `bool` filter: `yes`, `on`, `1`, `true` (any case, and the integers 1 and
/// `True`) are true; `no`, `off`, `0`, `false` are false; anything else is `value == 1` (with a
/// deprecation warning since 2.19).
fn to_bool(value: &Value) -> bool {
    let text = match value {
        Value::Str(s) => s.to_lowercase(),
        Value::Bool(b) => if *b { "true" } else { "false" }.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => return *f == 1.0,
        _ => return false,
    };
    matches!(text.as_str(), "1" | "on" | "yes" | "true")
}

/// Jinja2's `int` filter: `int(x)`, else `int(float(x))`, else 0.
fn to_int(value: &Value) -> i64 {
    match value {
        Value::Int(i) => *i,
        Value::Bool(b) => i64::from(*b),
        Value::Float(f) => f.trunc() as i64,
        Value::Str(s) => {
            let t = s.trim();
            t.replace('_', "")
                .parse::<i64>()
                .ok()
                .or_else(|| {
                    t.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(|f| f.trunc() as i64)
                })
                .unwrap_or(0)
        }
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Vars(Vec<(String, Value)>);

    impl Scope for Vars {
        fn lookup(&self, name: &str) -> Option<&Value> {
            self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
        }
    }

    fn scope() -> Vars {
        Vars(vec![
            ("app".into(), Value::Str("shop".into())),
            ("port".into(), Value::Int(8080)),
            (
                "url".into(),
                Value::Str("http://{{ app }}:{{ port }}".into()),
            ),
            (
                "cfg".into(),
                Value::Dict(vec![("tier".into(), Value::Str("web".into()))]),
            ),
            ("loop".into(), Value::Str("{{ loop }}".into())),
        ])
    }

    fn ok(template: &str) -> String {
        render(template, &scope()).unwrap().unwrap()
    }

    fn undefined(template: &str) -> String {
        render(template, &scope()).unwrap().unwrap_err()
    }

    #[test]
    fn renders_names_lookups_and_nested_templates() {
        assert_eq!(
            ok("Deploying {{ app }} on port {{port}}"),
            "Deploying shop on port 8080"
        );
        assert_eq!(ok("{{ url }}"), "http://shop:8080");
        assert_eq!(ok("{{ cfg.tier }}/{{ cfg['tier'] | upper }}"), "web/WEB");
        assert_eq!(ok("{{ missing | default('none') }}"), "none");
        assert_eq!(ok("{{ port | string }}{# note #}"), "8080");
        assert_eq!(ok("{ not a template }"), "{ not a template }");
    }

    #[test]
    fn undefined_uses_jinjas_words() {
        assert_eq!(undefined("{{ app_port }}"), "'app_port' is undefined");
        assert_eq!(
            undefined("{{ cfg.zone }}"),
            "object of type 'dict' has no attribute 'zone'"
        );
        assert_eq!(
            undefined("{{ app.x }}"),
            "object of type 'str' has no attribute 'x'"
        );
        assert_eq!(undefined("{{ missing.key }}"), "'missing' is undefined");
        assert!(undefined("{{ loop }}").starts_with("recursive loop detected"));
    }

    #[test]
    fn nested_templates_that_multiply_are_stopped() {
        // t0 is 10 characters; each level uses the one below three times: 3¹⁸ × 10 at the top.
        let mut vars = vec![("t0".to_string(), Value::Str("x".repeat(10)))];
        for i in 1..=18 {
            let below = format!("{{{{ t{} }}}}", i - 1);
            vars.push((format!("t{i}"), Value::Str(below.repeat(3))));
        }
        let error = render("{{ t18 }}", &Vars(vars.clone())).unwrap_err();
        assert!(error.0.contains("expands to more than"), "{error:?}");
        // A few levels stay well below the limit.
        assert_eq!(render("{{ t3 }}", &Vars(vars)).unwrap().unwrap().len(), 270);
    }

    #[test]
    fn unsupported_syntax_is_refused() {
        assert!(render("{% if x %}", &scope()).is_err());
        assert!(render("{{ app | to_json }}", &scope()).is_err());
        assert!(render("{{ port + 1 }}", &scope()).is_err());
        assert!(render("{{ app", &scope()).is_err());
    }
}
