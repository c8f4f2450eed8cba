//! The `ansible-vars` lab: which value does each variable have for one host, and why?
//!
//! This module owns Ansible's variable precedence for the sources the lab models, from lowest to
//! highest as the "Variable precedence" list of the Ansible documentation orders them: role
//! defaults, inventory group variables (`all`, then parent groups, then child groups — by depth,
//! `ansible_group_priority`, then name), inventory host variables, play `vars`, play
//! `vars_files`, and extra vars (`-e`). It resolves every variable for one host, says which
//! source won and which lost, and renders a message template with the result, failing with
//! ansible-core's own words when a variable is undefined. An optional `when:` is evaluated first,
//! by ansible-core 2.19+'s rule: the result must be a boolean, unless the
//! `ALLOW_BROKEN_CONDITIONALS` option brings back truthiness. Messages follow ansible-core 2.20.
//!
//! The inputs stand for the files of a small project, which is also how ansible-core names a
//! value's origin: `inventory.ini`, `roles/lab/defaults/main.yml`, the play in `site.yml`, its
//! `vars.yml`, the `-e` option and the task in `roles/lab/tasks/main.yml` (the differential
//! test writes exactly that project).
//!
//! The pieces it leans on live in child modules: [`value`] (Python's types), [`yaml`] (YAML 1.1
//! typing as PyYAML does it), [`ini`] (the INI inventory plugin) and [`template`] (the Jinja2
//! subset). `tests/differential/test_ansible_vars.py` compares the answers with real
//! `ansible-playbook` runs.

mod condition;
mod ini;
mod template;
mod value;
mod yaml;

use std::collections::BTreeMap;

use crate::protocol::{Block, ChartView, Fields, InputError, Lang, Request, Series, Style};

use self::condition::Decision;
use self::ini::Inventory;
use self::template::Scope;
use self::value::{Value, dict_set};

/// ansible-core 2.19+ prefixes a failure of the lab's `debug` task's message with this.
const UNDEFINED_PREFIX: &str = "Task failed: Finalization of task args for 'ansible.builtin.debug' failed: Error while resolving value for 'msg': ";

/// Runs the lab: reads the sources, resolves every variable for the host, renders the message.
pub fn run(request: &Request) -> Result<Vec<Block>, InputError> {
    let fields = Fields::new(request);
    let lang = fields.lang();
    let role_defaults = yaml_field(&fields, "role_defaults", lang)?;
    let inventory = inventory_field(&fields, lang)?;
    let host = host_field(&fields, &inventory, lang)?;
    let play_vars = yaml_field(&fields, "play_vars", lang)?;
    let vars_files = yaml_field(&fields, "vars_files", lang)?;
    let extra_vars = parse_extra_vars(&fields.string("extra_vars", "")?, lang)?;
    let message = fields.string("message", "")?;
    let when = fields.string("when", "")?.trim().to_string();
    let allow_broken = fields.boolean("allow_broken_conditionals", false)?;

    let groups = inventory.host_groups(&host);
    let mut layers = vec![Layer {
        source: Source::RoleDefaults,
        vars: role_defaults,
    }];
    for group in &groups {
        let vars = inventory
            .groups
            .get(&group.name)
            .map(|g| g.vars.clone())
            .unwrap_or_default();
        layers.push(Layer {
            source: Source::Group(group.name.clone()),
            vars,
        });
    }
    layers.push(Layer {
        source: Source::HostVars,
        vars: inventory
            .hosts
            .get(&host)
            .map(|h| h.vars.clone())
            .unwrap_or_default(),
    });
    layers.push(Layer {
        source: Source::PlayVars,
        vars: play_vars,
    });
    layers.push(Layer {
        source: Source::VarsFiles,
        vars: vars_files,
    });
    layers.push(Layer {
        source: Source::ExtraVars,
        vars: extra_vars,
    });

    let resolved = resolve(&layers);
    let scope = HostScope {
        vars: &resolved,
        layers: &layers,
        magic: magic_variables(&host, &groups),
    };
    let decision = if when.is_empty() {
        None
    } else {
        Some(condition::decide(&when, &scope).map_err(|e| {
            InputError::new(
                "input.when",
                format!(
                    "{} {}",
                    lang.pick("cannot evaluate:", "no se puede evaluar:"),
                    e.text(lang)
                ),
            )
        })?)
    };
    let rendered = template::render(&message, &scope).map_err(|e| {
        InputError::new(
            "input.message",
            format!(
                "{} {}",
                lang.pick("cannot render:", "no se puede renderizar:"),
                e.text(lang)
            ),
        )
    })?;

    let mut blocks = match &decision {
        None => message_blocks(&rendered, &host, lang),
        Some(decision) => when_blocks(decision, &when, allow_broken, &rendered, &host, lang),
    };
    blocks.push(variables_table(&resolved, &layers, &host, lang));
    blocks.extend(precedence_ladder(&resolved, &layers, lang));
    blocks.push(Block::Text {
        text: group_order_text(&host, &groups, lang),
    });
    if resolved
        .values()
        .any(|r| matches!(&r.candidates.last(), Some((_, Value::Str(s))) if s.contains("{{")))
    {
        blocks.push(Block::Text {
            text: lang
                .pick(
                    "Values containing {{ … }} are shown as written: Ansible templates them when they are used, as in the message above.",
                    "Los valores que contienen {{ … }} se muestran tal como están escritos: Ansible los renderiza al usarlos, como en el mensaje de arriba.",
                )
                .into(),
        });
    }
    blocks.push(Block::Text {
        text: lang
            .pick(
                "Precedence used, lowest to highest: role defaults < inventory group vars (all, then parent groups, then child groups; same depth in alphabetical order unless ansible_group_priority says otherwise) < inventory host vars < play vars < play vars_files < extra vars (-e).",
                "Precedencia usada, de menor a mayor: defaults del rol < vars de grupo del inventario (all, luego grupos padre, luego grupos hijo; a igual profundidad en orden alfabético salvo que ansible_group_priority diga otra cosa) < vars del host en el inventario < vars del play < vars_files del play < extra vars (-e).",
            )
            .into(),
    });
    Ok(blocks)
}

