//! Reads an INI inventory the way ansible-core's `ini` inventory plugin does.
//!
//! This module owns the inventory model the lab needs — groups with their variables, children and
//! priority, hosts with their inline variables and direct groups — and the plugin's rules: the
//! first lines belong to `ungrouped`, `[g:vars]` may only name a group declared elsewhere,
//! `[g:children]` may only list groups declared somewhere in the file, host lines are split like
//! `shlex.split(line, comments=True)`, and every value goes through Python's `ast.literal_eval`
//! (so `8080` is an int, `'8080'` a str and `yes` stays the string "yes"). It also computes what
//! the precedence rules need: a host's groups sorted by depth, priority and name.
//!
//! Host ranges such as `web[1:3]` are refused with a message rather than expanded.

use std::collections::{BTreeMap, BTreeSet};

use super::value::{Value, dict_set, python_string};
use crate::protocol::Lang;

/// Why an inventory was refused, with its 1-based line. Most messages are ansible-core's own
/// words and stay in English, as Ansible prints them; the lab's own limits carry a Spanish text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct IniError {
    pub(crate) line: usize,
    pub(crate) message: String,
    pub(crate) es: Option<String>,
}

impl IniError {
    /// The message in the reader's language (ansible-core's words in both).
    pub(crate) fn text(&self, lang: Lang) -> &str {
        match &self.es {
            Some(es) => lang.pick(&self.message, es),
            None => &self.message,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Group {
    pub(crate) vars: Vec<(String, Value)>,
    children: BTreeSet<String>,
    parents: BTreeSet<String>,
    /// `ansible_group_priority`, 1 unless set.
    pub(crate) priority: i64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Host {
    pub(crate) vars: Vec<(String, Value)>,
    groups: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Inventory {
    pub(crate) groups: BTreeMap<String, Group>,
    pub(crate) hosts: BTreeMap<String, Host>,
}

/// A group a host belongs to, with the depth that orders the merge.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Membership {
    pub(crate) name: String,
    pub(crate) depth: usize,
    pub(crate) priority: i64,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Hosts,
    Vars,
    Children,
}

/// What the plugin still waits for at the end of the file.
enum Pending {
    Vars { line: usize },
    Children { line: usize, parents: Vec<String> },
}

fn error(line: usize, message: impl Into<String>) -> IniError {
    IniError {
        line,
        message: message.into(),
        es: None,
    }
}

pub(crate) fn parse_inventory(text: &str) -> Result<Inventory, IniError> {
    let mut inventory = Inventory {
        groups: BTreeMap::new(),
        hosts: BTreeMap::new(),
    };
    inventory.add_group("all");
    inventory.add_group("ungrouped");
    inventory.add_child("all", "ungrouped", 0)?;

    let mut pending: BTreeMap<String, Pending> = BTreeMap::new();
    let mut group = "ungrouped".to_string();
    let mut state = State::Hosts;
    for (index, raw) in text.lines().enumerate() {
        let line_no = index + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with(['#', ';']) {
            continue;
        }
        if let Some((name, tag)) = parse_section(line) {
            state = match tag {
                None | Some("hosts") => State::Hosts,
                Some("vars") => State::Vars,
                Some("children") => State::Children,
                Some(other) => {
                    return Err(error(
                        line_no,
                        format!("Section [{name}:{other}] has unknown type: {other}"),
                    ));
                }
            };
            if !inventory.groups.contains_key(name) {
                if state == State::Vars && !pending.contains_key(name) {
                    pending.insert(name.to_string(), Pending::Vars { line: line_no });
                }
                inventory.add_group(name);
            }
            if state != State::Vars {
                match pending.get(name) {
                    Some(Pending::Children { .. }) => {
                        inventory.add_pending_children(name, &mut pending, line_no)?;
                    }
                    Some(Pending::Vars { .. }) => {
                        pending.remove(name);
                    }
                    None => {}
                }
            }
            group = name.to_string();
            continue;
        }
        if line.starts_with('[') && line.ends_with(']') {
            return Err(error(
                line_no,
                format!(
                    "Invalid section entry: '{line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters"
                ),
            ));
        }
        match state {
            State::Hosts => inventory.add_host_line(line, &group, line_no)?,
            State::Vars => {
                let Some((key, value)) = line.split_once('=') else {
                    return Err(error(line_no, format!("Expected key=value, got: {line}")));
                };
                inventory.set_group_variable(
                    &group,
                    key.trim(),
                    literal_value(value.trim()),
                    line_no,
                )?;
            }
            State::Children => {
                let child = parse_group_name(line)
                    .ok_or_else(|| error(line_no, format!("Expected group name, got: {line}")))?;
                if inventory.groups.contains_key(child) {
                    inventory.add_child(&group, child, line_no)?;
                } else {
                    match pending.get_mut(child) {
                        Some(Pending::Children { parents, .. }) => parents.push(group.clone()),
                        _ => {
                            pending.insert(
                                child.to_string(),
                                Pending::Children {
                                    line: line_no,
                                    parents: vec![group.clone()],
                                },
                            );
                        }
                    }
                }
            }
        }
    }
    if let Some((name, decl)) = pending.iter().next() {
        return Err(match decl {
            Pending::Vars { line } => error(
                *line,
                format!(
                    "Section [{name}:vars] not valid for undefined group {}.",
                    python_string(name)
                ),
            ),
            Pending::Children { line, parents } => error(
                *line,
                format!(
                    "Section [{}:children] includes undefined group {}.",
                    parents.last().map(String::as_str).unwrap_or(""),
                    python_string(name)
                ),
            ),
        });
    }
    inventory.reconcile()?;
    Ok(inventory)
}

/// Python's `int()` of a string: surrounding whitespace, an optional sign, digits with single
/// underscores between them. `None` where Python raises (or the number does not fit in 64 bits,
/// which Python would accept; a group priority that large is not a lesson).
fn python_int(text: &str) -> Option<i64> {
    let t = text.trim();
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    let well_formed = !digits.is_empty()
        && digits
            .split('_')
            .all(|run| !run.is_empty() && run.bytes().all(|b| b.is_ascii_digit()));
    if !well_formed {
        return None;
    }
    t.replace('_', "").parse().ok()
}

/// `[name]`, `[name:tag]`, optionally followed by a comment.
fn parse_section(line: &str) -> Option<(&str, Option<&str>)> {
    let inner = line.strip_prefix('[')?;
    let close = inner.find(']')?;
    let rest = inner[close + 1..].trim_start();
    if !(rest.is_empty() || rest.starts_with('#')) {
        return None;
    }
    let inner = &inner[..close];
    let (name, tag) = match inner.split_once(':') {
        Some((name, tag)) => (name, Some(tag)),
        None => (inner, None),
    };
    let name_ok = !name.is_empty() && !name.contains(|c: char| c.is_whitespace() || c == ']');
    let tag_ok =
        tag.is_none_or(|t| !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_'));
    (name_ok && tag_ok).then_some((name, tag))
}

fn parse_group_name(line: &str) -> Option<&str> {
    let end = line
        .find(|c: char| c.is_whitespace() || c == '#')
        .unwrap_or(line.len());
    let (name, rest) = line.split_at(end);
    let rest = rest.trim_start();
    let ok = !name.is_empty()
        && !name.contains([':', ']'])
        && (rest.is_empty() || rest.starts_with('#'));
    ok.then_some(name)
}

impl Inventory {
    fn add_group(&mut self, name: &str) {
        self.groups
            .entry(name.to_string())
            .or_insert_with(|| Group {
                priority: 1,
                ..Group::default()
            });
    }

    fn add_child(&mut self, parent: &str, child: &str, line: usize) -> Result<(), IniError> {
        if parent == child {
            return Err(error(line, "can't add group to itself"));
        }
        if self.ancestors(parent).contains(child) {
            return Err(error(
                line,
                format!(
                    "Adding group '{child}' as child to '{parent}' creates a recursive dependency loop."
                ),
            ));
        }
        if let Some(g) = self.groups.get_mut(parent) {
            g.children.insert(child.to_string());
        }
        if let Some(g) = self.groups.get_mut(child) {
            g.parents.insert(parent.to_string());
        }
        Ok(())
    }

    fn add_pending_children(
        &mut self,
        group: &str,
        pending: &mut BTreeMap<String, Pending>,
        line: usize,
    ) -> Result<(), IniError> {
        let Some(Pending::Children { parents, .. }) = pending.remove(group) else {
            return Ok(());
        };
        for parent in parents {
            self.add_child(&parent, group, line)?;
            if matches!(pending.get(&parent), Some(Pending::Children { .. })) {
                self.add_pending_children(&parent, pending, line)?;
            }
        }
        Ok(())
    }

    fn ancestors(&self, group: &str) -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![group.to_string()];
        while let Some(g) = stack.pop() {
            if let Some(parents) = self.groups.get(&g).map(|g| &g.parents) {
                for p in parents {
                    if seen.insert(p.clone()) {
                        stack.push(p.clone());
                    }
                }
            }
        }
        seen
    }

    fn set_group_variable(
        &mut self,
        group: &str,
        key: &str,
        value: Value,
        line: usize,
    ) -> Result<(), IniError> {
        let Some(g) = self.groups.get_mut(group) else {
            return Ok(());
        };
        if key == "ansible_group_priority" {
            // The plugin calls Python's int() on it and keeps it out of the group's variables;
            // what int() refuses is refused in its words.
            g.priority = match &value {
                Value::Int(i) => *i,
                Value::Str(s) => python_int(s).ok_or_else(|| {
                    error(
                        line,
                        format!(
                            "invalid literal for int() with base 10: {}",
                            python_string(s)
                        ),
                    )
                })?,
                Value::Bool(b) => i64::from(*b),
                Value::Float(f) => f.trunc() as i64,
                other => {
                    return Err(error(
                        line,
                        format!(
                            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
                            other.type_name()
                        ),
                    ));
                }
            };
            return Ok(());
        }
        set_variable(&mut g.vars, key, value);
        Ok(())
    }

    fn add_host_line(&mut self, line: &str, group: &str, line_no: usize) -> Result<(), IniError> {
        let tokens = shlex_split(line).map_err(|e| {
            error(
                line_no,
                format!("Error parsing host definition '{line}': {e}"),
            )
        })?;
        let Some((pattern, assignments)) = tokens.split_first() else {
            return Ok(());
        };
        let (name, port) = split_host_pattern(pattern, line_no)?;
        let mut variables = Vec::new();
        for token in assignments {
            let Some((key, value)) = token.split_once('=') else {
                return Err(error(
                    line_no,
                    format!("Expected key=value host variable assignment, got: {token}"),
                ));
            };
            variables.push((key.to_string(), literal_value(value)));
        }
        let host = self.hosts.entry(name.clone()).or_insert_with(|| {
            let mut host = Host::default();
            if let Some(port) = port {
                host.vars.push(("ansible_port".into(), Value::Int(port)));
            }
            host
        });
        host.groups.insert(group.to_string());
        for (key, value) in variables {
            set_variable(&mut host.vars, &key, value);
        }
        Ok(())
    }

    /// Ansible's `reconcile_inventory`: top-level groups hang from `all`, and hosts in no group
    /// (or in `ungrouped` only by accident) are fixed up.
    fn reconcile(&mut self) -> Result<(), IniError> {
        let orphans: Vec<String> = self
            .groups
            .iter()
            .filter(|(name, g)| name.as_str() != "all" && g.parents.is_empty())
            .map(|(name, _)| name.clone())
            .collect();
        for name in orphans {
            self.add_child("all", &name, 0)?;
        }
        for host in self.hosts.values_mut() {
            let others = host.groups.iter().any(|g| g != "all" && g != "ungrouped");
            if others {
                host.groups.remove("ungrouped");
            } else {
                host.groups.insert("ungrouped".into());
            }
        }
        Ok(())
    }

    /// Longest path from `all`, as Ansible keeps a group's `depth`. Memoized in `known`: groups
    /// that share ancestors (a diamond of `:children` sections) would otherwise be walked once
    /// per path, which doubles with every layer.
    fn depth(&self, group: &str, known: &mut BTreeMap<String, usize>) -> usize {
        if let Some(depth) = known.get(group) {
            return *depth;
        }
        // The parent graph has no cycles (add_child refuses them), so this terminates.
        let depth = self.groups.get(group).map_or(0, |g| {
            g.parents
                .iter()
                .map(|p| self.depth(p, known) + 1)
                .max()
                .unwrap_or(0)
        });
        known.insert(group.to_string(), depth);
        depth
    }

    /// The host's groups — its own, their ancestors and `all` — in the order Ansible merges
    /// their variables: by depth, then `ansible_group_priority`, then name; later wins.
    pub(crate) fn host_groups(&self, host: &str) -> Vec<Membership> {
        let Some(h) = self.hosts.get(host) else {
            return Vec::new();
        };
        let mut names: BTreeSet<String> = BTreeSet::new();
        for g in &h.groups {
            names.insert(g.clone());
            names.extend(self.ancestors(g));
        }
        names.insert("all".into());
        let mut known = BTreeMap::new();
        let mut groups: Vec<Membership> = names
            .into_iter()
            .map(|name| Membership {
                depth: self.depth(&name, &mut known),
                priority: self.groups.get(&name).map_or(1, |g| g.priority),
                name,
            })
            .collect();
        groups.sort_by(|a, b| (a.depth, a.priority, &a.name).cmp(&(b.depth, b.priority, &b.name)));
        groups
    }
}

/// `set_variable` on a host or group: a dict assigned over a dict is merged one level deep
/// (Ansible's `combine_vars` with the default `replace` behaviour); anything else replaces.
fn set_variable(vars: &mut Vec<(String, Value)>, key: &str, value: Value) {
    if let (Some((_, Value::Dict(existing))), Value::Dict(new)) =
        (vars.iter_mut().find(|(k, _)| k == key), &value)
    {
        for (k, v) in new.clone() {
            dict_set(existing, k, v);
        }
        return;
    }
    dict_set(vars, key.to_string(), value);
}

/// `host`, `host:port`; refuses ranges, which the lab does not expand.
fn split_host_pattern(pattern: &str, line: usize) -> Result<(String, Option<i64>), IniError> {
    if pattern.contains('[') {
        return Err(IniError {
            line,
            message: format!(
                "host ranges such as '{pattern}' are not expanded by this lab; list the hosts one per line"
            ),
            es: Some(format!(
                "este laboratorio no expande rangos de hosts como '{pattern}'; escriban un host por línea"
            )),
        });
    }
    if pattern.ends_with(':') {
        return Err(error(
            line,
            format!(
                "Invalid host pattern '{pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port."
            ),
        ));
    }
    if pattern == "---" {
        return Err(error(
            line,
            "Invalid host pattern '---' supplied, '---' is normally a sign this is a YAML file.",
        ));
    }
    if let Some((name, port)) = pattern.split_once(':')
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
        && let Ok(port) = port.parse()
    {
        return Ok((name.to_string(), Some(port)));
    }
    Ok((pattern.to_string(), None))
}

/// `shlex.split(line, comments=True)` in POSIX mode.
fn shlex_split(line: &str) -> Result<Vec<String>, &'static str> {
    let mut tokens = Vec::new();
    let mut token = String::new();
    let mut in_token = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_token {
                    tokens.push(std::mem::take(&mut token));
                    in_token = false;
                }
            }
            '#' => break,
            '\\' => {
                in_token = true;
                match chars.next() {
                    Some(next) => token.push(next),
                    None => return Err("No escaped character"),
                }
            }
            '\'' => {
                in_token = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => token.push(c),
                        None => return Err("No closing quotation"),
                    }
                }
            }
            '"' => {
                in_token = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.peek() {
                            Some(&next @ ('"' | '\\')) => {
                                chars.next();
                                token.push(next);
                            }
                            _ => token.push('\\'),
                        },
                        Some(c) => token.push(c),
                        None => return Err("No closing quotation"),
                    }
                }
            }
            c => {
                in_token = true;
                token.push(c);
            }
        }
    }
    if in_token {
        tokens.push(token);
    }
    Ok(tokens)
}

