//! A small W3C WebDriver client for end-to-end browser tests: headless Debian `chromium`
//! driven by `chromedriver`, over plain HTTP with `reqwest`.
//!
//! Why not a WebDriver crate: the tests need a dozen commands, and each is one JSON request;
//! a client this size is easier to read and to debug than another dependency tree.
//!
//! Include it with `#[path = "../support/webdriver.rs"] mod webdriver;`.
//!
//! Notes:
//! - [`Browser::start`] fails (it does not skip) when `/usr/bin/chromium` or
//!   `/usr/bin/chromedriver` is missing; `.ci/run` installs both. `CHROMIUM` and
//!   `CHROMEDRIVER` override the paths.
//! - Every error is a `String` naming the command, the selector and WebDriver's message.
//! - [`Browser::console_errors`] reads chromedriver's legacy log endpoint, which drains the
//!   log: each call returns the errors since the previous call. A failed resource load counts,
//!   including the browser's own `/favicon.ico` request: pages under test should declare an
//!   icon (`<link rel="icon" href="data:,">`) or serve one.
//! - Dropping the [`Browser`] ends the session (so chromium quits), kills chromedriver and
//!   removes the profile directory.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use base64::Engine;
use reqwest::{Client, Method};
use serde_json::{json, Value};
use tokio::process::{Child, Command};

/// The key under which W3C WebDriver serialises an element reference.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The Enter key, for [`Browser::type_text`].
pub const ENTER: &str = "\u{E007}";
/// Headless, quiet (no first-run, sync, update or QUIC traffic), a fixed window size; the
/// profile directory is added per browser.
const CHROMIUM_ARGS: &str = "--headless=new --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --disable-dev-shm-usage \
    --window-size=1280,860";
const HINT: &str = "install Debian's chromium and chromium-driver (.ci/run does)";

/// An element found on the current page; the selector is kept for error messages.
#[derive(Clone, Debug)]
pub struct Element {
    id: String,
    css: String,
}

impl Element {
    /// The element as a script argument for [`Browser::execute`].
    pub fn json(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn from_json(v: &Value, css: &str) -> Result<Element, String> {
        let id = v.get(ELEMENT_KEY).and_then(Value::as_str);
        let id = id.ok_or_else(|| format!("`{css}`: not an element reference: {v}"))?;
        Ok(Element { id: id.to_owned(), css: css.to_owned() })
    }
}

/// One chromedriver with one browser session.
pub struct Browser {
    http: Client,
    /// `http://127.0.0.1:PORT/session/ID`
    session: String,
    port: u16,
    session_id: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver on a free loopback port and opens a headless chromium session.
    pub async fn start() -> Result<Browser, String> {
        let driver = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        Browser::start_with(&driver, &chromium).await
    }

