//! Snapshots of what the pipeline makes of a small bilingual site: the frame every template
//! gets, a summary, and rendered files. The site's content is the `bilingual` test fixture; its
//! templates and UI strings are the small ones below (not the repository's, which change with
//! the site's look), so a snapshot changes only when what aula gives templates changes.
//! A changed snapshot fails the test and leaves a `.snap.new` beside the old one; when the change
//! is meant, `INSTA_UPDATE=always cargo test --lib site::tests` writes it, and the diff of
//! `src/site/snapshots/` is what to read before committing.

use std::path::Path;

use super::{BuildOptions, Project, contexts, render};

/// Templates that print what they are given, one field a line.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        "<html lang=\"{{ lang }}\"><title>{{ title }}</title>\n\
         canonical {{ canonical }}\n\
         {% for l in languages %}lang {{ l.code }} {{ l.name }} {{ l.url }} {{ l.current }}\n{% endfor %}\
         {% for s in sections %}nav {{ s.key }} {{ s.title }} {{ s.url }} {{ s.current }}\n{% endfor %}\
         {% for b in breadcrumbs | default(value=[]) %}crumb {{ b.title }} {{ b.url }}\n{% endfor %}\
         {% block main %}{% endblock main %}</html>\n",
    ),
    (
        "article.html",
        "{% extends \"base.html\" %}{% block main %}\
         article {{ page.title }} step {{ step }}/{{ steps }} minutes {{ page.reading_minutes }}\n\
         level {{ page.level_label | default(value=\"-\") }} date {{ page.date_display | default(value=\"-\") }}\n\
         {% for tag in page.tags %}tag {{ tag.name }} {{ tag.url }}\n{% endfor %}\
         {% if prev %}prev {{ prev.title }}\n{% endif %}{% if next %}next {{ next.title }}\n{% endif %}\
         {% if page.fallback %}fallback {{ page.fallback.lang }} {{ page.fallback.url }}\n{% endif %}\
         {{ page.content | safe }}{% endblock main %}",
    ),
    (
        "section.html",
        "{% extends \"base.html\" %}{% block main %}section {{ page.title }}\n\
         {% for a in articles %}- {{ a.title }} {{ a.url }} {{ a.section_title }}\n{% endfor %}{% endblock main %}",
    ),
    (
        "home.html",
        "{% extends \"base.html\" %}{% block main %}home {{ total_minutes }}\n\
         {% for a in path %}{{ a.step }}. {{ a.title }}\n{% endfor %}{% endblock main %}",
    ),
    (
        "page.html",
        "{% extends \"base.html\" %}{% block main %}page {{ page.title }}{% endblock main %}",
    ),
    (
        "tag.html",
        "{% extends \"base.html\" %}{% block main %}tag {{ tag.name }}\n\
         {% for a in articles %}- {{ a.title }}\n{% endfor %}{% endblock main %}",
    ),
    (
        "tags.html",
        "{% extends \"base.html\" %}{% block main %}{% for t in tags %}{{ t.name }} {{ t.count }}\n{% endfor %}{% endblock main %}",
    ),
    (
        "root.html",
        "{% for c in choices %}{{ c.code }} {{ c.name }} {{ c.title }}\n{% endfor %}",
    ),
    ("404.html", "404 {{ lang }}"),
    (
        "translations.html",
        "{% extends \"base.html\" %}{% block main %}status {{ status.translated }}/{{ status.total }} {{ status.coverage }}%\n\
         {% for e in status.missing %}missing {{ e.title }} {{ e.url }} from {{ e.original_url }} {{ e.original_language }}\n{% endfor %}\
         {% for e in status.current %}current {{ e.title }} {{ e.url }}\n{% endfor %}{% endblock main %}",
    ),
    ("partials/lab.html", "<div class=\"lab\">{{ lab.id }}</div>"),
];

