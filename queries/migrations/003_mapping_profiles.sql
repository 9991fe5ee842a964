-- Schema version 3: named column mappings, saved from the import page and reused next year.
CREATE TABLE mapping_profiles (
    name VARCHAR NOT NULL,
    source_format VARCHAR NOT NULL,
    mapping VARCHAR NOT NULL,       -- the mapping as TOML (the same file the CLI reads)
    saved_at TIMESTAMP NOT NULL
);
