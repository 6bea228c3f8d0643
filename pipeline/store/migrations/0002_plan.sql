-- Planning state: the admin's overrides, the posting ledger, what each build exported, and the
-- scheduler's runs. Dates are calendar days (YYYY-MM-DD) in the configured zone; moments are
-- ISO 8601 with their offset (invariant 7).

-- One row per day the admin touched: a chosen product (swap or pin) and/or a skip.
CREATE TABLE plan_overrides (
    day      TEXT PRIMARY KEY,
    product  TEXT,                                  -- NULL: no product chosen, only a skip
    kind     TEXT CHECK (kind IN ('swapped', 'pinned')),
    skipped  INTEGER NOT NULL DEFAULT 0 CHECK (skipped IN (0, 1)),
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,
    CHECK ((product IS NULL) = (kind IS NULL))
);

-- What was actually posted; feeds rotation. `unposted` deletes the row and leaves a log entry.
CREATE TABLE posts (
    day        TEXT PRIMARY KEY,
    product    TEXT NOT NULL,
    artisan    TEXT NOT NULL,
    url        TEXT,
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);

-- Every admin action on the plan and the ledger, append-only, for "who changed this day?".
CREATE TABLE plan_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    day      TEXT NOT NULL,
    action   TEXT NOT NULL,                         -- swap, pin, unpin, skip, unskip, posted, unposted
    product  TEXT,
    detail   TEXT NOT NULL DEFAULT '',
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL
);
CREATE INDEX plan_log_day ON plan_log (day, id);

CREATE TRIGGER plan_log_no_update BEFORE UPDATE ON plan_log
BEGIN
    SELECT RAISE(ABORT, 'plan_log is append-only');
END;

-- The last build of each day: the folder on disk is the truth, this row mirrors its manifest.
CREATE TABLE builds (
    day         TEXT PRIMARY KEY,
    product     TEXT,
    artisan     TEXT,
    input_hash  TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('ok', 'failed', 'empty')),
    message     TEXT NOT NULL DEFAULT '',
    at          TEXT NOT NULL
);

-- Scheduler runs, so a restart knows what it missed.
CREATE TABLE scheduler_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    trigger     TEXT NOT NULL CHECK (trigger IN ('cron', 'catch_up', 'manual')),
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'ok', 'failed', 'stopped')),
    summary     TEXT NOT NULL DEFAULT ''
);
