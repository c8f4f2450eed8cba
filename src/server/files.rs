//! Static files from the in-memory site: request paths checked and mapped to store paths,
//! content types, the 404 page (the language's own when the path starts with one), and the
//! live-reload script put into every HTML page on its way out (the store itself stays exactly
//! what `aula build` writes).
//!
//! A request path is refused (404) when it could mean anything outside the site: `..` or `.`
//! segments, backslashes or NUL, raw or percent-encoded, or bytes that are not UTF-8 once decoded.
//! The store only holds the site's own files, so this is defence in depth, not the only wall.

use super::http::{Method, Request};
use percent_encoding::percent_decode_str;

use super::Site;

/// Put just before `</body>` of every HTML page served.
const LIVE_SCRIPT: &str = "<script src=\"/_aula/live.js\"></script>";

pub(super) fn serve(request: Request<'_>, site: &Site) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return super::method_not_allowed(request, "GET, HEAD");
    }
    let url = request.url().to_string();
    let raw_path = url.split(['?', '#']).next().unwrap_or("/");
    let Some(path) = site_path(raw_path) else {
        return not_found(request, site, "");
    };
    if path.is_empty()
        && let Some(lang) = preferred_language(&request, site)
    {
        let location = format!("/{lang}/");
        return super::respond(
            request,
            302,
            "text/plain; charset=utf-8",
            location.clone().into_bytes(),
            &[("Location", &location), ("Vary", "Accept-Language")],
        );
    }
    let file = if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.clone()
    };
    if let Some(bytes) = site.get(&file) {
        return send_file(request, 200, &file, bytes);
    }
    // `/en/finops` → `/en/finops/`, so relative links on the page resolve as they will online.
    if site.contains(&format!("{path}/index.html")) {
        let location = format!("/{path}/");
        return super::respond(
            request,
            301,
            "text/plain; charset=utf-8",
            location.clone().into_bytes(),
            &[("Location", &location)],
        );
    }
    not_found(request, site, &path)
}

/// The 404 page of the language the path starts with (`es/no-such-page/` → `es/404.html`), as a
/// static host that looks for the nearest `404.html` serves it; else the site's `404.html`.
fn not_found(request: Request<'_>, site: &Site, path: &str) {
    let local = path
        .split_once('/')
        .map(|(first, _)| format!("{first}/404.html"))
        .filter(|name| site.contains(name));
    let name = local.as_deref().unwrap_or("404.html");
    match site.get(name) {
        Some(page) => send_file(request, 404, name, page),
        None => super::respond(
            request,
            404,
            "text/plain; charset=utf-8",
            b"not found".to_vec(),
            &[],
        ),
    }
}

fn send_file(request: Request<'_>, status: u16, name: &str, bytes: &[u8]) {
    let content_type = content_type(name);
    let body = if content_type.starts_with("text/html") {
        with_live_script(bytes)
    } else {
        bytes.to_vec()
    };
    super::respond(request, status, content_type, body, &[]);
}

/// The page with the live-reload script just before its last `</body>` (or at its end).
pub(super) fn with_live_script(html: &[u8]) -> Vec<u8> {
    let at = html
        .windows(7)
        .rposition(|w| w == b"</body>")
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + LIVE_SCRIPT.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(LIVE_SCRIPT.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

/// A request path → a path in the store without its leading `/`, or `None` when it tries to
/// leave the site or is not a plain path.
fn site_path(raw: &str) -> Option<String> {
    if !raw.starts_with('/') || raw.contains('\\') || raw.contains('\0') {
        return None;
    }
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    if decoded.contains('\\') || decoded.contains('\0') {
        return None;
    }
    let inner = &decoded[1..];
    let segments: Vec<&str> = inner.split('/').collect();
    let last = segments.len() - 1;
    // Only the last segment may be empty (a folder's `/`); `//` could become an absolute path.
    let bad = |(i, segment): (usize, &&str)| {
        **segment == *".." || **segment == *"." || (segment.is_empty() && i < last)
    };
    if segments.iter().enumerate().any(bad) {
        return None;
    }
    Some(inner.to_string())
}

/// The first language of `Accept-Language` that the site has a home page for.
fn preferred_language(request: &Request<'_>, site: &Site) -> Option<String> {
    let header = super::header(request, "Accept-Language")?;
    let mut choices: Vec<(f32, usize, String)> = header
        .split(',')
        .enumerate()
        .filter_map(|(n, part)| {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let primary = tag.split('-').next()?.to_string();
            (quality > 0.0 && !primary.is_empty()).then_some((quality, n, primary))
        })
        .collect();
    choices.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    choices.into_iter().map(|(_, _, lang)| lang).find(|lang| {
        lang.chars().all(|c| c.is_ascii_alphanumeric())
            && site.contains(&format!("{lang}/index.html"))
    })
}

fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map_or("", |(_, e)| e);
    match extension.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_site_are_refused() {
        for bad in [
            "/../etc/passwd",
            "/en/../../x",
            "/%2e%2e/x",
            "/%2E%2E%2fsecret",
            "/en/%2e/x",
            "/a\\b",
            "/a%5cb",
            "/a%00b",
            "/%ff",
            "//etc/passwd",
            "relative",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
        assert_eq!(site_path("/").as_deref(), Some(""));
        assert_eq!(site_path("/en/").as_deref(), Some("en/"));
        assert_eq!(site_path("/a%20b.css").as_deref(), Some("a b.css"));
    }

    #[test]
    fn the_script_goes_before_the_last_body_end() {
        let page = with_live_script(b"<body><p>x</p></body>\n</html>");
        assert_eq!(
            String::from_utf8(page).unwrap(),
            format!("<body><p>x</p>{LIVE_SCRIPT}</body>\n</html>")
        );
    }
}
