-- Schema version 6: how each question was worded in each workplace's export of a round, so
-- that a trend does not silently cross a reworded question. NULL: the export did not say
-- (a header like "Q7", or our own template).
CREATE TABLE item_wordings (
    round_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    item SMALLINT NOT NULL,
    wording VARCHAR
);
