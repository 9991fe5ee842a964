-- name: reporting_groups
-- One workplace's layout for a round: department -> reporting group, by group and name.
SELECT g.department, g.reporting_group
FROM reporting_groups g
JOIN rounds o ON o.round_id = g.round_id
JOIN workplaces w ON w.workplace_id = g.workplace_id
WHERE o.name = $round AND lower(w.name) = lower($workplace)
ORDER BY g.reporting_group, g.department;

-- name: round_layout
-- A round's layout for every workplace, in lower case for matching an import's names
-- (as the store matches them): _w, _d -> reporting_group.
SELECT lower(w.name) AS _w, lower(g.department) AS _d, g.reporting_group
FROM reporting_groups g
JOIN rounds o ON o.round_id = g.round_id
JOIN workplaces w ON w.workplace_id = g.workplace_id
WHERE o.name = $round;

-- name: planning_counts
-- One workplace's departments in a round with their invited (roster) and respondents.
WITH invited AS (
    SELECT ro.department_id, count(*) AS invited
    FROM roster ro JOIN rounds o ON o.round_id = ro.round_id
    WHERE o.name = $round AND ro.department_id IS NOT NULL
    GROUP BY ro.department_id
),
answered AS (
    SELECT r.department_id, count(*) AS respondents
    FROM respondents r JOIN rounds o ON o.round_id = r.round_id
    WHERE o.name = $round
    GROUP BY r.department_id
),
final AS (
    SELECT d.name AS department, coalesce(i.invited, 0) AS invited,
           coalesce(a.respondents, 0) AS respondents
    FROM departments d
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    LEFT JOIN invited i ON i.department_id = d.department_id
    LEFT JOIN answered a ON a.department_id = d.department_id
    WHERE lower(w.name) = lower($workplace)
      AND (i.invited IS NOT NULL OR a.respondents IS NOT NULL)
)
SELECT * FROM final ORDER BY department;

-- name: workplace_rates
-- One workplace's response rate in each round that has both a roster and answers, newest
-- first: round, invited, respondents.
WITH invited AS (
    SELECT ro.round_id, count(*) AS invited
    FROM roster ro JOIN workplaces w ON w.workplace_id = ro.workplace_id
    WHERE lower(w.name) = lower($workplace)
    GROUP BY ro.round_id
),
answered AS (
    SELECT r.round_id, count(*) AS respondents
    FROM respondents r
    JOIN departments d ON d.department_id = r.department_id
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    WHERE lower(w.name) = lower($workplace)
    GROUP BY r.round_id
)
SELECT o.name AS round, o.date, i.invited, a.respondents
FROM rounds o
JOIN invited i ON i.round_id = o.round_id
JOIN answered a ON a.round_id = o.round_id
ORDER BY o.date DESC NULLS LAST, o.round_id DESC;

-- name: layout_moves
-- Each department in ``layout_rows`` (department, reporting_group) of workplace $w that goes
-- into another department, its group: the moves the statements below make.
SELECT d.department_id AS old_id, gd.department_id AS group_id
FROM layout_rows l
JOIN departments d ON d.workplace_id = $w AND lower(d.name) = lower(l.department)
JOIN departments gd ON gd.workplace_id = $w AND lower(gd.name) = lower(l.reporting_group)
WHERE d.department_id <> gd.department_id;

-- name: remap_respondents
-- Move a round's respondents of the departments in ``layout_moves`` to their group's
-- department.
UPDATE respondents SET department_id = m.group_id
FROM layout_moves m
WHERE respondents.round_id = $r AND respondents.department_id = m.old_id;

-- name: remap_roster
-- The same for the round's invitations, so that response rates are per group.
UPDATE roster SET department_id = m.group_id
FROM layout_moves m
WHERE roster.round_id = $r AND roster.workplace_id = $w AND roster.department_id = m.old_id;

-- name: group_links
-- Trend links to add for ``layout_moves``: each department that has respondents in another
-- round continues from round $r in its group (department_links, as the trends read them).
SELECT DISTINCT $w AS workplace_id, m.old_id AS old_department_id,
       m.group_id AS new_department_id, $r AS round_id
FROM layout_moves m
WHERE EXISTS (SELECT 1 FROM respondents r
              WHERE r.department_id = m.old_id AND r.round_id <> $r);

-- name: workplace_rounds
-- The rounds in which one workplace has respondents, newest first.
SELECT o.name AS round
FROM rounds o
WHERE EXISTS (SELECT 1 FROM respondents r
              JOIN departments d ON d.department_id = r.department_id
              JOIN workplaces w ON w.workplace_id = d.workplace_id
              WHERE r.round_id = o.round_id AND lower(w.name) = lower($workplace))
ORDER BY o.date DESC NULLS LAST, o.round_id DESC;
