//! `wecom-double [--listen ADDR] [--data FILE] [--print-demo]`: serves the double until killed.

use std::net::SocketAddr;
use wecom_double::{Config, Dataset, Double};

const USAGE: &str = "usage: wecom-double [--listen ADDR] [--data FILE] [--print-demo]
  --listen ADDR   where to listen (default 127.0.0.1:9090; port 0 = any free port)
  --data FILE     the dataset, JSON (default: the demo dataset)
  --print-demo    print the demo dataset as JSON and exit
Corp wwdemo0123456789; secrets agent-secret, contact-secret, sync-secret.
Log level: RUST_LOG-style single level in WECOM_DOUBLE_LOG (error, warn, info, debug).";

fn main() {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 9090).into();
    let mut data_file: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" => match args.next().map(|a| a.parse()) {
                Some(Ok(a)) => listen = a,
                _ => fail("--listen needs an address like 127.0.0.1:9090"),
            },
            "--data" => match args.next() {
                Some(f) => data_file = Some(f),
                None => fail("--data needs a file"),
            },
            "--print-demo" => {
                println!("{}", Dataset::demo().to_json());
                return;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    let level = match std::env::var("WECOM_DOUBLE_LOG").as_deref() {
        Ok("error") => tracing::Level::ERROR,
        Ok("info") => tracing::Level::INFO,
        Ok("debug") => tracing::Level::DEBUG,
        Ok("trace") => tracing::Level::TRACE,
        _ => tracing::Level::WARN,
    };
    tracing_subscriber::fmt()
        .with_max_level(level)
        .with_writer(std::io::stderr)
        .init();

    let data = match &data_file {
        None => Dataset::demo(),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| fail(&format!("cannot read {path}: {e}")));
            Dataset::from_json(&text).unwrap_or_else(|e| fail(&format!("{path}: {e}")))
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(&format!("cannot start tokio: {e}")));
    runtime.block_on(async move {
        let double = Double::spawn_on(listen, Config::demo(), data)
            .await
            .unwrap_or_else(|e| fail(&format!("cannot listen on {listen}: {e}")));
        println!("wecom-double listening on {}", double.base_url());
        wait_for_signal().await;
        double.shutdown().await;
    });
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn fail(msg: &str) -> ! {
    eprintln!("wecom-double: {msg}\n{USAGE}");
    std::process::exit(2);
}
