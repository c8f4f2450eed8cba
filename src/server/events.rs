//! Live reload and the error overlay: Server-Sent Events at `/_aula/events` and the small script
//! (`/_aula/live.js`) that listens to them.
//!
//! An event stream takes the raw connection ([`Request::into_stream`]), writes the status line
//! and headers itself, and flushes after every event, on its connection's thread; at most
//! `MAX_EVENT_CLIENTS` streams are open at once. The [`Hub`] hands every stream the same events. A page opened
//! while the site is broken gets the current problems as soon as it connects.

use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::http::{Method, Request};
use serde_json::json;

/// One problem to show in the overlay.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct Problem {
    pub(crate) path: String,
    pub(crate) line: usize,
    pub(crate) column: usize,
    pub(crate) message: String,
}

#[derive(Debug, Clone)]
pub(super) enum Event {
    Reload,
    Problems(Arc<Vec<Problem>>),
    Ok,
}

impl Event {
    fn to_sse(&self) -> String {
        let (name, data) = match self {
            Event::Reload => ("reload", json!({})),
            Event::Ok => ("ok", json!({})),
            Event::Problems(problems) => ("error", json!({ "problems": problems.as_slice() })),
        };
        // serde_json never writes a raw newline, so the data stays on one `data:` line.
        format!("event: {name}\ndata: {data}\n\n")
    }
}

/// Every open event stream, and the site's current problems.
#[derive(Default)]
pub(super) struct Hub {
    clients: Mutex<Vec<Sender<Event>>>,
    problems: Mutex<Arc<Vec<Problem>>>,
    open: Arc<AtomicUsize>,
}

impl Hub {
    pub(super) fn broadcast(&self, event: Event) {
        if let Ok(mut clients) = self.clients.lock() {
            // A stream whose thread has ended drops its receiver; forget it.
            clients.retain(|client| client.send(event.clone()).is_ok());
        }
    }

    /// Records the problems of the latest build (empty: it succeeded) and tells open pages when
    /// that changes.
    pub(super) fn set_problems(&self, problems: Vec<Problem>) {
        let problems = Arc::new(problems);
        let changed = match self.problems.lock() {
            Ok(mut current) => {
                let changed = *current != problems;
                *current = problems.clone();
                changed
            }
            Err(_) => true,
        };
        if !changed {
            return;
        }
        if problems.is_empty() {
            self.broadcast(Event::Ok);
        } else {
            self.broadcast(Event::Problems(problems));
        }
    }

    fn subscribe(&self) -> Receiver<Event> {
        let (sender, receiver) = mpsc::channel();
        let current = self.problems.lock().map(|p| p.clone()).unwrap_or_default();
        if !current.is_empty() {
            let _ = sender.send(Event::Problems(current));
        }
        if let Ok(mut clients) = self.clients.lock() {
            clients.push(sender);
        }
        receiver
    }
}

/// Counts an open stream for as long as it lives.
struct Seat(Arc<AtomicUsize>);

impl Drop for Seat {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

pub(super) fn serve(request: Request<'_>, hub: &Hub, max_clients: usize) {
    if request.method() != &Method::Get {
        return super::method_not_allowed(request, "GET");
    }
    let taken = hub
        .open
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < max_clients).then_some(n + 1)
        });
    if taken.is_err() {
        return super::respond_json(
            request,
            503,
            &json!({"error": "too many open pages are listening for changes"}),
            &[("Retry-After", "5")],
        );
    }
    let _seat = Seat(hub.open.clone());
    let receiver = hub.subscribe();
    let mut head = String::from("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n");
    for (name, value) in super::SECURITY_HEADERS {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("Connection: close\r\n\r\nretry: 500\n\n");
    let Ok(mut writer) = request.into_stream() else {
        return;
    };
    if writer
        .write_all(head.as_bytes())
        .and_then(|()| writer.flush())
        .is_err()
    {
        return;
    }
    stream(&mut writer, &receiver);
}

fn stream(writer: &mut dyn Write, receiver: &Receiver<Event>) {
    loop {
        let text = match receiver.recv_timeout(Duration::from_secs(15)) {
            Ok(event) => event.to_sse(),
            // A comment line now and then finds out whether the page is still there.
            Err(RecvTimeoutError::Timeout) => ": ping\n\n".to_string(),
            Err(RecvTimeoutError::Disconnected) => return,
        };
        if writer
            .write_all(text.as_bytes())
            .and_then(|()| writer.flush())
            .is_err()
        {
            return;
        }
    }
}

/// Reloads the page on `reload`; shows (`error`) or clears (`ok`) an overlay listing the
/// problems. Built with DOM calls and `textContent` only: messages quote the author's files.
pub(super) const LIVE_JS: &str = r##"// aula serve: live reload and the error overlay.
(function () {
  "use strict";
  if (!window.EventSource) return;
  var overlay = null;
  function clear() {
    if (overlay) { overlay.remove(); overlay = null; }
  }
  function show(problems) {
    clear();
    overlay = document.createElement("div");
    overlay.id = "aula-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build error");
    var s = overlay.style;
    s.position = "fixed"; s.inset = "0"; s.zIndex = "2147483647"; s.overflow = "auto";
    s.background = "rgba(20, 20, 20, 0.94)"; s.color = "#fdd"; s.padding = "2rem";
    s.font = "14px/1.5 ui-monospace, monospace";
    var title = document.createElement("h2");
    title.textContent = "aula: the last edit did not build; this is the last good version";
    title.style.color = "#fff";
    overlay.appendChild(title);
    var list = document.createElement("ul");
    problems.forEach(function (p) {
      var item = document.createElement("li");
      item.style.marginBottom = "0.75rem";
      var place = document.createElement("strong");
      place.textContent = p.path + (p.line ? ":" + p.line + (p.column ? ":" + p.column : "") : "");
      item.appendChild(place);
      item.appendChild(document.createTextNode(" " + p.message));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "×";
    close.setAttribute("aria-label", "Close");
    close.addEventListener("click", clear);
    overlay.insertBefore(close, title);
    document.body.appendChild(overlay);
  }
  var source = new EventSource("/_aula/events");
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("ok", clear);
  source.addEventListener("error", function (event) {
    // EventSource also fires "error" when the connection drops; those carry no data.
    if (!event.data) return;
    try { show(JSON.parse(event.data).problems || []); } catch (e) { /* not ours */ }
  });
})();
"##;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_one_data_line_each() {
        let problem = Problem {
            path: "content/en/a.md".into(),
            line: 2,
            column: 1,
            message: "bad\nthing".into(),
        };
        let text = Event::Problems(Arc::new(vec![problem])).to_sse();
        assert!(text.starts_with("event: error\ndata: {"), "{text}");
        assert_eq!(text.matches('\n').count(), 3, "{text}");
    }
}
