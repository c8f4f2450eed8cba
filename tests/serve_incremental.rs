//! Incremental rebuilds are exact: after each of a sequence of random edits (add, change,
//! rename and delete articles and translations; change a template; change a Fluent file), the
//! site `aula serve` holds in memory is byte for byte what a fresh `aula build` of the same tree
//! writes. The sequence is random but fixed by its seed, so a failure can be replayed.

mod serve_support;

use std::time::Duration;

use serve_support::Server;

/// xorshift64*: enough randomness for choosing edits, and the same every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn article(rng: &mut Rng, title: &str, key: Option<&str>) -> String {
    let tags = ["limits", "alpha", "beta", "gamma"];
    let tag = rng.pick(&tags);
    let weight = rng.below(5);
    let day = 1 + rng.below(28);
    let key = key.map_or(String::new(), |k| format!("translation_key = \"{k}\"\n"));
    let words = [
        "window", "bucket", "burst", "edge", "token", "limit", "rate",
    ];
    let body: Vec<&str> = (0..20 + rng.below(200))
        .map(|_| *rng.pick(&words))
        .collect();
    format!(
        "+++\ntitle = \"{title}\"\ndate = 2026-10-{day:02}\ntags = [\"{tag}\"]\nweight = {weight}\n{key}+++\n{}\n\n## Part {}\n\nSee [windows](@/basics/windows.md).\n\n```rust\nfn f() -> u32 {{ {} }}\n```\n",
        body.join(" "),
        rng.below(9),
        rng.below(1000)
    )
}

/// Waits for the rebuild an edit causes, then for quiet; panics on a build error.
fn settle(events: &mut serve_support::Events, step: &str) {
    let (name, data) = events
        .next(Duration::from_secs(20))
        .unwrap_or_else(|| panic!("{step}: no event after the edit"));
    assert_ne!(name, "error", "{step}: the edit broke the build: {data}");
    for name in events.drain(Duration::from_millis(400)) {
        assert_ne!(name, "error", "{step}: the edit broke the build");
    }
}

/// The served site once it matches `built`, or after a minute: with the `search` feature the
/// server publishes pages first and swaps the search index in behind them a little later.
fn served_when_settled(
    server: &Server,
    built: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    let mut served = server.manifest();
    while &served != built && std::time::Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(200));
        served = server.manifest();
    }
    served
}

/// Fails, naming the files, unless the served site becomes what a full build of the same tree
/// makes.
fn assert_served_as_built(site: &serve_support::Site, server: &Server, step: &str) {
    let built = site.full_build(&server.base);
    let served = served_when_settled(server, &built);
    let differ: Vec<&String> = built
        .keys()
        .chain(served.keys())
        .filter(|k| built.get(*k) != served.get(*k))
        .collect();
    assert!(
        differ.is_empty(),
        "{step}: served site differs from a full build in {differ:?}"
    );
}

#[test]
fn random_edits_leave_the_served_site_identical_to_a_full_build() {
    let server = Server::start();
    let site = &server.site;
    let mut events = server.events();
    let mut rng = Rng(0x5eed_a01a);
    // Generated English articles (file stems) and Spanish translations (stem, key).
    let mut english: Vec<String> = Vec::new();
    let mut spanish: Vec<(String, String)> = Vec::new();
    let mut made = 0;
    let built = site.full_build(&server.base);
    assert_eq!(
        served_when_settled(&server, &built),
        built,
        "before any edit"
    );
    for step in 0..16 {
        let op = if english.is_empty() { 0 } else { rng.below(7) };
        let description = match op {
            0 => {
                made += 1;
                let stem = format!("gen-{made}");
                let text = article(&mut rng, &format!("Generated {made}"), None);
                site.write(&format!("content/en/basics/{stem}.md"), &text);
                if rng.below(2) == 0 {
                    let es_stem = format!("generado-{made}");
                    let key = format!("basics/{stem}");
                    let text = article(&mut rng, &format!("Generado {made}"), Some(&key));
                    site.write(&format!("content/es/basics/{es_stem}.md"), &text);
                    spanish.push((es_stem, key));
                }
                english.push(stem.clone());
                format!("add {stem}")
            }
            1 => {
                let stem = rng.pick(&english).clone();
                let text = article(&mut rng, &format!("Changed {stem} {step}"), None);
                site.write(&format!("content/en/basics/{stem}.md"), &text);
                format!("change {stem}")
            }
            2 => {
                let i = rng.below(english.len());
                let old = english[i].clone();
                let new = format!("{old}-r{step}");
                std::fs::rename(
                    site.path().join(format!("content/en/basics/{old}.md")),
                    site.path().join(format!("content/en/basics/{new}.md")),
                )
                .unwrap();
                english[i] = new.clone();
                format!("rename {old} → {new}")
            }
            3 => {
                let i = rng.below(english.len());
                let stem = english.remove(i);
                std::fs::remove_file(site.path().join(format!("content/en/basics/{stem}.md")))
                    .unwrap();
                format!("delete {stem}")
            }
            4 if !spanish.is_empty() => {
                let i = rng.below(spanish.len());
                let (stem, key) = spanish.remove(i);
                std::fs::remove_file(site.path().join(format!("content/es/basics/{stem}.md")))
                    .unwrap();
                format!("delete translation {stem} ({key})")
            }
            4 | 5 => {
                let base = site.read("templates/base.html");
                let marker = "</footer>";
                assert!(base.contains(marker), "base.html has no footer to edit");
                site.write(
                    "templates/base.html",
                    &base.replacen(marker, &format!("<p>edit {step}</p>{marker}"), 1),
                );
                format!("template edit {step}")
            }
            _ => {
                let lang = rng.pick(&["en", "es"]);
                let path = format!("locales/{lang}/ui.ftl");
                let text: String = site
                    .read(&path)
                    .lines()
                    .map(|line| match line.strip_prefix("nav-home = ") {
                        Some(value) => format!("nav-home = {value} {step}\n"),
                        None => format!("{line}\n"),
                    })
                    .collect();
                site.write(&path, &text);
                format!("ftl edit {lang} {step}")
            }
        };
        settle(&mut events, &description);
        assert_served_as_built(site, &server, &format!("step {step} ({description})"));
    }
}

