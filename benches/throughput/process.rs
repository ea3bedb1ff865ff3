//! The child process the benchmark measures, and what `/proc` says about it: CPU time
//! (utime + stime, in clock ticks) and peak resident set (`VmHWM`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;

/// Which bot a child runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Echo,
    Linli,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Echo => "echo",
            Kind::Linli => "linli",
        }
    }
}

/// A running bot; killed (SIGKILL) when dropped, so a failed assertion leaves no child behind.
pub struct BotProcess {
    child: Child,
}

impl BotProcess {
    pub fn spawn(kind: Kind, url: &str, db: Option<&Path>) -> BotProcess {
        let mut cmd = Command::new(std::env::current_exe().unwrap());
        cmd.args(["--child", kind.name(), "--url", url]);
        if let Some(db) = db {
            cmd.arg("--db").arg(db);
        }
        // Logging to stderr costs CPU; warnings and errors still show. The stub is on
        // loopback: no proxy from the environment may sit in between.
        cmd.env("RUST_LOG", "warn");
        for proxy in ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"] {
            cmd.env_remove(proxy);
        }
        let child = cmd.stdin(Stdio::null()).stdout(Stdio::null()).spawn().unwrap();
        BotProcess { child }
    }

    /// CPU time the child has used so far (user + system), in ms.
    pub fn cpu_ms(&self) -> f64 {
        cpu_ms(&format!("/proc/{}/stat", self.child.id()))
    }

    /// The child's peak resident set so far, in MiB.
    pub fn peak_rss_mib(&self) -> f64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        let kib: f64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
        kib / 1024.0
    }

    pub fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for BotProcess {
    fn drop(&mut self) {
        self.stop();
    }
}

/// CPU time this process (the stub and the load generator) has used so far, in ms.
pub fn own_cpu_ms() -> f64 {
    cpu_ms("/proc/self/stat")
}

/// utime + stime (fields 14 and 15 of `/proc/PID/stat`, counted after the command name,
/// which may hold spaces) in ms.
fn cpu_ms(stat_path: &str) -> f64 {
    let stat = std::fs::read_to_string(stat_path).unwrap();
    let after_name = &stat[stat.rfind(')').unwrap() + 1..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    // fields[0] is field 3 (state).
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    ticks * 1000.0 / clock_ticks()
}

/// `getconf CLK_TCK` (100 on Linux).
fn clock_ticks() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().ok();
        out.and_then(|o| String::from_utf8(o.stdout).ok()).and_then(|s| s.trim().parse().ok()).unwrap_or(100.0)
    })
}
