//! `aula build` end to end on a bilingual fixture: what a reader gets in each language.

mod common;

use common::Site;

fn built() -> Site {
    let site = Site::fixture("bilingual");
    site.build_ok();
    site
}

#[test]
fn every_page_declares_its_language_and_links_its_translation() {
    let site = built();
    let en = site.read("en/agent-security/windows/index.html");
    let es = site.read("es/agent-security/ventanas/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(es.contains("<html lang=\"es\">"));
    // The switcher leads to the same article in the other language, localized slug included.
    assert!(
        en.contains("href=\"/es/agent-security/ventanas/\" hreflang=\"es\" lang=\"es\""),
        "{en}"
    );
    assert!(
        es.contains("href=\"/en/agent-security/windows/\" hreflang=\"en\" lang=\"en\""),
        "{es}"
    );
    for page in [&en, &es] {
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example.org/course/en/agent-security/windows/\">"));
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"es\" href=\"https://fixture.example.org/course/es/agent-security/ventanas/\">"));
    }
    assert!(es.contains("<link rel=\"canonical\" href=\"https://fixture.example.org/course/es/agent-security/ventanas/\">"));
}

#[test]
fn code_is_highlighted_with_classes_and_unknown_languages_stay_plain() {
    let site = built();
    let en = site.read("en/agent-security/windows/index.html");
    // TOML comes from two-face's extra syntaxes.
    assert!(en.contains("data-lang=\"toml\""));
    // Tokens are coloured by class: the TOML key, its string value and Python's `def` each sit
    // in a span, the key and the string in different ones.
    let class_of = |token: &str| {
        let end = en.find(token).unwrap_or_else(|| panic!("{token} in {en}"));
        let open = en[..end]
            .rfind("<span class=\"")
            .expect("a span before the token");
        assert!(
            !en[open..end].contains("</span>"),
            "{token} is outside any span"
        );
        en[open + 13..end]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_string()
    };
    let key = class_of(">limit");
    let string = class_of(">60s<");
    assert_ne!(key, string);
    let def = class_of(">def");
    let css = site.read("highlight.css");
    for class in [key, string, def].iter().flat_map(|c| c.split(' ')) {
        assert!(
            css.contains(&format!(".{class} {{")),
            "no rule for .{class}"
        );
    }
    assert!(
        en.contains("<code class=\"language-klingon\">qapla&#39;\n</code>")
            || en.contains("<code class=\"language-klingon\">qapla'\n</code>"),
        "{en}"
    );
    assert!(css.contains(":root[data-theme=\"dark\"] .hl-d"));
}

#[test]
fn headings_get_anchors_and_the_article_a_table_of_contents() {
    let site = built();
    let en = site.read("en/agent-security/windows/index.html");
    assert!(
        en.contains(
            "<h2 id=\"burst\">The boundary burst <a class=\"heading-anchor\" href=\"#burst\""
        ),
        "{en}"
    );
    assert!(
        en.contains("href=\"#burst\">The boundary burst</a>"),
        "the TOC links the heading: {en}"
    );
}

#[test]
fn site_links_resolve_per_language_and_fall_back_to_the_original() {
    let site = built();
    let en = site.read("en/agent-security/windows/index.html");
    assert!(en.contains("href=\"/en/finops/budget/#split\""), "{en}");
    // The Spanish page links to the Spanish URL of an article that exists only in English.
    let es = site.read("es/agent-security/ventanas/index.html");
    assert!(es.contains("href=\"/es/finops/budget/\""), "{es}");
}

#[test]
fn an_untranslated_article_gets_a_localized_fallback_page() {
    let site = built();
    let es = site.read("es/finops/budget/index.html");
    assert!(es.contains("<html lang=\"es\">"));
    assert!(
        es.contains("Este artículo aún no está traducido al español"),
        "{es}"
    );
    assert!(
        es.contains(
            "<link rel=\"canonical\" href=\"https://fixture.example.org/course/en/finops/budget/\">"
        ),
        "{es}"
    );
    assert!(es.contains("Only in English for now."));
}

