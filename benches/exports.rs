//! Exports benchmark (issue 13, item 7). Prints its figures; run with
//! `cargo bench --bench exports`.
//!
//! One fresh database (`db::connect`): one community of 50 buildings, 10,000 residents,
//! 5 catalog items, and 200,000 orders of 5 lines each (1,000,000 order lines) over 20
//! days, 10,000 orders a day, built with set-based inserts (recursive CTEs). Then the
//! orders table is exported as the bot does it (`exports::store::record`, then
//! `exports::runner::run`, which streams the rows with `fetch` into CSV parts of at most
//! 45 MB): first 2 days (100,000 lines), then all 20 days (1,000,000 lines). Prints for
//! each the rows/s, the bytes and parts written, and the peak RSS (`VmHWM` of
//! `/proc/self/status`) before and after, to show memory does not grow with the size.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use linli::config::Settings;
use linli::exports::model::Table;
use linli::exports::store::{self, Request};
use linli::i18n::Lang;
use linli::{community, db, App};

const RESIDENTS: i64 = 10_000;
const ORDERS: i64 = 200_000;
const LINES: i64 = 5;
const DAYS: i64 = 20;

const FIXTURE: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼",
  "11号楼", "12号楼", "13号楼", "14号楼", "15号楼", "16号楼", "17号楼", "18号楼", "19号楼", "20号楼",
  "21号楼", "22号楼", "23号楼", "24号楼", "25号楼", "26号楼", "27号楼", "28号楼", "29号楼", "30号楼",
  "31号楼", "32号楼", "33号楼", "34号楼", "35号楼", "36号楼", "37号楼", "38号楼", "39号楼", "40号楼",
  "41号楼", "42号楼", "43号楼", "44号楼", "45号楼", "46号楼", "47号楼", "48号楼", "49号楼", "50号楼"]
"#;

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn day(n: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 1).unwrap() + chrono::Duration::days(n)
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().unwrap();
    let db = db::connect(&dir.path().join("linli.db")).await.unwrap();
    let pool = db::fixture_pool(&dir.path().join("linli.db")).await.unwrap();
    community::import(&db.write, &community::CommunityFile::parse(FIXTURE).unwrap()).await.unwrap();
    let (dihu,): (i64,) = sqlx::query_as("SELECT id FROM communities").fetch_one(&pool).await.unwrap();

    let started = Instant::now();
    let first = day(0).to_string();
    let placed_at = Utc.with_ymd_and_hms(2026, 11, 1, 1, 0, 0).unwrap().timestamp_millis();
    let sql = format!(
        "INSERT INTO users (id, display_name, lang, created_at)
           WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {RESIDENTS})
           SELECT 10000000 + i, '居民' || i, CASE WHEN i % 4 = 0 THEN 'en' ELSE 'zh-CN' END, 0 FROM n;
         INSERT INTO residents (user_id, community_id, building_id, unit_room, household, household_size, phone, registered_at)
           SELECT u.id, {dihu}, b.id, (u.id % 6 + 1) || '单元' || (u.id % 30 + 101), (u.id % 6 + 1) || '-' || (u.id % 30 + 101),
                  3, '138' || u.id, 0
           FROM users u JOIN buildings b ON b.id = (SELECT min(id) FROM buildings) + u.id % 50 WHERE u.id > 10000000;
         INSERT INTO catalog_categories (id, community_id, key, name, name_en) VALUES (1, {dihu}, 'food', '食品', 'Food');
         INSERT INTO catalog_items (id, community_id, category_id, name, name_en, unit, unit_en, price_fen, stock,
                                    limit_per_order, limit_per_day)
           VALUES (1, {dihu}, 1, '大白菜', 'Cabbage', '棵', 'head', 350, 1000000000, 9, 99),
                  (2, {dihu}, 1, '鸡蛋, 散装', 'Eggs, loose', '斤', 'jin', 690, 1000000000, 9, 99),
                  (3, {dihu}, 1, '大米 \"东北\"', 'Rice \"Northeast\"', '袋', 'bag', 4990, 1000000000, 9, 99),
                  (4, {dihu}, 1, '挂面', 'Noodles', '把', 'bundle', 550, 1000000000, 9, 99),
                  (5, {dihu}, 1, '食用油', 'Cooking oil', '桶', 'can', 7990, 1000000000, 9, 99);
         INSERT INTO orders (id, resident_id, community_id, building_id, placed_by, status, total_fen, day, placed_at,
                             updated_at, household)
           WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {ORDERS})
           SELECT i, r.user_id, {dihu}, r.building_id, r.user_id,
                  CASE i % 10 WHEN 0 THEN 'cancelled' WHEN 1 THEN 'placed' ELSE 'received' END, 18570,
                  date('{first}', '+' || ((i - 1) * {DAYS} / {ORDERS}) || ' days'),
                  {placed_at} + ((i - 1) * {DAYS} / {ORDERS}) * 86400000, 0, r.household
           FROM n JOIN residents r ON r.user_id = 10000001 + (i * 7919) % {RESIDENTS};
         INSERT INTO order_lines (order_id, item_id, quantity, price_fen)
           WITH RECURSIVE k(j) AS (SELECT 1 UNION ALL SELECT j + 1 FROM k WHERE j < {LINES})
           SELECT o.id, k.j, 1 + o.id % 3, c.price_fen FROM orders o, k JOIN catalog_items c ON c.id = k.j;"
    );
    sqlx::raw_sql(&sql).execute(&pool).await.unwrap();
    let (orders, lines): (i64, i64) =
        sqlx::query_as("SELECT (SELECT count(*) FROM orders), (SELECT count(*) FROM order_lines)")
            .fetch_one(&pool)
            .await
            .unwrap();
    println!("setup: {orders} orders, {lines} order lines in {:.1} s", started.elapsed().as_secs_f64());

    let out = tempfile::tempdir().unwrap();
    let mut settings = Settings::default();
    settings.exports.dir = Some(out.path().to_path_buf());
    let app = App::new(db.clone(), settings);
    for days in [2, DAYS] {
        let before = peak_rss_mb();
        let request = Request {
            user_id: 10000001,
            community_id: dihu,
            tables: vec![Table::Orders],
            from: day(0),
            to: day(days - 1),
            lang: Lang::ZhCn,
            with_phone: true,
        };
        let mut conn = pool.acquire().await.unwrap();
        let id = store::record(&mut conn, app.now(), &request).await.unwrap();
        drop(conn);
        let started = Instant::now();
        linli::exports::runner::run(&app, id).await.unwrap();
        let took = started.elapsed().as_secs_f64();
        let (rows, bytes, files): (i64, i64, String) =
            sqlx::query_as("SELECT rows, bytes, files FROM exports WHERE id = ?")
                .bind(id)
                .fetch_one(&pool)
                .await
                .unwrap();
        let parts = serde_json::from_str::<Vec<serde_json::Value>>(&files).unwrap().len();
        println!(
            "export of {days} days: {rows} rows in {took:.2} s = {:.0} rows/s; {:.1} MB in {parts} part(s); peak RSS {before:.1} MB before, {:.1} MB after",
            rows as f64 / took,
            bytes as f64 / 1_048_576.0,
            peak_rss_mb()
        );
    }
}
