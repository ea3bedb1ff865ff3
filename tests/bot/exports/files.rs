//! The files: parts under the size limit each with the header, the outbox streaming a file
//! from disk to the Bot API, the nightly prune (files go, the record stays), an erasure.

use super::*;
use crate::botapi_stub::StubApi;

#[tokio::test]
async fn a_table_larger_than_a_part_comes_in_numbered_parts_each_with_the_header() {
    let s = sheets_with(420).await;
    // Sixty more orders today, with two lines each (set-based, as a real day would be).
    let b3 = s.world.building(s.dihu, "3号楼").await;
    sqlx::raw_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60)
         INSERT INTO orders (id, resident_id, community_id, building_id, placed_by, status, total_fen, day, placed_at,
                             updated_at, household)
           SELECT 1000 + i, {R2}, {d}, {b3}, {R2}, 'accepted', 1550, '2026-11-29', 0, 0, '2-302' FROM n;
         INSERT INTO order_lines (order_id, item_id, quantity, price_fen)
           SELECT id, 811, 1, 350 FROM orders WHERE id > 1000 UNION ALL SELECT id, 812, 1, 1200 FROM orders WHERE id > 1000;",
        d = s.dihu
    ))
    .execute(s.pool())
    .await
    .unwrap();
    s.export(OFFICIAL, ZH, Pick::One(Table::Orders), Ok(Preset::Today)).await;
    let docs = s.documents(OFFICIAL).await;
    assert!(docs.len() > 3, "{}", docs.len());
    let parts = docs.len().to_string();
    let mut lines = 0;
    for (i, (name, path, caption)) in docs.iter().enumerate() {
        let n = (i + 1).to_string();
        assert_eq!(*name, format!("帝湖社区-orders-2026-11-29_2026-11-29-part{n}.csv"));
        assert!(std::fs::metadata(path).unwrap().len() <= 420);
        let (head, rows) = read_csv(path);
        assert_eq!(head[0], tr(ZH, "exports.columns.orders.order"), "part {n} starts with the header");
        lines += rows.len();
        let table = tr(ZH, "exports.table.orders");
        let want =
            trf(ZH, "exports.caption_part", &[("table", &table), ("rows", "122"), ("part", &n), ("parts", &parts)]);
        assert_eq!(*caption, want);
    }
    assert_eq!(lines, 122, "every line once: 60 × 2 and order 901's two");
}

#[tokio::test]
async fn the_outbox_streams_an_export_file_from_disk_to_the_bot_api() {
    let s = sheets().await;
    s.export(OFFICIAL, ZH, Pick::One(Table::Residents), Ok(Preset::Today)).await;
    let stub = StubApi::start().await;
    let sender = linli::outbox::Sender::new(stub.bot(), s.app.db(), crate::outbox::fast());
    tokio::time::timeout(Duration::from_secs(30), sender.drain()).await.unwrap().unwrap();
    let sent = stub.delivered();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].method.to_lowercase(), "senddocument");
    assert_eq!(sent[0].chat_id, OFFICIAL as i64);
    let status: String = sqlx::query_scalar("SELECT status FROM outbox").fetch_one(s.pool()).await.unwrap();
    assert_eq!(status, "sent");
    let attachment: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT attachment FROM outbox").fetch_one(s.pool()).await.unwrap();
    assert_eq!(attachment, None, "the file is not copied into the outbox row");
}

#[tokio::test]
async fn old_files_are_deleted_at_night_and_the_record_stays() {
    let s = sheets().await;
    let id = s.export(OFFICIAL, ZH, Pick::One(Table::Notices), Ok(Preset::Today)).await;
    let path = s.documents(OFFICIAL).await[0].1.clone();
    let runner = linli::jobs::Runner::new(s.app.clone(), linli::exports::jobs::register(linli::jobs::Registry::new()));
    let mut conn = s.pool().acquire().await.unwrap();
    linli::exports::jobs::setup(&mut conn, &s.app).await.unwrap();
    drop(conn);
    s.clock.advance(chrono::Duration::days(1));
    while runner.tick().await.unwrap() > 0 {}
    assert!(path.exists(), "a day old: kept");
    s.clock.advance(chrono::Duration::days(7));
    while runner.tick().await.unwrap() > 0 {}
    assert!(!path.exists(), "eight days old: deleted");
    let (status, rows, files): (String, i64, String) =
        sqlx::query_as("SELECT status, rows, files FROM exports WHERE id = ?")
            .bind(id)
            .fetch_one(s.pool())
            .await
            .unwrap();
    assert_eq!((status.as_str(), rows, files.as_str()), ("done", 2, "[]"), "the record stays");
}

#[tokio::test]
async fn erasing_a_person_keeps_their_exports_anonymous_and_deletes_their_files() {
    let s = sheets().await;
    let id = s.export(OFFICIAL, ZH, Pick::One(Table::Residents), Ok(Preset::Today)).await;
    let path = s.documents(OFFICIAL).await[0].1.clone();
    assert!(path.exists());
    let erase = linli::exports::SLICE.erase.unwrap();
    let mut conn = s.pool().acquire().await.unwrap();
    let who = linli::bot::slice::Erasing { user_id: OFFICIAL as i64, anonymous_id: -77, now: s.app.now() };
    erase(&mut conn, &s.app, who).await.unwrap();
    assert!(!path.exists(), "their file is deleted");
    let (user, status): (i64, String) = sqlx::query_as("SELECT user_id, status FROM exports WHERE id = ?")
        .bind(id)
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!((user, status.as_str()), (-77, "done"), "the record stays, anonymous");
}
