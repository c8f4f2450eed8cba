//! A site in each of its languages all the way down: section URLs in the reader's language (the
//! `slug` of a section's `_index.md`) followed by every place that names a URL, a 404 page per
//! language (`aula serve` answering it: tests/localized_serve.rs), tag pages that lead to their twins in other
//! languages, home and section pages for a site that has no `_index.md`, and a learning path
//! that climbs.

mod common;

use common::Site;

/// The `href`s of the learning path's steps on a built home page, in order.
fn path_steps(html: &str) -> Vec<String> {
    html.split("<li class=\"path-step\"")
        .skip(1)
        .filter_map(|step| {
            let start = step.find("<a href=\"")? + 9;
            Some(step[start..].split('"').next()?.to_string())
        })
        .collect()
}

/// The text of the first `<h1…>…</h1>`.
fn h1(html: &str) -> &str {
    let start = html.find("<h1").expect("an h1");
    let open = start + html[start..].find('>').expect("h1 closes") + 1;
    let end = open + html[open..].find("</h1>").expect("h1 ends");
    &html[open..end]
}

#[test]
fn a_section_slug_moves_the_section_and_its_articles_in_every_link_to_them() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/es/agent-security/_index.md",
        "+++\ntitle = \"Seguridad de agentes\"\nslug = \"seguridad-de-agentes\"\n+++\nIntroducción.\n",
    );
    // finops has no Spanish pages: its section page and `budget` are fallback copies, which go
    // under the Spanish slug too.
    site.write(
        "content/es/finops/_index.md",
        "+++\ntitle = \"FinOps en la práctica\"\nslug = \"finanzas\"\n+++\n",
    );
    site.build_ok();

    assert!(site.exists("es/seguridad-de-agentes/index.html"));
    assert!(site.exists("es/seguridad-de-agentes/ventanas/index.html"));
    assert!(!site.exists("es/agent-security/index.html"));
    assert!(!site.exists("es/agent-security/ventanas/index.html"));
    // English keeps the folder name.
    assert!(site.exists("en/agent-security/windows/index.html"));
    assert!(site.exists("es/finanzas/budget/index.html"));

    let en = site.read("en/agent-security/windows/index.html");
    let es = site.read("es/seguridad-de-agentes/ventanas/index.html");
    let localized = "https://fixture.example.org/course/es/seguridad-de-agentes/ventanas/";
    for page in [&en, &es] {
        assert!(
            page.contains(&format!(
                "<link rel=\"alternate\" hreflang=\"es\" href=\"{localized}\">"
            )),
            "{page}"
        );
    }
    // The language switcher.
    assert!(en.contains("href=\"/es/seguridad-de-agentes/ventanas/\" hreflang=\"es\""));
    let section_en = site.read("en/agent-security/index.html");
    assert!(section_en.contains("href=\"/es/seguridad-de-agentes/\" hreflang=\"es\""));
    assert!(es.contains(&format!("<link rel=\"canonical\" href=\"{localized}\">")));
    // The header's section nav and the breadcrumbs lead to the Spanish URL.
    assert!(
        es.contains("<li><a href=\"/es/seguridad-de-agentes/\">Seguridad de agentes</a></li>"),
        "{es}"
    );
    // An @/ link from the Spanish article to the untranslated budget.
    assert!(es.contains("href=\"/es/finanzas/budget/\""), "{es}");
    // The home page's path and section cards.
    let home = site.read("es/index.html");
    assert!(
        home.contains("href=\"/es/seguridad-de-agentes/ventanas/\""),
        "{home}"
    );
    assert!(home.contains("<a href=\"/es/finanzas/\">"), "{home}");

    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains(&format!("<loc>{localized}</loc>")),
        "{sitemap}"
    );
    assert!(!sitemap.contains("/es/agent-security/"), "{sitemap}");
    let feed = site.read("es/atom.xml");
    assert!(feed.contains(localized), "{feed}");
    // The search index's records point at the Spanish URLs.
    let index: String = walkdir::WalkDir::new(site.path().join("public/search/es"))
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| String::from_utf8_lossy(&std::fs::read(e.path()).unwrap()).into_owned())
        .collect();
    assert!(index.contains("/es/seguridad-de-agentes/ventanas/"));
    assert!(!index.contains("/es/agent-security/"));
}

