-- Schema version 4: action plans from workshops, with dated follow-up notes.
-- Plans point at workplaces and departments by id, so re-importing answers keeps them.
CREATE TABLE plans (
    plan_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    department_id INTEGER,              -- NULL: the plan is for the whole workplace
    round_id INTEGER NOT NULL,          -- the survey round whose results it responds to
    dimension VARCHAR NOT NULL,         -- the form it targets (instrument key)
    items VARCHAR,                      -- targeted item numbers, comma-separated (optional)
    focus_area VARCHAR NOT NULL,        -- indsatsområde
    description VARCHAR NOT NULL,
    responsible VARCHAR NOT NULL,
    start_date DATE NOT NULL,
    deadline DATE NOT NULL,
    follow_up VARCHAR,                  -- how progress is followed up
    goal VARCHAR,                       -- when the goal counts as reached
    continuation VARCHAR,               -- how the work on social capital continues afterwards
    status VARCHAR NOT NULL,            -- planned, in_progress, done, dropped
    version INTEGER NOT NULL,           -- bumped on every save: detects concurrent edits
    updated_at TIMESTAMP NOT NULL
);
CREATE TABLE plan_notes (
    plan_id INTEGER NOT NULL,
    noted_on DATE NOT NULL,
    note VARCHAR NOT NULL,
    written_at TIMESTAMP NOT NULL
);
