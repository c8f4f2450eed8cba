//! The lab protocol: what a lab binary reads on stdin and writes on stdout.
//!
//! Every lab binary reads exactly one JSON object, `{"lang": "en"|"es", "input": {…}}`, and
//! writes exactly one JSON object: `{"blocks": [...]}` on success, or
//! `{"error": {"field": "...", "message": "..."}}` with exit code 2 when the input is unusable.
//! This module owns that framing so the labs themselves are pure functions from a typed input
//! to a list of [`Block`]s. It knows nothing about any particular lab, nor about aula.

use std::io::{Read, Write};

use serde::Serialize;
use serde_json::{Map, Value};

/// The reader's language. Every human-readable string a lab emits is in this language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    Es,
}

impl Lang {
    /// Picks the English or the Spanish text.
    pub fn pick<'a>(self, en: &'a str, es: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }

    /// Formats a number with the language's decimal separator and `digits` decimals.
    ///
    /// Spanish (Latin American usage in this course) writes `1.234,5`; English `1,234.5`.
    pub fn number(self, value: f64, digits: usize) -> String {
        let raw = format!("{:.*}", digits, value.abs());
        let (int_part, frac_part) = match raw.split_once('.') {
            Some((i, f)) => (i.to_string(), Some(f.to_string())),
            None => (raw.clone(), None),
        };
        let (group, decimal) = match self {
            Lang::En => (',', '.'),
            Lang::Es => ('.', ','),
        };
        let mut grouped = String::new();
        for (i, ch) in int_part.chars().enumerate() {
            if i > 0 && (int_part.len() - i) % 3 == 0 {
                grouped.push(group);
            }
            grouped.push(ch);
        }
        let sign = if value < 0.0 && value.abs() >= 0.5 * 10f64.powi(-(digits as i32)) {
            "-"
        } else {
            ""
        };
        match frac_part {
            Some(f) => format!("{sign}{grouped}{decimal}{f}"),
            None => format!("{sign}{grouped}"),
        }
    }
}

/// One piece of a lab's answer. The page renders each kind with DOM APIs only.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Block {
    /// A paragraph of plain text.
    Text { text: String },
    /// A table: a caption, column headers, and rows of cells (all plain text).
    Table {
        caption: String,
        columns: Vec<String>,
        rows: Vec<Vec<String>>,
    },
    /// Data for a chart drawn by the page: named series of `(x, y)` points, and how to look at
    /// them (`view`: the focus ranges, the scale and the annotations; all optional).
    Series {
        title: String,
        x_label: String,
        y_label: String,
        /// `"line"` or `"bar"`.
        kind: String,
        series: Vec<Series>,
        #[serde(flatten)]
        view: ChartView,
    },
    /// A short conclusion with a status: `"pass"`, `"fail"`, `"warn"` or `"info"`.
    Verdict {
        status: String,
        title: String,
        detail: String,
    },
    /// Preformatted text such as a JSON document or an HTTP response.
    Code { language: String, code: String },
}

/// One named line or set of bars in a [`Block::Series`] chart.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Series {
    pub name: String,
    pub points: Vec<(f64, f64)>,
    /// How this series stands out (or steps back) from the others; the page picks a colour and
    /// a dash pattern per series either way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub style: Option<Style>,
}

impl Series {
    pub fn new(name: impl Into<String>, points: Vec<(f64, f64)>) -> Self {
        Self {
            name: name.into(),
            points,
            style: None,
        }
    }

    pub fn styled(mut self, style: Style) -> Self {
        self.style = Some(style);
        self
    }
}

/// A series' emphasis: `strong` (the one the lesson is about: thicker), `muted` (context, such
/// as the requests sent: grey and thin), `dashed` or `dotted` (a reference line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    Strong,
    Muted,
    Dashed,
    Dotted,
}

/// How to look at a chart. Everything is optional and left out of the JSON when unset, so a
/// chart without a view is drawn from its data alone.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ChartView {
    /// The part of the x axis to show, `[min, max]`; points outside are cut off.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x_range: Option<[f64; 2]>,
    /// The part of the y axis to show, `[min, max]`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y_range: Option<[f64; 2]>,
    /// The y axis' scale: linear (the default) or logarithmic, for values of different
    /// magnitudes. On a log scale values ≤ 0 sit on the bottom edge.
    #[serde(skip_serializing_if = "Scale::is_linear")]
    pub scale: Scale,
    /// Markers and shaded bands with a short label, such as the window edge at 60 s.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
    /// A bar chart's x positions 0, 1, 2… by name (a team, a source): every series then has at
    /// most one value per position, and the page names the positions instead of numbering them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub categories: Vec<String>,
    /// With `categories`: each position's values drawn end to end, as the parts of one whole
    /// (a team's own cost and its share of a pool), with the whole printed at the end.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub stacked: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scale {
    #[default]
    Linear,
    Log,
}

