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