/// Where a value came from, in increasing precedence.
#[derive(Debug, Clone, PartialEq)]
enum Source {
    RoleDefaults,
    Group(String),
    HostVars,
    PlayVars,
    VarsFiles,
    ExtraVars,
}

impl Source {
    fn label(&self, lang: Lang) -> String {
        match self {
            Source::RoleDefaults => lang.pick("role defaults", "defaults del rol").into(),
            Source::Group(name) => format!("{} {name}", lang.pick("group", "grupo")),
            Source::HostVars => lang
                .pick("inventory host vars", "vars del host en el inventario")
                .into(),
            Source::PlayVars => lang.pick("play vars", "vars del play").into(),
            Source::VarsFiles => "vars_files".into(),
            Source::ExtraVars => "extra vars (-e)".into(),
        }
    }
}

impl Source {
    /// The file of the modelled project this source stands for, as ansible-core names a value's
    /// origin in its errors.
    fn file(&self) -> &'static str {
        match self {
            Source::RoleDefaults => "roles/lab/defaults/main.yml",
            Source::Group(_) | Source::HostVars => "inventory.ini",
            Source::PlayVars => "site.yml",
            Source::VarsFiles => "vars.yml",
            Source::ExtraVars => "<CLI option '-e'>",
        }
    }
}

struct Layer {
    source: Source,
    vars: Vec<(String, Value)>,
}

/// Every definition of one variable, lowest precedence first: (layer index, value).
struct Resolution {
    candidates: Vec<(usize, Value)>,
}

impl Resolution {
    fn winner(&self) -> Option<&(usize, Value)> {
        self.candidates.last()
    }
}

fn resolve(layers: &[Layer]) -> BTreeMap<String, Resolution> {
    let mut resolved: BTreeMap<String, Resolution> = BTreeMap::new();
    for (index, layer) in layers.iter().enumerate() {
        for (name, value) in &layer.vars {
            resolved
                .entry(name.clone())
                .or_insert(Resolution {
                    candidates: Vec::new(),
                })
                .candidates
                .push((index, value.clone()));
        }
    }
    resolved
}

/// The names Ansible defines for every host, available to the message.
fn magic_variables(host: &str, groups: &[ini::Membership]) -> Vec<(String, Value)> {
    let mut group_names: Vec<String> = groups
        .iter()
        .map(|g| g.name.clone())
        .filter(|n| n != "all")
        .collect();
    group_names.sort();
    vec![
        ("inventory_hostname".into(), Value::Str(host.into())),
        (
            "inventory_hostname_short".into(),
            Value::Str(host.split('.').next().unwrap_or(host).into()),
        ),
        (
            "group_names".into(),
            Value::List(group_names.into_iter().map(Value::Str).collect()),
        ),
    ]
}

struct HostScope<'a> {
    vars: &'a BTreeMap<String, Resolution>,
    layers: &'a [Layer],
    magic: Vec<(String, Value)>,
}

impl Scope for HostScope<'_> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.vars
            .get(name)
            .and_then(|r| r.winner())
            .map(|(_, v)| v)
            .or_else(|| self.magic.iter().find(|(k, _)| k == name).map(|(_, v)| v))
    }

    fn origin(&self, name: &str) -> Option<String> {
        let (layer, _) = self.vars.get(name)?.winner()?;
        Some(self.layers.get(*layer)?.source.file().to_string())
    }
}

// ---------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------