#[test]
fn dates_reading_time_and_levels_are_in_the_readers_language() {
    let site = built();
    let es = site.read("es/agent-security/ventanas/index.html");
    assert!(es.contains("Publicado el 20 de noviembre de 2026"), "{es}");
    assert!(
        es.contains("Última actualización: 27 de noviembre de 2026"),
        "{es}"
    );
    assert!(es.contains("1 minuto de lectura"), "{es}");
    assert!(es.contains("Intermedio"), "{es}");
    let en = site.read("en/agent-security/windows/index.html");
    assert!(en.contains("Published November 20, 2026"), "{en}");
}

#[test]
fn spanish_plurals_come_from_fluent() {
    let site = Site::fixture("bilingual");
    let words = "palabra ".repeat(450);
    site.write(
        "content/es/agent-security/largo.md",
        &format!("+++\ntitle = \"Largo\"\nweight = 2\n+++\n{words}\n"),
    );
    site.build_ok();
    let es = site.read("es/agent-security/largo/index.html");
    assert!(es.contains("3 minutos de lectura"), "{es}");
    let section = site.read("es/agent-security/index.html");
    assert!(
        section.contains("1 minuto") && section.contains("3 minutos"),
        "{section}"
    );
}

#[test]
fn the_lab_embed_shows_the_form_and_the_real_recorded_output_in_the_pages_language() {
    let site = built();
    let es = site.read("es/agent-security/ventanas/index.html");
    assert!(es.contains("class=\"lab\""), "{es}");
    assert!(es.contains("data-lab=\"rate-limit\""));
    // The recorded answer is the lab's own Spanish output, not a canned string.
    let expected = expected_answer("rate-limit/boundary-burst.es.json");
    let first_caption = expected["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|b| b["caption"].as_str())
        .unwrap();
    let escaped = first_caption
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    assert!(
        es.contains(&escaped),
        "caption {first_caption:?} not in page"
    );
}

#[test]
fn the_root_offers_every_language_without_javascript() {
    let site = built();
    let root = site.read("index.html");
    assert!(root.contains("href=\"/en/\""));
    assert!(root.contains("href=\"/es/\""));
    assert!(root.contains("Leer en español"));
    assert!(
        !root.contains("<script>"),
        "no inline script needed to choose"
    );
    assert!(site.read("404.html").contains("Page not found"));
    assert!(
        site.read("robots.txt")
            .contains("Sitemap: https://fixture.example.org/course/sitemap.xml")
    );
}

#[test]
fn the_sitemap_lists_alternates_and_each_language_has_a_feed() {
    let site = built();
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap
            .contains("<loc>https://fixture.example.org/course/es/agent-security/ventanas/</loc>")
    );
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example.org/course/en/agent-security/windows/\"/>"));
    assert!(
        !sitemap.contains("/es/finops/budget/"),
        "fallback copies are not in the sitemap"
    );
    let feed = site.read("es/atom.xml");
    assert!(
        feed.contains("<title>Ventanas deslizantes</title>"),
        "{feed}"
    );
    assert!(!feed.contains("Splitting a budget"));
    assert!(site.read("en/atom.xml").contains("Splitting a budget"));
}

