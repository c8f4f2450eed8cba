//! The preview server: what `aula serve` answers, over the wire handling of [`http`].
//!
//! It serves a built site from memory ([`Shared::publish`] swaps in a new [`OutputStore`] after
//! each rebuild, [`Shared::complete`] the search index made from it later), tells open pages to reload or show an error overlay over Server-Sent Events
//! ([`events`]), and runs labs for the pages' Run buttons ([`labs`]). It does not know how a site
//! is rendered, where its files come from or when they change: `cmd/serve.rs` decides that and
//! calls [`Shared`].
//!
//! Hostile by default (DESIGN.md §5–6): every request whose `Host` is not this server's own (DNS
//! rebinding) or whose `Origin` is another site gets 403 before anything else happens; static
//! paths never leave the store; every response carries a Content-Security-Policy and
//! `nosniff`. Each connection has a thread, up to a bound ([`http::Limits`]); event streams
//! and lab runs have smaller bounds of their own — nothing grows with the number of requests.
//! No request or content can stop the server: a header's claim is never allocated, bodies are
//! read with deadlines and only when wanted, handlers return errors as responses, and a panic in
//! one (a bug) is caught and costs only that request.

mod events;
mod files;
pub(crate) mod hosted;
pub(crate) mod http;
mod labs;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};

use http::{Method, Request, Response};

pub(crate) use events::Problem;
pub(crate) use labs::LabDesk;

use crate::output::OutputStore;

/// Open event streams (one thread each).
const MAX_EVENT_CLIENTS: usize = 32;

/// Only the site's own scripts run, and they connect only to this server (the preview runs labs
/// itself, so a `[labs] endpoint` is not needed here). templates/partials/csp.html repeats this
/// policy in a <meta> element for static hosts, where connect-src also names the endpoint; keep
/// the two in step.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// How to start the server.
pub(crate) struct Options {
    pub(crate) bind: String,
    pub(crate) port: u16,
    /// Serve `/_aula/debug/manifest` (path → sha256 of every file), for the tests.
    pub(crate) test_hooks: bool,
}

/// What the server serves: the pages of the latest build and, beside them, the search index.
/// The index takes far longer to make than the pages, so it is made afterwards; until it is
/// ready, the previous one is served.
#[derive(Clone, Default)]
pub(crate) struct Site {
    pages: Arc<OutputStore>,
    search: Arc<OutputStore>,
}

impl Site {
    pub(crate) fn get(&self, path: &str) -> Option<&[u8]> {
        self.pages.get(path).or_else(|| self.search.get(path))
    }

    pub(crate) fn contains(&self, path: &str) -> bool {
        self.get(path).is_some()
    }

    /// Every file served, by path.
    fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        let search = self
            .search
            .iter()
            .filter(|(path, _)| !self.pages.contains(path));
        self.pages.iter().chain(search)
    }
}

/// What the server serves, shared with whoever rebuilds it.
pub(crate) struct Shared {
    /// The site, with the number of the publish its pages came from.
    site: RwLock<(u64, Site)>,
    /// `None` until the first build: no lab runs before the server knows the site's labs.
    labs: RwLock<Option<Arc<LabDesk>>>,
    events: events::Hub,
    lab_slots: Slots,
}

impl Shared {
    /// Nothing to serve yet: every path is 404 until the first [`Shared::publish`]. At most
    /// `lab_slots` labs run at once.
    pub(crate) fn new(lab_slots: usize) -> Arc<Shared> {
        Arc::new(Shared {
            site: RwLock::new((0, Site::default())),
            labs: RwLock::new(None),
            events: events::Hub::default(),
            lab_slots: Slots::new(lab_slots),
        })
    }

