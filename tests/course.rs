//! The bundled course at the repository root: articles in six sections, each in English and
//! Spanish, each long enough to be worth reading, each paired with its translation, each
//! embedding its section's lab, and each built into a page in its own language that shows the
//! lab's recorded output, and each taught like a course (README, "Write an article"): what the
//! reader will learn, prerequisites, the tool versions and date it was verified against,
//! self-check questions with their answers in `<details>`, two lab challenges with their expected
//! outcome, and links to the official documentation it relies on.
//!
//! The build goes to a temporary folder; lab binaries are looked up next to the aula binary, so
//! run `cargo build` (which builds every lab) before `cargo test --test course`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use common::{aula, repo_root};

const LANGS: [&str; 2] = ["en", "es"];

/// Each section and the lab its articles must embed.
const SECTION_LABS: [(&str, &str); 6] = [
    ("ai-backends", "contract-check"),
    ("ansible", "ansible-vars"),
    ("finops", "cost-allocation"),
    ("agent-security", "rate-limit"),
    ("cloud-iam", "iam-eval"),
    ("azure-ai", "token-budget"),
];

const MIN_WORDS: usize = 900;

struct Article {
    lang: &'static str,
    section: &'static str,
    path: PathBuf,
    front: toml::Table,
    body: String,
}

impl Article {
    fn relative(&self) -> String {
        self.path
            .strip_prefix(repo_root())
            .unwrap_or(&self.path)
            .display()
            .to_string()
    }

    fn slug(&self) -> String {
        self.path
            .file_stem()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }

    /// The section's part of the article's URL: the `slug` of the section's `_index.md` in
    /// the article's language, else its folder name.
    fn section_segment(&self) -> String {
        let index = self.path.with_file_name("_index.md");
        let text = std::fs::read_to_string(&index).unwrap_or_default();
        if text.is_empty() {
            return self.section.to_string();
        }
        let (front, _) = split_front_matter(&index, &text);
        front
            .get("slug")
            .and_then(|v| v.as_str())
            .unwrap_or(self.section)
            .to_string()
    }

    fn translation_key(&self) -> String {
        self.front
            .get("translation_key")
            .and_then(|v| v.as_str())
            .unwrap_or_else(|| panic!("{}: no translation_key", self.relative()))
            .to_string()
    }
}

/// Splits `+++ … +++` front matter from the body.
fn split_front_matter(path: &Path, text: &str) -> (toml::Table, String) {
    let rest = text
        .strip_prefix("+++\n")
        .unwrap_or_else(|| panic!("{}: no front matter", path.display()));
    let end = rest
        .find("\n+++\n")
        .unwrap_or_else(|| panic!("{}: front matter not closed", path.display()));
    let front: toml::Table = toml::from_str(&rest[..end])
        .unwrap_or_else(|e| panic!("{}: bad front matter: {e}", path.display()));
    (front, rest[end + "\n+++\n".len()..].to_string())
}

/// Every article of the bundled course: `content/<lang>/<section>/*.md` except `_index.md`.
fn articles() -> Vec<Article> {
    let mut found = Vec::new();
    for lang in LANGS {
        for (section, _) in SECTION_LABS {
            let dir = repo_root().join("content").join(lang).join(section);
            let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .map(|entry| entry.unwrap().path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "md")
                        && p.file_name().is_some_and(|n| n != "_index.md")
                })
                .collect();
            paths.sort();
            for path in paths {
                let text = std::fs::read_to_string(&path).unwrap();
                let (front, body) = split_front_matter(&path, &text);
                found.push(Article {
                    lang,
                    section,
                    path,
                    front,
                    body,
                });
            }
        }
    }
    found
}

/// A fenced block: its info string (`python`, `lab rate-limit`…) and its contents.
struct Fence {
    info: String,
    contents: String,
}

