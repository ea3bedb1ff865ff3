//! The bot under test, in a process of its own (the benchmark re-executes itself with
//! `--child echo|linli --url URL [--db PATH]`), so its CPU time and peak RSS are read from
//! `/proc` apart from the stub's.

use std::path::{Path, PathBuf};

use teloxide::prelude::*;

/// One community of 10 buildings and a catalog of one category with two items, enough
/// stock and limits for every resident of the closed loop.
pub const COMMUNITY_FILE: &str = r#"
[subdistrict]
name = "航海西路街道"
name_en = "Hanghai West Road Subdistrict"
timezone = "Asia/Shanghai"

[[category]]
key = "vegetables"
name = "蔬菜"
name_en = "Vegetables"

[[item]]
category = "vegetables"
name = "西红柿"
name_en = "Tomatoes"
unit = "斤"
unit_en = "500 g"
price_fen = 450
stock = 1000000
limit_per_order = 5
limit_per_day = 6

[[item]]
category = "vegetables"
name = "黄瓜"
name_en = "Cucumbers"
unit = "斤"
unit_en = "500 g"
price_fen = 300
stock = 1000000
limit_per_order = 5
limit_per_day = 6

[[community]]
name = "帝湖社区"
name_en = "Dihu Community"
buildings = ["1号楼", "2号楼", "3号楼", "4号楼", "5号楼", "6号楼", "7号楼", "8号楼", "9号楼", "10号楼"]
"#;

/// A fresh database at `db` holding [`COMMUNITY_FILE`], as `linli setup` makes one.
pub async fn prepare(db: &Path) {
    let file = db.with_extension("toml");
    std::fs::write(&file, COMMUNITY_FILE).unwrap();
    linli::cli::setup(db, &file).await.unwrap();
}

/// Runs the child named by `--child`; never returns while the bot runs (the parent kills it).
pub fn main(args: &[String]) {
    let value = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let kind = value("--child").unwrap();
    let url = value("--url").unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        match kind.as_str() {
            "echo" => run_echo(&url).await,
            "linli" => run_linli(&url, &PathBuf::from(value("--db").unwrap())).await.unwrap(),
            other => panic!("unknown child {other}"),
        }
    });
}

fn bot(url: &str) -> Bot {
    Bot::new(crate::botapi_stub::TOKEN).set_api_url(url.parse().unwrap())
}

/// teloxide's own echo example (`examples/echo` minus its logger), against the stub.
async fn run_echo(url: &str) {
    teloxide::repl(bot(url), |bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, msg.text().unwrap_or_default()).await?;
        Ok(())
    })
    .await;
}

/// Linli as `linli run` runs it, on a database [`prepare`]d by the parent. The one place
/// that opens the database and builds the App: adapt it here when their signatures change.
async fn run_linli(url: &str, db: &Path) -> linli::Result<()> {
    linli::cli::init_tracing();
    let database = linli::db::connect(db).await?;
    let app = linli::App::new(database, linli::config::Settings::default());
    linli::cli::serve(bot(url), app, linli::outbox::Limits::default()).await
}
