//! Orders benchmark (issue 4). Prints its figures; run with `cargo bench --bench orders`.
//!
//! One fresh database (`db::connect`) holding a district at full size: 1 subdistrict, 20
//! communities × 50 buildings, a catalog of 30 items per community (5 categories × 6,
//! stock a billion), 100,000 residents (100 per building) and 1,000,000 orders over 60
//! days (16,667 a day, in time order, each for a random resident) with 1–4 lines each.
//! Today's orders are still on their way (placed 35 %, accepted 30 %, packed 15 %, out for
//! delivery 10 %, delivered 5 %, cancelled 5 %); yesterday's are 15 % delivered, 80 %
//! received, 5 % cancelled or rejected; older ones 96 % received, 3 % cancelled, 1 %
//! rejected. Built with plain SQL: multi-row prepared inserts, 50,000 rows a transaction,
//! through one loading connection with a large page cache and no foreign-key checks (the
//! rows are consistent by construction); the pool that is measured is then opened afresh
//! with `db::connect`, exactly as the application opens it. Setup time is printed apart.
//!
//! (1) Confirmation: 2,000 residents never used before each get a cart of 1–4 lines
//!     (`store::set_cart`, timed apart) and confirm it with `store::place`, one after
//!     another; then 2,000 others confirm from 8 concurrent tasks (250 each, released
//!     together); then 2,000 more the same way, each `place` first queued on a tokio
//!     `Mutex` (an in-process writer queue, as suggested for shifts; bench code only).
//!     Prints confirmations/s (place calls / wall time) and p50/p99/max of one `place`.
//!     Every confirmation must succeed.
//! (2) Interactive queries, 1,000 calls each after 20 warm-ups, on random residents and
//!     communities: `my_orders(resident, 10)`, `pipeline(community)`,
//!     `pick_list(community)` (every building of the community, as in `src/`) and the
//!     pick list of one building (the same SQL plus `AND o.building_id = ?`, written in
//!     this file). Prints p50/p99/max; goal p99 < 10 ms each.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Days, NaiveDate, TimeZone, Utc};
use linli::db::Writer;
use linli::i18n::Lang;
use linli::orders::store::{self, Household, Placement};
use sqlx::query_builder::Separated;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{Barrier, Mutex};

const TZ: chrono_tz::Tz = chrono_tz::Asia::Shanghai;
const COMMUNITIES: i64 = 20;
/// Per community.
const BUILDINGS: i64 = 50;
/// Per community, in `CATEGORIES` categories.
const ITEMS: i64 = 30;
const CATEGORIES: i64 = 5;
const RESIDENTS: i64 = 100_000;
const ORDERS: i64 = 1_000_000;
const DAYS: i64 = 60;
/// Telegram user ids of the residents: 10_000_001, 10_000_002, …
const FIRST_USER: i64 = 10_000_001;
/// Confirmations per run (sequential, then concurrent).
const CONFIRMATIONS: usize = 2_000;
const TASKS: usize = 8;
const CALLS: usize = 1_000;
const WARMUP: usize = 20;
const ROWS_PER_TX: usize = 50_000;
const ROWS_PER_STATEMENT: usize = 200;
const GOAL_MS: f64 = 10.0;

/// The pick list of one building: `store::pick_list` narrowed with `o.building_id`.
const PICK_LIST_ONE_BUILDING: &str = "SELECT b.name, i.name, i.unit, sum(l.quantity) FROM orders o
     JOIN order_lines l ON l.order_id = o.id JOIN catalog_items i ON i.id = l.item_id
     JOIN buildings b ON b.id = o.building_id
     WHERE o.community_id = ? AND o.building_id = ? AND o.status = 'accepted'
     GROUP BY b.id, i.id ORDER BY b.position, b.id, i.category_id, i.id";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
}

fn local(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    TZ.from_local_datetime(&day.and_hms_opt(hour, 0, 0).unwrap()).unwrap().with_timezone(&Utc)
}