/// The body without its fenced blocks, and the fenced blocks themselves.
fn split_fences(body: &str) -> (String, Vec<Fence>) {
    let mut prose = String::new();
    let mut fences = Vec::new();
    let mut open: Option<(String, usize, String)> = None; // (marker, marker length, info)
    let mut contents = String::new();
    for line in body.lines() {
        let trimmed = line.trim_start();
        match &open {
            None => {
                let marker_char = trimmed.chars().next();
                if matches!(marker_char, Some('`' | '~')) {
                    let c = marker_char.unwrap();
                    let run = trimmed.chars().take_while(|&x| x == c).count();
                    if run >= 3 {
                        let info = trimmed[run..].trim().to_string();
                        open = Some((c.to_string(), run, info));
                        contents.clear();
                        continue;
                    }
                }
                prose.push_str(line);
                prose.push('\n');
            }
            Some((marker, run, info)) => {
                let c = marker.chars().next().unwrap();
                let closing = trimmed.chars().take_while(|&x| x == c).count();
                if closing >= *run && trimmed[closing..].trim().is_empty() {
                    fences.push(Fence {
                        info: info.clone(),
                        contents: std::mem::take(&mut contents),
                    });
                    open = None;
                } else {
                    contents.push_str(line);
                    contents.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "a code fence is never closed");
    (prose, fences)
}

/// Whitespace-separated words that contain a letter or a digit.
fn count_words(prose: &str) -> usize {
    prose
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// The `example = "…"` of each ```` ```lab <id> ```` fence, by lab id.
fn lab_embeds(fences: &[Fence]) -> Vec<(String, String)> {
    fences
        .iter()
        .filter_map(|f| {
            let id = f.info.strip_prefix("lab ")?.trim().to_string();
            let table: toml::Table = toml::from_str(&f.contents)
                .unwrap_or_else(|e| panic!("lab {id}: fence is not TOML: {e}"));
            let example = table
                .get("example")
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("lab {id}: the course's fences name an example"))
                .to_string();
            Some((id, example))
        })
        .collect()
}

#[test]
fn every_article_has_at_least_900_words_of_prose() {
    let all = articles();
    for (section, _) in SECTION_LABS {
        for lang in LANGS {
            assert!(
                all.iter().any(|a| a.section == section && a.lang == lang),
                "section {section} has no article in {lang}"
            );
        }
    }
    let mut short = Vec::new();
    for article in &all {
        let (prose, _) = split_fences(&article.body);
        let words = count_words(&prose);
        if words < MIN_WORDS {
            short.push(format!("{}: {words} words", article.relative()));
        }
    }
    assert!(
        short.is_empty(),
        "articles under {MIN_WORDS} words of prose:\n{}",
        short.join("\n")
    );
}

#[test]
fn every_article_has_exactly_one_translation_in_the_other_language() {
    let all = articles();
    let mut by_key: BTreeMap<String, Vec<&Article>> = BTreeMap::new();
    for article in &all {
        by_key
            .entry(article.translation_key())
            .or_default()
            .push(article);
    }
    for (key, group) in &by_key {
        let names: Vec<String> = group.iter().map(|a| a.relative()).collect();
        for lang in LANGS {
            let count = group.iter().filter(|a| a.lang == lang).count();
            assert_eq!(
                count, 1,
                "translation_key {key:?}: {count} article(s) in {lang}: {names:?}"
            );
        }
        let sections: Vec<&str> = group.iter().map(|a| a.section).collect();
        assert!(
            sections.windows(2).all(|w| w[0] == w[1]),
            "translation_key {key:?} spans sections: {names:?}"
        );
    }
    assert_eq!(
        by_key.len() * LANGS.len(),
        all.len(),
        "every article is one of a translated pair"
    );
}

#[test]
fn every_article_embeds_its_sections_lab_with_a_known_example() {
    for article in articles() {
        let (_, fences) = split_fences(&article.body);
        let embeds = lab_embeds(&fences);
        let lab = SECTION_LABS
            .iter()
            .find(|(s, _)| *s == article.section)
            .unwrap()
            .1;
        assert!(
            embeds.iter().any(|(id, _)| id == lab),
            "{} does not embed the {lab} lab (embeds: {embeds:?})",
            article.relative()
        );
        for (id, example) in &embeds {
            let expected = repo_root()
                .join("labs/expected")
                .join(id)
                .join(format!("{example}.{}.json", article.lang));
            assert!(
                expected.is_file(),
                "{}: lab {id} example {example:?} has no recorded output at {}",
                article.relative(),
                expected.display()
            );
        }
    }
}

/// Undoes the escaping a template applies to text, so the check does not depend on which of the
/// equivalent entities it picks for quotes.
fn unescape_html(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#x22;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The strings of a recorded answer a reader sees as headings: table captions, verdict titles
/// and verdict details.
fn recorded_landmarks(answer: &serde_json::Value) -> Vec<String> {
    let mut found = Vec::new();
    for block in answer["blocks"].as_array().into_iter().flatten() {
        match block["type"].as_str() {
            Some("table") => found.extend(block["caption"].as_str().map(String::from)),
            Some("verdict") => {
                found.extend(block["title"].as_str().map(String::from));
                found.extend(block["detail"].as_str().map(String::from));
            }
            _ => {}
        }
    }
    found
}

#[test]
fn the_built_pages_are_in_their_language_and_show_the_recorded_lab_output() {
    let aula_bin = PathBuf::from(env!("CARGO_BIN_EXE_aula"));
    let bin_dir = aula_bin.parent().unwrap();
    for (_, lab) in SECTION_LABS {
        assert!(
            bin_dir.join(lab).is_file(),
            "lab binary {lab} is missing from {}: run `cargo build` first (it builds every lab)",
            bin_dir.display()
        );
    }

    let out = tempfile::tempdir().unwrap();
    let public = out.path().join("public");
    let output = aula()
        .arg("build")
        .arg("--root")
        .arg(repo_root())
        .arg("--output")
        .arg(&public)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "build failed:\n{stderr}");
    assert!(
        !stderr.to_lowercase().contains("warning"),
        "the bundled course builds with warnings:\n{stderr}"
    );

    for article in articles() {
        let page_path = public
            .join(article.lang)
            .join(article.section_segment())
            .join(article.slug())
            .join("index.html");
        let page = std::fs::read_to_string(&page_path)
            .unwrap_or_else(|e| panic!("{}: {e}", page_path.display()));
        assert!(
            page.contains(&format!("<html lang=\"{}\"", article.lang)),
            "{}: not marked as lang={}",
            page_path.display(),
            article.lang
        );
        // The verified line and the learning goals come from front matter, under the title.
        for (key, part) in [
            ("verified", "<p class=\"verified\""),
            ("learn", "id=\"learn-title\""),
            ("prerequisites", "id=\"prerequisites-title\""),
        ] {
            assert_eq!(
                page.contains(part),
                article.front.contains_key(key),
                "{}: `{key}` in the front matter and {part} on the page go together",
                page_path.display()
            );
        }
        let text = unescape_html(&page);
        let (_, fences) = split_fences(&article.body);
        for (id, example) in lab_embeds(&fences) {
            let expected = repo_root()
                .join("labs/expected")
                .join(&id)
                .join(format!("{example}.{}.json", article.lang));
            let answer: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&expected).unwrap()).unwrap();
            let landmarks = recorded_landmarks(&answer);
            assert!(
                !landmarks.is_empty(),
                "{}: nothing to look for",
                expected.display()
            );
            for landmark in landmarks {
                assert!(
                    text.contains(&landmark),
                    "{}: the recorded output of {id}/{example} is missing {landmark:?}",
                    page_path.display()
                );
            }
        }
    }
}

/// The headings of the three Markdown parts of the course structure, per language.
fn structure_headings(lang: &str) -> [&'static str; 3] {
    match lang {
        "es" => [
            "## Pónganse a prueba",
            "## Prueben en el laboratorio",
            "## Documentación oficial",
        ],
        _ => [
            "## Check yourself",
            "## Try this in the lab",
            "## Official documentation",
        ],
    }
}

/// The text of the `##` section that starts with `heading`, up to the next `##` heading.
fn section<'a>(body: &'a str, heading: &str) -> Option<&'a str> {
    let start = body.find(&format!("\n{heading}"))? + 1;
    let rest = &body[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |i| i + heading.len() + 1);
    Some(&rest[..end])
}

