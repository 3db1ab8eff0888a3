-- One schema for SQLite and PostgreSQL: only TEXT and BIGINT columns, no
-- dialect-specific types. Times are unix seconds.

-- Sessions: the token is stored only as its SHA-256 (hex).
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    userid TEXT NOT NULL,
    corpid TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- WeCom access tokens, one row per secret (secret_id = SHA-256 of corp id and
-- secret). The lease makes one instance at a time fetch a new token.
-- fetched_at is in unix milliseconds.
CREATE TABLE access_tokens (
    secret_id TEXT PRIMARY KEY,
    token TEXT,
    expires_at BIGINT NOT NULL,
    lease_owner TEXT,
    lease_until BIGINT NOT NULL,
    fetched_at BIGINT NOT NULL
);

-- Idempotency records of the writes, per session user and key.
CREATE TABLE idempotency (
    userid TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    body_hash TEXT NOT NULL,
    state TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until BIGINT NOT NULL,
    status BIGINT,
    answer TEXT,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (userid, idem_key)
);
CREATE INDEX idempotency_expires_at ON idempotency (expires_at);

-- Callback events, deduplicated by the SHA-256 of the decrypted message.
CREATE TABLE callback_inbox (
    id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    change_type TEXT NOT NULL,
    message TEXT NOT NULL,
    received_at BIGINT NOT NULL,
    processed_at BIGINT
);
CREATE INDEX callback_inbox_received_at ON callback_inbox (received_at);

-- Member display names (user/get), cached.
CREATE TABLE member_names (
    userid_key TEXT PRIMARY KEY,
    userid TEXT NOT NULL,
    name TEXT,
    known BIGINT NOT NULL,
    reason TEXT,
    fetched_at BIGINT NOT NULL
);
