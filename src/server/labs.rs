//! The lab runner over HTTP: `GET /_aula/labs` lists the labs a page may run, `POST
//! /_aula/labs/<id>` runs one (DESIGN.md §5).
//!
//! Every check that can refuse a request runs before anything is started, cheapest first:
//! method (405), registered lab (404), JSON content type (415), body size (413), JSON body
//! (400), input against the manifest (422, one message per field in the request's language), a
//! free runner slot (429 with `Retry-After`). Running is [`crate::labs::runner`]'s job — the time
//! limit, the output cap, the sandbox; this file turns its outcome into a status and a message
//! the page can show. The preview server and `aula labs serve` ([`super::hosted`]) share it.

use super::http::{BodyError, Method, Request};
use serde_json::{Map, Value, json};

use crate::i18n::{Arg, Locales};
use crate::labs::runner::{self, Outcome};
use crate::labs::{FieldError, Registry, merge_input, request_json};

/// Largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

/// What the runner needs from the current build: the registry and the UI strings.
pub(crate) struct LabDesk {
    pub(crate) registry: std::sync::Arc<Registry>,
    pub(crate) locales: std::sync::Arc<Locales>,
    pub(crate) default_language: String,
    pub(crate) languages: Vec<String>,
}

impl LabDesk {
    fn t(&self, lang: &str, key: &str, args: &[(&str, Arg)]) -> String {
        self.locales
            .t(lang, key, args)
            .unwrap_or_else(|| key.to_string())
    }

    fn field_message(&self, lang: &str, error: &FieldError) -> String {
        crate::embed::field_message(&self.locales, lang, error)
    }
}

/// What a lab request came to: the status and JSON to send, and for the hosted runner's
/// metrics and log, why it was refused or how long the lab ran.
pub(super) struct Answer {
    pub(super) status: u16,
    pub(super) body: Value,
    pub(super) headers: Vec<(&'static str, String)>,
    /// Set when the request was refused before running (a metrics label).
    pub(super) refused: Option<&'static str>,
    /// Set when a lab ran: for how long, and how it ended (a metrics label).
    pub(super) ran: Option<(std::time::Duration, &'static str)>,
}

impl Answer {
    fn refused(status: u16, reason: &'static str, body: Value) -> Answer {
        Answer {
            status,
            body,
            headers: Vec::new(),
            refused: Some(reason),
            ran: None,
        }
    }

    /// Sends it, with `extra` headers (CORS on the hosted runner).
    pub(super) fn send(self, request: Request<'_>, extra: &[(&str, &str)]) {
        let headers: Vec<(&str, &str)> = self
            .headers
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(extra.iter().copied())
            .collect();
        super::respond_json(request, self.status, &self.body, &headers);
    }
}

pub(super) fn list(request: Request<'_>, desk: Option<&LabDesk>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return super::method_not_allowed(request, "GET, HEAD");
    }
    super::respond_json(request, 200, &ids(desk), &[]);
}

/// The ids of the labs a page may run.
pub(super) fn ids(desk: Option<&LabDesk>) -> Value {
    json!(desk.map(|d| d.registry.ids()).unwrap_or_default())
}

/// `POST /_aula/labs/<id>` for the preview server.
pub(super) fn run(
    mut request: Request<'_>,
    id: &str,
    desk: Option<&LabDesk>,
    slots: &super::Slots,
) {
    let answer = answer(&mut request, id, desk, slots);
    answer.send(request, &[]);
}

/// Every check, cheapest first, then the run (see the module's documentation).
pub(super) fn answer(
    request: &mut Request<'_>,
    id: &str,
    desk: Option<&LabDesk>,
    slots: &super::Slots,
) -> Answer {
    if request.method() != &Method::Post {
        let mut answer = Answer::refused(405, "method", json!({"error": "method not allowed"}));
        answer.headers.push(("Allow", "POST".into()));
        return answer;
    }
    let Some((desk, lab)) = desk.and_then(|d| d.registry.get(id).map(|lab| (d, lab))) else {
        return Answer::refused(
            404,
            "not_found",
            json!({"error": format!("no lab `{id}` on this site")}),
        );
    };
    let lang = desk.default_language.clone();
    let is_json = request.header("Content-Type").is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return Answer::refused(
            415,
            "media_type",
            json!({"error": desk.t(&lang, "lab-ui-json-only", &[])}),
        );
    }
    let bad_request = |lang: &str| {
        Answer::refused(
            400,
            "bad_request",
            json!({"error": desk.t(lang, "lab-ui-bad-request", &[])}),
        )
    };
    let body = match request.body(MAX_BODY) {
        Ok(body) => body,
        // Not read: the connection closes after the answer.
        Err(BodyError::TooLarge) => {
            return Answer::refused(
                413,
                "too_large",
                json!({"error": desk.t(&lang, "lab-ui-too-large", &[("limit", Arg::Number(MAX_BODY as f64))])}),
            );
        }
        Err(BodyError::Io) => return bad_request(&lang),
    };
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(&lang);
    };
    // An unknown or missing language gets the site's default rather than an error: the answer
    // is still useful.
    let lang = match body.get("lang").and_then(Value::as_str) {
        Some(l) if desk.languages.iter().any(|known| known == l) => l.to_string(),
        _ => lang,
    };
    let values = match body.remove("input") {
        None => Map::new(),
        Some(Value::Object(values)) => values,
        Some(_) => return bad_request(&lang),
    };
    let input = match merge_input(lab, &values) {
        Ok(input) => input,
        Err(errors) => {
            let errors: Vec<Value> = errors
                .iter()
                .map(|e| json!({"field": e.field, "message": desk.field_message(&lang, e)}))
                .collect();
            return Answer::refused(422, "invalid_input", json!({ "errors": errors }));
        }
    };
    let Some(_permit) = slots.try_take() else {
        let mut answer = Answer::refused(
            429,
            "busy",
            json!({"error": desk.t(&lang, "lab-ui-busy", &[])}),
        );
        answer.headers.push(("Retry-After", "1".into()));
        return answer;
    };
    let started = std::time::Instant::now();
    let outcome = runner::run(&lab.binary, &request_json(&lang, &input), lab.limits);
    let took = started.elapsed();
    let failed = |reason: String| json!({"error": desk.t(&lang, "lab-ui-failed", &[("reason", Arg::Text(reason))])});
    let (status, how, body) = match outcome {
        Outcome::Answer(answer) => (200, "answer", answer),
        Outcome::Refused { field, message } => (
            422,
            "refused",
            json!({"errors": [{"field": field, "message": message}]}),
        ),
        Outcome::TimedOut(_) => (
            504,
            "timeout",
            json!({"error": desk.t(&lang, "lab-ui-timeout", &[])}),
        ),
        Outcome::Truncated(cap) => (
            502,
            "truncated",
            failed(desk.t(
                &lang,
                "lab-ui-truncated",
                &[("limit", Arg::Number(cap as f64))],
            )),
        ),
        Outcome::Failed(why) => (502, "failed", failed(why)),
    };
    Answer {
        status,
        body,
        headers: Vec::new(),
        refused: None,
        ran: Some((took, how)),
    }
}
