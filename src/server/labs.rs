//! The lab runner over HTTP: `GET /_aula/labs` lists the labs a page may run, `POST
//! /_aula/labs/<id>` runs one (DESIGN.md §5).
//!
//! Every check that can refuse a request runs before anything is started, cheapest first:
//! method (405), registered lab (404), JSON content type (415), body size (413), JSON body
//! (400), input against the manifest (422, one message per field in the request's language), a
//! free runner slot (429 with `Retry-After`). Running is [`crate::labs::runner`]'s job — the time
//! limit, the output cap, the cleared environment; this file turns its outcome into a status and
//! a message the page can show.

use serde_json::{Map, Value, json};
use tiny_http::{Method, Request};

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

pub(super) fn list(request: Request, desk: Option<&LabDesk>) {
    if !matches!(request.method(), Method::Get | Method::Head) {
        return super::method_not_allowed(request, "GET, HEAD");
    }
    let ids: Vec<&str> = desk.map(|d| d.registry.ids()).unwrap_or_default();
    super::respond_json(request, 200, &json!(ids), &[]);
}

pub(super) fn run(mut request: Request, id: &str, desk: Option<&LabDesk>, slots: &super::Slots) {
    if request.method() != &Method::Post {
        return super::method_not_allowed(request, "POST");
    }
    let Some((desk, lab)) = desk.and_then(|d| d.registry.get(id).map(|lab| (d, lab))) else {
        return super::respond_json(
            request,
            404,
            &json!({"error": format!("no lab `{id}` on this site")}),
            &[],
        );
    };
    let lang = desk.default_language.clone();
    let is_json = super::header(&request, "Content-Type").is_some_and(|value| {
        value
            .split(';')
            .next()
            .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
    });
    if !is_json {
        return super::respond_json(
            request,
            415,
            &json!({"error": desk.t(&lang, "lab-ui-json-only", &[])}),
            &[],
        );
    }
    let too_large = |request: Request| {
        super::respond_json(
            request,
            413,
            &json!({"error": desk.t(&lang, "lab-ui-too-large", &[("limit", Arg::Number(MAX_BODY as f64))])}),
            &[("Connection", "close")],
        );
    };
    if request.body_length().is_some_and(|n| n > MAX_BODY) {
        return too_large(request);
    }
    let body = match super::read_body(&mut request, MAX_BODY) {
        Ok(Some(body)) => body,
        Ok(None) => return too_large(request),
        Err(_) => return bad_request(request, desk, &lang),
    };
    let Ok(Value::Object(mut body)) = serde_json::from_slice::<Value>(&body) else {
        return bad_request(request, desk, &lang);
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
        Some(_) => return bad_request(request, desk, &lang),
    };
    let input = match merge_input(lab, &values) {
        Ok(input) => input,
        Err(errors) => {
            let errors: Vec<Value> = errors
                .iter()
                .map(|e| json!({"field": e.field, "message": desk.field_message(&lang, e)}))
                .collect();
            return super::respond_json(request, 422, &json!({ "errors": errors }), &[]);
        }
    };
    let Some(_permit) = slots.try_take() else {
        return super::respond_json(
            request,
            429,
            &json!({"error": desk.t(&lang, "lab-ui-busy", &[])}),
            &[("Retry-After", "1")],
        );
    };
    let outcome = runner::run(&lab.binary, &request_json(&lang, &input), lab.limits);
    let failed = |reason: String| json!({"error": desk.t(&lang, "lab-ui-failed", &[("reason", Arg::Text(reason))])});
    let (status, answer) = match outcome {
        Outcome::Answer(answer) => (200, answer),
        Outcome::Refused { field, message } => (
            422,
            json!({"errors": [{"field": field, "message": message}]}),
        ),
        Outcome::TimedOut(_) => (504, json!({"error": desk.t(&lang, "lab-ui-timeout", &[])})),
        Outcome::Truncated(cap) => (
            502,
            failed(desk.t(
                &lang,
                "lab-ui-truncated",
                &[("limit", Arg::Number(cap as f64))],
            )),
        ),
        Outcome::Failed(why) => (502, failed(why)),
    };
    super::respond_json(request, status, &answer, &[]);
}

fn bad_request(request: Request, desk: &LabDesk, lang: &str) {
    super::respond_json(
        request,
        400,
        &json!({"error": desk.t(lang, "lab-ui-bad-request", &[])}),
        &[],
    );
}
