//! The files of a new site (`aula new site`): a bilingual skeleton with one section, one article
//! that embeds a lab, and its translation, plus the bundled theme (templates, static files, UI
//! strings) and the one lab's manifest and expected answers, embedded at compile time by
//! `build.rs`. Pure: the command writes what [`files`] returns.

use crate::content::body_hash;

include!(concat!(env!("OUT_DIR"), "/skeleton_files.rs"));

const HOME_EN: &str = "\
Welcome. This site was made with `aula new site`. Articles live in `content/<language>/<section>/`,
one Markdown file each; the Spanish version of every page sits at the same place under `content/es/`.

Start with the [first article](@/basics/first-lab.md).
";

const HOME_ES: &str = "\
Bienvenidos. Este sitio se creó con `aula new site`. Los artículos están en
`content/<idioma>/<sección>/`, un archivo Markdown cada uno.

Empiecen por el [primer artículo](@/basics/primer-laboratorio.md).
";

const SECTION_EN: &str = "\
The first steps: how an article is written and how it embeds a lab.
";

const SECTION_ES: &str = "\
Los primeros pasos: cómo se escribe un artículo y cómo incluye un laboratorio.
";

const ARTICLE_EN: &str = "
This is the first article of the site. Its Spanish translation is
`content/es/basics/primer-laboratorio.md`; the two share a `translation_key`, and the translation
records which version of this text it reflects (`source_hash`), so `aula check` can tell when this
one changes.

## A lab in the page {#a-lab}

The block below is a lab: a form wired to a small program. `aula build` runs its example and shows
the answer; under `aula serve` readers can change the inputs and run it again.

```lab cost-allocation
example = \"proportional\"
```

## Next steps {#next-steps}

- `aula new article --section basics --lang en \"Another article\"` adds an article.
- `aula new translation content/en/basics/another-article.md --lang es` starts its translation.
- `aula check` finds broken links, missing or stale translations and labs whose answers changed.
  Go back to [the lab](#a-lab) and try another split.
";

const ARTICLE_ES: &str = "
Este es el primer artículo del sitio. Es la traducción de `content/en/basics/first-lab.md`: los
dos comparten un `translation_key`, y esta traducción registra de qué versión del original sale
(`source_hash`), así `aula check` avisa cuando el original cambia.

## Un laboratorio en la página {#un-laboratorio}

El bloque de abajo es un laboratorio: un formulario conectado a un pequeño programa. `aula build`
ejecuta su ejemplo y muestra la respuesta; con `aula serve` se pueden cambiar los datos y volver a
ejecutarlo.

```lab cost-allocation
example = \"proportional\"
```

## Próximos pasos {#proximos-pasos}

- `aula new article --section basics --lang es \"Otro artículo\"` agrega un artículo.
- `aula check` encuentra enlaces rotos, traducciones faltantes o desactualizadas y laboratorios
  cuya respuesta cambió. Vuelvan al [laboratorio](#un-laboratorio) y prueben otro reparto.
";

/// One page: (path, front matter lines, body). A translation gets `source_hash` from its original.
struct PageSource {
    path: &'static str,
    front: String,
    body: &'static str,
}

/// Every file of a new site called `title`, dated `today`: (path in the site, contents).
pub(crate) fn files(title: &str, today: jiff::civil::Date) -> Vec<(String, Vec<u8>)> {
    let quoted = |s: &str| toml::Value::from(s).to_string();
    let mut out: Vec<(String, Vec<u8>)> = THEME_FILES
        .iter()
        .map(|(path, bytes)| (path.to_string(), bytes.to_vec()))
        .collect();
    out.push((
        "aula.toml".into(),
        format!(
            "# See the README of aula for every key.\ntitle = {}\nbase_url = \"https://example.org\"\ndefault_language = \"en\"\nlanguages = [\"en\", \"es\"]\n# Folders under content/<lang>/, in the order of the learning path.\nsections = [\"basics\"]\n",
            quoted(title)
        )
        .into_bytes(),
    ));
    out.push((".gitignore".into(), b"/public/\n/.aula-cache/\n".to_vec()));
    let pages = [
        (
            PageSource {
                path: "content/en/_index.md",
                front: format!(
                    "title = {}\ndescription = \"A course made with aula.\"",
                    quoted(title)
                ),
                body: HOME_EN,
            },
            PageSource {
                path: "content/es/_index.md",
                front: format!(
                    "title = {}\ndescription = \"Un curso hecho con aula.\"",
                    quoted(title)
                ),
                body: HOME_ES,
            },
        ),
        (
            PageSource {
                path: "content/en/basics/_index.md",
                front: "title = \"Basics\"".into(),
                body: SECTION_EN,
            },
            PageSource {
                path: "content/es/basics/_index.md",
                front: "title = \"Primeros pasos\"".into(),
                body: SECTION_ES,
            },
        ),
        (
            PageSource {
                path: "content/en/basics/first-lab.md",
                front: format!(
                    "title = \"Your first lab\"\ndescription = \"How an article embeds a runnable lab.\"\ndate = {today}\nweight = 1\nlevel = \"beginner\"\ntranslation_key = \"first-lab\""
                ),
                body: ARTICLE_EN,
            },
            PageSource {
                path: "content/es/basics/primer-laboratorio.md",
                front: format!(
                    "title = \"Su primer laboratorio\"\ndescription = \"Cómo un artículo incluye un laboratorio que se puede ejecutar.\"\ndate = {today}\nweight = 1\nlevel = \"beginner\"\ntranslation_key = \"first-lab\""
                ),
                body: ARTICLE_ES,
            },
        ),
    ];
    for (original, translation) in pages {
        out.push((
            original.path.into(),
            format!("+++\n{}\n+++\n{}", original.front, original.body).into_bytes(),
        ));
        out.push((
            translation.path.into(),
            format!(
                "+++\n{}\nsource_hash = \"{}\"\n+++\n{}",
                translation.front,
                body_hash(original.body),
                translation.body
            )
            .into_bytes(),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_brings_the_theme_and_its_lab() {
        let files = files("Demo", jiff::civil::date(2026, 1, 2));
        let has = |path: &str| files.iter().any(|(p, _)| p == path);
        for path in [
            "aula.toml",
            "templates/base.html",
            "templates/translations.html",
            "locales/es/ui.ftl",
            "static/aula.css",
            "labs/manifests/cost-allocation.toml",
            "labs/expected/cost-allocation/proportional.es.json",
            "content/es/basics/primer-laboratorio.md",
        ] {
            assert!(has(path), "{path}");
        }
    }
}
