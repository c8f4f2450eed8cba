//! `aula labs serve`: the lab API alone, for a published site's readers (DESIGN.md §10).
//!
//! It answers `GET /_aula/labs` and `POST /_aula/labs/<id>` exactly as the preview server does
//! ([`super::labs`]), so a page calls `endpoint + path` on either; `OPTIONS` preflights; `GET
//! /healthz`; `GET /metrics` (Prometheus text). No site files. In front of the shared lab
//! pipeline it adds what the internet needs: CORS for the configured origins only (others get
//! 403 and no CORS headers), a token bucket per client (its address, or a trusted proxy's
//! header when configured) → 429 with `Retry-After`, one JSON log line per run, and a drain on
//! SIGTERM. It keeps no state beyond counters and buckets, so replicas scale out behind any load
//! balancer. It does not know how labs run or how a request is parsed.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::http::{self, Method, Request};
use super::labs::{self, Answer, LabDesk};
use super::{Slots, respond};

/// How `aula labs serve` runs.
pub(crate) struct HostedOptions {
    pub(crate) bind: String,
    pub(crate) port: u16,
    /// `https://course.example.org`: the origins whose pages may call the runner.
    pub(crate) allow_origins: Vec<String>,
    /// Labs that may run at once.
    pub(crate) slots: usize,
    /// Runs per second a client earns, and how many it may save up.
    pub(crate) rate: f64,
    pub(crate) burst: f64,
    /// A header set by a trusted proxy in front (e.g. `X-Forwarded-For`) whose last address is
    /// the client's; without it, the peer address is.
    pub(crate) client_header: Option<String>,
    /// Open connections from one client address.
    pub(crate) connections_per_client: usize,
    /// How long a SIGTERM waits for runs in flight.
    pub(crate) drain: Duration,
}

/// Seconds of the duration histogram's buckets.
const BUCKETS: [f64; 12] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Metrics {
    runs: BTreeMap<(String, u16), u64>,
    durations: BTreeMap<String, Histogram>,
    rejections: BTreeMap<&'static str, u64>,
}

struct Hosted {
    desk: LabDesk,
    options: HostedOptions,
    slots: Slots,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
    metrics: Mutex<Metrics>,
    /// Labs running now (the metrics' gauge).
    in_flight: AtomicUsize,
    /// Lab requests whose answer is not written yet: a drain waits for these.
    unanswered: AtomicUsize,
    draining: AtomicBool,
    sandbox: String,
    layers: Vec<&'static str>,
}

/// Serves until SIGTERM or SIGINT, then stops taking runs and waits for those in flight.
pub(crate) fn serve(options: HostedOptions, desk: LabDesk) -> anyhow::Result<()> {
    use nix::sys::signal::{SigSet, Signal};
    // Blocked here, before any thread starts, so every thread inherits the mask and the signal
    // waits for `wait` below (labs get a clean mask: std resets it for children).
    let mut signals = SigSet::empty();
    signals.add(Signal::SIGTERM);
    signals.add(Signal::SIGINT);
    signals.thread_block()?;

    let layers = crate::labs::sandbox::layers();
    let hosted = Arc::new(Hosted {
        slots: Slots::new(options.slots),
        buckets: Mutex::default(),
        metrics: Mutex::default(),
        in_flight: AtomicUsize::new(0),
        unanswered: AtomicUsize::new(0),
        draining: AtomicBool::new(false),
        sandbox: layers.summary(),
        layers: layers.active(),
        desk,
        options,
    });
    let limits = http::Limits {
        connections: 1024,
        per_client: hosted.options.connections_per_client,
        ..http::Limits::default()
    };
    let handler = hosted.clone();
    let server = http::serve(
        &hosted.options.bind,
        hosted.options.port,
        limits,
        move |request| handle(request, &handler),
    )
    .map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {}:{}: {e}",
            hosted.options.bind,
            hosted.options.port
        )
    })?;
    println!(
        "{}",
        json!({
            "event": "listening",
            "address": format!("http://{}", server.address()),
            "labs": labs::ids(Some(&hosted.desk)),
            "allow_origins": hosted.options.allow_origins,
            "slots": hosted.options.slots,
            "sandbox": hosted.sandbox,
        })
    );
    eprintln!("{}", hosted.sandbox);
    let signal = signals.wait()?;
    hosted.draining.store(true, Ordering::SeqCst);
    println!(
        "{}",
        json!({"event": "draining", "in_flight": hosted.unanswered.load(Ordering::SeqCst)})
    );
    let started = Instant::now();
    server.stop(Duration::ZERO);
    while hosted.unanswered.load(Ordering::SeqCst) > 0 && started.elapsed() < hosted.options.drain {
        std::thread::sleep(Duration::from_millis(10));
    }
    println!(
        "{}",
        json!({
            "event": "stopped",
            "signal": signal.as_str(),
            "drained_ms": started.elapsed().as_millis() as u64,
            "abandoned": hosted.unanswered.load(Ordering::SeqCst),
        })
    );
    Ok(())
}

