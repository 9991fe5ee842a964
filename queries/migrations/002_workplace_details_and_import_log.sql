-- Schema version 2: workplace details (CVR number, industry) and a log of every import.
ALTER TABLE workplaces ADD COLUMN cvr VARCHAR;
ALTER TABLE workplaces ADD COLUMN industry VARCHAR;
CREATE TABLE imports (
    import_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    kind VARCHAR NOT NULL,          -- 'responses' or 'roster'
    source VARCHAR NOT NULL,        -- file name as the user gave it
    source_format VARCHAR,
    rows INTEGER NOT NULL,
    imported_at TIMESTAMP NOT NULL
);
