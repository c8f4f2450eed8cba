//! Machine-readable files about the site: `sitemap.xml` (with each page's language alternates)
//! and an Atom feed per language (through atom_syndication).
//!
//! Pages that have no source (tag pages and tag indexes) reach the sitemap as [`Listed`]
//! addresses that the caller works out; this module knows nothing of tags.
//!
//! Fallback pages are left out of both: they are copies whose canonical page is the original.

use atom_syndication::{Entry, Feed, Link, Text};

use crate::config::Config;
use crate::content::{Content, Page};

fn xml_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A page without a source file, as the sitemap lists it: its site path and its versions in
/// every language that has one (itself included), as `(language, site path)`.
#[derive(Debug, Hash)]
pub(crate) struct Listed {
    pub(crate) url: String,
    pub(crate) alternates: Vec<(String, String)>,
}

/// A sitemap of every page written in its language, each with `hreflang` alternates, then the
/// pages made without a source (`generated`).
pub(crate) fn sitemap(config: &Config, content: &Content, generated: &[Listed]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    // Each page's alternates, grouped once: a scan per page made the sitemap quadratic.
    let mut groups: std::collections::HashMap<&str, Vec<&Page>> = std::collections::HashMap::new();
    for page in content.pages.iter().filter(|p| p.fallback_from.is_none()) {
        groups.entry(&page.translation_key).or_default().push(page);
    }
    for page in content.pages.iter().filter(|p| p.fallback_from.is_none()) {
        out.push_str("  <url>\n");
        out.push_str(&format!(
            "    <loc>{}</loc>\n",
            xml_escape(&config.absolute_url(&page.url))
        ));
        if let Some(date) = page.front.updated.or(page.front.date) {
            out.push_str(&format!("    <lastmod>{date}</lastmod>\n"));
        }
        for other in groups
            .get(page.translation_key.as_str())
            .into_iter()
            .flatten()
        {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(&other.lang),
                xml_escape(&config.absolute_url(&other.url))
            ));
        }
        out.push_str("  </url>\n");
    }
    for listed in generated {
        out.push_str("  <url>\n");
        out.push_str(&format!(
            "    <loc>{}</loc>\n",
            xml_escape(&config.absolute_url(&listed.url))
        ));
        for (lang, url) in &listed.alternates {
            out.push_str(&format!(
                "    <xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>\n",
                xml_escape(lang),
                xml_escape(&config.absolute_url(url))
            ));
        }
        out.push_str("  </url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

fn timestamp(date: jiff::civil::Date) -> atom_syndication::FixedDateTime {
    atom_syndication::FixedDateTime::parse_from_rfc3339(&format!("{date}T00:00:00Z"))
        .unwrap_or_default()
}

/// The Atom feed of one language's articles, newest first.
pub(crate) fn atom(config: &Config, lang: &str, title: &str, articles: &[&Page]) -> String {
    let mut articles: Vec<&Page> = articles.to_vec();
    articles.sort_by(|a, b| {
        let key = |p: &Page| p.front.updated.or(p.front.date);
        key(b).cmp(&key(a)).then_with(|| a.url.cmp(&b.url))
    });
    let entries: Vec<Entry> = articles
        .iter()
        .map(|page| {
            let url = config.absolute_url(&page.url);
            let mut entry = Entry::default();
            entry.set_title(Text::plain(page.front.title.clone()));
            entry.set_id(url.clone());
            let mut link = Link::default();
            link.set_href(url);
            link.set_hreflang(Some(lang.to_string()));
            entry.set_links(vec![link]);
            if let Some(updated) = page.front.updated.or(page.front.date) {
                entry.set_updated(timestamp(updated));
            }
            if let Some(date) = page.front.date {
                entry.set_published(Some(timestamp(date)));
            }
            if let Some(description) = &page.front.description {
                entry.set_summary(Some(Text::plain(description.clone())));
            }
            entry
        })
        .collect();
    let newest = articles
        .iter()
        .filter_map(|p| p.front.updated.or(p.front.date))
        .max()
        .unwrap_or(jiff::civil::date(1970, 1, 1));
    let mut feed = Feed::default();
    feed.set_title(Text::plain(title.to_string()));
    feed.set_id(config.absolute_url(&format!("/{lang}/")));
    feed.set_updated(timestamp(newest));
    feed.set_lang(Some(lang.to_string()));
    let mut self_link = Link::default();
    self_link.set_href(config.absolute_url(&format!("/{lang}/atom.xml")));
    self_link.set_rel("self");
    let mut home = Link::default();
    home.set_href(config.absolute_url(&format!("/{lang}/")));
    feed.set_links(vec![self_link, home]);
    feed.set_entries(entries);
    feed.to_string()
}
