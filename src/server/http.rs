//! HTTP/1.1 on a TCP socket — the one module of aula that reads and writes the wire.
//!
//! It owns the listener, one thread per open connection (at most [`Limits::connections`] in
//! all and [`Limits::per_client`] from one address; more are answered 503 and closed without a
//! byte read), the parsing of request heads, request bodies and the writing of responses. It does
//! not know what a path means: a handler gets a [`Request`] and answers it.
//!
//! Why not tiny_http (which this replaced): tiny_http 0.12 drains an unread request body on drop
//! into `vec![0; remaining]`, sized by the client's `Content-Length` — `Content-Length:
//! 99999999999` aborted the process and 2^64−1 panicked (upstream: tiny-http/tiny-http#252,
//! "capacity overflow" crash, and the fix proposed in tiny-http/tiny-http#290); its sockets have
//! no timeouts, so a client that stalls mid-body held a handler thread for ever, and header
//! size has no bound (tiny-http/tiny-http#56). None of that can be changed from outside the
//! crate. Here instead:
//! - a head is at most [`MAX_HEAD`] bytes and must arrive within [`Limits::head`]; a body is read
//!   only when the handler asks for it, only up to the handler's limit and within
//!   [`Limits::body`]; a `Content-Length` is a number the handler compares, never a size
//!   allocated;
//! - a request whose body was not read (refused, or not wanted) gets `Connection: close` and the
//!   connection is closed after its answer: the body is never read as a body (a bounded
//!   lingering close discards what is already on its way, so the client sees the answer);
//! - `Transfer-Encoding` (chunked bodies) is refused with 501: no client of aula sends it.
//!
//! A slow or stalled client holds its own thread only, until its deadline; other clients'
//! connections have threads of their own.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Largest request head (request line and headers) accepted; more → 431.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// Most headers in one request; more → 431.
const MAX_HEADERS: usize = 100;

/// How much of the machine one server's connections may take.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Open connections in all (one thread each).
    pub(crate) connections: usize,
    /// Open connections from one client address.
    pub(crate) per_client: usize,
    /// From the first byte awaited to the end of a request's head (also the keep-alive idle
    /// time).
    pub(crate) head: Duration,
    /// To read a whole body, once the handler asks for it.
    pub(crate) body: Duration,
    /// For one write of a response to make progress.
    pub(crate) write: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: 256,
            per_client: 256,
            head: Duration::from_secs(10),
            body: Duration::from_secs(10),
            write: Duration::from_secs(10),
        }
    }
}

/// A request method aula knows; anything else is `Other` (and gets 405 from handlers).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Head,
    Post,
    Options,
    Other(String),
}

/// One response, whole.
pub(crate) struct Response {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Response {
    /// `status` with a `body` of `content_type` and every header of `headers` (a server's fixed
    /// set, then a handler's own), in that order. `Content-Length` and `Connection` are added
    /// when it is sent.
    pub(crate) fn new(
        status: u16,
        content_type: &str,
        body: Vec<u8>,
        headers: &[&[(&str, &str)]],
    ) -> Response {
        let headers = std::iter::once(("Content-Type", content_type))
            .chain(headers.iter().flat_map(|set| set.iter().copied()))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        Response {
            status,
            headers,
            body,
        }
    }
}

/// Why a body could not be had.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// `Content-Length` (or the bytes sent) over the limit; nothing was read.
    TooLarge,
    /// The client stopped sending, closed, or missed the deadline.
    Io,
}

/// What the connection knows between requests.
struct Connection {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    limits: Limits,
    /// Body bytes of the current request not read yet.
    unread: u64,
    /// Whether the connection may carry another request.
    keep_alive: bool,
    responded: bool,
}

/// One request, its head parsed; the body stays on the socket until [`Request::body`].
pub(crate) struct Request<'a> {
    method: Method,
    target: String,
    headers: Vec<(String, String)>,
    remote: IpAddr,
    head_only: bool,
    body_length: Option<u64>,
    connection: &'a mut Connection,
}

