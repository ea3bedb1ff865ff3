//! `linli setup` (idempotent import of the example community) and the CLI's one-line errors.

use std::process::Command;

use linli::community::{import, CommunityFile};
use linli::db;

async fn count(pool: &sqlx::SqlitePool, table: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(&format!("SELECT count(*) FROM {table}")).fetch_one(pool).await.unwrap();
    n
}

#[tokio::test]
async fn importing_the_example_twice_changes_nothing_and_keeps_stock() {
    let dir = tempfile::tempdir().unwrap();
    let pool = db::connect(&dir.path().join("linli.db")).await.unwrap();
    let writer = pool.write.clone();
    let pool = pool.read;
    let file = CommunityFile::parse(include_str!("../../examples/community.toml")).unwrap();
    let first = import(&writer, &file).await.unwrap();
    assert!(first.communities >= 6 && first.checkpoints >= 12 && first.catalog_items >= 25 * 6, "{first:?}");
    let tables = ["communities", "buildings", "checkpoints", "shift_templates", "catalog_categories", "catalog_items"];
    let mut before = Vec::new();
    for t in tables {
        before.push(count(&pool, t).await);
    }
    assert_eq!(before[0], first.communities as i64);
    assert_eq!(before[3], first.shift_templates as i64);

    sqlx::query("UPDATE catalog_items SET stock = 3").execute(&mut *writer.lock().await).await.unwrap();
    let second = import(&writer, &file).await.unwrap();
    assert_eq!(first, second);
    for (t, n) in tables.iter().zip(&before) {
        assert_eq!(count(&pool, t).await, *n, "{t} after a second import");
    }
    let (max_stock,): (i64,) = sqlx::query_as("SELECT max(stock) FROM catalog_items").fetch_one(&pool).await.unwrap();
    assert_eq!(max_stock, 3, "re-import must not undo sales");
    let (shifts_with_senior,): (i64,) =
        sqlx::query_as("SELECT count(*) FROM shift_templates WHERE min_senior >= 1").fetch_one(&pool).await.unwrap();
    assert_eq!(shifts_with_senior, before[3], "every shift needs a party member or experienced staffer");
}

fn linli(args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_linli"));
    cmd.args(args)
        .env("LINLI_DB", dir.path().join("cli.db"))
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("TELOXIDE_API_URL")
        .env_remove("LINLI_ADMINS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).trim().to_owned())
}

#[test]
fn missing_or_malformed_settings_give_one_line_naming_what_to_set() {
    for (env, names) in [
        (vec![], "TELOXIDE_TOKEN"),
        (vec![("TELOXIDE_TOKEN", "not-a-token")], "TELOXIDE_TOKEN"),
        (
            vec![("TELOXIDE_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ"), ("TELOXIDE_API_URL", "::nope")],
            "TELOXIDE_API_URL",
        ),
        (vec![("LINLI_ADMINS", "12,abc")], "LINLI_ADMINS"),
        (vec![("LINLI_TZ", "Mars/Base")], "LINLI_TZ"),
    ] {
        let (code, stderr) = linli(&["run"], &env);
        assert_eq!(code, 1, "{env:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line, no panic: {stderr}");
        assert!(stderr.contains(names) && !stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn cli_setup_then_invite_prints_a_deep_link() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("cli.db");
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/community.toml");
    let run =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_linli")).args(args).env("LINLI_DB", &db).output().unwrap();
    let setup = run(&["setup", example]);
    assert!(setup.status.success(), "{}", String::from_utf8_lossy(&setup.stderr));
    let invite = run(&["invite", "--role", "volunteer", "--community", "帝湖社区", "--bot-username", "@linli_bot"]);
    assert!(invite.status.success(), "{}", String::from_utf8_lossy(&invite.stderr));
    let link = String::from_utf8_lossy(&invite.stdout).trim().to_owned();
    assert!(link.starts_with("https://t.me/linli_bot?start=inv_") && link.len() == 33 + 16, "{link}");
    let unknown = run(&["invite", "--role", "volunteer", "--community", "火星社区", "--bot-username", "x"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("帝湖社区"), "names the communities there are");
}