impl Scale {
    pub fn is_linear(&self) -> bool {
        *self == Scale::Linear
    }
}

/// Which axis an annotation's position is measured on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Axis {
    X,
    Y,
}

/// A mark on a chart: a line across the plot at one value (`marker`, e.g. x = 60 s, the window
/// edge; or y = 100, the limit), or a shaded band between two values (`band`).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Annotation {
    Marker {
        axis: Axis,
        at: f64,
        label: String,
    },
    Band {
        axis: Axis,
        from: f64,
        to: f64,
        label: String,
    },
}

/// Why a lab refuses its input: the field (a dotted path such as `input.limit`) and a message
/// in the reader's language.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub field: String,
    pub message: String,
}

impl InputError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A parsed request: the language and the raw input object.
#[derive(Debug, Clone)]
pub struct Request {
    pub lang: Lang,
    pub input: Map<String, Value>,
}

/// Parses the request JSON. Errors are reported in English when the language itself is unknown.
pub fn parse_request(text: &str) -> Result<Request, InputError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| InputError::new("", format!("the request is not valid JSON: {e}")))?;
    let Value::Object(mut object) = value else {
        return Err(InputError::new("", "the request must be a JSON object"));
    };
    let lang = match object.get("lang") {
        None => Lang::En,
        // Spanish in any region; any other language gets English, the way a page's missing UI
        // string falls back to the default language, so a site that adds a language keeps
        // working labs until they learn it.
        Some(Value::String(s)) if s == "es" || s.starts_with("es-") => Lang::Es,
        Some(Value::String(_)) => Lang::En,
        Some(other) => {
            return Err(InputError::new(
                "lang",
                format!("expected a language code such as \"en\" or \"es\", found {other}"),
            ));
        }
    };
    let input = match object.remove("input") {
        None => Map::new(),
        Some(Value::Object(map)) => map,
        Some(_) => {
            return Err(InputError::new(
                "input",
                lang.pick("must be a JSON object", "debe ser un objeto JSON"),
            ));
        }
    };
    Ok(Request { lang, input })
}

/// Runs a lab as a process: reads stdin, calls `lab`, prints the answer, and returns the exit code
/// (0 on success, 2 on bad input). Lab binaries call this from `main` and nothing else.
pub fn run_main(lab: fn(&Request) -> Result<Vec<Block>, InputError>) -> std::process::ExitCode {
    let mut text = String::new();
    let outcome = match std::io::stdin().read_to_string(&mut text) {
        Ok(_) => parse_request(&text).and_then(|request| lab(&request)),
        Err(e) => Err(InputError::new("", format!("cannot read stdin: {e}"))),
    };
    let (answer, code) = match outcome {
        Ok(blocks) => (serde_json::json!({ "blocks": blocks }), 0),
        Err(error) => (
            serde_json::json!({ "error": { "field": error.field, "message": error.message } }),
            2,
        ),
    };
    let mut stdout = std::io::stdout().lock();
    // A closed stdout leaves nobody to tell; the exit code still says what happened.
    let _ = writeln!(stdout, "{answer}");
    let _ = stdout.flush();
    std::process::ExitCode::from(code)
}

/// Typed access to the input object, producing field-named errors in the reader's language.
pub struct Fields<'a> {
    lang: Lang,
    input: &'a Map<String, Value>,
}

impl<'a> Fields<'a> {
    pub fn new(request: &'a Request) -> Self {
        Self {
            lang: request.lang,
            input: &request.input,
        }
    }

    fn wrong_type(&self, name: &str, en: &str, es: &str) -> InputError {
        InputError::new(
            format!("input.{name}"),
            format!(
                "{} {}",
                self.lang.pick("expected", "se esperaba"),
                self.lang.pick(en, es)
            ),
        )
    }