    /// Serves new pages from now on and tells open pages to reload: with the search index
    /// served so far when `search` (until [`Shared::complete`] brings its own), else without
    /// one. Returns the publish's number, for [`Shared::complete`].
    pub(crate) fn publish(&self, pages: Arc<OutputStore>, search: bool, labs: LabDesk) -> u64 {
        let mut number = 0;
        let mut previous = None;
        if let Ok(mut current) = self.site.write() {
            number = current.0 + 1;
            current.0 = number;
            if !search {
                current.1.search = Arc::default();
            }
            previous = Some(std::mem::replace(&mut current.1.pages, pages));
        }
        if let Ok(mut current) = self.labs.write() {
            *current = Some(Arc::new(labs));
        }
        self.events.set_problems(Vec::new());
        self.events.broadcast(events::Event::Reload);
        // Freeing ten thousand pages takes a while: after the reload is on its way.
        drop(previous);
        number
    }

    /// Serves `search`, the search index made from publish `number`'s pages, beside them,
    /// without reloading pages. Does nothing when newer pages were published meanwhile (their
    /// index is on its way).
    pub(crate) fn complete(&self, number: u64, search: OutputStore) {
        if let Ok(mut current) = self.site.write()
            && current.0 == number
        {
            current.1.search = Arc::new(search);
        }
    }

    /// Keeps serving the last good site and shows `problems` on open pages (and on pages opened
    /// later, until the next [`Shared::publish`]).
    pub(crate) fn show_problems(&self, problems: Vec<Problem>) {
        self.events.set_problems(problems);
    }

    /// The site being served.
    pub(crate) fn site(&self) -> Site {
        match self.site.read() {
            Ok(site) => site.1.clone(),
            // A writer panicked mid-swap; the value is still a whole Arc.
            Err(poisoned) => poisoned.into_inner().1.clone(),
        }
    }

    fn lab_desk(&self) -> Option<Arc<LabDesk>> {
        match self.labs.read() {
            Ok(labs) => labs.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }
}

/// Binds the listener and starts serving; returns the address actually bound (with `--port 0`,
/// the port the system chose).
pub(crate) fn start(options: &Options, shared: Arc<Shared>) -> anyhow::Result<SocketAddr> {
    // The port is known only once bound; the handler reads it from here.
    let port = Arc::new(AtomicUsize::new(usize::from(options.port)));
    let context = Context {
        shared,
        port: port.clone(),
        test_hooks: options.test_hooks,
    };
    let server = http::serve(
        &options.bind,
        options.port,
        http::Limits::default(),
        move |request| handle(request, &context),
    )
    .map_err(|e| anyhow::anyhow!("cannot listen on {}:{}: {e}", options.bind, options.port))?;
    let address = server.address();
    port.store(usize::from(address.port()), Ordering::SeqCst);
    Ok(address)
}

struct Context {
    shared: Arc<Shared>,
    port: Arc<AtomicUsize>,
    test_hooks: bool,
}

fn handle(request: Request<'_>, context: &Context) {
    let port = u16::try_from(context.port.load(Ordering::SeqCst)).unwrap_or(0);
    if let Err(why) = check_origin(&request, port) {
        return respond_json(request, 403, &serde_json::json!({ "error": why }), &[]);
    }
    let path = request.path().to_string();
    match path.as_str() {
        "/_aula/events" => events::serve(request, &context.shared.events, MAX_EVENT_CLIENTS),
        "/_aula/live.js" => match request.method() {
            Method::Get | Method::Head => respond(
                request,
                200,
                "text/javascript; charset=utf-8",
                events::LIVE_JS.as_bytes().to_vec(),
                &[],
            ),
            _ => method_not_allowed(request, "GET, HEAD"),
        },
        "/_aula/labs" | "/_aula/labs/" => labs::list(request, context.shared.lab_desk().as_deref()),
        "/_aula/debug/manifest" if context.test_hooks => {
            respond_json(request, 200, &manifest(&context.shared.site()), &[]);
        }
        _ if path.starts_with("/_aula/labs/") => {
            let id = path.trim_start_matches("/_aula/labs/").to_string();
            labs::run(
                request,
                &id,
                context.shared.lab_desk().as_deref(),
                &context.shared.lab_slots,
            );
        }
        _ if path.starts_with("/_aula/") => {
            respond_json(
                request,
                404,
                &serde_json::json!({"error": "not found"}),
                &[],
            );
        }
        _ => files::serve(request, &context.shared.site()),
    }
}

/// Path → sha256 of every file of the served site, as built (without the live-reload script).
fn manifest(site: &Site) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let map: serde_json::Map<String, serde_json::Value> = site
        .iter()
        .map(|(path, bytes)| {
            (
                path.to_string(),
                format!("{:x}", Sha256::digest(bytes)).into(),
            )
        })
        .collect();
    serde_json::Value::Object(map)
}

