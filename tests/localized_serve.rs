//! `aula serve` over real HTTP, in the reader's language: a missing page under `/<lang>/` is
//! answered with that language's 404 page (what `aula build` writes as `/<lang>/404.html`), and
//! status 404.

mod serve_support;

#[test]
fn aula_serve_answers_a_missing_page_with_the_404_page_of_its_language() {
    let server = serve_support::Server::start();
    let es = server.get("/es/no-existe/");
    assert_eq!(es.status, 404);
    assert_eq!(es.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(es.body.contains("<html lang=\"es\">"), "{}", es.body);
    assert!(es.body.contains("Página no encontrada"), "{}", es.body);
    assert!(es.body.contains("href=\"/es/\""), "{}", es.body);
    // Deeper, and without the trailing slash.
    let deep = server.get("/es/basics/no-existe");
    assert_eq!(deep.status, 404);
    assert!(deep.body.contains("<html lang=\"es\">"));
    // Outside any language: the default language's.
    for path in ["/no-such-page/", "/xx/no-such-page/", "/%2e%2e/secret"] {
        let reply = server.get(path);
        assert_eq!(reply.status, 404, "{path}");
        assert!(
            reply.body.contains("<html lang=\"en\">"),
            "{path}: {}",
            reply.body
        );
        assert!(reply.body.contains("Page not found"), "{path}");
    }
    // Pages that exist are still served.
    assert_eq!(server.get("/es/").status, 200);
}