const STRINGS: &[(&str, &str)] = &[
    (
        "en",
        "language-name = English\nnav-home = Home\ntag-title = Tag\ntags-title = Tags\n\
         heading-anchor = Link\nlevel-intermediate = Intermediate\nchoose-language = Read in English\n\
         date-long = { $month } { $day }, { $year }\nmonth-11 = November\n",
    ),
    (
        "es",
        "language-name = Español\nnav-home = Inicio\ntag-title = Etiqueta\ntags-title = Etiquetas\n\
         heading-anchor = Enlace\nlevel-intermediate = Intermedio\nchoose-language = Leer en español\n\
         date-long = { $day } de { $month } de { $year }\nmonth-11 = noviembre\n",
    ),
];

fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual");
    for entry in walkdir::WalkDir::new(&fixture) {
        let entry = entry.unwrap();
        let target = root.join(entry.path().strip_prefix(&fixture).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
    for (name, text) in TEMPLATES {
        let path = root.join("templates").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    for (lang, text) in STRINGS {
        std::fs::create_dir_all(root.join("locales").join(lang)).unwrap();
        std::fs::write(root.join("locales").join(lang).join("ui.ftl"), text).unwrap();
    }
    let manifests = Path::new(env!("CARGO_MANIFEST_DIR")).join("labs/manifests");
    std::fs::create_dir_all(root.join("labs/manifests")).unwrap();
    for entry in std::fs::read_dir(manifests).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(
            &path,
            root.join("labs/manifests").join(path.file_name().unwrap()),
        )
        .unwrap();
    }
    // The lab binaries beside the test's: target/<profile>/deps/.. .
    let exe = std::env::current_exe().unwrap();
    let bins = exe.parent().and_then(Path::parent).unwrap();
    let config = std::fs::read_to_string(root.join("aula.toml")).unwrap();
    let config = format!(
        "{config}\n[labs]\nbin_dir = {:?}\n",
        bins.display().to_string()
    );
    std::fs::write(root.join("aula.toml"), config).unwrap();
    dir
}

/// A context as the names a template gets, in name order (the snapshot's order does not follow
/// the fields' order in the struct).
fn names(context: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(context).expect("a context is a map of names")
}

fn project(root: &Path) -> Project {
    let options = BuildOptions {
        no_search: true,
        ..BuildOptions::default()
    };
    match Project::load(root, &options) {
        Ok(project) => project,
        Err(problems) => panic!(
            "{:?}",
            problems.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        ),
    }
}

#[test]
fn the_frame_of_a_translated_article() {
    let dir = site();
    let project = project(dir.path());
    let page = project
        .content
        .translation("windows", "es")
        .expect("the fixture's Spanish article");
    insta::assert_json_snapshot!(names(&contexts::common_context(
        &project,
        page,
        &page.front.title
    )));
}

#[test]
fn a_fallback_page_and_its_original() {
    let dir = site();
    let project = project(dir.path());
    let page = project
        .content
        .pages
        .iter()
        .find(|p| p.url == "/es/finops/budget/" && p.fallback_from.is_some())
        .expect("the fixture has an article not translated into Spanish");
    insta::assert_json_snapshot!(names(&contexts::common_context(
        &project,
        page,
        &page.front.title
    )));
}

#[test]
fn rendered_files() {
    let dir = site();
    let project = project(dir.path());
    let built = match render(&project) {
        Ok(built) => built,
        Err(problems) => panic!(
            "{:?}",
            problems.iter().map(|d| d.to_string()).collect::<Vec<_>>()
        ),
    };
    let file = |path: &str| {
        let bytes = built
            .output
            .get(path)
            .unwrap_or_else(|| panic!("no {path}"));
        String::from_utf8_lossy(bytes).into_owned()
    };
    let paths: Vec<&str> = built.output.paths().collect();
    insta::assert_debug_snapshot!("paths", paths);
    insta::assert_snapshot!("article_es", file("es/agent-security/ventanas/index.html"));
    insta::assert_snapshot!("section_en", file("en/agent-security/index.html"));
    insta::assert_snapshot!("home_es", file("es/index.html"));
    insta::assert_snapshot!("tags_en", file("en/tags/index.html"));
    insta::assert_snapshot!("chooser", file("index.html"));
    insta::assert_snapshot!("status_es", file("es/translations/index.html"));
    insta::assert_snapshot!("tag_es", file("es/tags/seguridad/index.html"));
    insta::assert_snapshot!("sitemap", file("sitemap.xml"));
}