/// A small deterministic hash, so every run builds the same district.
fn mix(x: i64) -> u64 {
    let mut z = (x as u64).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// (community, building) ids of resident number `i` (0-based): 100 per building.
fn home(i: i64) -> (i64, i64) {
    let b = i % (COMMUNITIES * BUILDINGS);
    (b / BUILDINGS + 1, b + 1)
}

fn item_id(community: i64, j: i64) -> i64 {
    (community - 1) * ITEMS + j + 1
}

fn price(j: i64) -> i64 {
    150 + (j * 373) % 2850
}

/// 1–4 distinct items of the community, 1–3 of each: (item, quantity, price).
fn basket(community: i64, seed: u64, most: u64) -> Vec<(i64, i64, i64)> {
    let n = 1 + seed % 4;
    let start = (seed >> 8) % ITEMS as u64;
    (0..n)
        .map(|t| {
            // Steps of 7 modulo 30 never meet again within 4 steps.
            let j = ((start + 7 * t) % ITEMS as u64) as i64;
            (item_id(community, j), 1 + ((seed >> (16 + 2 * t)) % most) as i64, price(j))
        })
        .collect()
}

fn status(age: i64, r: u64) -> &'static str {
    match age {
        0 => match r {
            0..35 => "placed",
            35..65 => "accepted",
            65..80 => "packed",
            80..90 => "out_for_delivery",
            90..95 => "delivered",
            _ => "cancelled",
        },
        1 => match r {
            0..15 => "delivered",
            15..95 => "received",
            95..99 => "cancelled",
            _ => "rejected",
        },
        _ => match r {
            0..96 => "received",
            96..99 => "cancelled",
            _ => "rejected",
        },
    }
}

struct Order {
    id: i64,
    resident: i64,
    community: i64,
    building: i64,
    status: &'static str,
    note: &'static str,
    total: i64,
    day: usize,
    placed_at: i64,
    lines: Vec<(i64, i64, i64)>,
}

/// Order number `k` (0-based) of the history; `days[d]` is (local date, its start in ms).
fn order(k: i64, days: &[(String, i64)]) -> Order {
    let per_day = ORDERS / DAYS + 1;
    let day = (k * DAYS / ORDERS) as usize;
    let resident = (mix(k) % RESIDENTS as u64) as i64;
    let (community, building) = home(resident);
    let lines = basket(community, mix(k ^ 0x5EED), 3);
    Order {
        id: k + 1,
        resident: FIRST_USER + resident,
        community,
        building,
        status: status(DAYS - 1 - day as i64, mix(k ^ 0x57A7) % 100),
        note: if mix(k ^ 0x4E07E).is_multiple_of(5) { "放门口，先打电话" } else { "" },
        total: lines.iter().map(|(_, q, p)| q * p).sum(),
        day,
        // From 07:00, spread over 14 hours.
        placed_at: days[day].1 + 7 * 3_600_000 + (k % per_day) * (14 * 3_600_000 / per_day),
        lines,
    }
}

