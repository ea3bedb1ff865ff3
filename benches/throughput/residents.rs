//! The closed loop: residents, each its own task, each sending its next update only after
//! the bot's answer to the previous one: `/start`, registration (community, building,
//! unit and room, household size, phone, confirm), then an order (category, item,
//! quantity, checkout, no note, confirm). A tap's `answerCallbackQuery` names no chat, so
//! a step waits for the messages the person reads next (sent or edited in their chat).

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use linli::bot::CallbackData;
use linli::orders::buttons::Cb as Order;
use linli::people::buttons::Cb as People;
use serde_json::{json, Value};

use crate::botapi_stub::StubApi;
use crate::process::{own_cpu_ms, BotProcess, Kind};

/// Residents' user ids (and private chats): 30_000_001, 30_000_002, …
const FIRST_RESIDENT: i64 = 30_000_001;
const STEP_LIMIT: Duration = Duration::from_secs(60);

/// What one closed-loop run measured.
pub struct Loop {
    pub steps: usize,
    pub secs: f64,
    /// One step: update queued → the last message it brings delivered, sorted, in ms.
    pub latency_ms: Vec<f64>,
    pub cpu_ms: f64,
    pub rss_mib: f64,
    pub stub_cpu_ms: f64,
}

/// The ids a resident's buttons carry.
#[derive(Clone, Copy)]
struct Ids {
    community: i64,
    buildings: [i64; 10],
    category: i64,
    item: i64,
}

enum Input {
    Text(String),
    Tap(String),
}

/// What resident `n` sends to `kind`, in order, each with the number of messages it brings:
/// echo gets as many plain texts (its floor for the same loop).
fn script_for(kind: Kind, n: usize, ids: &Ids) -> Vec<(Input, usize)> {
    match kind {
        Kind::Linli => script(n, ids),
        Kind::Echo => (0..script(n, ids).len()).map(|k| (Input::Text(format!("step {k}")), 1)).collect(),
    }
}

/// Resident `n`'s updates to Linli in order, each with the number of messages it brings.
fn script(n: usize, ids: &Ids) -> Vec<(Input, usize)> {
    let text = |t: &str| Input::Text(t.to_owned());
    let tap = |data: String| Input::Tap(data);
    let item = ids.item;
    vec![
        (text("/start"), 1),
        (text("/register"), 1),
        (tap(People::PickCommunity(ids.community).encode()), 1),
        (tap(People::PickBuilding(ids.buildings[n % 10]).encode()), 1),
        (text(&format!("{}单元{}", n % 4 + 1, 101 + n)), 1),
        (text("3"), 1),
        // "phone noted" (taking the keyboard away), then the summary.
        (text(&format!("1380000{:04}", n % 10_000)), 2),
        (tap(People::Confirm.encode()), 1),
        (text("/order"), 1),
        (tap(Order::OrderCategory(ids.category).encode()), 1),
        (tap(Order::OrderItem(item).encode()), 1),
        (tap(Order::OrderQty { item_id: item, qty: 1 }.encode()), 1),
        (tap(Order::Checkout.encode()), 1),
        (tap(Order::NoNote.encode()), 1),
        (tap(Order::Confirm.encode()), 1),
    ]
}

/// A tap on a button of a message the bot sent `user` earlier.
fn tap(user: i64, n: usize, data: String) -> Value {
    let message = json!({
        "message_id": 1, "date": crate::unix_now(), "text": "buttons",
        "chat": {"id": user, "type": "private", "first_name": format!("User{user}")},
        "from": {"id": crate::botapi_stub::BOT_ID, "is_bot": true, "first_name": "Linli", "username": crate::botapi_stub::BOT_USERNAME},
    });
    json!({"callback_query": {
        "id": format!("q{user}-{n}"), "chat_instance": format!("ci{user}"), "data": data, "message": message,
        "from": {"id": user, "is_bot": false, "first_name": format!("User{user}"), "language_code": "zh-CN"},
    }})
}

fn update(user: i64, step: usize, input: &Input) -> Value {
    match input {
        Input::Text(text) => StubApi::private_text(user, "zh-CN", text),
        Input::Tap(data) => tap(user, step, data.clone()),
    }
}

async fn ids(db: &Path) -> Ids {
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let community: i64 = sqlx::query_scalar("SELECT id FROM communities").fetch_one(&pool).await.unwrap();
    let buildings: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM buildings ORDER BY position, id").fetch_all(&pool).await.unwrap();
    let (item, category): (i64, i64) =
        sqlx::query_as("SELECT id, category_id FROM catalog_items ORDER BY id LIMIT 1").fetch_one(&pool).await.unwrap();
    pool.close().await;
    Ids { community, buildings: buildings.try_into().unwrap(), category, item }
}