    /// A string field, or `default` when absent.
    pub fn string(&self, name: &str, default: &str) -> Result<String, InputError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(default.to_string()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(self.wrong_type(name, "a string", "un texto")),
        }
    }

    /// A number field within `[min, max]`, or `default` when absent.
    pub fn number(&self, name: &str, default: f64, min: f64, max: f64) -> Result<f64, InputError> {
        let value = match self.input.get(name) {
            None | Some(Value::Null) => return Ok(default),
            Some(Value::Number(n)) => n.as_f64().unwrap_or(f64::NAN),
            Some(_) => return Err(self.wrong_type(name, "a number", "un número")),
        };
        if !value.is_finite() || value < min || value > max {
            let lang = self.lang;
            return Err(InputError::new(
                format!("input.{name}"),
                format!(
                    "{} {} {} {}",
                    lang.pick("must be between", "debe estar entre"),
                    lang.number(min, 0),
                    lang.pick("and", "y"),
                    lang.number(max, 0)
                ),
            ));
        }
        Ok(value)
    }

    /// A boolean field, or `default` when absent.
    pub fn boolean(&self, name: &str, default: bool) -> Result<bool, InputError> {
        match self.input.get(name) {
            None | Some(Value::Null) => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(_) => Err(self.wrong_type(name, "true or false", "verdadero o falso")),
        }
    }

    /// A string field that must be one of `choices`.
    pub fn choice(
        &self,
        name: &str,
        default: &str,
        choices: &[&str],
    ) -> Result<String, InputError> {
        let value = self.string(name, default)?;
        if choices.contains(&value.as_str()) {
            Ok(value)
        } else {
            Err(InputError::new(
                format!("input.{name}"),
                format!(
                    "{} {}",
                    self.lang.pick("must be one of:", "debe ser uno de:"),
                    choices.join(", ")
                ),
            ))
        }
    }

    /// Any JSON value, or `None` when absent.
    pub fn raw(&self, name: &str) -> Option<&'a Value> {
        self.input.get(name).filter(|v| !v.is_null())
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_view_is_left_out_when_unset_and_written_flat_when_set() {
        let plain = Block::Series {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            kind: "line".into(),
            series: vec![Series::new("a", vec![(0.0, 1.0)])],
            view: ChartView::default(),
        };
        assert_eq!(
            serde_json::to_value(&plain).unwrap(),
            serde_json::json!({"type": "series", "title": "t", "x_label": "x", "y_label": "y",
                "kind": "line", "series": [{"name": "a", "points": [[0.0, 1.0]]}]})
        );
        let focused = Block::Series {
            title: "t".into(),
            x_label: "x".into(),
            y_label: "y".into(),
            kind: "line".into(),
            series: vec![Series::new("a", vec![(0.0, 1.0)]).styled(Style::Strong)],
            view: ChartView {
                x_range: Some([59.0, 61.0]),
                y_range: None,
                scale: Scale::Log,
                annotations: vec![
                    Annotation::Marker {
                        axis: Axis::X,
                        at: 60.0,
                        label: "edge".into(),
                    },
                    Annotation::Band {
                        axis: Axis::X,
                        from: 59.8,
                        to: 60.2,
                        label: "0.4 s".into(),
                    },
                ],
                ..ChartView::default()
            },
        };
        let value = serde_json::to_value(&focused).unwrap();
        assert_eq!(value["x_range"], serde_json::json!([59.0, 61.0]));
        assert!(value.get("categories").is_none() && value.get("stacked").is_none());
        assert_eq!(value["scale"], "log");
        assert!(value.get("y_range").is_none());
        assert_eq!(value["series"][0]["style"], "strong");
        assert_eq!(
            value["annotations"][0],
            serde_json::json!({"kind": "marker", "axis": "x", "at": 60.0, "label": "edge"})
        );
        assert_eq!(value["annotations"][1]["kind"], "band");
        let parts = ChartView {
            categories: vec!["web".into()],
            stacked: true,
            ..ChartView::default()
        };
        let value = serde_json::to_value(&parts).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"categories": ["web"], "stacked": true})
        );
    }

    #[test]
    fn numbers_use_the_languages_separators() {
        assert_eq!(Lang::En.number(1234.5, 1), "1,234.5");
        assert_eq!(Lang::Es.number(1234.5, 1), "1.234,5");
        assert_eq!(Lang::Es.number(-0.004, 2), "0,00");
        assert_eq!(Lang::En.number(-12.0, 0), "-12");
        assert_eq!(Lang::En.number(999.0, 0), "999");
    }

    #[test]
    fn a_request_with_a_bad_language_names_the_field() {
        let error = parse_request(r#"{"lang": 7, "input": {}}"#).unwrap_err();
        assert_eq!(error.field, "lang");
    }

    #[test]
    fn regional_spanish_is_spanish_and_unknown_languages_get_english() {
        let lang = |code: &str| {
            parse_request(&format!(r#"{{"lang": "{code}", "input": {{}}}}"#))
                .unwrap()
                .lang
        };
        assert_eq!(lang("es-MX"), Lang::Es);
        assert_eq!(lang("pt-BR"), Lang::En);
        assert_eq!(lang("en"), Lang::En);
    }

    #[test]
    fn fields_report_wrong_types_in_the_readers_language() {
        let request = parse_request(r#"{"lang": "es", "input": {"limit": "ten"}}"#).unwrap();
        let error = Fields::new(&request)
            .number("limit", 1.0, 0.0, 10.0)
            .unwrap_err();
        assert_eq!(error.field, "input.limit");
        assert_eq!(error.message, "se esperaba un número");
    }
}
