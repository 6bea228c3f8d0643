-- Channels (issue 14): the days the admin marked Go Global, and a posted mark per channel.

-- A Go Global day: its post also gets an English caption file. One more of the admin's overrides of a
-- day (read with plan_overrides into one Override), in its own table so a swap, pin or skip undone
-- never takes the mark with it.
CREATE TABLE plan_go_global (
    day      TEXT PRIMARY KEY,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL                          -- ISO 8601 with offset, in the configured zone
);

-- Where the day's post went up: one row per channel (tiktok, instagram, ... as schedule.yaml names them).
-- The day's own row in `posts` (what rotation reads) is written with the first channel's mark and goes
-- when the last channel's mark goes.
CREATE TABLE channel_posts (
    day      TEXT NOT NULL,
    channel  TEXT NOT NULL,
    url      TEXT,
    actor    TEXT NOT NULL,
    at       TEXT NOT NULL,                         -- ISO 8601 with offset, in the configured zone
    PRIMARY KEY (day, channel)
);
