//! Checks a lab's answer against the block protocol (labs/README.md) where the page would
//! otherwise draw nonsense: today the `series` block's view — `x_range`/`y_range`, `scale`,
//! `annotations`, a bar chart's `categories` and `stacked`, and each series' `style`. A lab that sends a bad view gets an error that names
//! the lab, the block and the field, at build time and in `aula check`, instead of a chart that
//! silently shows nothing. It also writes a chart's data as the table the page keeps under the
//! chart ([`series_table`]). It knows the JSON of an answer, not how it was obtained or drawn.

use std::collections::HashMap;

use serde_json::{Value, json};

const STYLES: &[&str] = &["strong", "muted", "dashed", "dotted"];
const SCALES: &[&str] = &["linear", "log"];
/// Annotation labels are drawn inside the plot: a few words, not a paragraph.
const MAX_LABEL_CHARS: usize = 60;

/// Every problem of `answer`'s blocks, each as "lab `id`: blocks[i] (series "title"): field: why".
pub(crate) fn problems(lab: &str, answer: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let Some(blocks) = answer.get("blocks").and_then(Value::as_array) else {
        return out;
    };
    for (i, block) in blocks.iter().enumerate() {
        if block.get("type").and_then(Value::as_str) != Some("series") {
            continue;
        }
        let title = block.get("title").and_then(Value::as_str).unwrap_or("");
        let mut say = |field: &str, why: String| {
            out.push(format!(
                "lab `{lab}`: blocks[{i}] (series {title:?}): {field}: {why}"
            ));
        };
        series_problems(block, &mut say);
    }
    out
}

fn series_problems(block: &Value, say: &mut impl FnMut(&str, String)) {
    for field in ["x_range", "y_range"] {
        if let Some(range) = block.get(field)
            && let Err(why) = range_of(range)
        {
            say(field, why);
        }
    }
    let log = match block.get("scale") {
        None => false,
        Some(Value::String(s)) if SCALES.contains(&s.as_str()) => s == "log",
        Some(other) => {
            say(
                "scale",
                format!("expected \"linear\" or \"log\", found {other}"),
            );
            false
        }
    };
    if log {
        let floor = block.get("y_range").and_then(|r| range_of(r).ok());
        match floor {
            Some((min, _)) if min <= 0.0 => say(
                "y_range",
                format!("a log scale needs a positive minimum, found {min}"),
            ),
            Some(_) => {}
            None => {
                let positive = block
                    .get("series")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.get("points").and_then(Value::as_array))
                    .flatten()
                    .any(|p| p.get(1).and_then(Value::as_f64).is_some_and(|y| y > 0.0));
                if !positive {
                    say(
                        "scale",
                        "a log scale needs at least one positive value (or a y_range)".into(),
                    );
                }
            }
        }
    }
    if let Some(series) = block.get("series").and_then(Value::as_array) {
        for (j, s) in series.iter().enumerate() {
            match s.get("style") {
                None => {}
                Some(Value::String(style)) if STYLES.contains(&style.as_str()) => {}
                Some(other) => say(
                    &format!("series[{j}].style"),
                    format!("expected one of {}, found {other}", STYLES.join(", ")),
                ),
            }
        }
    }
    match block.get("annotations") {
        None => {}
        Some(Value::Array(list)) => {
            for (j, note) in list.iter().enumerate() {
                if let Err(why) = annotation(note) {
                    say(&format!("annotations[{j}]"), why);
                }
            }
        }
        Some(other) => say("annotations", format!("expected a list, found {other}")),
    }
    categories_problems(block, say);
}