/// Inserts `rows` with `head` (`INSERT INTO t (cols) `) and one `VALUES` tuple per row,
/// `ROWS_PER_STATEMENT` tuples a statement, `ROWS_PER_TX` rows a transaction. Returns the
/// number of rows.
async fn bulk<T, F>(conn: &mut SqliteConnection, head: &str, rows: impl IntoIterator<Item = T>, mut bind: F) -> usize
where
    F: FnMut(Separated<'_, 'static, Sqlite, &'static str>, T),
{
    let mut rows = rows.into_iter().peekable();
    let mut n = 0;
    while rows.peek().is_some() {
        let mut tx = conn.begin().await.unwrap();
        let mut in_tx = 0;
        while in_tx < ROWS_PER_TX {
            let chunk: Vec<T> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
            if chunk.is_empty() {
                break;
            }
            in_tx += chunk.len();
            let mut qb: QueryBuilder<'static, Sqlite> = QueryBuilder::new(head);
            qb.push_values(chunk, &mut bind);
            qb.build().execute(&mut *tx).await.unwrap();
        }
        tx.commit().await.unwrap();
        n += in_tx;
    }
    n
}

/// The district, loaded through its own connection. Returns a line describing it.
async fn build_district(path: &std::path::Path) -> String {
    let options = SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(path)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Off)
        .foreign_keys(false)
        .pragma("cache_size", "-524288");
    let mut conn = SqliteConnection::connect_with(&options).await.unwrap();
    let c = &mut conn;
    let created = chrono::Utc::now().timestamp_millis();
    let mut phases = Vec::new();
    let mut phase = Instant::now();
    let mut lap = |name: &str, rows: usize| {
        phases.push(format!("{name} {rows} in {:.1} s", phase.elapsed().as_secs_f64()));
        phase = Instant::now();
    };

    sqlx::query("INSERT INTO subdistricts (id, name, name_en, timezone) VALUES (1, '航海西路街道', 'Hanghai West Road', 'Asia/Shanghai')")
        .execute(&mut *c)
        .await
        .unwrap();
    let communities = 1..=COMMUNITIES;
    bulk(c, "INSERT INTO communities (id, subdistrict_id, name, name_en) ", communities.clone(), |mut b, id| {
        b.push_bind(id).push_bind(1).push_bind(format!("第{id}社区")).push_bind(format!("Community {id}"));
    })
    .await;
    let buildings = (0..COMMUNITIES * BUILDINGS).map(|b| (b + 1, b / BUILDINGS + 1, b % BUILDINGS + 1));
    bulk(c, "INSERT INTO buildings (id, community_id, name, position) ", buildings, |mut b, (id, community, n)| {
        b.push_bind(id).push_bind(community).push_bind(format!("{n}号楼")).push_bind(n);
    })
    .await;
    let categories = communities.clone().flat_map(|c| (0..CATEGORIES).map(move |k| (c, k)));
    bulk(
        c,
        "INSERT INTO catalog_categories (id, community_id, key, name, name_en, position) ",
        categories,
        |mut b, (community, k)| {
            b.push_bind((community - 1) * CATEGORIES + k + 1)
                .push_bind(community)
                .push_bind(format!("cat{k}"))
                .push_bind(format!("类别{k}"))
                .push_bind(format!("Category {k}"))
                .push_bind(k);
        },
    )
    .await;
    let items = communities.clone().flat_map(|c| (0..ITEMS).map(move |j| (c, j)));
    bulk(
        c,
        "INSERT INTO catalog_items (id, community_id, category_id, name, name_en, unit, unit_en, price_fen, stock,
                                    limit_per_order, limit_per_day, active) ",
        items,
        |mut b, (community, j)| {
            b.push_bind(item_id(community, j))
                .push_bind(community)
                .push_bind((community - 1) * CATEGORIES + j / (ITEMS / CATEGORIES) + 1)
                .push_bind(format!("商品{j}"))
                .push_bind(format!("Item {j}"))
                .push_bind("袋")
                .push_bind("bag")
                .push_bind(price(j))
                .push_bind(1_000_000_000)
                .push_bind(5)
                .push_bind(20)
                .push_bind(1);
        },
    )
    .await;
    let n = bulk(c, "INSERT INTO users (id, display_name, lang, created_at) ", 0..RESIDENTS, |mut b, i| {
        b.push_bind(FIRST_USER + i)
            .push_bind(format!("居民{i}"))
            .push_bind(if i % 4 == 3 { "en" } else { "zh-CN" })
            .push_bind(created);
    })
    .await;
    lap("users", n);
    let n = bulk(
        c,
        "INSERT INTO residents (user_id, community_id, building_id, unit_room, household_size, phone, registered_at) ",
        0..RESIDENTS,
        |mut b, i| {
            let (community, building) = home(i);
            b.push_bind(FIRST_USER + i)
                .push_bind(community)
                .push_bind(building)
                .push_bind(format!("{}单元{}室", i % 6 + 1, 101 + i % 1800))
                .push_bind(1 + i % 5)
                .push_bind(format!("138{:08}", i))
                .push_bind(created);
        },
    )
    .await;
    lap("residents", n);

    let first_day = today().checked_sub_days(Days::new(DAYS as u64 - 1)).unwrap();
    let days: Vec<(String, i64)> = (0..DAYS as u64)
        .map(|d| {
            let day = first_day.checked_add_days(Days::new(d)).unwrap();
            (day.to_string(), local(day, 0).timestamp_millis())
        })
        .collect();
    let n = bulk(
        c,
        "INSERT INTO orders (id, resident_id, community_id, building_id, placed_by, status, note, total_fen, day,
                             placed_at, updated_at) ",
        (0..ORDERS).map(|k| order(k, &days)),
        |mut b, o| {
            b.push_bind(o.id)
                .push_bind(o.resident)
                .push_bind(o.community)
                .push_bind(o.building)
                .push_bind(o.resident)
                .push_bind(o.status)
                .push_bind(o.note)
                .push_bind(o.total)
                .push_bind(days[o.day].0.clone())
                .push_bind(o.placed_at)
                .push_bind(o.placed_at + 3_600_000);
        },
    )
    .await;
    lap("orders", n);
    let lines = (0..ORDERS).flat_map(|k| {
        let o = order(k, &days);
        o.lines.into_iter().map(move |(item, quantity, price)| (o.id, item, quantity, price))
    });
    let n = bulk(c, "INSERT INTO order_lines (order_id, item_id, quantity, price_fen) ", lines, |mut b, l| {
        b.push_bind(l.0).push_bind(l.1).push_bind(l.2).push_bind(l.3);
    })
    .await;
    lap("order lines", n);
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut *c).await.unwrap();
    lap("checkpoint", 1);
    conn.close().await.unwrap();
    phases.join(", ")
}

