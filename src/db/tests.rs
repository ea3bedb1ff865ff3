use std::sync::Arc;

use super::*;

async fn fresh() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = connect(&dir.path().join("t.db")).await.unwrap();
    sqlx::query("CREATE TABLE t (n INTEGER)").execute(&mut *db.write.lock().await).await.unwrap();
    (dir, db)
}

async fn count(db: &Db) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(&db.read).await.unwrap()
}

#[tokio::test]
async fn a_write_on_a_reader_fails_at_once_instead_of_competing_with_the_writer() {
    let (_dir, db) = fresh().await;
    let err = sqlx::query("INSERT INTO t VALUES (1)").execute(&db.read).await.unwrap_err();
    assert!(err.to_string().contains("readonly"), "{err}");
    assert_eq!(count(&db).await, 0);
}

#[tokio::test]
async fn a_transaction_dropped_without_commit_is_rolled_back_before_the_next_writer_gets_the_connection() {
    let (_dir, db) = fresh().await;
    let mut tx = db.write.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (1)").execute(&mut *tx).await.unwrap();
    drop(tx); // an error returned with `?`, or a panic, in a handler
              // The next writer begins cleanly (no "transaction within a transaction") and sees nothing.
    let mut tx = db.write.begin().await.unwrap();
    sqlx::query("INSERT INTO t VALUES (2)").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let rows: Vec<i64> = sqlx::query_scalar("SELECT n FROM t").fetch_all(&db.read).await.unwrap();
    assert_eq!(rows, vec![2]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_writers_at_once_all_commit_in_turn_and_none_sees_database_is_locked() {
    let (_dir, db) = fresh().await;
    let db = Arc::new(db);
    let mut tasks = Vec::new();
    for _ in 0..500 {
        let db = Arc::clone(&db);
        tasks.push(tokio::spawn(async move {
            // A read, then a write that depends on it: the pattern that fails with a plain BEGIN.
            let mut tx = db.write.begin().await?;
            let before: i64 = sqlx::query_scalar("SELECT count(*) FROM t").fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO t VALUES (?)").bind(before).execute(&mut *tx).await?;
            tx.commit().await
        }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!(count(&db).await, 500);
    // Each saw all earlier commits: the counts read were 0, 1, …, 499, each once.
    let distinct: i64 = sqlx::query_scalar("SELECT count(DISTINCT n) FROM t").fetch_one(&db.read).await.unwrap();
    assert_eq!(distinct, 500);
}
