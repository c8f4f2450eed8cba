//! Many lab requests at once: every one is answered (run or told to retry), none is dropped,
//! and the server keeps serving pages afterwards.

mod serve_support;

use serde_json::json;
use serve_support::Server;

#[test]
fn two_hundred_concurrent_lab_requests_are_all_answered_200_or_429() {
    let server = Server::start();
    let statuses: Vec<u16> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..200)
            .map(|i| {
                let server = &server;
                scope.spawn(move || {
                    let lang = if i % 2 == 0 { "en" } else { "es" };
                    server
                        .lab(
                            "rate-limit",
                            &json!({"lang": lang, "input": {"preset": "boundary-burst"}}),
                        )
                        .status
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let ok = statuses.iter().filter(|&&s| s == 200).count();
    let busy = statuses.iter().filter(|&&s| s == 429).count();
    assert_eq!(ok + busy, 200, "{statuses:?}");
    assert!(ok > 0);
    // Still healthy.
    assert_eq!(server.get("/en/").status, 200);
    let reply = server.lab("rate-limit", &json!({"input": {}}));
    assert_eq!(reply.status, 200, "{}", reply.body);
}