/// DNS rebinding and cross-site requests: the `Host` must name this server (an IP address or
/// `localhost`, with our port) and an `Origin`, when sent, must be that same host.
fn check_origin(request: &Request<'_>, port: u16) -> Result<(), &'static str> {
    let host = header(request, "Host").ok_or("a Host header is required")?;
    if !is_own_host(host, port) {
        return Err("this server answers only to its own address (Host)");
    }
    if let Some(origin) = header(request, "Origin") {
        let expected = format!("http://{host}");
        if !origin.eq_ignore_ascii_case(&expected) {
            return Err("requests from other sites are refused (Origin)");
        }
    }
    Ok(())
}

/// `127.0.0.1:1111`, `[::1]:1111`, `localhost:1111`: a name a rebinding attacker cannot own.
fn is_own_host(host: &str, port: u16) -> bool {
    let (name, host_port) = match host.rsplit_once(':') {
        Some((name, p))
            if !name.ends_with(':') && (name.starts_with('[') || !name.contains(':')) =>
        {
            (name, p.parse::<u16>().ok())
        }
        _ => (host, Some(80)),
    };
    if host_port != Some(port) {
        return false;
    }
    let name = name.trim_start_matches('[').trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost") || name.parse::<std::net::IpAddr>().is_ok()
}

fn header<'a>(request: &'a Request<'_>, name: &str) -> Option<&'a str> {
    request.header(name)
}

/// Headers every response of both servers (`aula serve`, `aula labs serve`) carries.
const SECURITY_HEADERS: [(&str, &str); 4] = [
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    // A preview must show the latest build, never a cached one; a lab's answer is never reused.
    ("Cache-Control", "no-store"),
    ("Referrer-Policy", "no-referrer"),
];

/// Answers with the headers every response of both servers carries, then `extra`.
fn respond(
    request: Request<'_>,
    status: u16,
    content_type: &str,
    body: Vec<u8>,
    extra: &[(&str, &str)],
) {
    request.respond(Response::new(
        status,
        content_type,
        body,
        &[&SECURITY_HEADERS, extra],
    ));
}

fn respond_json(
    request: Request<'_>,
    status: u16,
    body: &serde_json::Value,
    extra: &[(&str, &str)],
) {
    respond(
        request,
        status,
        "application/json",
        body.to_string().into_bytes(),
        extra,
    );
}

fn method_not_allowed(request: Request<'_>, allow: &str) {
    respond_json(
        request,
        405,
        &serde_json::json!({"error": "method not allowed"}),
        &[("Allow", allow)],
    );
}

/// A fixed number of permits, taken without waiting.
struct Slots {
    free: AtomicUsize,
}

struct Permit<'a>(&'a Slots);

impl Slots {
    fn new(n: usize) -> Self {
        Self {
            free: AtomicUsize::new(n),
        }
    }

    fn try_take(&self) -> Option<Permit<'_>> {
        self.free
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| n.checked_sub(1))
            .ok()
            .map(|_| Permit(self))
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.free.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_our_own_host_names_pass() {
        assert!(is_own_host("127.0.0.1:1111", 1111));
        assert!(is_own_host("localhost:1111", 1111));
        assert!(is_own_host("[::1]:1111", 1111));
        assert!(!is_own_host("127.0.0.1:2222", 1111));
        assert!(!is_own_host("evil.example:1111", 1111));
        assert!(!is_own_host("127.0.0.1.nip.io:1111", 1111));
        assert!(!is_own_host("localhost", 1111));
        assert!(is_own_host("localhost", 80));
    }

    #[test]
    fn slots_run_out_and_come_back() {
        let slots = Slots::new(1);
        let first = slots.try_take();
        assert!(first.is_some());
        assert!(slots.try_take().is_none());
        drop(first);
        assert!(slots.try_take().is_some());
    }
}