/// Nearest-rank percentile of sorted durations.
fn pct(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    format!(
        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        ms(pct(times, 50.0)),
        ms(pct(times, 99.0)),
        ms(*times.last().unwrap())
    )
}

fn verdict(times: &[Duration]) -> &'static str {
    if ms(pct(times, 99.0)) < GOAL_MS {
        "met"
    } else {
        "MISSED"
    }
}

/// A resident who confirms in (1): user id, community, building.
#[derive(Clone, Copy)]
struct Buyer {
    user: i64,
    community: i64,
    building: i64,
    seed: u64,
}

/// `CONFIRMATIONS` residents not used before, numbered from `from`: a stride coprime with
/// 100,000 gives distinct residents spread over every building.
fn buyers(from: usize) -> Vec<Buyer> {
    (from..from + CONFIRMATIONS)
        .map(|j| {
            let i = (j as i64 * 7919 + 13) % RESIDENTS;
            let (community, building) = home(i);
            Buyer { user: FIRST_USER + i, community, building, seed: mix(-(j as i64) - 1) }
        })
        .collect()
}

/// Fills every buyer's cart (1–4 lines of 1–2); returns the time of each `set_cart`.
async fn fill_carts(writer: &Writer, buyers: &[Buyer]) -> Vec<Duration> {
    let mut times = Vec::new();
    for b in buyers {
        for (item, quantity, _) in basket(b.community, b.seed, 2) {
            let started = Instant::now();
            let mut conn = writer.lock().await;
            store::set_cart(&mut conn, b.user, item, quantity).await.unwrap();
            times.push(started.elapsed());
        }
    }
    times
}

async fn confirm(writer: &Writer, b: &Buyer, day: &str, now: DateTime<Utc>) -> Duration {
    let key = b.user.to_string();
    let placement = Placement {
        resident: b.user,
        community_id: b.community,
        placed_by: b.user,
        note: "",
        household: Household { building_id: b.building, key: &key, day },
        now,
    };
    let started = Instant::now();
    let mut tx = writer.begin().await.unwrap();
    let placed = store::place(&mut tx, &placement).await.unwrap();
    tx.commit().await.unwrap();
    let took = started.elapsed();
    let (_, total) = placed.unwrap_or_else(|s| panic!("resident {} could not confirm: {s:?}", b.user));
    let want: i64 = basket(b.community, b.seed, 2).iter().map(|(_, q, p)| q * p).sum();
    assert_eq!(total, want, "the order's total");
    took
}

