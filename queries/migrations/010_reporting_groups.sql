-- Schema version 10: reporting groups (issue 18). A round's layout of a workplace: which
-- departments are reported together as one group, chosen before the survey so that a small
-- department does not hide a large one. Answers and invitations of a department in the
-- layout are stored under its group. Names, not ids: a layout may be planned from
-- departments typed by hand, before any roster or answers exist.
CREATE TABLE reporting_groups (
    round_id INTEGER NOT NULL,
    workplace_id INTEGER NOT NULL,
    department VARCHAR NOT NULL,       -- as the roster or the export spells it
    reporting_group VARCHAR NOT NULL   -- the name its answers are stored under
);
