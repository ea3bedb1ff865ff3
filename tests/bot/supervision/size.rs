//! The subdistrict of the seeds had 64 checkpoints: the list and the daily report's
//! figures read them in one statement each, at that size.

use std::time::Instant;

use linli::supervision::model::Outcome;
use linli::supervision::store::{self, NewVisit};

use super::*;

#[tokio::test]
async fn sixty_four_checkpoints_are_listed_and_counted_in_one_statement_each() {
    let r = round().await;
    let pool = r.world.pool();
    for i in 0..61 {
        sqlx::query("INSERT INTO checkpoints (community_id, name) VALUES (?, ?)")
            .bind(r.dihu)
            .bind(format!("卡点{i:02}"))
            .execute(pool)
            .await
            .unwrap();
    }
    sqlx::query(
        "INSERT INTO shift_templates (checkpoint_id, start_minute, end_minute, capacity, min_senior)
         SELECT id, 960, 0, 2, 1 FROM checkpoints WHERE name LIKE '卡点%'",
    )
    .execute(pool)
    .await
    .unwrap();
    let mut conn = pool.acquire().await.unwrap();
    linli::shifts::store::generate(&mut conn, Utc::now(), night("2026-11-29"), 1, chrono_tz::Asia::Shanghai)
        .await
        .unwrap();
    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, name FROM checkpoints WHERE community_id = ? ORDER BY id")
        .bind(r.dihu)
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert_eq!(ids.len(), 64);
    // Every third one visited, every ninth of those a problem.
    for (k, (id, _)) in ids.iter().enumerate().filter(|(k, _)| k % 3 == 0) {
        let outcome = if k % 9 == 0 { Outcome::Problem(ProblemKind::TooFew) } else { Outcome::OnDuty };
        let visit = NewVisit {
            checkpoint_id: *id,
            community_id: r.dihu,
            night: night("2026-11-29"),
            outcome,
            people: 2,
            note: None,
            photo: None,
            by: OFFICIAL as i64,
        };
        store::record(&mut conn, r.app.now(), &visit).await.unwrap();
    }
    let started = Instant::now();
    let stops = store::stops(&mut conn, &[r.dihu, r.xuefu], night("2026-11-29"), r.app.now()).await.unwrap();
    let listed = started.elapsed();
    assert_eq!(stops.len(), 65);
    assert!(stops[3..].iter().all(|s| s.duty.shifts == 1 && s.duty.capacity == 2), "every running shift counted");
    let started = Instant::now();
    let figures = round_of(&mut conn, r.dihu, night("2026-11-29")).await.unwrap();
    let counted = started.elapsed();
    assert_eq!((figures.checkpoints, figures.visited), (64, 22));
    let problems: Vec<&str> = ids.iter().step_by(9).map(|(_, n)| n.as_str()).collect();
    assert_eq!(figures.problems.iter().map(|p| p.checkpoint.as_str()).collect::<Vec<_>>(), problems);
    assert_eq!(figures.not_visited.len(), 42);
    assert_eq!(figures.not_visited[0], ids[1].1, "in list order");
    println!("64 checkpoints: the list read in {listed:?}, round_of in {counted:?}");
}
