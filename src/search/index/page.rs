//! What one page adds to its language's index, before the index gives its words ids: its
//! distinct lowercase words with their weighted counts per section ([`terms`]), and its
//! fragment file, `f/<id>.json` ([`fragment`]). Pure functions of a page's extracted text:
//! this module knows nothing of stems, ids, postings or the other files.

use super::FxMap;
use crate::search::extract::PageText;
use crate::search::text;

/// A page's words before they get the language's ids: its distinct lowercase words, and
/// (index in `words`, section, weighted count) per word and section.
#[derive(Debug, Default)]
pub(crate) struct Terms {
    pub(super) words: Vec<String>,
    pub(super) counts: Vec<(u32, u16, u16)>,
}

/// The words of a page's text with their weights, merged per word and section.
pub(crate) fn terms(page: &PageText) -> Terms {
    let mut local: FxMap<String, u32> = FxMap::default();
    let mut terms = Terms::default();
    // Per local word, its count in the current section; the words the section touched.
    let mut counts: Vec<u32> = Vec::new();
    let mut touched: Vec<u32> = Vec::new();
    for (n, section) in page.sections.iter().enumerate() {
        let section_id = u16::try_from(n).unwrap_or(u16::MAX);
        let heading_weight = match section.level {
            1 => 5,
            2 => 3,
            _ => 2,
        };
        let mut add = |word: &str, weight: u32| {
            let id = match local.get(word) {
                Some(&id) => id,
                None => {
                    let id = u32::try_from(terms.words.len()).unwrap_or(u32::MAX);
                    terms.words.push(word.to_string());
                    local.insert(word.to_string(), id);
                    counts.push(0);
                    id
                }
            };
            let count = &mut counts[id as usize];
            if *count == 0 {
                touched.push(id);
            }
            *count += weight;
        };
        text::words(&section.heading, |w| add(w, heading_weight));
        text::words(&section.text, |w| add(w, 1));
        for id in touched.drain(..) {
            let count = std::mem::take(&mut counts[id as usize]);
            terms
                .counts
                .push((id, section_id, u16::try_from(count).unwrap_or(u16::MAX)));
        }
    }
    terms
}

/// The fragment file of a page at `url`.
pub(crate) fn fragment(url: &str, page: &PageText) -> Vec<u8> {
    #[derive(serde::Serialize)]
    struct Fragment<'a> {
        url: &'a str,
        title: &'a str,
        s: Vec<(&'a str, &'a str, &'a str)>,
    }
    let fragment = Fragment {
        url,
        title: &page.title,
        s: page
            .sections
            .iter()
            .map(|s| {
                (
                    s.anchor.as_deref().unwrap_or(""),
                    if s.level == 1 { "" } else { &s.heading[..] },
                    &s.text[..],
                )
            })
            .collect(),
    };
    serde_json::to_vec(&fragment).unwrap_or_default()
}