impl Request<'_> {
    pub(crate) fn method(&self) -> &Method {
        &self.method
    }

    /// The request target as sent (path and query).
    pub(crate) fn url(&self) -> &str {
        &self.target
    }

    /// The path of the target, without query or fragment.
    pub(crate) fn path(&self) -> &str {
        self.target.split(['?', '#']).next().unwrap_or("")
    }

    /// The first header called `name` (any case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The address of the peer (the proxy's, behind one).
    pub(crate) fn remote(&self) -> IpAddr {
        self.remote
    }

    /// Reads the body when it is at most `limit` bytes, within the body deadline. Nothing is
    /// read when the declared length is over the limit.
    pub(crate) fn body(&mut self, limit: usize) -> Result<Vec<u8>, BodyError> {
        let Some(length) = self.body_length else {
            return Ok(Vec::new());
        };
        if length > limit as u64 {
            return Err(BodyError::TooLarge);
        }
        let Ok(length) = usize::try_from(length) else {
            return Err(BodyError::TooLarge);
        };
        let deadline = Instant::now() + self.connection.limits.body;
        let mut body = vec![0; length];
        let mut filled = 0;
        while filled < length {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || set_timeout(self.connection.reader.get_ref(), left).is_err() {
                self.connection.keep_alive = false;
                return Err(BodyError::Io);
            }
            match self.connection.reader.read(&mut body[filled..]) {
                Ok(0) | Err(_) => {
                    self.connection.keep_alive = false;
                    return Err(BodyError::Io);
                }
                Ok(n) => {
                    filled += n;
                    self.connection.unread -= n as u64;
                }
            }
        }
        Ok(body)
    }

    /// Sends `response`. When the body was not read, the answer says `Connection: close` and
    /// the connection ends after it.
    pub(crate) fn respond(self, mut response: Response) {
        let connection = self.connection;
        connection.responded = true;
        if connection.unread > 0 {
            connection.keep_alive = false;
        }
        if !connection.keep_alive {
            response.headers.push(("Connection".into(), "close".into()));
        }
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            response.status,
            reason(response.status)
        );
        for (name, value) in &response.headers {
            // Handlers write these from constants and checked values; a line break would split
            // the header, so one is never sent.
            if name.contains(['\r', '\n']) || value.contains(['\r', '\n']) {
                continue;
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n\r\n", response.body.len()));
        let mut out = head.into_bytes();
        if !self.head_only {
            out.extend_from_slice(&response.body);
        }
        if connection
            .writer
            .write_all(&out)
            .and_then(|()| connection.writer.flush())
            .is_err()
        {
            connection.keep_alive = false;
        }
    }

    /// Takes the connection for a response streamed by the caller (Server-Sent Events): the
    /// caller writes the status line and headers itself. The connection ends with the stream.
    pub(crate) fn into_stream(self) -> io::Result<TcpStream> {
        let connection = self.connection;
        connection.responded = true;
        connection.keep_alive = false;
        connection.writer.try_clone()
    }
}

