//! `wecom-double [--listen ADDR] [--data FILE] [--corp-id ID] [--secret S:KIND]... [--token-ttl SECS]
//! [--print-demo]`: serves the double until killed.

use std::net::SocketAddr;
use wecom_double::{Config, Dataset, Double, SecretKind};

const USAGE: &str = "usage: wecom-double [--listen ADDR] [--data FILE] [--corp-id ID] [--secret SECRET:KIND]... [--token-ttl SECS] [--print-demo] [--print-demo-handover]
  --listen ADDR         where to listen (default 127.0.0.1:9090; port 0 = any free port)
  --data FILE           the dataset, JSON (default: the demo dataset)
  --corp-id ID          the corp id (default wwdemo0123456789)
  --secret SECRET:KIND  a secret and what it may call, KIND = agent | contact | sync; repeat it;
                        any --secret replaces the demo secrets (agent-secret:agent,
                        contact-secret:contact, sync-secret:sync)
  --token-ttl SECS      access_token lifetime (default 7200)
  --print-demo          print the demo dataset as JSON and exit
  --print-demo-handover print the demo plus the hand-over data (resigned members, 250 customers
                        left behind) as JSON and exit; serve it with --data
Log level: WECOM_DOUBLE_LOG = error | warn (default) | info | debug | trace.";

fn parse_secret(arg: &str) -> Option<(String, SecretKind)> {
    let (secret, kind) = arg.rsplit_once(':')?;
    let kind = match kind {
        "agent" => SecretKind::Agent,
        "contact" => SecretKind::Contact,
        "sync" | "contact-sync" => SecretKind::ContactSync,
        _ => return None,
    };
    (!secret.is_empty()).then(|| (secret.to_string(), kind))
}

fn main() {
    let mut listen: SocketAddr = ([127, 0, 0, 1], 9090).into();
    let mut data_file: Option<String> = None;
    let mut config = Config::demo();
    let mut secrets: Vec<(String, SecretKind)> = vec![];
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
            "--corp-id" => match args.next() {
                Some(id) if !id.is_empty() => config.corp_id = id,
                _ => fail("--corp-id needs an id"),
            },
            "--secret" => match args.next().as_deref().and_then(parse_secret) {
                Some(s) => secrets.push(s),
                None => fail("--secret needs SECRET:agent, SECRET:contact or SECRET:sync"),
            },
            "--token-ttl" => match args.next().map(|a| a.parse::<u64>()) {
                Some(Ok(n)) if n > 0 => config.token_ttl_secs = n,
                _ => fail("--token-ttl needs a number of seconds"),
            },
            "--print-demo" => {
                println!("{}", Dataset::demo().to_json());
                return;
            }
            "--print-demo-handover" => {
                println!("{}", Dataset::demo_handover().to_json());
                return;
            }
            "-h" | "--help" => {
                println!("{USAGE}");
                return;
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if !secrets.is_empty() {
        config.secrets = secrets;
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
        let double = Double::spawn_on(listen, config, data)
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
