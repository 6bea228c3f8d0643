-- Dashboard sessions, kept server-side so they can be ended: logging out, a new password or removing
-- the user ends them even when someone copied the cookie. The signed cookie holds a random id; this
-- table keeps only its SHA-256, so reading the database (or a backup) does not hand out live sessions.
CREATE TABLE web_sessions (
    id_hash    TEXT PRIMARY KEY,
    user_name  TEXT NOT NULL COLLATE NOCASE REFERENCES users (name) ON DELETE CASCADE ON UPDATE CASCADE,
    created_at TEXT NOT NULL                      -- ISO 8601 with offset, in the configured zone
);
CREATE INDEX web_sessions_user ON web_sessions (user_name);
