-- Schema version 1: survey rounds, workplaces, departments, respondents, answers, roster.
-- Ids are assigned by the store (max + 1) so that no index has to be kept in step on
-- delete-and-reinsert, which DuckDB's constraint checking makes awkward.
CREATE TABLE rounds (
    round_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    date DATE
);
CREATE TABLE workplaces (
    workplace_id INTEGER NOT NULL,
    name VARCHAR NOT NULL
);
CREATE TABLE departments (
    department_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    name VARCHAR NOT NULL
);
CREATE TABLE respondents (
    respondent_id BIGINT NOT NULL,
    round_id INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    external_id VARCHAR
);
-- Long format: one row per answered item; missing answers are simply absent.
CREATE TABLE answers (
    respondent_id BIGINT NOT NULL,
    item SMALLINT NOT NULL,
    code TINYINT NOT NULL
);
CREATE TABLE roster (
    round_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    department_id INTEGER,
    email VARCHAR NOT NULL,
    name VARCHAR
);
