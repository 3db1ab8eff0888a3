-- Customer and group-chat hand-over (issue 16). Same dialect rules as 0001:
-- only TEXT and BIGINT, times in unix seconds.

-- One row per request (POST /api/handover/transfers).
CREATE TABLE transfers (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                -- resigned | onjob
    requested_by TEXT NOT NULL,        -- the admin's userid
    handover_userid TEXT NOT NULL,
    takeover_userid TEXT NOT NULL,
    message TEXT,
    idem_key TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    refreshed_at BIGINT
);

-- What each WeCom call of a request did (a request is split into calls of
-- at most 100 customers or chats).
CREATE TABLE transfer_calls (
    transfer_id TEXT NOT NULL,
    seq BIGINT NOT NULL,
    api TEXT NOT NULL,
    item_count BIGINT NOT NULL,
    outcome TEXT NOT NULL,             -- answered | refused | not_made | failed
    errcode BIGINT,                    -- the call's own errcode (NULL: no answer)
    errmsg TEXT,
    started BIGINT NOT NULL,           -- items WeCom accepted
    called_at BIGINT,
    PRIMARY KEY (transfer_id, seq)
);

-- Every customer and chat of a request, with the call that carried it and
-- its state. status: WeCom's transfer_result status (1 done, 2 waiting,
-- 3 refused by the customer, 4 taker at limit, 5 no record), 0 = not started.
CREATE TABLE transfer_items (
    transfer_id TEXT NOT NULL,
    item_type TEXT NOT NULL,           -- customer | group_chat
    item_id TEXT NOT NULL,
    call_seq BIGINT,                   -- NULL: refused before WeCom
    handover_userid TEXT NOT NULL,
    takeover_userid TEXT NOT NULL,
    start_errcode BIGINT,              -- the per-item errcode of its call
    status BIGINT NOT NULL,
    state TEXT NOT NULL,
    reason TEXT,
    takeover_time BIGINT,
    fail_event_id TEXT,                -- the callback_inbox row of its transfer_fail
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (transfer_id, item_type, item_id)
);
-- The 2-in-90-days count and the callback's match look a customer up.
CREATE INDEX transfer_items_item ON transfer_items (item_id, created_at);

-- transfer_fail events that match no recorded hand-over: kept, not dropped.
CREATE TABLE transfer_unmatched (
    event_id TEXT PRIMARY KEY,
    external_userid TEXT NOT NULL,
    takeover_userid TEXT NOT NULL,
    fail_reason TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