fn set_timeout(stream: &TcpStream, left: Duration) -> io::Result<()> {
    stream.set_read_timeout(Some(left.max(Duration::from_millis(1))))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Content Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Content",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// A listening server; [`Server::stop`] ends accepting and waits for open connections.
pub(crate) struct Server {
    address: SocketAddr,
    stopping: Arc<AtomicBool>,
    open: Arc<AtomicUsize>,
}

impl Server {
    pub(crate) fn address(&self) -> SocketAddr {
        self.address
    }

    /// Stops accepting connections and waits up to `grace` for the open ones to finish their
    /// current request. Returns how many were still open.
    pub(crate) fn stop(&self, grace: Duration) -> usize {
        self.stopping.store(true, Ordering::SeqCst);
        // Wake the accepting thread; it sees the flag and ends.
        let _ = TcpStream::connect_timeout(&self.address, Duration::from_millis(200));
        let deadline = Instant::now() + grace;
        loop {
            // The wake-up connection itself may still be counted for a moment.
            let open = self.open.load(Ordering::SeqCst);
            if open == 0 || Instant::now() >= deadline {
                return open;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

/// Listens on `bind:port` and answers every request with `handler`, on one thread per
/// connection.
pub(crate) fn serve<H>(bind: &str, port: u16, limits: Limits, handler: H) -> io::Result<Server>
where
    H: Fn(Request<'_>) + Send + Sync + 'static,
{
    let listener = TcpListener::bind((bind, port))?;
    let address = listener.local_addr()?;
    let stopping = Arc::new(AtomicBool::new(false));
    let open = Arc::new(AtomicUsize::new(0));
    let handler = Arc::new(handler);
    let per_client: Arc<Mutex<HashMap<IpAddr, usize>>> = Arc::default();
    let server = Server {
        address,
        stopping: stopping.clone(),
        open: open.clone(),
    };
    std::thread::Builder::new()
        .name("aula-accept".into())
        .spawn(move || {
            for stream in listener.incoming() {
                if stopping.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let Ok(peer) = stream.peer_addr() else {
                    continue;
                };
                let Some(seat) = Seat::take(&open, &per_client, peer.ip(), limits) else {
                    refuse_busy(stream);
                    continue;
                };
                let handler = handler.clone();
                let stopping = stopping.clone();
                // The seat goes with the closure: a thread that cannot start frees it.
                let _ = std::thread::Builder::new()
                    .name("aula-http".into())
                    .stack_size(512 * 1024)
                    .spawn(move || {
                        let _seat = seat;
                        connection(stream, peer.ip(), limits, &*handler, &stopping);
                    });
            }
        })?;
    Ok(server)
}

/// One open connection, counted in all and per client for as long as it lives.
struct Seat {
    open: Arc<AtomicUsize>,
    per_client: Arc<Mutex<HashMap<IpAddr, usize>>>,
    client: IpAddr,
}

impl Seat {
    fn take(
        open: &Arc<AtomicUsize>,
        per_client: &Arc<Mutex<HashMap<IpAddr, usize>>>,
        client: IpAddr,
        limits: Limits,
    ) -> Option<Seat> {
        let mut counts = per_client.lock().ok()?;
        let mine = counts.get(&client).copied().unwrap_or(0);
        if mine >= limits.per_client {
            return None;
        }
        open.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
            (n < limits.connections).then_some(n + 1)
        })
        .ok()?;
        counts.insert(client, mine + 1);
        Some(Seat {
            open: open.clone(),
            per_client: per_client.clone(),
            client,
        })
    }
}

impl Drop for Seat {
    fn drop(&mut self) {
        if let Ok(mut counts) = self.per_client.lock()
            && let Some(n) = counts.get_mut(&self.client)
        {
            *n -= 1;
            if *n == 0 {
                counts.remove(&self.client);
            }
        }
        self.open.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Too many connections: a short 503, written without reading anything, then closed.
fn refuse_busy(mut stream: TcpStream) {
    let _ = stream.set_write_timeout(Some(Duration::from_millis(200)));
    let _ = stream.write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

fn connection(
    stream: TcpStream,
    remote: IpAddr,
    limits: Limits,
    handler: &dyn Fn(Request<'_>),
    stopping: &AtomicBool,
) {
    let _ = stream.set_nodelay(true);
    if stream.set_write_timeout(Some(limits.write)).is_err() {
        return;
    }
    let Ok(writer) = stream.try_clone() else {
        return;
    };
    let mut connection = Connection {
        reader: BufReader::with_capacity(8 * 1024, stream),
        writer,
        limits,
        unread: 0,
        keep_alive: true,
        responded: false,
    };
    while connection.keep_alive && !stopping.load(Ordering::SeqCst) {
        let head = match read_head(&mut connection.reader, limits.head) {
            Ok(Some(head)) => head,
            // Closed, idle too long, or stalled: nothing to answer.
            Ok(None) => return,
            Err(status) => {
                let _ = connection.writer.write_all(
                    format!(
                        "HTTP/1.1 {status} {}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        reason(status)
                    )
                    .as_bytes(),
                );
                return linger(connection.reader);
            }
        };
        connection.unread = head.body_length.unwrap_or(0);
        connection.keep_alive = head.keep_alive;
        connection.responded = false;
        let request = Request {
            head_only: head.method == Method::Head,
            method: head.method,
            target: head.target,
            headers: head.headers,
            remote,
            body_length: head.body_length,
            connection: &mut connection,
        };
        // A bug in a handler costs its request, not the server: the connection closes.
        let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handler(request)));
        if handled.is_err() {
            connection.keep_alive = false;
        }
        if !connection.responded {
            connection.keep_alive = false;
            let _ = connection.writer.write_all(
                b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
        }
        if connection.unread > 0 {
            return linger(connection.reader);
        }
    }
}

/// Closes a connection whose client may still be sending: the answer is already written, so
/// say we are done writing, then discard what arrives — at most [`LINGER_BYTES`] for at most
/// [`LINGER_TIME`], in a fixed buffer — before closing. Without it the kernel answers unread
/// bytes with a reset, and the client can lose the answer (a 413) before reading it.
fn linger(mut reader: BufReader<TcpStream>) {
    let _ = reader.get_ref().shutdown(std::net::Shutdown::Write);
    let deadline = Instant::now() + LINGER_TIME;
    let mut buffer = [0u8; 8192];
    let mut discarded = 0;
    while discarded < LINGER_BYTES {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || set_timeout(reader.get_ref(), left).is_err() {
            return;
        }
        match reader.get_mut().read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => discarded += n,
        }
    }
}

/// What [`linger`] may discard, and for how long.
const LINGER_BYTES: usize = 64 * 1024;
const LINGER_TIME: Duration = Duration::from_millis(200);

struct Head {
    method: Method,
    target: String,
    headers: Vec<(String, String)>,
    body_length: Option<u64>,
    keep_alive: bool,
}

/// Reads one request head within `within`. `Ok(None)`: the client closed or went quiet (no
/// answer is owed); `Err(status)`: a head that deserves an error status before closing.
fn read_head(reader: &mut BufReader<TcpStream>, within: Duration) -> Result<Option<Head>, u16> {
    let deadline = Instant::now() + within;
    let mut bytes = Vec::with_capacity(1024);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || set_timeout(reader.get_ref(), left).is_err() {
            return if bytes.is_empty() { Ok(None) } else { Err(408) };
        }
        let available = match reader.fill_buf() {
            Ok([]) => return Ok(None),
            Ok(available) => available,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => return if bytes.is_empty() { Ok(None) } else { Err(408) },
        };
        // Take bytes up to and including the end of the head, never past it (the body follows).
        let before = bytes.len();
        let mut end = None;
        for (i, &byte) in available.iter().enumerate() {
            bytes.push(byte);
            if bytes.ends_with(b"\r\n\r\n") || bytes.ends_with(b"\n\n") {
                end = Some(i + 1);
                break;
            }
            if bytes.len() > MAX_HEAD {
                return Err(431);
            }
        }
        let used = end.unwrap_or(bytes.len() - before);
        reader.consume(used);
        if end.is_some() {
            return parse_head(&bytes).map(Some);
        }
    }
}

fn parse_head(bytes: &[u8]) -> Result<Head, u16> {
    let text = std::str::from_utf8(bytes).map_err(|_| 400u16)?;
    let mut lines = text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    // Blank lines before a request line are allowed (RFC 9112 §2.2).
    let request_line = lines.find(|l| !l.is_empty()).ok_or(400u16)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(400);
    };
    let http11 = match version {
        "HTTP/1.1" => true,
        "HTTP/1.0" => false,
        _ => return Err(505),
    };
    if !target.starts_with('/') && target != "*" {
        return Err(400);
    }
    let method = match method {
        "GET" => Method::Get,
        "HEAD" => Method::Head,
        "POST" => Method::Post,
        "OPTIONS" => Method::Options,
        m if !m.is_empty() && m.bytes().all(|b| b.is_ascii_uppercase()) => {
            Method::Other(m.to_string())
        }
        _ => return Err(400),
    };
    let mut headers = Vec::new();
    for line in lines {
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or(400u16)?;
        if name.is_empty() || name.contains([' ', '\t']) {
            return Err(400);
        }
        if headers.len() == MAX_HEADERS {
            return Err(431);
        }
        headers.push((name.to_string(), value.trim().to_string()));
    }
    fn values<'a>(
        headers: &'a [(String, String)],
        wanted: &'a str,
    ) -> impl Iterator<Item = &'a str> + 'a {
        headers
            .iter()
            .filter(move |(k, _)| k.eq_ignore_ascii_case(wanted))
            .map(|(_, v)| v.as_str())
    }
    let find = |wanted: &'static str| values(&headers, wanted);
    if find("Transfer-Encoding").next().is_some() {
        return Err(501);
    }
    let mut body_length = None;
    for value in find("Content-Length") {
        let length = content_length(value).ok_or(400u16)?;
        if body_length.is_some_and(|seen| seen != length) {
            return Err(400);
        }
        body_length = Some(length);
    }
    let connection = find("Connection").next().unwrap_or("").to_ascii_lowercase();
    let keep_alive = if http11 {
        !connection.contains("close")
    } else {
        connection.contains("keep-alive")
    };
    let target = target.to_string();
    Ok(Head {
        method,
        target,
        headers,
        body_length,
        keep_alive,
    })
}

/// A `Content-Length` value: digits only. A number too big for 64 bits is `u64::MAX` — over any
/// limit, never an error that hides how big the claim was.
fn content_length(value: &str) -> Option<u64> {
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(value.parse::<u64>().unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_lengths_are_numbers_never_sizes() {
        assert_eq!(content_length("0"), Some(0));
        assert_eq!(content_length("18446744073709551615"), Some(u64::MAX));
        assert_eq!(content_length("99999999999999999999999"), Some(u64::MAX));
        assert_eq!(content_length("-1"), None);
        assert_eq!(content_length("1e3"), None);
        assert_eq!(content_length(""), None);
    }

    #[test]
    fn heads_parse_and_refuse() {
        let head = parse_head(b"POST /x?y HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\n")
            .ok()
            .unwrap();
        assert_eq!(head.method, Method::Post);
        assert_eq!(head.target, "/x?y");
        assert_eq!(head.body_length, Some(5));
        assert!(head.keep_alive);
        let status = |bytes: &[u8]| parse_head(bytes).err();
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"),
            Some(501)
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"),
            Some(400)
        );
        assert_eq!(status(b"GET / HTTP/2\r\n\r\n"), Some(505));
        assert_eq!(status(b"GET http://x/ HTTP/1.1\r\n\r\n"), Some(400));
        assert_eq!(status(b"get / HTTP/1.1\r\n\r\n"), Some(400));
        let old = parse_head(b"GET / HTTP/1.0\r\n\r\n").ok().unwrap();
        assert!(!old.keep_alive);
    }
}