/// How the residents behave.
#[derive(Clone, Copy)]
pub struct Pace {
    /// How long a resident reads after each answer before the next step.
    pub think: Duration,
    /// Resident `n` of `N` starts `think × n / N` after the first (arrivals spread over one
    /// pause, as people do not all tap in the same millisecond); zero without a pause.
    pub residents: usize,
}

/// One resident's whole conversation; the latency of each step in ms.
async fn converse(stub: Arc<StubApi>, kind: Kind, n: usize, ids: Ids, pace: Pace, probe: bool) -> Vec<f64> {
    let user = FIRST_RESIDENT + n as i64;
    let mut expected = 0;
    let mut latency = Vec::new();
    let mut seen = 0;
    tokio::time::sleep(pace.think.mul_f64(n as f64 / pace.residents.max(1) as f64)).await;
    for (step, (input, replies)) in script_for(kind, n, &ids).iter().enumerate() {
        expected += replies;
        let pushed = Instant::now();
        stub.push_update(update(user, step, input));
        if probe {
            // Learns what each step brings: waits, then prints the chat's messages so far.
            tokio::time::sleep(Duration::from_millis(500)).await;
            let got: Vec<_> = stub.delivered_to(user).into_iter().map(|r| (r.method, r.text)).collect();
            println!(
                "step {step}: {} messages so far (script says {expected}), new: {:?}",
                got.len(),
                &got[seen.min(got.len())..]
            );
            seen = got.len();
            continue;
        }
        let reached = tokio::time::timeout(STEP_LIMIT, stub.watch().chat_reaches(user, expected)).await;
        let count = stub.watch().count(user);
        assert!(reached.is_ok(), "resident {user}, step {step}: {count} messages, expected {expected}");
        latency.push(pushed.elapsed().as_secs_f64() * 1000.0);
        tokio::time::sleep(pace.think).await;
    }
    latency
}

/// `residents` conversations at once against a fresh bot of `kind`, each pausing `think`
/// after each answer (with none, N residents keep N updates in the bot at all times, so a
/// step's mean latency is N / (steps per second) whatever the bot does: Little's law);
/// `probe`: one resident, printing what each step brings (to update [`script`] when a
/// dialogue changes).
pub async fn run(kind: Kind, residents: usize, think: Duration, probe: bool) -> Loop {
    let stub = Arc::new(StubApi::start().await);
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("linli.db");
    crate::child::prepare(&db).await;
    let ids = ids(&db).await;
    let bot = BotProcess::spawn(kind, &stub.url(), matches!(kind, Kind::Linli).then_some(db.as_path()));
    let polling = tokio::time::timeout(Duration::from_secs(60), stub.watch().polls_reach(1)).await;
    assert!(polling.is_ok(), "{} never polled", kind.name());
    let (cpu_before, own_before, started) = (bot.cpu_ms(), own_cpu_ms(), Instant::now());
    let pace = Pace { think, residents };
    let tasks: Vec<_> =
        (0..residents).map(|n| tokio::spawn(converse(Arc::clone(&stub), kind, n, ids, pace, probe))).collect();
    let mut latency_ms = Vec::new();
    for task in tasks {
        latency_ms.extend(task.await.unwrap());
    }
    let secs = started.elapsed().as_secs_f64();
    let (cpu_ms, stub_cpu_ms) = (bot.cpu_ms() - cpu_before, own_cpu_ms() - own_before);
    let rss_mib = bot.peak_rss_mib();
    tokio::time::sleep(Duration::from_millis(500)).await;
    bot.kill();
    let per_resident: usize = script_for(kind, 0, &ids).iter().map(|(_, r)| r).sum();
    let extra: Vec<_> = (0..residents as i64)
        .map(|n| (FIRST_RESIDENT + n, stub.watch().count(FIRST_RESIDENT + n)))
        .filter(|&(_, c)| c != per_resident)
        .collect();
    assert!(probe || extra.is_empty(), "residents with other than {per_resident} messages: {extra:?}");
    latency_ms.sort_by(f64::total_cmp);
    let measured = Loop { steps: latency_ms.len(), secs, latency_ms, cpu_ms, rss_mib, stub_cpu_ms };
    if matches!(kind, Kind::Echo) {
        return measured;
    }
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", db.display())).await.unwrap();
    let (registered, ordered): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM residents WHERE user_id >= ?1), (SELECT count(DISTINCT resident_id) FROM orders WHERE resident_id >= ?1)",
    )
    .bind(FIRST_RESIDENT)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert!(
        probe || (registered, ordered) == (residents as i64, residents as i64),
        "{registered} registered, {ordered} with an order, of {residents}"
    );
    measured
}