/// What `aula` records of an original in a translation's `source_hash`: the first 6 bytes of the
/// SHA-256 of its trimmed body, in hex.
fn body_hash(source: &str) -> String {
    use sha2::{Digest, Sha256};
    let body = source
        .strip_prefix("+++\n")
        .and_then(|rest| rest.split_once("\n+++\n"))
        .map_or(source, |(_, body)| body);
    let digest = Sha256::digest(body.trim().as_bytes());
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Edits of what other pages show of a page reach every page that shows it: an article's title
/// (its section, the home page, its tag page, its neighbours), description, tags (tag pages come
/// and go), date (feeds, sitemap), weight (the order of the path: steps, prev/next) and level; a
/// section's title (everyone's navigation), the home page's (the language chooser), a
/// translation's title and key, an original's body when a translation recorded its hash (stale
/// notice, status page); one template, a partial, one language's UI strings, a language's name.
/// Each step is compared with a full build.
#[test]
fn edits_of_what_other_pages_show_reach_every_page_that_shows_it() {
    let server = Server::start();
    let site = &server.site;
    let mut events = server.events();
    let built = site.full_build(&server.base);
    assert_eq!(
        served_when_settled(&server, &built),
        built,
        "before any edit"
    );
    let windows = "content/en/basics/windows.md";
    let ventanas = "content/es/basics/ventanas.md";
    let steps: &[(&str, &str, &str, &str)] = &[
        (
            "article title",
            windows,
            "title = \"Fixed windows\"",
            "title = \"Fixed windows, renamed\"",
        ),
        (
            "article description",
            windows,
            "description = \"Why fixed",
            "description = \"How fixed",
        ),
        (
            "tag added",
            windows,
            "tags = [\"limits\"]",
            "tags = [\"edges\", \"limits\"]",
        ),
        (
            "article date",
            windows,
            "date = 2026-11-20",
            "date = 2025-01-02",
        ),
        (
            "article level",
            windows,
            "date = 2025-01-02",
            "date = 2025-01-02\nlevel = \"advanced\"",
        ),
        (
            "article weight (path order)",
            windows,
            "weight = 1",
            "weight = 3",
        ),
        (
            "article body only",
            windows,
            "lets a burst through",
            "lets one burst through",
        ),
        (
            "section title",
            "content/en/basics/_index.md",
            "title = \"Basics\"",
            "title = \"The basics\"",
        ),
        (
            "home title",
            "content/en/_index.md",
            "title = \"Serve fixture\"",
            "title = \"Serve fixture, renamed\"",
        ),
        (
            "translation title",
            ventanas,
            "title = \"Ventanas fijas\"",
            "title = \"Ventanas, fijas\"",
        ),
        (
            "tag removed",
            windows,
            "tags = [\"edges\", \"limits\"]",
            "tags = [\"limits\"]",
        ),
        (
            "translation key",
            ventanas,
            "translation_key = \"basics/windows\"",
            "translation_key = \"basics/ventanas\"",
        ),
        (
            "translation key back",
            ventanas,
            "translation_key = \"basics/ventanas\"",
            "translation_key = \"basics/windows\"",
        ),
    ];
    // What a page reads of the templates and UI strings: its template and those it includes,
    // its language's strings, every language's name.
    let template_and_string_steps: &[(&str, &str, &str, &str)] = &[
        (
            "article template",
            "templates/article.html",
            "<h1>{{ page.title }}</h1>",
            "<h1 class=\"title\">{{ page.title }}</h1>",
        ),
        (
            "partial included by listings",
            "templates/partials/article-list.html",
            "<ol class=\"article-list\">",
            "<ol class=\"article-list listing\">",
        ),
        (
            "Spanish UI string",
            "locales/es/ui.ftl",
            "nav-home = Inicio",
            "nav-home = Portada",
        ),
        (
            "Spanish heading anchor label (Markdown)",
            "locales/es/ui.ftl",
            "heading-anchor = Enlace a esta sección",
            "heading-anchor = Enlace a la sección",
        ),
        (
            "English language name (every language's switcher)",
            "locales/en/ui.ftl",
            "language-name = English",
            "language-name = English (en)",
        ),
        (
            "Spanish language name (on English pages too)",
            "locales/es/ui.ftl",
            "language-name = Español",
            "language-name = Español (es)",
        ),
    ];
    let check = |description: &str, events: &mut serve_support::Events| {
        settle(events, description);
        assert_served_as_built(site, &server, description);
    };
    for (description, file, from, to) in steps.iter().chain(template_and_string_steps) {
        let text = site.read(file);
        assert!(text.contains(from), "{description}: {file} has no `{from}`");
        site.write(file, &text.replacen(from, to, 1));
        check(description, &mut events);
    }
    // The translation records its original's body; then the original changes under it.
    let recorded = format!("source_hash = \"{}\"\n+++", body_hash(&site.read(windows)));
    let text = site.read(ventanas);
    site.write(
        ventanas,
        &text.replacen("\n+++", &format!("\n{recorded}"), 1),
    );
    check("translation records its original", &mut events);
    let text = site.read(windows);
    site.write(windows, &text.replacen("one burst", "a burst", 1));
    check("original changed after its translation", &mut events);
}