#[test]
fn every_article_teaches_like_a_course() {
    let mut problems = Vec::new();
    for article in articles() {
        let name = article.relative();
        let list = |key: &str| -> usize {
            article
                .front
                .get(key)
                .and_then(|v| v.as_array())
                .map_or(0, |items| items.len())
        };
        if !(2..=5).contains(&list("learn")) {
            problems.push(format!("{name}: `learn` needs 2 to 5 items"));
        }
        if list("prerequisites") == 0 {
            problems.push(format!("{name}: no `prerequisites`"));
        }
        let verified = article.front.get("verified").and_then(|v| v.as_table());
        let has_date = verified.is_some_and(|v| v.get("date").is_some_and(|d| d.is_datetime()));
        let tools = verified
            .and_then(|v| v.get("tools"))
            .and_then(|t| t.as_array())
            .map_or(0, |t| t.len());
        if !has_date || tools == 0 {
            problems.push(format!("{name}: `verified` needs a date and tools"));
        }
        let [check, lab, docs] = structure_headings(article.lang);
        match section(&article.body, check) {
            Some(text) => {
                let answers = text.matches("<details>").count();
                if !(3..=5).contains(&answers) {
                    problems.push(format!(
                        "{name}: {answers} self-check answers in <details>, expected 3 to 5"
                    ));
                }
            }
            None => problems.push(format!("{name}: no `{check}` section")),
        }
        let expected = if article.lang == "es" {
            "Resultado esperado:"
        } else {
            "Expected:"
        };
        match section(&article.body, lab) {
            Some(text) => {
                let challenges = text
                    .lines()
                    .filter(|l| {
                        l.starts_with("1. ") || l.starts_with("2. ") || l.starts_with("3. ")
                    })
                    .count();
                // A challenge's text may wrap anywhere, "Resultado esperado:" included.
                let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
                if challenges != 2 || flat.matches(expected).count() != 2 {
                    problems.push(format!(
                        "{name}: `{lab}` needs exactly two numbered challenges, each with `{expected}`"
                    ));
                }
            }
            None => problems.push(format!("{name}: no `{lab}` section")),
        }
        match section(&article.body, docs) {
            Some(text) if text.matches("](https://").count() >= 2 => {}
            Some(_) => problems.push(format!("{name}: `{docs}` needs at least two links")),
            None => problems.push(format!("{name}: no `{docs}` section")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_section_ends_at_the_next_level_two_heading() {
    let body = "intro\n\n## Check yourself {#c}\n\n1. Q\n\n### Sub\n\nmore\n\n## Next\n\nx\n";
    let text = section(body, "## Check yourself").unwrap();
    assert!(text.starts_with("## Check yourself"));
    assert!(text.contains("### Sub"));
    assert!(!text.contains("## Next"));
    assert!(section(body, "## Missing").is_none());
}

#[test]
fn prose_words_are_counted_without_code_or_labs() {
    let body = "One two three.\n\n```python\nx = 1\n```\n\n```lab rate-limit\nexample = \"steady-traffic\"\n```\n\n— four 5\n";
    let (prose, fences) = split_fences(body);
    assert_eq!(count_words(&prose), 5);
    assert_eq!(fences.len(), 2);
    assert_eq!(
        lab_embeds(&fences),
        vec![("rate-limit".to_string(), "steady-traffic".to_string())]
    );
}

/// The numbered items of a "Try this in the lab" section, each flattened to one line of text as
/// a reader sees it (whitespace collapsed, code backticks dropped).
fn challenge_items(section_text: &str) -> Vec<String> {
    let mut items: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in section_text.lines() {
        let numbered = line
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
        if numbered {
            items.extend(current.take());
            current = Some(String::new());
        } else if line.starts_with('#') {
            items.extend(current.take());
            continue;
        }
        if let Some(text) = current.as_mut() {
            text.push(' ');
            text.push_str(line);
        }
    }
    items.extend(current);
    items
        .into_iter()
        .map(|item| {
            item.replace('`', "")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The paragraph of `body` that contains `quote`, flattened like a challenge (whitespace
/// collapsed, code backticks dropped; `quote` is compared the same way).
fn paragraph_with(body: &str, quote: &str) -> Option<String> {
    let flat = |text: &str| {
        text.replace('`', "")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let quote = flat(quote);
    body.split("\n\n").map(flat).find(|p| p.contains(&quote))
}

/// Every string a reader sees in a lab's answer, one per line, plus each table row joined with
/// " | " so an expectation can pin a whole row ("Sliding log | 5 | 5").
fn answer_text(answer: &serde_json::Value) -> String {
    let mut lines: Vec<String> = Vec::new();
    let strings = |value: &serde_json::Value| -> Vec<String> {
        value
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(String::from))
            .collect()
    };
    for block in answer["blocks"].as_array().into_iter().flatten() {
        for key in [
            "text", "title", "detail", "caption", "code", "x_label", "y_label",
        ] {
            lines.extend(block[key].as_str().map(String::from));
        }
        lines.push(strings(&block["columns"]).join(" | "));
        for row in block["rows"].as_array().into_iter().flatten() {
            lines.push(strings(row).join(" | "));
        }
        for series in block["series"].as_array().into_iter().flatten() {
            lines.extend(series["name"].as_str().map(String::from));
        }
    }
    lines.join("\n")
}

/// The status of the answer's first verdict block.
fn first_verdict(answer: &serde_json::Value) -> Option<String> {
    answer["blocks"]
        .as_array()?
        .iter()
        .find(|b| b["type"] == "verdict")
        .and_then(|b| b["status"].as_str())
        .map(String::from)
}

/// A lab's example input from its manifest, changed as one run of a challenge says
/// (tests/course_challenges.toml: `edit` then `set`).
fn challenge_input(
    manifest: &toml::Table,
    example: &str,
    run: &toml::Table,
    problems: &mut Vec<String>,
    name: &str,
) -> serde_json::Map<String, serde_json::Value> {
    let to_json = |value: &toml::Value| -> serde_json::Value {
        serde_json::to_value(value).unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let mut input = serde_json::Map::new();
    let examples = manifest["examples"].as_array().unwrap();
    let Some(found) = examples
        .iter()
        .find(|e| e.get("name").and_then(|n| n.as_str()) == Some(example))
    else {
        problems.push(format!("{name}: the lab has no example {example:?}"));
        return input;
    };
    for (key, value) in found.get("input").and_then(|i| i.as_table()).unwrap() {
        input.insert(key.clone(), to_json(value));
    }
    for edit in run
        .get("edit")
        .and_then(|e| e.as_array())
        .into_iter()
        .flatten()
    {
        let field = edit["input"].as_str().unwrap();
        let find = edit["find"].as_str().unwrap();
        let replace = edit["replace"].as_str().unwrap();
        let current = match input.get(field) {
            Some(serde_json::Value::String(s)) => s.clone(),
            _ => manifest["inputs"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| i.get("name").and_then(|n| n.as_str()) == Some(field))
                .and_then(|i| i.get("default"))
                .and_then(|d| d.as_str())
                .unwrap_or_else(|| panic!("{name}: input {field:?} has no text to edit"))
                .to_string(),
        };
        if !current.contains(find) {
            problems.push(format!(
                "{name}: input {field:?} of example {example:?} no longer contains {find:?}; \
                 the example changed, so re-read the challenge"
            ));
        }
        input.insert(
            field.to_string(),
            serde_json::Value::String(current.replacen(find, replace, 1)),
        );
    }
    for (key, value) in run
        .get("set")
        .and_then(|s| s.as_table())
        .into_iter()
        .flatten()
    {
        input.insert(key.clone(), to_json(value));
    }
    input
}

/// Each challenge's "Expected:" (tests/course_challenges.toml), run against the lab as it is now:
/// the example's input changed as the challenge says, through `aula labs run`, in English and in
/// Spanish. A figure the data file names must be both in the lab's answer and in the challenge's
/// text in that language, so an article cannot keep stating a result the lab no longer gives.
/// Every numbered challenge of every article must have an entry, and every entry a challenge;
/// `[[exercise]]` entries check a result promised in the prose, in the paragraph of their quote.
#[test]
fn every_challenge_expects_what_the_lab_answers() {
    let aula_bin = PathBuf::from(env!("CARGO_BIN_EXE_aula"));
    let bin_dir = aula_bin.parent().unwrap().to_path_buf();
    let data_path = repo_root().join("tests/course_challenges.toml");
    let data: toml::Table = toml::from_str(&std::fs::read_to_string(&data_path).unwrap()).unwrap();
    let challenges = data["challenge"].as_array().unwrap();
    let all = articles();
    let mut problems = Vec::new();

    // Every challenge in the course has an entry, and only those.
    let mut in_course: Vec<(String, usize)> = Vec::new();
    for article in all.iter().filter(|a| a.lang == "en") {
        let relative = article
            .path
            .strip_prefix(repo_root().join("content/en"))
            .unwrap()
            .display()
            .to_string();
        let text = section(&article.body, structure_headings("en")[1]).unwrap_or_default();
        for number in 1..=challenge_items(text).len() {
            in_course.push((relative.clone(), number));
        }
    }
    let mut in_data: Vec<(String, usize)> = challenges
        .iter()
        .map(|c| {
            (
                c["article"].as_str().unwrap().to_string(),
                usize::try_from(c["number"].as_integer().unwrap()).unwrap(),
            )
        })
        .collect();
    in_data.sort();
    in_course.sort();
    assert_eq!(
        in_data, in_course,
        "tests/course_challenges.toml must list every lab challenge of the course, once"
    );

    // Exercises in the prose ("Try removing the closing fence: it still passes") are checked the
    // same way; their text is the paragraph that holds `quote`.
    let exercises = data
        .get("exercise")
        .and_then(|e| e.as_array())
        .map_or(&[][..], Vec::as_slice);
    let work = tempfile::tempdir().unwrap();
    for challenge in challenges.iter().chain(exercises) {
        let article_path = challenge["article"].as_str().unwrap();
        let number = challenge
            .get("number")
            .and_then(|n| n.as_integer())
            .map(|n| usize::try_from(n).unwrap());
        let label = match number {
            Some(n) => format!("challenge {n}"),
            None => format!("exercise {:?}", challenge["quote"]["en"].as_str().unwrap()),
        };
        let lab = challenge["lab"].as_str().unwrap();
        let example = challenge["example"].as_str().unwrap();
        let english = all
            .iter()
            .find(|a| a.lang == "en" && a.path.ends_with(article_path))
            .unwrap();
        let manifest: toml::Table = toml::from_str(
            &std::fs::read_to_string(repo_root().join(format!("labs/manifests/{lab}.toml")))
                .unwrap(),
        )
        .unwrap();
        for (index, run) in challenge["run"].as_array().unwrap().iter().enumerate() {
            let run = run.as_table().unwrap();
            let name = format!("{article_path} {label}, run {}", index + 1);
            let input = challenge_input(&manifest, example, run, &mut problems, &name);
            let input_path = work.path().join("input.json");
            std::fs::write(&input_path, serde_json::to_string(&input).unwrap()).unwrap();
            for lang in LANGS {
                let article = all
                    .iter()
                    .find(|a| a.lang == lang && a.translation_key() == english.translation_key())
                    .unwrap();
                let item = match number {
                    Some(n) => {
                        let heading = structure_headings(lang)[1];
                        challenge_items(section(&article.body, heading).unwrap_or_default())
                            .get(n - 1)
                            .cloned()
                    }
                    None => {
                        paragraph_with(&article.body, challenge["quote"][lang].as_str().unwrap())
                    }
                };
                let Some(item) = item else {
                    problems.push(format!("{}: no {label} in {lang}", article.relative()));
                    continue;
                };
                let output = aula()
                    .args(["labs", "run", lab, "--lang", lang, "--input"])
                    .arg(&input_path)
                    .arg("--root")
                    .arg(repo_root())
                    .output()
                    .unwrap();
                assert!(
                    output.status.success(),
                    "{name} [{lang}]: the lab failed (built? run `cargo build`, labs in {}):\n{}",
                    bin_dir.display(),
                    String::from_utf8_lossy(&output.stderr)
                );
                let answer: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
                let text = answer_text(&answer);
                if let Some(status) = run.get("verdict").and_then(|v| v.as_str()) {
                    let got = first_verdict(&answer);
                    if got.as_deref() != Some(status) {
                        problems.push(format!(
                            "{name} [{lang}]: verdict {got:?}, the challenge expects {status:?}"
                        ));
                    }
                }
                let list = |key: &str| -> Vec<String> {
                    run.get(key)
                        .and_then(|v| v.as_array())
                        .into_iter()
                        .flatten()
                        .map(|v| v.as_str().unwrap().to_string())
                        .collect()
                };
                for wanted in list(lang) {
                    if !text.contains(&wanted) {
                        problems.push(format!(
                            "{name} [{lang}]: the lab's answer no longer contains {wanted:?}"
                        ));
                    }
                    if !item.contains(&wanted) {
                        problems.push(format!(
                            "{}: {label} does not state {wanted:?}, which the lab answers",
                            article.relative()
                        ));
                    }
                }
                for wanted in list(&format!("{lang}_output")) {
                    if !text.contains(&wanted) {
                        problems.push(format!(
                            "{name} [{lang}]: the lab's answer does not contain {wanted:?}:\n{text}"
                        ));
                    }
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn an_exercise_is_the_paragraph_that_holds_its_quote() {
    let body = "Intro.\n\nRun the lab. Try removing\nthe `fence`: it passes.\n\nNext.\n";
    assert_eq!(
        paragraph_with(body, "Try removing the fence").as_deref(),
        Some("Run the lab. Try removing the fence: it passes.")
    );
    assert_eq!(paragraph_with(body, "not there"), None);
}

#[test]
fn challenge_items_are_split_by_number_and_flattened() {
    let text = "## Try this in the lab {#try-it}\n\nRun these live.\n\n1. **One.** Set `a` to\n   2. Expected: `b`.\n2. **Two.** Expected:\n   c.\n\n### Next\n\nnot a challenge\n";
    let items = challenge_items(text);
    assert_eq!(
        items,
        vec![
            "1. **One.** Set a to 2. Expected: b.".to_string(),
            "2. **Two.** Expected: c.".to_string()
        ]
    );
}
