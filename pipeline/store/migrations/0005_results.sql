-- Post results: what a post did on one channel, read on one day (views, likes, ... followers gained).
-- Entered on the phone, with `etalase results add`, or imported from a platform's analytics export.
-- Append-only: a post read on day 1 and again on day 7 keeps both rows; a correction is a newer
-- reading, never an edit. `day` is the post's calendar day, `read_on` the day the numbers were read
-- (both YYYY-MM-DD in the configured zone); `at` is the moment it was stored, ISO 8601 with offset.
CREATE TABLE results (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    day        TEXT NOT NULL,
    channel    TEXT NOT NULL,
    read_on    TEXT NOT NULL,
    views      INTEGER CHECK (views IS NULL OR views >= 0),
    likes      INTEGER CHECK (likes IS NULL OR likes >= 0),
    comments   INTEGER CHECK (comments IS NULL OR comments >= 0),
    shares     INTEGER CHECK (shares IS NULL OR shares >= 0),
    saves      INTEGER CHECK (saves IS NULL OR saves >= 0),
    followers  INTEGER,                              -- followers gained; may be negative
    source     TEXT NOT NULL,                        -- form, cli, import:<file name>
    actor      TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX results_day_channel ON results (day, channel, read_on);

CREATE TRIGGER results_no_update BEFORE UPDATE ON results
BEGIN
    SELECT RAISE(ABORT, 'results is append-only');
END;

CREATE TRIGGER results_no_delete BEFORE DELETE ON results
BEGIN
    SELECT RAISE(ABORT, 'results is append-only');
END;
