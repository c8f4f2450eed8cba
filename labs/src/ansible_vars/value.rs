//! The values Ansible's variables hold, as Python sees them.
//!
//! A variable's type depends on where it came from (the INI plugin runs Python's literal parser,
//! YAML follows YAML 1.1, `-e k=v` gives strings), so the lab keeps Python's types rather than
//! JSON's: this module owns that small type model, how each type is named (`type_debug`), how it
//! prints in `debug` output (JSON) and how it prints inside a template (Python's `str`).

/// One Python value. Tuples from the INI plugin become lists, as Ansible returns them.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A YAML 1.1 date (`2026-10-01`), which PyYAML loads as `datetime.date`.
    Date(String),
    List(Vec<Value>),
    /// A dict in insertion order, as Python keeps it.
    Dict(Vec<(String, Value)>),
}

impl Value {
    /// The Python type name, as `{{ x | type_debug }}` reports it (YAML strings are a `str`
    /// subclass called `AnsibleUnicode` there; the lab says `str`).
    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Value::None => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Date(_) => "date",
            Value::List(_) => "list",
            Value::Dict(_) => "dict",
        }
    }

    /// JSON as Python's `json.dumps` writes it (`, ` and `: ` separators), which is how
    /// `ansible-playbook` shows variables.
    pub(crate) fn to_json(&self) -> String {
        match self {
            Value::None => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => python_float(*f),
            Value::Str(s) | Value::Date(s) => json_string(s),
            Value::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Value::to_json)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Dict(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", json_string(k), v.to_json()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// The text a template prints for this value: Python's `str`, except that Ansible prints
    /// `None` as nothing.
    pub(crate) fn to_template_text(&self) -> String {
        match self {
            Value::None => String::new(),
            Value::Str(s) | Value::Date(s) => s.clone(),
            other => other.python_repr(),
        }
    }

    fn python_repr(&self) -> String {
        match self {
            Value::None => "None".into(),
            Value::Bool(true) => "True".into(),
            Value::Bool(false) => "False".into(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => python_float(*f),
            Value::Str(s) => python_string(s),
            Value::Date(s) => {
                let parts: Vec<&str> = s.split('-').collect();
                let number = |p: Option<&&str>| p.and_then(|p| p.parse::<u32>().ok()).unwrap_or(0);
                format!(
                    "datetime.date({}, {}, {})",
                    number(parts.first()),
                    number(parts.get(1)),
                    number(parts.get(2))
                )
            }
            Value::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Value::python_repr)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Value::Dict(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", python_string(k), v.python_repr()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    /// Looks up `key` in a dict, or an index in a list.
    pub(crate) fn get(&self, key: &Key) -> Option<&Value> {
        match (self, key) {
            (Value::Dict(entries), Key::Name(name)) => {
                entries.iter().find(|(k, _)| k == name).map(|(_, v)| v)
            }
            (Value::List(items), Key::Index(i)) => {
                let len = items.len() as i64;
                let index = if *i < 0 { len + i } else { *i };
                usize::try_from(index).ok().and_then(|i| items.get(i))
            }
            _ => None,
        }
    }

    /// ansible-core 2.19+'s words for a lookup that finds nothing inside this value:
    /// `object of type 'dict' has no attribute 'zone'` (an index prints unquoted).
    pub(crate) fn missing_message(&self, key: &Key) -> String {
        match key {
            Key::Name(attr) => format!(
                "object of type '{}' has no attribute '{attr}'",
                self.type_name()
            ),
            Key::Index(i) => format!("object of type '{}' has no attribute {i}", self.type_name()),
        }
    }

    /// Python's truthiness: what `bool(value)` says.
    pub(crate) fn truthy(&self) -> bool {
        match self {
            Value::None => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) | Value::Date(s) => !s.is_empty(),
            Value::List(items) => !items.is_empty(),
            Value::Dict(entries) => !entries.is_empty(),
        }
    }
}

/// One step of a lookup inside a variable: `.name`, `['name']` or `[0]`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Key {
    Name(String),
    Index(i64),
}

/// Sets `key` in a Python-ordered dict: an existing key keeps its place.
pub(crate) fn dict_set(entries: &mut Vec<(String, Value)>, key: String, value: Value) {
    match entries.iter_mut().find(|(k, _)| *k == key) {
        Some(slot) => slot.1 = value,
        None => entries.push((key, value)),
    }
}

/// Python's `repr(float)`: shortest round-trip digits, always with a `.0` or an exponent.
pub(crate) fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    let magnitude = f.abs();
    if magnitude != 0.0 && !(1e-4..1e16).contains(&magnitude) {
        // Rust writes `1e16` / `1.5e-5`; Python writes `1e+16` / `1.5e-05`.
        let raw = format!("{f:e}");
        let (mantissa, exponent) = raw.split_once('e').unwrap_or((&raw, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(d) => ('-', d),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    let text = f.to_string();
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

fn json_string(s: &str) -> String {
    // serde_json escapes exactly the characters JSON requires; Python additionally escapes
    // non-ASCII by default, which `ansible-playbook` output does not.
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

/// Python's `repr(str)`: single quotes unless the text contains a single quote and no double.
pub(crate) fn python_string(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::new();
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_like_python() {
        assert_eq!(python_float(1000.0), "1000.0");
        assert_eq!(python_float(1.5), "1.5");
        assert_eq!(python_float(1e16), "1e+16");
        assert_eq!(python_float(0.00001), "1e-05");
        assert_eq!(python_float(-0.5), "-0.5");
    }

    #[test]
    fn templates_print_python_str() {
        let list = Value::List(vec![
            Value::Int(1),
            Value::Str("x".into()),
            Value::Bool(true),
        ]);
        assert_eq!(list.to_template_text(), "[1, 'x', True]");
        assert_eq!(list.to_json(), "[1, \"x\", true]");
        let dict = Value::Dict(vec![("a".into(), Value::None)]);
        assert_eq!(dict.to_template_text(), "{'a': None}");
        assert_eq!(Value::None.to_template_text(), "");
        assert_eq!(Value::Str("it's".into()).python_repr(), "\"it's\"");
    }
}