/// `buyers` confirm from `TASKS` tasks released together, each taking its share in turn;
/// with `queue`, every `place` first waits its turn on that (FIFO) mutex. Returns the wall
/// time and each `place`'s time (its wait for the queue included).
async fn concurrently(
    writer: &Writer,
    buyers: &[Buyer],
    day: &str,
    now: DateTime<Utc>,
    queue: Option<Arc<Mutex<()>>>,
) -> (Duration, Vec<Duration>) {
    let barrier = Arc::new(Barrier::new(TASKS + 1));
    let mut tasks = Vec::new();
    for share in buyers.chunks(buyers.len().div_ceil(TASKS)) {
        let (writer, barrier, share, day, queue) =
            (writer.clone(), barrier.clone(), share.to_vec(), day.to_string(), queue.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let mut times = Vec::new();
            for b in &share {
                let started = Instant::now();
                let turn = match &queue {
                    Some(q) => Some(q.lock().await),
                    None => None,
                };
                confirm(&writer, b, &day, now).await;
                drop(turn);
                times.push(started.elapsed());
            }
            times
        }));
    }
    barrier.wait().await;
    let started = Instant::now();
    let mut times = Vec::new();
    for t in tasks {
        times.extend(t.await.unwrap());
    }
    (started.elapsed(), times)
}

/// Calls `call` on the first `WARMUP` inputs untimed, then on every input timed.
/// Returns the times and the rows the calls returned.
async fn timed<T: Copy>(inputs: &[T], mut call: impl AsyncFnMut(T) -> usize) -> (Vec<Duration>, usize) {
    for &x in inputs.iter().take(WARMUP) {
        call(x).await;
    }
    let mut times = Vec::with_capacity(inputs.len());
    let mut rows = 0;
    for &x in inputs {
        let started = Instant::now();
        rows += call(x).await;
        times.push(started.elapsed());
    }
    (times, rows)
}

