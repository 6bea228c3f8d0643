-- Curation: people, and the append-only trail of review decisions bound to content hashes.

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'curator', 'editor')),
    password_hash TEXT,                       -- set later by the dashboard; NULL = CLI-only user
    created_at    TEXT NOT NULL               -- ISO 8601 with offset, in the configured zone
);

-- What a product looked like when someone decided on it: enough to say later what changed.
-- Keyed by product and content hash: stored once however many decisions cite the same content.
CREATE TABLE snapshots (
    product      TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    yaml         TEXT NOT NULL,               -- the product file's text as the decider saw it
    fields       TEXT NOT NULL,               -- JSON: the YAML mapping
    photos       TEXT NOT NULL,               -- JSON: [[file, sha256], ...] in order, hero first
    PRIMARY KEY (product, content_hash)
);

CREATE TABLE decisions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,   -- never reused: the trail's order
    product      TEXT NOT NULL,
    action       TEXT NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    user_name    TEXT NOT NULL REFERENCES users (name) ON DELETE RESTRICT,
    role         TEXT NOT NULL,               -- the role the user held when deciding
    at           TEXT NOT NULL,               -- ISO 8601 with offset, in the configured zone
    note         TEXT NOT NULL DEFAULT '',
    checks       TEXT NOT NULL DEFAULT '{}',  -- JSON: {item id: true | false | null}
    content_hash TEXT NOT NULL,
    FOREIGN KEY (product, content_hash) REFERENCES snapshots (product, content_hash)
);

CREATE INDEX decisions_product ON decisions (product, id);
CREATE INDEX decisions_product_action ON decisions (product, action, id);

-- The audit trail is append-only: the database itself refuses to rewrite history.
CREATE TRIGGER decisions_no_update BEFORE UPDATE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: record a new decision instead');
END;

CREATE TRIGGER decisions_no_delete BEFORE DELETE ON decisions
BEGIN
    SELECT RAISE(ABORT, 'decisions are append-only: record a new decision instead');
END;

CREATE TRIGGER snapshots_no_update BEFORE UPDATE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are append-only');
END;

CREATE TRIGGER snapshots_no_delete BEFORE DELETE ON snapshots
BEGIN
    SELECT RAISE(ABORT, 'snapshots are append-only');
END;

-- Each product's latest decision plus the hash its last approval was given to.
CREATE VIEW review_current AS
SELECT d.product,
       d.id AS decision_id,
       d.to_state AS state,
       d.action,
       d.user_name,
       d.at,
       d.note,
       d.content_hash,
       (SELECT a.content_hash FROM decisions a
         WHERE a.product = d.product AND a.action = 'approve'
         ORDER BY a.id DESC LIMIT 1) AS approved_hash
FROM decisions d
WHERE d.id = (SELECT MAX(x.id) FROM decisions x WHERE x.product = d.product);