fn handle(mut request: Request<'_>, hosted: &Hosted) {
    let path = request.path().to_string();
    match (request.method().clone(), path.as_str()) {
        (Method::Get | Method::Head, "/healthz") => {
            let (status, state) = if hosted.draining.load(Ordering::SeqCst) {
                (503, "draining")
            } else {
                (200, "ok")
            };
            return respond(
                request,
                status,
                "application/json",
                json!({"status": state}).to_string().into_bytes(),
                &[],
            );
        }
        (Method::Get | Method::Head, "/metrics") => {
            let text = hosted.metrics_text();
            return respond(
                request,
                200,
                "text/plain; version=0.0.4; charset=utf-8",
                text.into_bytes(),
                &[],
            );
        }
        _ => {}
    }
    let is_lab_path =
        path == "/_aula/labs" || path == "/_aula/labs/" || path.starts_with("/_aula/labs/");
    if !is_lab_path {
        return hosted.refuse(request, 404, "not_found", "not found", &[]);
    }
    // CORS: an Origin must be one of ours; a request without one (not from a browser page) is
    // served, rate limits and all.
    let origin = request.header("Origin").map(str::to_string);
    if let Some(origin) = &origin
        && !hosted
            .options
            .allow_origins
            .iter()
            .any(|allowed| allowed == origin)
    {
        return hosted.refuse(
            request,
            403,
            "origin",
            "requests from this origin are refused",
            &[],
        );
    }
    let mut cors: Vec<(&str, &str)> = Vec::new();
    if let Some(origin) = &origin {
        cors.push(("Access-Control-Allow-Origin", origin));
        cors.push(("Vary", "Origin"));
    }
    if request.method() == &Method::Options {
        if origin.is_none() {
            return hosted.refuse(request, 403, "origin", "a preflight needs an Origin", &[]);
        }
        cors.extend([
            ("Access-Control-Allow-Methods", "GET, POST"),
            ("Access-Control-Allow-Headers", "Content-Type"),
            ("Access-Control-Max-Age", "600"),
        ]);
        return respond(request, 204, "text/plain", Vec::new(), &cors);
    }
    if path == "/_aula/labs" || path == "/_aula/labs/" {
        if !matches!(request.method(), Method::Get | Method::Head) {
            let mut extra = cors.clone();
            extra.push(("Allow", "GET, HEAD, OPTIONS"));
            return hosted.refuse(request, 405, "method", "method not allowed", &extra);
        }
        let ids = labs::ids(Some(&hosted.desk)).to_string().into_bytes();
        return respond(request, 200, "application/json", ids, &cors);
    }
    if hosted.draining.load(Ordering::SeqCst) {
        let mut extra = cors.clone();
        extra.push(("Retry-After", "1"));
        return hosted.refuse(
            request,
            503,
            "draining",
            "this runner is shutting down",
            &extra,
        );
    }
    let client = hosted.client(&request);
    if request.method() == &Method::Post
        && let Err(wait) = hosted.take_token(client)
    {
        let seconds = wait.as_secs_f64().ceil().max(1.0).to_string();
        let mut extra = cors.clone();
        extra.push(("Retry-After", seconds.as_str()));
        return hosted.refuse(
            request,
            429,
            "rate_limited",
            "too many runs from this client; wait and retry",
            &extra,
        );
    }
    let id = path.trim_start_matches("/_aula/labs/").to_string();
    // Unanswered until its answer is written, which is what the drain waits for: waiting only
    // for the lab, the process could end between the lab's end and the answer, and drop it.
    let _unanswered = Counted::start(&hosted.unanswered);
    let answer = {
        let _running = Counted::start(&hosted.in_flight);
        labs::answer(&mut request, &id, Some(&hosted.desk), &hosted.slots)
    };
    hosted.record(&id, client, &answer);
    answer.send(request, &cors);
}

/// One run counted in a gauge from `start` until it is dropped (also when the handler unwinds).
struct Counted<'a>(&'a AtomicUsize);

