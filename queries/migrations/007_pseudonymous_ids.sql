-- Schema version 7: no e-mail, name or other direct identifier is stored with answers
-- (issue 15). A respondent's id or e-mail and a roster's e-mail are kept only as a person
-- key, a keyed hash (queries/store.py: person_key) that finds the same person again across
-- files and rounds; roster names are not kept at all. The key itself lives in a file beside
-- the store, never in it; the store records only its fingerprint, so that a write with
-- another key (which would hash the same person differently) is refused.
-- Store.migrate hashes the plain values of an older store right after this file runs, and
-- then rewrites the file so that they do not survive in its free blocks.
ALTER TABLE respondents RENAME COLUMN external_id TO person_key;
ALTER TABLE roster RENAME COLUMN email TO person_key;
ALTER TABLE roster DROP COLUMN name;
CREATE TABLE pseudonym_key (
    fingerprint VARCHAR NOT NULL        -- sha256(key || 'fingerprint'), hex
);
