-- Schema version 5: trends across survey rounds.
-- How a workplace's departments carry over between rounds, as the user mapped them: an old
-- department continues from round_id on as one new department (renamed), as several (split:
-- one row per new name), or several old departments continue as one (merged: one row per
-- old name). Departments that keep their name need no row.
CREATE TABLE department_links (
    workplace_id INTEGER NOT NULL,
    old_department_id INTEGER NOT NULL,
    new_department_id INTEGER NOT NULL,
    round_id INTEGER NOT NULL           -- the first round with the new name(s)
);
-- The version of the questionnaire each round used. A trend between rounds of different
-- versions is broken, not drawn; a round without a row used the instrument of this release.
CREATE TABLE round_instruments (
    round_id INTEGER NOT NULL,
    instrument_version VARCHAR NOT NULL
);