fn line_message(line: usize, message: &str, lang: Lang) -> String {
    if line == 0 {
        message.to_string()
    } else {
        format!("{} {line}: {message}", lang.pick("line", "línea"))
    }
}

fn yaml_field(
    fields: &Fields<'_>,
    name: &str,
    lang: Lang,
) -> Result<Vec<(String, Value)>, InputError> {
    let text = fields.string(name, "")?;
    yaml::load_mapping(&text).map_err(|e| {
        InputError::new(
            format!("input.{name}"),
            line_message(e.line, e.text(lang), lang),
        )
    })
}

fn inventory_field(fields: &Fields<'_>, lang: Lang) -> Result<Inventory, InputError> {
    let text = fields.string("inventory", "")?;
    ini::parse_inventory(&text)
        .map_err(|e| InputError::new("input.inventory", line_message(e.line, e.text(lang), lang)))
}

fn host_field(
    fields: &Fields<'_>,
    inventory: &Inventory,
    lang: Lang,
) -> Result<String, InputError> {
    let host = fields.string("host", "")?.trim().to_string();
    if inventory.hosts.contains_key(&host) {
        return Ok(host);
    }
    let known: Vec<&str> = inventory.hosts.keys().map(String::as_str).collect();
    Err(InputError::new(
        "input.host",
        if known.is_empty() {
            lang.pick(
                "the inventory has no hosts; add a host line such as web1 under a [group] section",
                "el inventario no tiene hosts; agreguen una línea de host como web1 bajo una sección [grupo]",
            )
            .to_string()
        } else {
            format!(
                "\"{host}\" {} {}",
                lang.pick(
                    "is not in the inventory (Ansible would skip the play: no hosts matched). Hosts:",
                    "no está en el inventario (Ansible saltaría el play: ningún host coincide). Hosts:",
                ),
                known.join(", ")
            )
        },
    ))
}

/// What `-e` accepts: a JSON/YAML object when the text starts with `{` (or `[`, which is then
/// refused as not a dictionary), otherwise `key=value` pairs whose values are always strings.
fn parse_extra_vars(text: &str, lang: Lang) -> Result<Vec<(String, Value)>, InputError> {
    let field = "input.extra_vars";
    let text = text.trim();
    if text.is_empty() {
        return Ok(Vec::new());
    }
    if text.starts_with('@') {
        return Err(InputError::new(
            field,
            lang.pick(
                "this lab cannot read files (-e @file); paste the variables as key=value pairs or as a JSON object",
                "este laboratorio no puede leer archivos (-e @archivo); peguen las variables como pares clave=valor o como un objeto JSON",
            ),
        ));
    }
    if text.starts_with(['{', '[']) {
        return yaml::load_mapping(text).map_err(|e| {
            // Not a mapping: ansible-core's own words; anything else: the loader's, localized.
            let message = if e.is_not_a_mapping() {
                format!(
                    "Invalid extra vars data supplied. '{text}' could not be made into a dictionary"
                )
            } else {
                e.text(lang).to_string()
            };
            InputError::new(field, line_message(e.line, &message, lang))
        });
    }
    let mut vars = Vec::new();
    for token in split_args(text).map_err(|_| {
        InputError::new(
            field,
            lang.pick(
                "a quote is never closed (Ansible: error parsing argument string, try quoting the entire line)",
                "una comilla nunca se cierra (Ansible: error parsing argument string, try quoting the entire line)",
            ),
        )
    })? {
        let Some(pos) = token
            .char_indices()
            .skip(1)
            .find(|&(i, c)| c == '=' && !token[..i].ends_with('\\'))
            .map(|(i, _)| i)
        else {
            return Err(InputError::new(
                field,
                format!(
                    "\"{token}\": {}",
                    lang.pick(
                        "expected key=value (Ansible would file a bare word under _raw_params, which is never what you want)",
                        "se esperaba clave=valor (Ansible guardaría una palabra suelta en _raw_params, que nunca es lo que se busca)",
                    )
                ),
            ));
        };
        let key = token[..pos].trim().to_string();
        let value = unquote(token[pos + 1..].trim());
        dict_set(&mut vars, key, Value::Str(value.to_string()));
    }
    Ok(vars)
}

/// Ansible's `split_args`, reduced to what `-e` needs: whitespace separates arguments except
/// inside quotes, and the quotes stay in the argument.
fn split_args(text: &str) -> Result<Vec<String>, ()> {
    let mut args = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                current.push(c);
                if c == q && !escaped {
                    quote = None;
                }
            }
            None if c.is_whitespace() => {
                if !current.is_empty() {
                    args.push(std::mem::take(&mut current));
                }
            }
            None => {
                if (c == '"' || c == '\'') && !escaped {
                    quote = Some(c);
                }
                current.push(c);
            }
        }
        escaped = c == '\\' && !escaped;
    }
    if quote.is_some() {
        return Err(());
    }
    if !current.is_empty() {
        args.push(current);
    }
    Ok(args)
}