#[test]
fn two_sections_with_the_same_slug_are_an_error_naming_both_files() {
    let site = Site::fixture("bilingual");
    site.write(
        "content/es/agent-security/_index.md",
        "+++\ntitle = \"Seguridad\"\nslug = \"temas\"\n+++\n",
    );
    site.write(
        "content/es/finops/_index.md",
        "+++\ntitle = \"FinOps\"\nslug = \"temas\"\n+++\n",
    );
    let output = site.build(&[]);
    assert!(!output.status.success());
    let printed = common::stderr(&output);
    assert!(
        printed.contains("content/es/finops/_index.md:1:1: error: `content/es/finops/_index.md` has the same URL /es/temas/ as content/es/agent-security/_index.md"),
        "{printed}"
    );
}

#[test]
fn a_site_without_index_pages_gets_home_and_section_pages_in_every_language() {
    let site = Site::fixture_over("no-index-pages");
    site.build_ok();

    // Home pages, titled from the UI strings (`home-title`), each with its learning path.
    let en = site.read("en/index.html");
    let es = site.read("es/index.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(es.contains("<html lang=\"es\">"));
    assert_eq!(h1(&en), "Learn by doing");
    assert_eq!(h1(&es), "Aprender haciendo");
    assert!(
        es.contains("class=\"start-action\" href=\"/es/basics/primeros-pasos/\""),
        "{es}"
    );
    assert!(es.contains(">Empezar el curso</a>"), "{es}");
    // No page of its own to be translated: no notice that it is not.
    assert!(!es.contains("fallback-notice"), "{es}");

    // The learning path climbs: beginner (no level counts as one), intermediate, advanced;
    // within a level, sections in aula.toml's order, then weight.
    assert_eq!(
        path_steps(&en),
        [
            "/en/basics/first-steps/",
            "/en/practice/budget/",
            "/en/practice/notes/",
            "/en/practice/quotas/",
            "/en/basics/windows/",
        ]
    );
    assert_eq!(
        path_steps(&es),
        [
            "/es/basics/primeros-pasos/",
            "/es/practice/budget/",
            "/es/practice/notes/",
            "/es/practice/quotas/",
            "/es/basics/windows/",
        ]
    );

    // Section pages in every language, titled `section-<folder>-title`, else by the folder.
    assert_eq!(h1(&site.read("en/basics/index.html")), "The basics");
    let basics_es = site.read("es/basics/index.html");
    assert_eq!(h1(&basics_es), "Lo básico");
    assert!(!basics_es.contains("fallback-notice"), "{basics_es}");
    assert!(
        basics_es.contains("href=\"/es/basics/primeros-pasos/\""),
        "{basics_es}"
    );
    assert_eq!(h1(&site.read("es/practice/index.html")), "Practice");
    // The navigation and the breadcrumbs name them so too.
    let article = site.read("es/basics/primeros-pasos/index.html");
    assert!(
        article.contains("<li><a href=\"/es/basics/\">Lo básico</a></li>"),
        "{article}"
    );
    assert!(article.contains("<a href=\"/es/basics/\" aria-current=\"true\">Lo básico</a>"));

    // The root's language chooser leads to pages that exist.
    let root = site.read("index.html");
    for lang in ["en", "es"] {
        assert!(root.contains(&format!("href=\"/{lang}/\"")), "{root}");
        assert!(site.exists(&format!("{lang}/index.html")));
        assert!(site.exists(&format!("{lang}/404.html")));
    }
    // And it checks clean.
    let check = site.check(&[]);
    assert!(check.status.success(), "{}", common::stderr(&check));
}

#[test]
fn every_language_has_a_404_page_in_its_own_words_with_a_way_on() {
    let site = Site::fixture("bilingual");
    site.build_ok();
    let es = site.read("es/404.html");
    assert!(es.contains("<html lang=\"es\">"), "{es}");
    assert!(
        es.contains("<title>Página no encontrada · Fixture course</title>"),
        "{es}"
    );
    assert!(
        es.contains("<h1 id=\"not-found-title\">Página no encontrada</h1>"),
        "{es}"
    );
    assert!(es.contains("<a class=\"start-action\" href=\"/es/\">Ir a la página de inicio</a>"));
    assert!(
        es.contains("data-open-search>Buscar en el curso</button>"),
        "{es}"
    );
    assert!(es.contains("<a href=\"/es/agent-security/ventanas/\">Ventanas deslizantes</a>"));
    assert!(es.contains("<meta name=\"robots\" content=\"noindex\">"));
    // No canonical URL or alternates: the page stands for no address of its own.
    assert!(!es.contains("rel=\"canonical\""), "{es}");
    assert!(!es.contains("hreflang=\"x-default\""), "{es}");
    // Every link is absolute, so a host can serve it at any depth.
    assert!(!es.contains("href=\"../") && !es.contains("src=\"../"));

    let en = site.read("en/404.html");
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("<a class=\"start-action\" href=\"/en/\">Go to the home page</a>"));
    // The site-wide one is the default language's, and offers the other languages.
    let root = site.read("404.html");
    assert!(root.contains("<html lang=\"en\">"));
    assert!(root.contains(">Page not found</h1>"));
    assert!(root.contains("<li lang=\"es\"><a href=\"/es/\" hreflang=\"es\">Leer en español</a>"));
}