/// `categories` names a bar chart's x positions 0, 1, 2…; `stacked` needs them, and draws the
/// values of a position end to end, so they must not be negative.
fn categories_problems(block: &Value, say: &mut impl FnMut(&str, String)) {
    let bar = block.get("kind").and_then(Value::as_str) == Some("bar");
    let stacked = match block.get("stacked") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            say("stacked", format!("expected true or false, found {other}"));
            false
        }
    };
    let count = match block.get("categories") {
        None => None,
        Some(Value::Array(names))
            if names
                .iter()
                .all(|n| n.as_str().is_some_and(|n| !n.trim().is_empty())) =>
        {
            Some(names.len())
        }
        Some(other) => {
            say(
                "categories",
                format!("expected a list of non-empty names, found {other}"),
            );
            return;
        }
    };
    if (count.is_some() || stacked) && !bar {
        let field = if stacked { "stacked" } else { "categories" };
        say(field, "only a bar chart (`kind = \"bar\"`) has it".into());
        return;
    }
    let Some(count) = count else {
        if stacked {
            say("stacked", "a stacked chart needs `categories`".into());
        }
        return;
    };
    let series = block.get("series").and_then(Value::as_array);
    for (j, s) in series.into_iter().flatten().enumerate() {
        let points = s.get("points").and_then(Value::as_array);
        let mut seen = vec![false; count];
        for (k, point) in points.into_iter().flatten().enumerate() {
            let x = point.get(0).and_then(Value::as_f64);
            let y = point.get(1).and_then(Value::as_f64);
            let at = format!("series[{j}].points[{k}]");
            match x {
                Some(x) if x.fract() == 0.0 && x >= 0.0 && (x as usize) < count => {
                    if std::mem::replace(&mut seen[x as usize], true) {
                        say(&at, format!("a second value at position {x}"));
                    }
                }
                _ => say(
                    &at,
                    format!(
                        "x must be a category's position, a whole number from 0 to {}",
                        count.saturating_sub(1)
                    ),
                ),
            }
            if stacked && y.is_some_and(|y| y < 0.0) {
                say(&at, "a stacked chart's values must not be negative".into());
            }
        }
    }
}

/// A `series` block's data as a table, `{caption, columns, rows}` — the same table static/lab.js
/// (`seriesTable`) makes for an answer it draws: one row per x and one column per series, so a
/// row compares the series at one x. A vertical step (two points at one x) takes two rows; a
/// series without a point at an x leaves its cell empty. Whole numbers print without ".0"; a bar
/// chart with `categories` names its rows.
pub(crate) fn series_table(block: &Value) -> Value {
    let series: &[Value] = block
        .get("series")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice);
    let mut most: HashMap<u64, (f64, usize)> = HashMap::new();
    let mut cells: Vec<HashMap<(u64, usize), Value>> = Vec::with_capacity(series.len());
    for s in series {
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let mut at = HashMap::new();
        for point in s
            .get("points")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(x), Some(y)) = (point.get(0).and_then(Value::as_f64), point.get(1)) else {
                continue;
            };
            let key = x.to_bits();
            let n = seen.entry(key).or_insert(0);
            *n += 1;
            at.insert((key, *n), y.as_f64().map_or_else(|| y.clone(), number));
            let entry = most.entry(key).or_insert((x, 0));
            entry.1 = entry.1.max(*n);
        }
        cells.push(at);
    }
    let mut xs: Vec<(u64, (f64, usize))> = most.into_iter().collect();
    xs.sort_by(|a, b| a.1.0.total_cmp(&b.1.0));
    let mut rows = Vec::new();
    let categories = block.get("categories").and_then(Value::as_array);
    let name_of = |x: f64| -> Value {
        categories
            .filter(|_| x.fract() == 0.0 && x >= 0.0)
            .and_then(|names| names.get(x as usize))
            .filter(|name| name.is_string())
            .cloned()
            .unwrap_or_else(|| number(x))
    };
    for (key, (x, count)) in xs {
        for n in 1..=count {
            let mut row = vec![name_of(x)];
            row.extend(cells.iter().map(|at| {
                at.get(&(key, n))
                    .cloned()
                    .unwrap_or_else(|| Value::String(String::new()))
            }));
            rows.push(Value::Array(row));
        }
    }
    let text = |field: &str| block.get(field).and_then(Value::as_str).unwrap_or("");
    let caption = match text("y_label") {
        "" => text("title").to_string(),
        unit => format!("{} ({unit})", text("title")),
    };
    let mut columns = vec![Value::String(text("x_label").to_string())];
    columns.extend(
        series
            .iter()
            .map(|s| json!(s.get("name").and_then(Value::as_str).unwrap_or(""))),
    );
    json!({"caption": caption, "columns": columns, "rows": rows})
}