/// Ansible's `unquote`: strips one pair of matching outer quotes.
fn unquote(text: &str) -> &str {
    let bytes = text.as_bytes();
    let quoted = bytes.len() > 1
        && bytes[0] == bytes[bytes.len() - 1]
        && matches!(bytes[0], b'"' | b'\'')
        && bytes[bytes.len() - 2] != b'\\';
    if quoted {
        &text[1..text.len() - 1]
    } else {
        text
    }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

fn message_blocks(rendered: &template::Rendered, host: &str, lang: Lang) -> Vec<Block> {
    match rendered {
        Ok(text) => vec![Block::Verdict {
            status: "pass".into(),
            title: lang.pick("Rendered message", "Mensaje renderizado").into(),
            detail: text.clone(),
        }],
        Err(reason) => vec![
            Block::Verdict {
                status: "fail".into(),
                title: format!("{} {reason}", lang.pick("Task fails:", "La tarea falla:")),
                detail: format!(
                    "{} {host}. {}",
                    lang.pick(
                        "Ansible stops the task with an error on",
                        "Ansible detiene la tarea con un error en",
                    ),
                    lang.pick(
                        "Define the variable in one of the sources below, or make it optional with | default(…).",
                        "Definan la variable en alguna de las fuentes de abajo, o háganla opcional con | default(…).",
                    )
                ),
            },
            fatal(host, &format!("{UNDEFINED_PREFIX}{reason}")),
            Block::Text {
                text: lang
                    .pick(
                        "That is the ansible-core 2.20 wording; on the terminal Ansible also shows the file, line and column of the task and of the template.",
                        "Esa es la redacción de ansible-core 2.20; en la terminal Ansible también muestra el archivo, la línea y la columna de la tarea y de la plantilla.",
                    )
                    .into(),
            },
        ],
    }
}

/// ansible-playbook's line for a failed task: `fatal: [web1]: FAILED! => {"msg": "…"}`.
fn fatal(host: &str, message: &str) -> Block {
    Block::Code {
        language: "text".into(),
        code: format!(
            "fatal: [{host}]: FAILED! => {{\"msg\": {}}}",
            serde_json::Value::from(message)
        ),
    }
}

/// The task with a `when:`: it runs, is skipped, or fails on the conditional itself.
fn when_blocks(
    decision: &Decision,
    when: &str,
    allow_broken: bool,
    rendered: &template::Rendered,
    host: &str,
    lang: Lang,
) -> Vec<Block> {
    let runs = |blocks: Vec<Block>, extra: Option<Block>| {
        let mut out = vec![Block::Text {
            text: format!(
                "when: {when} → True. {}",
                lang.pick("The task runs.", "La tarea se ejecuta.")
            ),
        }];
        out.extend(extra);
        out.extend(blocks);
        out
    };
    let skipped = |extra: Option<Block>| {
        let mut out = vec![Block::Verdict {
            status: "info".into(),
            title: lang
                .pick(
                    "Task skipped: Conditional result was False",
                    "Tarea omitida: Conditional result was False",
                )
                .into(),
            detail: format!(
                "when: {when} → False. {}",
                lang.pick(
                    "Ansible skips the task, so the message below is never printed.",
                    "Ansible omite la tarea, así que el mensaje de abajo nunca se imprime.",
                )
            ),
        }];
        out.extend(extra);
        out.push(Block::Code {
            language: "text".into(),
            code: format!("skipping: [{host}]"),
        });
        out
    };
    match decision {
        Decision::Bool(true) => runs(message_blocks(rendered, host, lang), None),
        Decision::Bool(false) => skipped(None),
        Decision::Failed(message) => vec![
            Block::Verdict {
                status: "fail".into(),
                title: format!(
                    "{} {message}",
                    lang.pick("Task fails:", "La tarea falla:")
                ),
                detail: format!(
                    "when: {when}. {}",
                    lang.pick(
                        "The conditional itself cannot be evaluated. Guard optional variables with `is defined` or `| default(…)`.",
                        "No se puede evaluar la condición misma. Protejan las variables opcionales con `is defined` o `| default(…)`.",
                    )
                ),
            },
            fatal(host, &format!("Task failed: {message}")),
        ],
        Decision::NotBoolean(value, origin) => {
            let message = Decision::not_boolean_message(value, origin);
            let history = format!(
                "{} {} {}",
                lang.pick(
                    "Before ansible-core 2.19, Python's truthiness decided instead: this value counts as",
                    "Antes de ansible-core 2.19 decidía el valor de verdad de Python: este valor cuenta como",
                ),
                if value.truthy() { "True" } else { "False" },
                if value.truthy() {
                    lang.pick(
                        "(a non-empty string such as \"false\" or \"FALSE\" is true), so the task would have run.",
                        "(un texto no vacío como \"false\" o \"FALSE\" es verdadero), así que la tarea se habría ejecutado.",
                    )
                } else {
                    lang.pick(
                        "so the task would have been skipped.",
                        "así que la tarea se habría omitido.",
                    )
                },
            );
            if allow_broken {
                let warning = Block::Code {
                    language: "text".into(),
                    code: format!(
                        "[DEPRECATION WARNING]: {message} This feature will be removed from ansible-core version 2.23.\nBroken conditionals are currently allowed because the `ALLOW_BROKEN_CONDITIONALS` configuration option is enabled."
                    ),
                };
                let note = Block::Verdict {
                    status: "warn".into(),
                    title: lang
                        .pick(
                            "A broken conditional, allowed for now",
                            "Una condición rota, permitida por ahora",
                        )
                        .into(),
                    detail: format!(
                        "{} {}",
                        lang.pick(
                            "ALLOW_BROKEN_CONDITIONALS is on, so truthiness decides, with a deprecation warning; the option goes away in ansible-core 2.23.",
                            "ALLOW_BROKEN_CONDITIONALS está activado, así que decide el valor de verdad, con un aviso de obsolescencia; la opción desaparece en ansible-core 2.23.",
                        ),
                        compare_fix(lang),
                    ),
                };
                let mut out = vec![note, warning];
                if value.truthy() {
                    out.extend(runs(message_blocks(rendered, host, lang), None));
                } else {
                    out.extend(skipped(None));
                }
                return out;
            }
            vec![
                Block::Verdict {
                    status: "fail".into(),
                    title: lang
                        .pick(
                            "Task fails: Conditionals must have a boolean result",
                            "La tarea falla: Conditionals must have a boolean result",
                        )
                        .into(),
                    detail: format!(
                        "when: {when} → {} ({}). {history} {}",
                        value.to_json(),
                        value.type_name(),
                        compare_fix(lang),
                    ),
                },
                fatal(host, &format!("Task failed: {message}")),
                Block::Text {
                    text: lang
                        .pick(
                            "Ansible names the file and line the value came from; the lab names the input as a file of the project it models. Broken conditionals can be temporarily allowed with the ALLOW_BROKEN_CONDITIONALS configuration option (until ansible-core 2.23).",
                            "Ansible indica el archivo y la línea de donde vino el valor; el laboratorio indica la entrada como un archivo del proyecto que modela. Las condiciones rotas se pueden permitir temporalmente con la opción de configuración ALLOW_BROKEN_CONDITIONALS (hasta ansible-core 2.23).",
                        )
                        .into(),
                },
            ]
        }
    }
}

fn compare_fix(lang: Lang) -> &'static str {
    lang.pick(
        "Make the result a boolean: compare (== 'yes', | length > 0), test (is defined), or convert with | bool.",
        "Hagan que el resultado sea booleano: comparen (== 'yes', | length > 0), prueben (is defined) o conviertan con | bool.",
    )
}