    /// [`Browser::start`] with explicit paths.
    pub async fn start_with(driver_path: &str, chromium: &str) -> Result<Browser, String> {
        for path in [driver_path, chromium] {
            if !Path::new(path).exists() {
                return Err(format!("{path} is missing: {HINT}"));
            }
        }
        // The port is free now; chromedriver takes it a moment later (a race we accept).
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map_err(|e| format!("no free loopback port: {e}"))?
            .port();
        let mut driver = Command::new(driver_path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("cannot run {driver_path}: {e} ({HINT})"))?;
        // Loopback only: never through a proxy from the environment.
        let http = Client::builder().no_proxy().timeout(Duration::from_secs(60)).build().map_err(|e| e.to_string())?;
        let base = format!("http://127.0.0.1:{port}");

        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let status = request(&http, Method::GET, &format!("{base}/status"), None, "status").await;
            if status.is_ok_and(|v| v["ready"] == true) {
                break;
            }
            if let Ok(Some(exit)) = driver.try_wait() {
                return Err(format!("{driver_path} exited at start: {exit}"));
            }
            if Instant::now() > deadline {
                return Err(format!("{driver_path} not ready on port {port} after 20 s"));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        let profile = tempfile::tempdir().map_err(|e| format!("no temporary profile directory: {e}"))?;
        let mut args: Vec<String> = CHROMIUM_ARGS.split_whitespace().map(str::to_owned).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let created = request(&http, Method::POST, &format!("{base}/session"), Some(caps), "new session").await?;
        let session_id = created["sessionId"].as_str().ok_or_else(|| format!("new session: no id in {created}"))?;
        Ok(Browser {
            http,
            session: format!("{base}/session/{session_id}"),
            port,
            session_id: session_id.to_owned(),
            driver,
            _profile: profile,
        })
    }

    /// One command of this session; `what` names it in errors.
    async fn cmd(&self, method: Method, path: &str, body: Option<Value>, what: &str) -> Result<Value, String> {
        request(&self.http, method, &format!("{}{path}", self.session), body, what).await
    }

    /// Navigates and waits for the page's load event (the default page load strategy).
    pub async fn goto(&self, url: &str) -> Result<(), String> {
        self.cmd(Method::POST, "/url", Some(json!({ "url": url })), &format!("goto {url}")).await.map(drop)
    }

    pub async fn find(&self, css: &str) -> Result<Element, String> {
        let by = json!({ "using": "css selector", "value": css });
        let v = self.cmd(Method::POST, "/element", Some(by), &format!("find `{css}`")).await?;
        Element::from_json(&v, css)
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>, String> {
        let by = json!({ "using": "css selector", "value": css });
        let v = self.cmd(Method::POST, "/elements", Some(by), &format!("find all `{css}`")).await?;
        let all = v.as_array().ok_or_else(|| format!("find all `{css}`: not a list: {v}"))?;
        all.iter().map(|e| Element::from_json(e, css)).collect()
    }

    /// The first element matching `css`, polling every 50 ms until `timeout`; other errors
    /// than "no such element" (a bad selector, a dead session) end the wait at once.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Result<Element, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.find(css).await {
                Err(e) if e.contains("no such element") => {
                    if Instant::now() > deadline {
                        return Err(format!("after {timeout:?}: {e}"));
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                found => return found,
            }
        }
    }

    /// Some element matching `css` whose rendered text (`innerText`) contains `needle`,
    /// polling every 50 ms until `timeout`. One script per poll, so elements replaced
    /// between finding and reading cannot make it fail.
    pub async fn wait_until_text(&self, css: &str, needle: &str, timeout: Duration) -> Result<Element, String> {
        const SCRIPT: &str = "const all = Array.from(document.querySelectorAll(arguments[0]));
            return { texts: all.map(e => e.innerText), hit: all.find(e => e.innerText.includes(arguments[1])) || null };";
        let deadline = Instant::now() + timeout;
        loop {
            let seen = self.execute(SCRIPT, vec![json!(css), json!(needle)]).await?;
            if !seen["hit"].is_null() {
                return Element::from_json(&seen["hit"], css);
            }
            if Instant::now() > deadline {
                return Err(format!("no `{css}` with text {needle:?} after {timeout:?}; texts: {}", seen["texts"]));
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click(&self, el: &Element) -> Result<(), String> {
        let path = format!("/element/{}/click", el.id);
        self.cmd(Method::POST, &path, Some(json!({})), &format!("click `{}`", el.css)).await.map(drop)
    }

    /// The element's rendered text, as WebDriver defines it.
    pub async fn text(&self, el: &Element) -> Result<String, String> {
        let what = format!("text of `{}`", el.css);
        let v = self.cmd(Method::GET, &format!("/element/{}/text", el.id), None, &what).await?;
        v.as_str().map(str::to_owned).ok_or_else(|| format!("{what}: not a string: {v}"))
    }

    /// The HTML attribute as written in the page, `None` when absent (W3C semantics: for
    /// what the user typed into an input, read the `value` [`Browser::prop`]erty).
    pub async fn attr(&self, el: &Element, name: &str) -> Result<Option<String>, String> {
        let what = format!("attribute {name} of `{}`", el.css);
        let v = self.cmd(Method::GET, &format!("/element/{}/attribute/{name}", el.id), None, &what).await?;
        Ok(v.as_str().map(str::to_owned))
    }

    /// The DOM property (`value`, `checked` ...); `Null` when absent.
    pub async fn prop(&self, el: &Element, name: &str) -> Result<Value, String> {
        let what = format!("property {name} of `{}`", el.css);
        self.cmd(Method::GET, &format!("/element/{}/property/{name}", el.id), None, &what).await
    }

    /// Sends keys to the element as a user would type them; append [`ENTER`] to submit.
    pub async fn type_text(&self, el: &Element, text: &str) -> Result<(), String> {
        let path = format!("/element/{}/value", el.id);
        self.cmd(Method::POST, &path, Some(json!({ "text": text })), &format!("type into `{}`", el.css)).await.map(drop)
    }

    /// Presses Enter in the element.
    pub async fn press_enter(&self, el: &Element) -> Result<(), String> {
        self.type_text(el, ENTER).await
    }

    /// Runs `script` as a function body with `arguments` = `args`; returns what it returns.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Result<Value, String> {
        let body = json!({ "script": script, "args": args });
        self.cmd(Method::POST, "/execute/sync", Some(body), &format!("script {script:?}")).await
    }

    /// Saves a PNG of the viewport to `path` (parent directories are created).
    pub async fn screenshot(&self, path: &Path) -> Result<(), String> {
        let v = self.cmd(Method::GET, "/screenshot", None, "screenshot").await?;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .map_err(|e| format!("screenshot: not base64: {e}"))?;
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| format!("screenshot: {}: {e}", dir.display()))?;
        }
        std::fs::write(path, png).map_err(|e| format!("screenshot: {}: {e}", path.display()))
    }

    /// Messages of the SEVERE browser log entries since the last call: `console.error`,
    /// uncaught exceptions and failed resource loads. Chromedriver's legacy (non-W3C)
    /// `se/log` endpoint; W3C WebDriver has no log command.
    pub async fn console_errors(&self) -> Result<Vec<String>, String> {
        let v = self.cmd(Method::POST, "/se/log", Some(json!({ "type": "browser" })), "browser log").await?;
        let entries = v.as_array().ok_or_else(|| format!("browser log: not a list: {v}"))?;
        let severe = entries.iter().filter(|e| e["level"] == "SEVERE");
        Ok(severe.map(|e| e["message"].as_str().unwrap_or_default().to_owned()).collect())
    }
}

impl Drop for Browser {
    /// Ends the session over a blocking socket (Drop cannot await, and this works on any
    /// runtime), so chromedriver quits chromium; then kills chromedriver.
    fn drop(&mut self) {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        if let Ok(mut sock) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
            let _ = sock.set_read_timeout(Some(Duration::from_secs(10)));
            let req = format!(
                "DELETE /session/{} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
                self.session_id, self.port
            );
            // Chromedriver answers `Connection: close` but keeps the socket open: read until
            // the body is whole JSON, not until EOF.
            let (mut answer, mut chunk) = (Vec::new(), [0u8; 1024]);
            let _ = sock.write_all(req.as_bytes());
            while let Ok(n @ 1..) = sock.read(&mut chunk) {
                answer.extend_from_slice(&chunk[..n]);
                let body = answer.windows(4).position(|w| w == b"\r\n\r\n").map(|at| &answer[at + 4..]);
                if body.is_some_and(|b| serde_json::from_slice::<Value>(b).is_ok()) {
                    break;
                }
            }
        }
        let _ = self.driver.start_kill();
    }
}

/// One WebDriver request; the answer's `value`, or its `error` and `message` as the error.
async fn request(http: &Client, method: Method, url: &str, body: Option<Value>, what: &str) -> Result<Value, String> {
    let mut req = http.request(method, url);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let resp = req.send().await.map_err(|e| format!("{what}: {e}"))?;
    let status = resp.status();
    let mut v: Value = resp.json().await.map_err(|e| format!("{what}: HTTP {status}, no JSON: {e}"))?;
    let value = v.get_mut("value").map(Value::take).unwrap_or_default();
    match value["error"].as_str() {
        Some(error) => {
            // Chromedriver appends session info and a stack trace on further lines.
            let message = value["message"].as_str().unwrap_or_default().lines().next().unwrap_or_default();
            Err(format!("{what}: {error}: {message}"))
        }
        None if !status.is_success() => Err(format!("{what}: HTTP {status}: {value}")),
        None => Ok(value),
    }
}