/// The INI plugin's `_parse_value`: `ast.literal_eval`, or the text itself when that fails.
pub(crate) fn literal_value(text: &str) -> Value {
    let mut parser = Literal {
        chars: text.trim_start_matches([' ', '\t']).chars().collect(),
        pos: 0,
        open: 0,
    };
    match parser.value() {
        Some(value) if parser.at_end() => value,
        _ => Value::Str(text.to_string()),
    }
}

/// A parser for the Python literals `ast.literal_eval` accepts: numbers with one optional sign,
/// strings (adjacent ones concatenated), `True`, `False`, `None`, lists, tuples and dicts.
/// Sets, bytes and complex numbers are left to the string fallback.
struct Literal {
    chars: Vec<char>,
    pos: usize,
    /// Brackets open around the current value: Python's tokenizer refuses more than
    /// [`MAX_BRACKETS`] ("too many nested parentheses"), and so the text stays a string; the
    /// limit also bounds this parser's recursion.
    open: usize,
}

/// CPython's `MAXLEVEL`: `ast.literal_eval` accepts 200 nested brackets and refuses 201.
const MAX_BRACKETS: usize = 200;

impl Literal {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c == '#' {
                // A comment runs to the end of the line, as in Python source.
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else if c.is_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos >= self.chars.len()
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> Option<Value> {
        self.skip_space();
        match self.peek()? {
            '+' | '-' => {
                let negative = self.peek() == Some('-');
                self.pos += 1;
                self.skip_space();
                match self.number()? {
                    Value::Int(i) => Some(Value::Int(if negative { i.checked_neg()? } else { i })),
                    Value::Float(f) => Some(Value::Float(if negative { -f } else { f })),
                    _ => None,
                }
            }
            '0'..='9' | '.' => self.number(),
            '[' | '(' | '{' if self.open == MAX_BRACKETS => None,
            '[' => {
                self.pos += 1;
                self.open += 1;
                let items = self.sequence(']')?.0;
                self.open -= 1;
                Some(Value::List(items))
            }
            '(' => {
                self.pos += 1;
                self.open += 1;
                let (items, trailing_comma) = self.sequence(')')?;
                self.open -= 1;
                // `(1)` is just 1; `(1,)` and `()` are tuples, which Ansible hands back as lists.
                if items.len() == 1 && !trailing_comma {
                    items.into_iter().next()
                } else {
                    Some(Value::List(items))
                }
            }
            '{' => {
                self.pos += 1;
                self.open += 1;
                let dict = self.dict();
                self.open -= 1;
                dict
            }
            '\'' | '"' => self.strings(),
            c if c.is_alphabetic() || c == '_' => {
                let start = self.pos;
                while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    self.pos += 1;
                }
                let word: String = self.chars[start..self.pos].iter().collect();
                match word.as_str() {
                    "True" => Some(Value::Bool(true)),
                    "False" => Some(Value::Bool(false)),
                    "None" => Some(Value::None),
                    "r" | "R" | "u" | "U" if matches!(self.peek(), Some('\'' | '"')) => {
                        self.pos = start;
                        self.strings()
                    }
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Items up to `close`; also says whether a trailing comma was present.
    fn sequence(&mut self, close: char) -> Option<(Vec<Value>, bool)> {
        let mut items = Vec::new();
        let mut trailing_comma = false;
        loop {
            if self.eat(close) {
                return Some((items, trailing_comma));
            }
            items.push(self.value()?);
            trailing_comma = self.eat(',');
            if !trailing_comma {
                return self.eat(close).then_some((items, false));
            }
        }
    }

    fn dict(&mut self) -> Option<Value> {
        let mut entries = Vec::new();
        loop {
            if self.eat('}') {
                return Some(Value::Dict(entries));
            }
            let key = match self.value()? {
                Value::Str(s) => s,
                Value::List(_) | Value::Dict(_) => return None,
                other => other.to_template_text(),
            };
            if !self.eat(':') {
                return None;
            }
            let value = self.value()?;
            dict_set(&mut entries, key, value);
            if !self.eat(',') {
                return self.eat('}').then_some(Value::Dict(entries));
            }
        }
    }

    fn number(&mut self) -> Option<Value> {
        let start = self.pos;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            || (matches!(self.peek(), Some('+' | '-'))
                && matches!(self.chars.get(self.pos.wrapping_sub(1)), Some('e' | 'E'))
                && !self.chars[start..self.pos]
                    .iter()
                    .any(|c| matches!(c, 'x' | 'X')))
        {
            self.pos += 1;
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        python_number(&text)
    }

    fn strings(&mut self) -> Option<Value> {
        let mut out = String::new();
        let mut any = false;
        loop {
            self.skip_space();
            let raw = match self.peek() {
                Some('r' | 'R') => {
                    self.pos += 1;
                    true
                }
                Some('u' | 'U') => {
                    self.pos += 1;
                    false
                }
                _ => false,
            };
            let Some(quote @ ('\'' | '"')) = self.peek() else {
                return any.then_some(Value::Str(out));
            };
            let triple = self.chars.get(self.pos + 1) == Some(&quote)
                && self.chars.get(self.pos + 2) == Some(&quote);
            self.pos += if triple { 3 } else { 1 };
            loop {
                let c = self.peek()?;
                if c == quote {
                    if !triple {
                        self.pos += 1;
                        break;
                    }
                    if self.chars.get(self.pos + 1) == Some(&quote)
                        && self.chars.get(self.pos + 2) == Some(&quote)
                    {
                        self.pos += 3;
                        break;
                    }
                }
                if c == '\n' && !triple {
                    return None;
                }
                self.pos += 1;
                if c == '\\' {
                    let next = self.peek()?;
                    self.pos += 1;
                    if raw {
                        out.push('\\');
                        out.push(next);
                    } else {
                        self.escape(next, &mut out)?;
                    }
                } else {
                    out.push(c);
                }
            }
            any = true;
        }
    }

    fn escape(&mut self, c: char, out: &mut String) -> Option<()> {
        let mut hex = |n: usize| -> Option<char> {
            let digits: String = self.chars.get(self.pos..self.pos + n)?.iter().collect();
            self.pos += n;
            char::from_u32(u32::from_str_radix(&digits, 16).ok()?)
        };
        match c {
            '\n' => {}
            '\\' | '\'' | '"' => out.push(c),
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            'a' => out.push('\x07'),
            'b' => out.push('\x08'),
            'f' => out.push('\x0c'),
            'v' => out.push('\x0b'),
            'x' => out.push(hex(2)?),
            'u' => out.push(hex(4)?),
            'U' => out.push(hex(8)?),
            '0'..='7' => {
                let mut value = c.to_digit(8)?;
                for _ in 0..2 {
                    match self.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            value = value * 8 + d;
                            self.pos += 1;
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(value)?);
            }
            other => {
                out.push('\\');
                out.push(other);
            }
        }
        Some(())
    }
}

/// A Python int or float literal (no sign): `8080`, `0x1F`, `0o17`, `1_000`, `1.5`, `1e3`.
fn python_number(text: &str) -> Option<Value> {
    let grouped = |s: &str, digit: &dyn Fn(char) -> bool| {
        // Underscores only between digits.
        !s.is_empty()
            && !s.starts_with('_')
            && !s.ends_with('_')
            && !s.contains("__")
            && s.chars().all(|c| c == '_' || digit(c))
    };
    let lower = text.to_ascii_lowercase();
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = lower.strip_prefix(prefix) {
            let rest = rest.strip_prefix('_').unwrap_or(rest);
            let ok = grouped(rest, &|c: char| c.is_digit(radix));
            return ok
                .then(|| i64::from_str_radix(&rest.replace('_', ""), radix).ok())
                .flatten()
                .map(Value::Int);
        }
    }
    let digit = &|c: char| c.is_ascii_digit();
    let is_float = lower.contains(['.', 'e']);
    if !is_float {
        if !grouped(&lower, digit) {
            return None;
        }
        let digits = lower.replace('_', "");
        // Python 3 refuses leading zeros in a non-zero decimal int (`0777`).
        if digits.len() > 1 && digits.starts_with('0') && digits.bytes().any(|b| b != b'0') {
            return None;
        }
        return digits.parse().ok().map(Value::Int);
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    if let Some(e) = exponent {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if !grouped(e, digit) {
            return None;
        }
    }
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let whole_ok = whole.is_empty() || grouped(whole, digit);
    let fraction_ok = fraction.is_empty() || grouped(fraction, digit);
    if !whole_ok || !fraction_ok || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    lower.replace('_', "").parse().ok().map(Value::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ini_values_are_python_literals() {
        assert_eq!(literal_value("8080"), Value::Int(8080));
        assert_eq!(literal_value("-5"), Value::Int(-5));
        assert_eq!(literal_value("0x1F"), Value::Int(31));
        assert_eq!(literal_value("1_000"), Value::Int(1000));
        assert_eq!(literal_value("1.5"), Value::Float(1.5));
        assert_eq!(literal_value("1e3"), Value::Float(1000.0));
        assert_eq!(literal_value("True"), Value::Bool(true));
        assert_eq!(literal_value("None"), Value::None);
        assert_eq!(literal_value("'8080'"), Value::Str("8080".into()));
        assert_eq!(literal_value("\"a\" 'b'"), Value::Str("ab".into()));
        assert_eq!(
            literal_value("[1, 'x']"),
            Value::List(vec![Value::Int(1), Value::Str("x".into())])
        );
        assert_eq!(
            literal_value("(1, 2)"),
            Value::List(vec![Value::Int(1), Value::Int(2)])
        );
        assert_eq!(literal_value("(7)"), Value::Int(7));
        assert_eq!(
            literal_value("{'a': 1}"),
            Value::Dict(vec![("a".into(), Value::Int(1))])
        );
        assert_eq!(literal_value("1 # comment"), Value::Int(1));
        // Not Python literals: the text stays a string.
        for text in [
            "yes",
            "true",
            "0777",
            "08003",
            "hello world",
            "1.2.3",
            "--1",
            "{1, 2}",
            "a=b",
        ] {
            assert_eq!(literal_value(text), Value::Str(text.into()), "{text}");
        }
    }

    #[test]
    fn host_lines_split_like_shlex() {
        assert_eq!(
            shlex_split("web1 a=1 msg=\"hello world\" b='x y' # comment").unwrap(),
            ["web1", "a=1", "msg=hello world", "b=x y"]
        );
        assert!(shlex_split("web1 msg=\"open").is_err());
    }

    const INVENTORY: &str = "
[web]
web1 ansible_host=10.0.10.11
web2 status_port=9090

[db]
db1

[prod:children]
web
db

[all:vars]
status_port=8080

[prod:vars]
status_port=8000

[web:vars]
status_port=8081
";

    fn names(groups: &[Membership]) -> Vec<(&str, usize)> {
        groups.iter().map(|g| (g.name.as_str(), g.depth)).collect()
    }

    #[test]
    fn groups_merge_by_depth_then_name() {
        let inventory = parse_inventory(INVENTORY).unwrap();
        assert_eq!(
            names(&inventory.host_groups("web1")),
            [("all", 0), ("prod", 1), ("web", 2)]
        );
        assert_eq!(
            names(&inventory.host_groups("db1")),
            [("all", 0), ("prod", 1), ("db", 2)]
        );
        let inventory = parse_inventory("h\n[b]\nx\n[a]\nx\n").unwrap();
        assert_eq!(
            names(&inventory.host_groups("x")),
            [("all", 0), ("a", 1), ("b", 1)]
        );
        assert_eq!(
            names(&inventory.host_groups("h")),
            [("all", 0), ("ungrouped", 1)]
        );
    }

    #[test]
    fn priority_reorders_groups_at_the_same_depth() {
        let inventory =
            parse_inventory("[a]\nx\n[b]\nx\n[a:vars]\nansible_group_priority=10\n").unwrap();
        assert_eq!(
            names(&inventory.host_groups("x")),
            [("all", 0), ("b", 1), ("a", 1)]
        );
        assert!(inventory.groups["a"].vars.is_empty());
    }

    /// ansible-core runs Python's int() on the priority: its spellings pass, its refusals are
    /// quoted (tests/differential checks the words against ansible-playbook).
    #[test]
    fn priority_is_read_like_pythons_int() {
        let priority = |value: &str| {
            parse_inventory(&format!(
                "[a]\nx\n[a:vars]\nansible_group_priority={value}\n"
            ))
            .map(|inventory| inventory.groups["a"].priority)
            .map_err(|e| e.message)
        };
        assert_eq!(priority("' 7 '"), Ok(7));
        assert_eq!(priority("'1_000'"), Ok(1000));
        assert_eq!(priority("'+3'"), Ok(3));
        assert_eq!(priority("2.9"), Ok(2));
        assert_eq!(
            priority("high"),
            Err("invalid literal for int() with base 10: 'high'".to_string())
        );
        assert_eq!(
            priority("'5.0'"),
            Err("invalid literal for int() with base 10: '5.0'".to_string())
        );
        assert_eq!(
            priority("'1__0'"),
            Err("invalid literal for int() with base 10: '1__0'".to_string())
        );
        assert_eq!(
            priority("[1]"),
            Err(
                "int() argument must be a string, a bytes-like object or a real number, not 'list'"
                    .to_string()
            )
        );
    }

    #[test]
    fn inventory_errors_carry_the_line() {
        let e = parse_inventory("[web]\nweb1\n[missing:vars]\nx=1\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert_eq!(
            e.message,
            "Section [missing:vars] not valid for undefined group 'missing'."
        );
        let e = parse_inventory("[web:children]\nnope\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(
            e.message,
            "Section [web:children] includes undefined group 'nope'."
        );
        let e = parse_inventory("[web]\nweb1\n[web:children]\nweb\n").unwrap_err();
        assert_eq!(
            (e.line, e.message.as_str()),
            (4, "can't add group to itself")
        );
        let e = parse_inventory("[web]\nweb1 port\n").unwrap_err();
        assert_eq!(e.line, 2);
        let e = parse_inventory("[a:children]\nb\n[b:children]\na\n").unwrap_err();
        assert!(e.message.contains("recursive"), "{e:?}");
        let e = parse_inventory("[web:hostz]\n").unwrap_err();
        assert!(e.message.contains("unknown type"));
    }

    #[test]
    fn brackets_nest_as_deep_as_python_allows_and_no_deeper() {
        let nested = |n: usize| format!("{}1{}", "[".repeat(n), "]".repeat(n));
        assert!(matches!(literal_value(&nested(200)), Value::List(_)));
        // 201 levels: Python's "too many nested parentheses", so Ansible keeps the text — and
        // thousands of levels never overflow the lab's stack.
        assert_eq!(literal_value(&nested(201)), Value::Str(nested(201)));
        assert_eq!(literal_value(&nested(50_000)), Value::Str(nested(50_000)));
    }

    #[test]
    fn a_diamond_of_children_groups_is_walked_once() {
        // Forty layers where each group has two parents: 2⁴⁰ paths from the host to `all`.
        let mut text = String::from("[g0]\nh1\n");
        for i in 1..40 {
            let p = i - 1;
            text.push_str(&format!(
                "[a{i}:children]\ng{p}\n[b{i}:children]\ng{p}\n[g{i}:children]\na{i}\nb{i}\n"
            ));
        }
        let inventory = parse_inventory(&text).unwrap();
        let groups = inventory.host_groups("h1");
        assert_eq!(groups.len(), 1 + 40 + 2 * 39);
        assert_eq!(
            groups.last().map(|g| (g.name.as_str(), g.depth)),
            Some(("g0", 79))
        );
    }
}