/// A number as the page prints it: whole values without ".0", as JavaScript does.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// `[min, max]`, both finite, min < max.
fn range_of(value: &Value) -> Result<(f64, f64), String> {
    let pair = value
        .as_array()
        .filter(|a| a.len() == 2)
        .and_then(|a| Some((a[0].as_f64()?, a[1].as_f64()?)));
    match pair {
        Some((min, max)) if min.is_finite() && max.is_finite() && min < max => Ok((min, max)),
        _ => Err(format!(
            "expected [min, max] with two numbers, min < max; found {value}"
        )),
    }
}

fn annotation(note: &Value) -> Result<(), String> {
    let number = |name: &str| -> Result<f64, String> {
        note.get(name)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
            .ok_or_else(|| format!("`{name}` must be a number"))
    };
    match note.get("axis").and_then(Value::as_str) {
        Some("x" | "y") => {}
        _ => return Err("`axis` must be \"x\" or \"y\"".into()),
    }
    match note.get("label").and_then(Value::as_str) {
        Some(label) if !label.trim().is_empty() && label.chars().count() <= MAX_LABEL_CHARS => {}
        Some(label) if !label.trim().is_empty() => {
            return Err(format!(
                "`label` has {} characters; keep it to {MAX_LABEL_CHARS}",
                label.chars().count()
            ));
        }
        _ => return Err("`label` must be a short non-empty text".into()),
    }
    match note.get("kind").and_then(Value::as_str) {
        Some("marker") => number("at").map(|_| ()),
        Some("band") => {
            let (from, to) = (number("from")?, number("to")?);
            if from < to {
                Ok(())
            } else {
                Err(format!("`from` ({from}) must be less than `to` ({to})"))
            }
        }
        _ => Err("`kind` must be \"marker\" or \"band\"".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chart(extra: Value) -> Value {
        let mut block = json!({"type": "series", "title": "Accepted", "x_label": "t", "y_label": "n",
            "kind": "line", "series": [{"name": "a", "points": [[0, 0], [1, 5]]}]});
        if let (Some(block), Some(extra)) = (block.as_object_mut(), extra.as_object()) {
            block.extend(extra.clone());
        }
        json!({"blocks": [{"type": "text", "text": "x"}, block]})
    }

    #[test]
    fn a_good_view_passes() {
        let answer = chart(json!({
            "x_range": [59, 61], "y_range": [1, 1000], "scale": "log",
            "annotations": [
                {"kind": "marker", "axis": "x", "at": 60, "label": "window edge"},
                {"kind": "band", "axis": "x", "from": 59.8, "to": 60.2, "label": "0.4 s"}
            ],
            "series": [{"name": "a", "points": [[0, 1]], "style": "strong"}]
        }));
        assert_eq!(problems("rate-limit", &answer), Vec::<String>::new());
        assert!(problems("rate-limit", &chart(json!({}))).is_empty());
    }

    #[test]
    fn errors_name_the_lab_the_block_and_the_field() {
        let answer = chart(json!({"x_range": [3, 1]}));
        assert_eq!(
            problems("rate-limit", &answer),
            vec![
                "lab `rate-limit`: blocks[1] (series \"Accepted\"): x_range: expected [min, max] with two numbers, min < max; found [3,1]"
                    .to_string()
            ]
        );
        let answer = chart(json!({"y_range": [0, 10], "scale": "log"}));
        assert!(
            problems("lab", &answer)[0].contains("y_range: a log scale needs a positive minimum")
        );
        let answer = chart(json!({"scale": "cubic"}));
        assert!(problems("lab", &answer)[0].contains("scale: expected \"linear\" or \"log\""));
        let answer = chart(json!({"series": [{"name": "a", "points": [], "style": "loud"}]}));
        assert!(
            problems("lab", &answer)[0].contains("series[0].style: expected one of strong, muted")
        );
        let answer = chart(json!({"series": [{"name": "a", "points": [[0, 0]]}], "scale": "log"}));
        assert!(
            problems("lab", &answer)[0]
                .contains("scale: a log scale needs at least one positive value")
        );
    }

    #[test]
    fn a_chart_table_has_a_row_per_x_and_a_column_per_series() {
        let block = json!({"type": "series", "title": "Accepted", "x_label": "t (s)", "y_label": "requests",
        "series": [
            {"name": "fixed", "points": [[0.0, 0.0], [59.8, 0.0], [59.8, 100.0], [60.2, 200.0]]},
            {"name": "log", "points": [[0.0, 0.0], [59.8, 100.0], [61.5, 100.0]]}
        ]});
        assert_eq!(
            series_table(&block),
            json!({
                "caption": "Accepted (requests)",
                "columns": ["t (s)", "fixed", "log"],
                "rows": [
                    [0, 0, 0],
                    [59.8, 0, 100],
                    [59.8, 100, ""],
                    [60.2, 200, ""],
                    [61.5, "", 100]
                ]
            })
        );
        let bare = json!({"type": "series", "title": "T", "series": []});
        assert_eq!(
            series_table(&bare),
            json!({"caption": "T", "columns": [""], "rows": []})
        );
    }

    fn stacked(extra: Value) -> Value {
        let mut block = json!({"type": "series", "title": "Cost", "x_label": "Team", "y_label": "USD",
            "kind": "bar", "stacked": true, "categories": ["web", "data"],
            "series": [{"name": "own", "points": [[0, 3], [1, 2]]}, {"name": "share", "points": [[0, 1], [1, 1]]}]});
        if let (Some(block), Some(extra)) = (block.as_object_mut(), extra.as_object()) {
            block.extend(extra.clone());
        }
        json!({"blocks": [{"type": "text", "text": "x"}, block]})
    }

    #[test]
    fn categories_and_stacked_bars_are_checked_against_the_points() {
        assert_eq!(
            problems("cost-allocation", &stacked(json!({}))),
            Vec::<String>::new()
        );
        let found = problems("lab", &stacked(json!({"kind": "line"})));
        assert!(
            found[0].ends_with("stacked: only a bar chart (`kind = \"bar\"`) has it"),
            "{found:?}"
        );
        let found = problems("lab", &stacked(json!({"categories": null})));
        assert!(
            found[0].contains("categories: expected a list of non-empty names"),
            "{found:?}"
        );
        let found = problems("lab", &stacked(json!({"categories": ["web"]})));
        assert!(
            found[0].contains(
                "series[0].points[1]: x must be a category's position, a whole number from 0 to 0"
            ),
            "{found:?}"
        );
        let found = problems(
            "lab",
            &stacked(json!({"series": [{"name": "own", "points": [[0, -3], [0, 1]]}]})),
        );
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(
            found[0]
                .ends_with("series[0].points[0]: a stacked chart's values must not be negative")
        );
        assert!(found[1].ends_with("series[0].points[1]: a second value at position 0"));
        let found = problems("lab", &stacked(json!({"categories": []})));
        assert!(
            found[0].contains("series[0].points[0]: x must be"),
            "{found:?}"
        );
        let found = problems("lab", &chart(json!({"kind": "bar", "stacked": true})));
        assert!(
            found[0].ends_with("stacked: a stacked chart needs `categories`"),
            "{found:?}"
        );
        let found = problems("lab", &stacked(json!({"stacked": "yes"})));
        assert!(
            found[0].contains("stacked: expected true or false"),
            "{found:?}"
        );
    }

    #[test]
    fn a_chart_with_categories_names_its_rows() {
        let answer = stacked(json!({"x_label": "Team", "y_label": "USD"}));
        let table = series_table(&answer["blocks"][1]);
        assert_eq!(table["columns"], json!(["Team", "own", "share"]));
        assert_eq!(table["rows"], json!([["web", 3, 1], ["data", 2, 1]]));
    }

    #[test]
    fn bad_annotations_are_named_by_index() {
        let answer = chart(json!({"annotations": [
            {"kind": "marker", "axis": "x", "at": 1, "label": "ok"},
            {"kind": "band", "axis": "x", "from": 5, "to": 2, "label": "backwards"},
            {"kind": "arrow", "axis": "x", "label": "what"},
            {"kind": "marker", "axis": "z", "at": 1, "label": "z"},
            {"kind": "marker", "axis": "y", "at": 1, "label": ""}
        ]}));
        let found = problems("cost-allocation", &answer);
        assert_eq!(found.len(), 4, "{found:#?}");
        assert!(found[0].contains("annotations[1]: `from` (5) must be less than `to` (2)"));
        assert!(found[1].contains("annotations[2]: `kind` must be"));
        assert!(found[2].contains("annotations[3]: `axis` must be"));
        assert!(found[3].contains("annotations[4]: `label` must be"));
        assert!(
            found
                .iter()
                .all(|f| f.starts_with("lab `cost-allocation`: blocks[1]"))
        );
    }
}