impl<'a> Counted<'a> {
    fn start(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::SeqCst);
        Counted(count)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Hosted {
    fn refuse(
        &self,
        request: Request<'_>,
        status: u16,
        reason: &'static str,
        message: &str,
        extra: &[(&str, &str)],
    ) {
        self.count_rejection(reason);
        let body = json!({"error": message}).to_string().into_bytes();
        respond(request, status, "application/json", body, extra);
    }

    fn count_rejection(&self, reason: &'static str) {
        if let Ok(mut metrics) = self.metrics.lock() {
            *metrics.rejections.entry(reason).or_default() += 1;
        }
    }

    /// The client: the peer, or the last address of the trusted proxy's header.
    fn client(&self, request: &Request<'_>) -> IpAddr {
        self.options
            .client_header
            .as_deref()
            .and_then(|name| request.header(name))
            .and_then(|value| value.rsplit(',').next())
            .and_then(|last| last.trim().parse().ok())
            .unwrap_or_else(|| request.remote())
    }

    /// One token from `client`'s bucket, or how long until there is one.
    fn take_token(&self, client: IpAddr) -> Result<(), Duration> {
        let (rate, burst) = (self.options.rate, self.options.burst);
        if rate <= 0.0 {
            return Ok(());
        }
        let Ok(mut buckets) = self.buckets.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        // Full buckets say nothing; forget them so the map stays small.
        if buckets.len() > 100_000 {
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(client).or_insert((burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * rate).min(burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - *tokens) / rate))
        }
    }

    fn record(&self, lab: &str, client: IpAddr, answer: &Answer) {
        if let Some(reason) = answer.refused {
            self.count_rejection(reason);
        }
        let Some((took, how)) = answer.ran else {
            return;
        };
        // Only registered labs run, so the label set is bounded by the registry.
        if let Ok(mut metrics) = self.metrics.lock() {
            *metrics
                .runs
                .entry((lab.to_string(), answer.status))
                .or_default() += 1;
            let histogram = metrics.durations.entry(lab.to_string()).or_default();
            let seconds = took.as_secs_f64();
            for (i, bound) in BUCKETS.iter().enumerate() {
                if seconds <= *bound {
                    histogram.counts[i] += 1;
                }
            }
            histogram.sum += seconds;
            histogram.count += 1;
        }
        println!(
            "{}",
            json!({
                "event": "run",
                "time": jiff::Timestamp::now().to_string(),
                "lab": lab,
                "status": answer.status,
                "outcome": how,
                "ms": (took.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
                "client": client.to_string(),
            })
        );
    }

    fn metrics_text(&self) -> String {
        let mut out = String::new();
        let Ok(metrics) = self.metrics.lock() else {
            return out;
        };
        out.push_str("# HELP aula_lab_runs_total Lab runs by lab and HTTP status.\n# TYPE aula_lab_runs_total counter\n");
        for ((lab, status), n) in &metrics.runs {
            out.push_str(&format!(
                "aula_lab_runs_total{{lab=\"{lab}\",status=\"{status}\"}} {n}\n"
            ));
        }
        out.push_str("# HELP aula_lab_run_duration_seconds Wall time of lab runs, sandbox included.\n# TYPE aula_lab_run_duration_seconds histogram\n");
        for (lab, histogram) in &metrics.durations {
            for (bound, n) in BUCKETS.iter().zip(histogram.counts) {
                out.push_str(&format!(
                    "aula_lab_run_duration_seconds_bucket{{lab=\"{lab}\",le=\"{bound}\"}} {n}\n"
                ));
            }
            out.push_str(&format!(
                "aula_lab_run_duration_seconds_bucket{{lab=\"{lab}\",le=\"+Inf\"}} {}\naula_lab_run_duration_seconds_sum{{lab=\"{lab}\"}} {}\naula_lab_run_duration_seconds_count{{lab=\"{lab}\"}} {}\n",
                histogram.count, histogram.sum, histogram.count
            ));
        }
        out.push_str("# HELP aula_lab_rejections_total Requests refused before a lab ran, by reason.\n# TYPE aula_lab_rejections_total counter\n");
        for (reason, n) in &metrics.rejections {
            out.push_str(&format!(
                "aula_lab_rejections_total{{reason=\"{reason}\"}} {n}\n"
            ));
        }
        out.push_str(&format!(
            "# HELP aula_lab_runs_in_flight Labs running now.\n# TYPE aula_lab_runs_in_flight gauge\naula_lab_runs_in_flight {}\n",
            self.in_flight.load(Ordering::SeqCst)
        ));
        out.push_str("# HELP aula_lab_sandbox_layer Sandbox layers active on this machine (1) or not (0).\n# TYPE aula_lab_sandbox_layer gauge\n");
        for layer in ["rlimits", "landlock", "netns", "pidns", "uid", "cgroup2"] {
            let on = u8::from(self.layers.contains(&layer));
            out.push_str(&format!(
                "aula_lab_sandbox_layer{{layer=\"{layer}\"}} {on}\n"
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_increasing() {
        assert!(BUCKETS.windows(2).all(|w| w[0] < w[1]));
    }
}