#[test]
fn twin_tags_lead_to_each_other_in_the_switcher_and_hreflang() {
    let site = Site::fixture("bilingual");
    let config = site.source("aula.toml");
    site.write(
        "aula.toml",
        &format!("{config}\n[tags]\nsecurity = {{ es = \"seguridad\" }}\n"),
    );
    site.build_ok();
    let en = site.read("en/tags/security/index.html");
    let es = site.read("es/tags/seguridad/index.html");
    assert!(
        en.contains("href=\"/es/tags/seguridad/\" hreflang=\"es\" lang=\"es\""),
        "{en}"
    );
    assert!(
        es.contains("href=\"/en/tags/security/\" hreflang=\"en\" lang=\"en\""),
        "{es}"
    );
    for page in [&en, &es] {
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"en\" href=\"https://fixture.example.org/course/en/tags/security/\">"), "{page}");
        assert!(page.contains("<link rel=\"alternate\" hreflang=\"es\" href=\"https://fixture.example.org/course/es/tags/seguridad/\">"), "{page}");
    }
    // A tag without a twin leads to the other language's tag index, not to a 404.
    let lonely = site.read("en/tags/rate-limiting/index.html");
    assert!(
        lonely.contains("href=\"/es/tags/\" hreflang=\"es\" lang=\"es\""),
        "{lonely}"
    );
    // The tag indexes lead to each other.
    let index = site.read("en/tags/index.html");
    assert!(index.contains("href=\"/es/tags/\" hreflang=\"es\" lang=\"es\""));

    // The sitemap lists the tag pages and indexes with the same alternates; a tag without a twin
    // has only itself.
    let sitemap = site.read("sitemap.xml");
    let base = "https://fixture.example.org/course";
    let entry = |loc: &str| -> String {
        let start = sitemap
            .find(&format!("<loc>{base}{loc}</loc>"))
            .unwrap_or_else(|| panic!("{loc} is not in the sitemap:\n{sitemap}"));
        let end = sitemap[start..]
            .find("</url>")
            .map_or(sitemap.len(), |n| start + n);
        sitemap[start..end].to_string()
    };
    let alternate = |lang: &str, loc: &str| {
        format!("<xhtml:link rel=\"alternate\" hreflang=\"{lang}\" href=\"{base}{loc}\"/>")
    };
    for loc in ["/en/tags/security/", "/es/tags/seguridad/"] {
        let entry = entry(loc);
        assert!(
            entry.contains(&alternate("en", "/en/tags/security/")),
            "{entry}"
        );
        assert!(
            entry.contains(&alternate("es", "/es/tags/seguridad/")),
            "{entry}"
        );
    }
    let lonely = entry("/en/tags/rate-limiting/");
    assert!(
        lonely.contains(&alternate("en", "/en/tags/rate-limiting/")),
        "{lonely}"
    );
    assert!(!lonely.contains("hreflang=\"es\""), "{lonely}");
    for loc in ["/en/tags/", "/es/tags/"] {
        let entry = entry(loc);
        assert!(entry.contains(&alternate("en", "/en/tags/")), "{entry}");
        assert!(entry.contains(&alternate("es", "/es/tags/")), "{entry}");
    }
}

#[test]
fn a_tag_twin_that_no_article_uses_is_a_check_error_at_its_place() {
    let site = Site::fixture("bilingual");
    let config = site.source("aula.toml");
    let lines = config.lines().count();
    site.write(
        "aula.toml",
        &format!("{config}[tags]\nsecurity = {{ es = \"seguridd\" }}\n"),
    );
    // A build still works (the tag pages are just not twinned)…
    site.build_ok();
    // …but check names the entry.
    let output = site.check(&[]);
    assert!(!output.status.success());
    let printed = common::stdout(&output);
    let place = format!("aula.toml:{}:19: error:", lines + 2);
    assert!(printed.contains(&place), "{printed}");
    assert!(
        printed.contains("no es article has the tag `seguridd`"),
        "{printed}"
    );
}