/// The lesson in one picture: for the most contested variable, every source that sets it as a
/// step of the precedence ladder (higher wins), the winning step drawn strong.
fn precedence_ladder(
    resolved: &BTreeMap<String, Resolution>,
    layers: &[Layer],
    lang: Lang,
) -> Option<Block> {
    let (name, resolution) = resolved
        .iter()
        .filter(|(_, r)| r.candidates.len() > 1)
        .max_by_key(|(name, r)| (r.candidates.len(), std::cmp::Reverse((*name).clone())))?;
    let last = resolution.candidates.len() - 1;
    let series = resolution
        .candidates
        .iter()
        .enumerate()
        .map(|(step, (layer, value))| {
            let label = format!("{}: {}", layers[*layer].source.label(lang), value.to_json());
            let point = vec![((step + 1) as f64, (*layer + 1) as f64)];
            if step == last {
                Series::new(format!("{label} ({})", lang.pick("wins", "gana")), point)
                    .styled(Style::Strong)
            } else {
                Series::new(label, point).styled(Style::Muted)
            }
        })
        .collect();
    Some(Block::Series {
        title: format!(
            "{} `{name}`: {}",
            lang.pick("Who sets", "Quién define"),
            lang.pick(
                "each source that defines it, by precedence (the highest wins)",
                "cada fuente que la define, por precedencia (gana la más alta)"
            )
        ),
        x_label: lang
            .pick(
                "sources that define it, weakest to strongest",
                "fuentes que la definen, de la más débil a la más fuerte",
            )
            .into(),
        y_label: lang.pick("precedence level", "nivel de precedencia").into(),
        kind: "bar".into(),
        series,
        view: ChartView::default(),
    })
}