async fn count(pool: &SqlitePool, sql: &str) -> i64 {
    sqlx::query_as::<_, (i64,)>(sql).fetch_one(pool).await.unwrap().0
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orders.db");

    let setup = Instant::now();
    linli::db::connect(&path).await.unwrap().close().await;
    let phases = build_district(&path).await;
    let db = linli::db::connect(&path).await.unwrap();
    let pool = db.read.clone();
    let size = std::fs::metadata(&path).unwrap().len();
    let open = count(
        &pool,
        "SELECT count(*) FROM orders WHERE status IN ('placed', 'accepted', 'packed', 'out_for_delivery', 'delivered')",
    )
    .await;
    let accepted = count(&pool, "SELECT count(*) FROM orders WHERE status = 'accepted'").await;
    let lines = count(&pool, "SELECT count(*) FROM order_lines").await;
    println!(
        "setup: {COMMUNITIES} communities × {BUILDINGS} buildings, {} catalog items, {RESIDENTS} residents, {ORDERS} orders \
         over {DAYS} days ({open} open, {accepted} accepted), {lines} order lines; database {:.0} MiB; {:.1} s ({phases})",
        COMMUNITIES * ITEMS,
        size as f64 / 1048576.0,
        setup.elapsed().as_secs_f64()
    );

    // (1) Confirmation throughput.
    let day = today().to_string();
    let now = local(today(), 21);
    let one_by_one = buyers(0);
    let mut cart_times = fill_carts(&db.write, &one_by_one).await;
    let started = Instant::now();
    let mut times = Vec::new();
    for b in &one_by_one {
        times.push(confirm(&db.write, b, &day, now).await);
    }
    let wall = started.elapsed();
    println!(
        "(1) {CONFIRMATIONS} confirmations one after another: {:.2} s = {:.0} confirmations/s; place {}",
        wall.as_secs_f64(),
        CONFIRMATIONS as f64 / wall.as_secs_f64(),
        summary(&mut times)
    );

    let together = buyers(CONFIRMATIONS);
    cart_times.extend(fill_carts(&db.write, &together).await);
    let (wall, mut times) = concurrently(&db.write, &together, &day, now, None).await;
    println!(
        "(1) {CONFIRMATIONS} confirmations from {TASKS} concurrent tasks: {:.2} s = {:.0} confirmations/s; place {}",
        wall.as_secs_f64(),
        CONFIRMATIONS as f64 / wall.as_secs_f64(),
        summary(&mut times)
    );
    let queued = buyers(2 * CONFIRMATIONS);
    cart_times.extend(fill_carts(&db.write, &queued).await);
    let (wall, mut times) = concurrently(&db.write, &queued, &day, now, Some(Arc::new(Mutex::new(())))).await;
    println!(
        "(1) the same, each place first queued on a tokio Mutex (an in-process writer queue; not in src/): {:.2} s = \
         {:.0} confirmations/s; place (queue wait included) {}",
        wall.as_secs_f64(),
        CONFIRMATIONS as f64 / wall.as_secs_f64(),
        summary(&mut times)
    );
    println!("(1) filling those carts: {} set_cart calls, {}", cart_times.len(), summary(&mut cart_times));
    let placed = count(&pool, &format!("SELECT count(*) FROM orders WHERE id > {ORDERS} AND status = 'placed'")).await;
    assert_eq!(placed, 3 * CONFIRMATIONS as i64, "one order per confirmation");
    assert_eq!(count(&pool, "SELECT count(*) FROM cart_lines").await, 0, "every cart emptied");

    // (2) Interactive queries.
    let residents: Vec<i64> =
        (0..CALLS as i64).map(|n| FIRST_USER + (mix(n ^ 0x0DE5) % RESIDENTS as u64) as i64).collect();
    let places: Vec<(i64, i64)> = (0..CALLS as i64)
        .map(|n| {
            let community = (mix(n ^ 0xC0) % COMMUNITIES as u64) as i64 + 1;
            let building = (community - 1) * BUILDINGS + (mix(n ^ 0xB1) % BUILDINGS as u64) as i64 + 1;
            (community, building)
        })
        .collect();
    let communities: Vec<i64> = places.iter().map(|p| p.0).collect();

    let (mut times, rows) =
        timed(&residents, async |r| store::my_orders(&pool, Lang::ZhCn, r, 10).await.unwrap().len()).await;
    println!(
        "(2) my_orders(resident, 10), {CALLS} random residents ({:.1} orders each): {} (goal p99 < {GOAL_MS} ms: {})",
        rows as f64 / CALLS as f64,
        summary(&mut times),
        verdict(&times)
    );
    let (mut times, rows) =
        timed(&communities, async |c| store::pipeline(&pool, Lang::ZhCn, c).await.unwrap().len()).await;
    println!(
        "(2) pipeline(community), {CALLS} calls ({:.0} status × building rows each): {} (goal p99 < {GOAL_MS} ms: {})",
        rows as f64 / CALLS as f64,
        summary(&mut times),
        verdict(&times)
    );
    let (mut times, rows) =
        timed(&communities, async |c| store::pick_list(&pool, Lang::ZhCn, c).await.unwrap().len()).await;
    println!(
        "(2) pick_list(community), every building, {CALLS} calls ({:.0} building × item rows each): {} \
         (goal p99 < {GOAL_MS} ms: {})",
        rows as f64 / CALLS as f64,
        summary(&mut times),
        verdict(&times)
    );
    let (mut times, rows) = timed(&places, async |(c, b)| {
        sqlx::query_as::<_, (String, String, String, i64)>(PICK_LIST_ONE_BUILDING)
            .bind(c)
            .bind(b)
            .fetch_all(&pool)
            .await
            .unwrap()
            .len()
    })
    .await;
    println!(
        "(2) pick list of one building (this file's SQL), {CALLS} calls ({:.1} item rows each): {} \
         (goal p99 < {GOAL_MS} ms: {})",
        rows as f64 / CALLS as f64,
        summary(&mut times),
        verdict(&times)
    );
}
