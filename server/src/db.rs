//! The database: SQLite (a file, the default) or PostgreSQL, selected by the
//! URL, through one pool type (`sqlx::Any`), one SQL text per query (`$1`
//! placeholders work on both) and one set of migrations.

use sqlx::any::{AnyPoolOptions, AnyQueryResult};
use sqlx::{AnyPool, Executor};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
}

/// Why the database could not be opened at start (no URL in the message:
/// a PostgreSQL URL may hold a password).
#[derive(Debug)]
pub struct OpenError(pub String);

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Io(io) => format!("cannot connect ({})", io.kind()),
        sqlx::Error::Database(d) => format!("database error: {}", d.message()),
        sqlx::Error::PoolTimedOut => "timed out connecting".to_owned(),
        sqlx::Error::Tls(_) => "TLS error".to_owned(),
        sqlx::Error::Configuration(_) => "the URL is malformed".to_owned(),
        sqlx::Error::Migrate(m) => format!("migration failed: {m}"),
        _ => "cannot open the database".to_owned(),
    }
}

/// Unix milliseconds (token fetch times need sub-second order).
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Db {
    /// Opens (creating a SQLite file if missing) and migrates.
    pub async fn open(url: &str) -> Result<Db, OpenError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let max = match backend {
            Backend::Sqlite => 16,
            Backend::Postgres => 16,
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA busy_timeout = 10000").await?;
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|e| OpenError(describe(&e)))?;
        if backend == Backend::Sqlite {
            pool.execute("PRAGMA journal_mode = WAL")
                .await
                .map_err(|e| OpenError(describe(&e)))?;
        }
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|e| OpenError(describe(&sqlx::Error::Migrate(Box::new(e)))))?;
        Ok(Db { pool, backend })
    }

    /// Deletes expired sessions and idempotency records.
    pub async fn sweep(&self) -> Result<u64, sqlx::Error> {
        let now = now();
        let a: AnyQueryResult = sqlx::query("DELETE FROM sessions WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        let b = sqlx::query("DELETE FROM idempotency WHERE expires_at < $1")
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(a.rows_affected() + b.rows_affected())
    }
}