fn variables_table(
    resolved: &BTreeMap<String, Resolution>,
    layers: &[Layer],
    host: &str,
    lang: Lang,
) -> Block {
    let rows = resolved
        .iter()
        .filter_map(|(name, resolution)| {
            let (winner, value) = resolution.winner()?;
            let overridden = resolution.candidates[..resolution.candidates.len() - 1]
                .iter()
                .rev()
                .map(|(layer, value)| {
                    format!("{}: {}", layers[*layer].source.label(lang), value.to_json())
                })
                .collect::<Vec<_>>();
            Some(vec![
                name.clone(),
                value.to_json(),
                value.type_name().to_string(),
                layers[*winner].source.label(lang),
                if overridden.is_empty() {
                    "—".to_string()
                } else {
                    overridden.join("; ")
                },
            ])
        })
        .collect();
    Block::Table {
        caption: format!(
            "{} {host}",
            lang.pick("Effective variables for", "Variables efectivas para")
        ),
        columns: vec![
            lang.pick("Variable", "Variable").into(),
            lang.pick("Value", "Valor").into(),
            lang.pick("Type", "Tipo").into(),
            lang.pick("Winning source", "Fuente ganadora").into(),
            lang.pick(
                "Overridden (strongest first)",
                "Sobrescritas (de la más fuerte a la más débil)",
            )
            .into(),
        ],
        rows,
    }
}