#[test]
fn tags_get_pages_per_language() {
    let site = built();
    let tag = site.read("en/tags/rate-limiting/index.html");
    assert!(tag.contains("Sliding windows"));
    assert!(
        site.read("es/tags/seguridad/index.html")
            .contains("Ventanas deslizantes")
    );
    assert!(
        site.read("en/tags/index.html")
            .contains("href=\"/en/tags/security/\"")
    );
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/en/finops/secret.md",
        "+++\ntitle = \"Secret\"\ndraft = true\n+++\nshh\n",
    );
    site.build_ok();
    assert!(!site.exists("en/finops/secret/index.html"));
    let output = site.build(&["--drafts"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert!(site.exists("en/finops/secret/index.html"));
}

#[test]
fn a_section_without_an_index_page_still_gets_one() {
    let site = built();
    let finops = site.read("en/finops/index.html");
    assert!(finops.contains("Splitting a budget"));
}

#[cfg(feature = "search")]
#[test]
fn search_is_on_by_default_and_off_with_the_flag_or_the_setting() {
    let has_search = |site: &Site| {
        let page = site.read("en/agent-security/windows/index.html");
        let form = page.contains("data-search");
        let index = site.exists("search/en/meta.json");
        assert_eq!(
            form, index,
            "the search box shows exactly when there is an index"
        );
        index
    };
    let site = built();
    assert!(has_search(&site));

    let output = site.build(&["--no-search"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    assert!(!has_search(&site));

    let config = site.source("aula.toml");
    site.write(
        "aula.toml",
        &format!("{config}\n[search]\nenabled = false\n"),
    );
    site.build_ok();
    assert!(!has_search(&site));
}

/// A lab's expected answer, `labs/expected/<relative>`.
fn expected_answer(relative: &str) -> serde_json::Value {
    let path = common::repo_root().join("labs/expected").join(relative);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The `lab-data` JSON of every lab embed of a built page, in page order.
fn lab_data(page: &str) -> Vec<serde_json::Value> {
    let open = "<script type=\"application/json\" class=\"lab-data\">";
    page.split(open)
        .skip(1)
        .map(|rest| serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap())
        .collect()
}

/// A page that embeds one lab three times carries each example's recorded answer once: the
/// first embed has every example's answer but its own (that is its `answer`), later embeds that
/// show an example carry none (static/lab.js finds them in the first). A chart's data table has
/// a row per x and a column per series.
#[test]
fn a_page_carries_each_recorded_answer_of_a_lab_once() {
    let site = Site::fixture("bilingual");
    let page = site.source("content/en/agent-security/windows.md");
    let three = format!(
        "{page}\n\n```lab rate-limit\nexample = \"steady-traffic\"\n```\n\n```lab rate-limit\nexample = \"boundary-burst\"\n```\n"
    );
    site.write("content/en/agent-security/windows.md", &three);
    site.build_ok();
    let html = site.read("en/agent-security/windows/index.html");
    let data = lab_data(&html);
    assert_eq!(data.len(), 3, "three embeds");
    let answered = |d: &serde_json::Value| -> Vec<String> {
        d["examples"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| !e["answer"].is_null())
            .map(|e| e["name"].as_str().unwrap().to_string())
            .collect()
    };
    let examples = data[0]["examples"].as_array().unwrap().len();
    assert!(examples >= 3, "{examples} examples");
    assert_eq!(data[0]["current"], "boundary-burst");
    assert!(data[0]["answer"]["blocks"].is_array());
    let first = answered(&data[0]);
    assert_eq!(first.len(), examples - 1, "{first:?}");
    assert!(!first.contains(&"boundary-burst".to_string()), "{first:?}");
    for later in &data[1..] {
        assert!(answered(later).is_empty(), "{later}");
        assert!(later["answer"].is_null(), "{later}");
        assert!(later["current"].is_string());
    }
    // The boundary-burst chart's table: a header per series, the window edge's two steps.
    let expected = expected_answer("rate-limit/boundary-burst.en.json");
    let chart = expected["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["type"] == "series")
        .unwrap();
    let mut head = format!(
        "<thead><tr><th scope=\"col\">{}</th>",
        chart["x_label"].as_str().unwrap()
    );
    for series in chart["series"].as_array().unwrap() {
        head.push_str(&format!(
            "<th scope=\"col\">{}</th>",
            series["name"].as_str().unwrap()
        ));
    }
    assert!(html.contains(&head), "no wide table header {head}");
}
