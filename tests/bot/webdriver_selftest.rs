//! The WebDriver client (`tests/support/webdriver.rs`) drives a real headless chromium:
//! clicks, typing, scripts, screenshots and the console-error log, against pages served
//! here on loopback.

use std::net::Ipv4Addr;
use std::time::{Duration, Instant};

use axum::response::Html;
use axum::routing::get;
use axum::Router;
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::webdriver::{Browser, ENTER};

/// The empty icon keeps chromium from requesting `/favicon.ico`, whose 404 would be a
/// console error.
const HOME: &str = r#"<!doctype html><html><head><link rel="icon" href="data:,"><title>home</title></head><body>
<button id="go" onclick="setTimeout(() => document.getElementById('out').textContent = 'clicked 点了', 100)">go</button>
<p id="out">waiting</p>
<input id="name" onkeydown="if (event.key === 'Enter') document.getElementById('out').textContent = 'sent ' + this.value">
</body></html>"#;

const BOOM: &str = r#"<!doctype html><html><head><link rel="icon" href="data:,"></head><body>
<p>boom</p><script>console.error("boom")</script></body></html>"#;

/// Serves HOME at `/` and BOOM at `/boom` on 127.0.0.1; abort the handle to stop.
async fn serve() -> (String, JoinHandle<()>) {
    let router = Router::new().route("/", get(|| async { Html(HOME) })).route("/boom", get(|| async { Html(BOOM) }));
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        while let Ok((sock, _)) = listener.accept().await {
            let service = TowerToHyperService::new(router.clone());
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(sock), service));
        }
    });
    (url, server)
}

#[tokio::test(flavor = "multi_thread")]
async fn webdriver_drives_chromium_and_catches_console_errors() {
    let started = Instant::now();
    let (url, server) = serve().await;
    let browser = Browser::start().await.unwrap();
    let wait = Duration::from_secs(5);

    browser.goto(&format!("{url}/")).await.unwrap();
    assert_eq!(browser.execute("return document.title", vec![]).await.unwrap(), json!("home"));
    let out = browser.wait_for("#out", wait).await.unwrap();
    assert_eq!(browser.text(&out).await.unwrap(), "waiting");
    assert_eq!(browser.attr(&out, "id").await.unwrap().as_deref(), Some("out"));
    assert_eq!(browser.attr(&out, "data-none").await.unwrap(), None);

    // The text changes 100 ms after the click: wait_until_text has to poll.
    browser.click(&browser.find("#go").await.unwrap()).await.unwrap();
    let hit = browser.wait_until_text("p", "点了", wait).await.unwrap();
    assert_eq!(browser.text(&hit).await.unwrap(), "clicked 点了");

    let input = browser.find("#name").await.unwrap();
    browser.type_text(&input, "邻里 neighbours").await.unwrap();
    let typed = browser.execute("return arguments[0].value", vec![input.json()]).await.unwrap();
    assert_eq!(typed, json!("邻里 neighbours"));
    assert_eq!(browser.prop(&input, "value").await.unwrap(), json!("邻里 neighbours"));
    assert_eq!(browser.attr(&input, "value").await.unwrap(), None, "the attribute is the page's, not the typing's");
    browser.type_text(&input, ENTER).await.unwrap();
    browser.wait_until_text("#out", "sent 邻里 neighbours", wait).await.unwrap();

    // Errors name the selector and WebDriver's error.
    let missing = browser.find("#absent").await.unwrap_err();
    assert!(missing.contains("#absent") && missing.contains("no such element"), "{missing}");
    let late = browser.wait_until_text("#out", "never", Duration::from_millis(200)).await.unwrap_err();
    assert!(late.contains("#out") && late.contains("sent 邻里"), "{late}");
    assert_eq!(browser.find_all("p, button, input").await.unwrap().len(), 3);

    let dir = tempfile::tempdir().unwrap();
    let shot = dir.path().join("shots/home.png");
    browser.screenshot(&shot).await.unwrap();
    let png = std::fs::read(&shot).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG: {:?}", &png[..png.len().min(8)]);
    assert!(png.len() > 1024, "{} bytes", png.len());

    assert_eq!(browser.console_errors().await.unwrap(), Vec::<String>::new());
    browser.goto(&format!("{url}/boom")).await.unwrap();
    let errors = browser.console_errors().await.unwrap();
    assert!(errors.len() == 1 && errors[0].contains("\"boom\""), "{errors:?}");
    // The log drains: read once, gone.
    assert_eq!(browser.console_errors().await.unwrap(), Vec::<String>::new());

    // An uncaught exception and a failed load count too.
    browser.execute("setTimeout(() => { throw new Error('late bang') }); fetch('/missing')", vec![]).await.unwrap();
    let deadline = Instant::now() + wait;
    let mut errors = Vec::new();
    while errors.len() < 2 && Instant::now() < deadline {
        errors.extend(browser.console_errors().await.unwrap());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(errors.iter().any(|e| e.contains("Uncaught Error: late bang")), "{errors:?}");
    assert!(errors.iter().any(|e| e.contains("/missing") && e.contains("404")), "{errors:?}");

    drop(browser);
    server.abort();
    eprintln!("webdriver self-test took {:?}", started.elapsed());
}

#[tokio::test]
async fn webdriver_start_names_what_is_missing() {
    let err = Browser::start_with("/nonexistent/chromedriver", "/usr/bin/chromium").await.err().unwrap();
    assert!(err.contains("/nonexistent/chromedriver") && err.contains("chromium-driver (.ci/run does)"), "{err}");
}