fn group_order_text(host: &str, groups: &[ini::Membership], lang: Lang) -> String {
    let order = groups
        .iter()
        .map(|g| {
            let mut label = format!(
                "{} ({} {}",
                g.name,
                lang.pick("depth", "profundidad"),
                g.depth
            );
            if g.priority != 1 {
                label.push_str(&format!(", ansible_group_priority {}", g.priority));
            }
            label.push(')');
            label
        })
        .collect::<Vec<_>>()
        .join(" → ");
    format!(
        "{host} {} {order}.",
        lang.pick(
            "belongs to these groups; their variables merge in this order, the later one winning:",
            "pertenece a estos grupos; sus variables se combinan en este orden y gana la posterior:",
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::parse_request;
    use serde_json::json;

    const INVENTORY: &str = "[web]
web1 ansible_host=10.0.10.11
web2 ansible_host=10.0.10.12 status_port=9090

[db]
db1 ansible_host=10.0.20.21

[prod:children]
web
db

[all:vars]
status_port=8080

[prod:vars]
status_port=8000
site_timezone=UTC

[web:vars]
status_port=8081
";

    /// Runs the lab and returns, per variable, (value as JSON, type, winning source).
    fn resolve_for(input: serde_json::Value) -> BTreeMap<String, (String, String, String)> {
        let mut full = json!({
            "role_defaults": "status_port: 80\nstatus_title: Status page\n",
            "inventory": INVENTORY,
            "host": "web1",
            "play_vars": "",
            "vars_files": "",
            "extra_vars": "",
            "message": "",
        });
        for (k, v) in input.as_object().unwrap() {
            full[k] = v.clone();
        }
        let request = parse_request(&json!({"lang": "en", "input": full}).to_string()).unwrap();
        let blocks = run(&request).unwrap();
        let Some(Block::Table { rows, .. }) =
            blocks.iter().find(|b| matches!(b, Block::Table { .. }))
        else {
            panic!("no table")
        };
        rows.iter()
            .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone(), r[3].clone())))
            .collect()
    }

    fn winner<'a>(
        vars: &'a BTreeMap<String, (String, String, String)>,
        name: &str,
    ) -> (&'a str, &'a str, &'a str) {
        let (v, t, s) = &vars[name];
        (v, t, s)
    }

    #[test]
    fn extra_vars_beat_play_vars() {
        let vars = resolve_for(
            json!({"play_vars": "status_port: 8081\n", "vars_files": "status_port: 8082\n", "extra_vars": "status_port=7000"}),
        );
        // `-e key=value` always gives a string.
        assert_eq!(
            winner(&vars, "status_port"),
            ("\"7000\"", "str", "extra vars (-e)")
        );
        let vars = resolve_for(
            json!({"play_vars": "status_port: 8081\n", "extra_vars": "{\"status_port\": 7000}"}),
        );
        assert_eq!(
            winner(&vars, "status_port"),
            ("7000", "int", "extra vars (-e)")
        );
    }

    #[test]
    fn host_vars_beat_group_vars() {
        let vars = resolve_for(json!({"host": "web2"}));
        assert_eq!(
            winner(&vars, "status_port"),
            ("9090", "int", "inventory host vars")
        );
    }

    #[test]
    fn child_group_beats_parent_and_parent_beats_all() {
        let vars = resolve_for(json!({"host": "web1"}));
        assert_eq!(winner(&vars, "status_port"), ("8081", "int", "group web"));
        let vars = resolve_for(json!({"host": "db1"}));
        assert_eq!(winner(&vars, "status_port"), ("8000", "int", "group prod"));
        assert_eq!(
            winner(&vars, "site_timezone"),
            ("\"UTC\"", "str", "group prod")
        );
    }

    #[test]
    fn same_depth_groups_merge_alphabetically() {
        let inventory =
            "[zeta]\nh1\n[alpha]\nh1\n[zeta:vars]\ncolor=blue\n[alpha:vars]\ncolor=red\n";
        let vars = resolve_for(json!({"inventory": inventory, "host": "h1"}));
        assert_eq!(winner(&vars, "color"), ("\"blue\"", "str", "group zeta"));
    }

    #[test]
    fn role_defaults_lose_to_everything() {
        for (field, text) in [
            ("inventory", "[all:vars]\nstatus_title=inv\n[web]\nweb1\n"),
            ("play_vars", "status_title: play\n"),
            ("vars_files", "status_title: file\n"),
            ("extra_vars", "status_title=cli"),
        ] {
            let vars = resolve_for(json!({ field: text }));
            assert_ne!(winner(&vars, "status_title").2, "role defaults", "{field}");
        }
        let vars = resolve_for(json!({}));
        assert_eq!(
            winner(&vars, "status_title"),
            ("\"Status page\"", "str", "role defaults")
        );
    }

    #[test]
    fn vars_files_beat_play_vars() {
        let vars = resolve_for(json!({"play_vars": "a: 1\n", "vars_files": "a: 2\n"}));
        assert_eq!(winner(&vars, "a"), ("2", "int", "vars_files"));
    }

    #[test]
    fn undefined_variables_fail_with_ansibles_words() {
        let request = parse_request(
            &json!({"lang": "es", "input": {
                "inventory": "[web]\nweb1\n", "host": "web1",
                "message": "Deploying {{ app_name }} on port {{ app_port }}",
                "play_vars": "app_name: shop\n"
            }})
            .to_string(),
        )
        .unwrap();
        let blocks = run(&request).unwrap();
        let Block::Verdict { status, title, .. } = &blocks[0] else {
            panic!()
        };
        assert_eq!(status, "fail");
        assert_eq!(title, "La tarea falla: 'app_port' is undefined");
        let Block::Code { code, .. } = &blocks[1] else {
            panic!()
        };
        assert_eq!(
            code,
            "fatal: [web1]: FAILED! => {\"msg\": \"Task failed: Finalization of task args for 'ansible.builtin.debug' failed: Error while resolving value for 'msg': 'app_port' is undefined\"}"
        );
    }

    fn run_when(when: &str, extra: serde_json::Value) -> Vec<Block> {
        let mut input = json!({
            "inventory": "[web]\nweb1\n[web:vars]\nmaintenance=\"FALSE\"\n", "host": "web1",
            "message": "Deploying", "when": when,
        });
        for (k, v) in extra.as_object().unwrap() {
            input[k] = v.clone();
        }
        let request = parse_request(&json!({"lang": "en", "input": input}).to_string()).unwrap();
        run(&request).unwrap()
    }

    #[test]
    fn a_conditional_must_be_a_boolean() {
        let blocks = run_when("maintenance", json!({}));
        let Block::Verdict {
            status,
            title,
            detail,
        } = &blocks[0]
        else {
            panic!("{blocks:?}")
        };
        assert_eq!(status, "fail");
        assert_eq!(title, "Task fails: Conditionals must have a boolean result");
        assert!(detail.contains("would have run"), "{detail}");
        let Block::Code { code, .. } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            code,
            "fatal: [web1]: FAILED! => {\"msg\": \"Task failed: Conditional result (True) was derived from value of type 'str' at 'inventory.ini'. Conditionals must have a boolean result.\"}"
        );
        // The value from -e names the command line, quoted as Python quotes it.
        let blocks = run_when("maintenance", json!({"extra_vars": "maintenance=false"}));
        let Block::Code { code, .. } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(code.contains("at \\\"<CLI option '-e'>\\\"."), "{code}");
    }

    #[test]
    fn a_boolean_conditional_runs_or_skips_the_task() {
        let blocks = run_when("maintenance | bool", json!({}));
        let Block::Verdict { status, title, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            (status.as_str(), title.as_str()),
            ("info", "Task skipped: Conditional result was False")
        );
        assert!(
            blocks
                .iter()
                .any(|b| matches!(b, Block::Code { code, .. } if code == "skipping: [web1]"))
        );
        let blocks = run_when("maintenance == 'FALSE'", json!({}));
        assert!(blocks.iter().any(|b| matches!(b, Block::Verdict { status, detail, .. } if status == "pass" && detail == "Deploying")));
    }

    #[test]
    fn allow_broken_conditionals_brings_back_truthiness_with_a_warning() {
        let blocks = run_when("maintenance", json!({"allow_broken_conditionals": true}));
        let Block::Verdict { status, .. } = &blocks[0] else {
            panic!("{blocks:?}")
        };
        assert_eq!(status, "warn");
        let Block::Code { code, .. } = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert!(
            code.starts_with("[DEPRECATION WARNING]: Conditional result (True)"),
            "{code}"
        );
        // "FALSE" is a non-empty string: the task runs.
        assert!(blocks.iter().any(|b| matches!(b, Block::Verdict { status, detail, .. } if status == "pass" && detail == "Deploying")));
    }

    #[test]
    fn an_unsupported_conditional_is_an_input_error() {
        let request = parse_request(
            &json!({"lang": "es", "input": {"inventory": "[web]\nweb1\n", "host": "web1",
                    "message": "x", "when": "port + 1"}})
            .to_string(),
        )
        .unwrap();
        let error = run(&request).unwrap_err();
        assert_eq!(error.field, "input.when");
        assert!(
            error.message.starts_with("no se puede evaluar:"),
            "{}",
            error.message
        );
    }

    #[test]
    fn extra_vars_parse_like_dash_e() {
        let vars = parse_extra_vars("a=1 msg=\"hello world\" b='x y' c=k=v", Lang::En).unwrap();
        assert_eq!(
            vars,
            vec![
                ("a".into(), Value::Str("1".into())),
                ("msg".into(), Value::Str("hello world".into())),
                ("b".into(), Value::Str("x y".into())),
                ("c".into(), Value::Str("k=v".into())),
            ]
        );
        assert_eq!(
            parse_extra_vars("lonely", Lang::En).unwrap_err().field,
            "input.extra_vars"
        );
        assert!(
            parse_extra_vars("[1, 2]", Lang::En)
                .unwrap_err()
                .message
                .contains("dictionary")
        );
        assert!(parse_extra_vars("@vars.yml", Lang::En).is_err());
    }

    #[test]
    fn bad_sources_name_the_field_and_line() {
        let request = parse_request(
            &json!({"lang": "en", "input": {"inventory": "[web]\nweb1\n", "host": "web1",
                    "play_vars": "a: 1\nb: [1, 2\n"}})
            .to_string(),
        )
        .unwrap();
        let error = run(&request).unwrap_err();
        assert_eq!(error.field, "input.play_vars");
        assert!(error.message.starts_with("line "), "{}", error.message);

        let request = parse_request(
            &json!({"lang": "en", "input": {"inventory": "[web]\nweb1\n", "host": "db9"}})
                .to_string(),
        )
        .unwrap();
        assert_eq!(run(&request).unwrap_err().field, "input.host");
    }

    /// The lab's own words reach a Spanish reader in Spanish; ansible-core's stay as Ansible
    /// prints them.
    #[test]
    fn the_labs_own_errors_are_in_the_readers_language() {
        let error_of = |input: serde_json::Value| {
            let mut input = input;
            input["host"] = json!("web1");
            if input.get("inventory").is_none() {
                input["inventory"] = json!("[web]\nweb1\n");
            }
            let request =
                parse_request(&json!({"lang": "es", "input": input}).to_string()).unwrap();
            run(&request).unwrap_err()
        };
        let cases = [
            (
                json!({"play_vars": "- 1\n- 2\n"}),
                "input.play_vars",
                "línea 1: se esperaba un mapeo",
            ),
            (
                json!({"play_vars": "a: 1\nb: [1, 2\n"}),
                "input.play_vars",
                "error de sintaxis YAML",
            ),
            (
                json!({"play_vars": format!("a: {}1{}\n", "[".repeat(150), "]".repeat(150))}),
                "input.play_vars",
                "se anidan a más de 100 niveles",
            ),
            (
                json!({"play_vars": "a: 1\n---\nb: 2\n"}),
                "input.play_vars",
                "un solo documento YAML",
            ),
            (
                json!({"role_defaults": "a: .inf\n"}),
                "input.role_defaults",
                "no admite valores infinitos",
            ),
            (
                json!({"message": "{% if x %}y{% endif %}"}),
                "input.message",
                "no admite bloques",
            ),
            (
                json!({"message": "{{ x "}),
                "input.message",
                "nunca se cierra",
            ),
            (
                json!({"message": "{{ x + 1 }}"}),
                "input.message",
                "este laboratorio entiende",
            ),
            (
                json!({"inventory": "[web]\nweb[1:3]\n"}),
                "input.inventory",
                "no expande rangos",
            ),
        ];
        for (input, field, expected) in cases {
            let error = error_of(input.clone());
            assert_eq!(error.field, field, "{input}");
            assert!(
                error.message.contains(expected),
                "{input}: {}",
                error.message
            );
        }
        // ansible-core's own message keeps its wording.
        let error = error_of(json!({"inventory": "[web]\nweb1\n[web:bogus]\nx\n"}));
        assert!(
            error.message.contains("has unknown type"),
            "{}",
            error.message
        );
    }
}
