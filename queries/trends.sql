-- name: department_links
-- The stored department mapping: workplace, old name, new name, the first round with it.
SELECT w.name AS workplace, od.name AS old_department, nd.name AS new_department,
       o.name AS round
FROM department_links l
JOIN workplaces w ON w.workplace_id = l.workplace_id
JOIN departments od ON od.department_id = l.old_department_id
JOIN departments nd ON nd.department_id = l.new_department_id
JOIN rounds o ON o.round_id = l.round_id
ORDER BY w.name, od.name, nd.name;

-- name: round_instruments
-- Every round with its date and the questionnaire version recorded for it (NULL: none).
SELECT o.name AS round, o.date, ri.instrument_version
FROM rounds o
LEFT JOIN round_instruments ri ON ri.round_id = o.round_id
ORDER BY o.date NULLS LAST, o.round_id;

-- name: workplace_departments_by_round
-- The departments of one workplace with respondents in each round.
SELECT DISTINCT o.name AS round, d.name AS department
FROM respondents r
JOIN rounds o ON o.round_id = r.round_id
JOIN departments d ON d.department_id = r.department_id
JOIN workplaces w ON w.workplace_id = d.workplace_id
WHERE w.name = $workplace
ORDER BY o.name, d.name;

-- name: combined_dimension_stats
-- Mean, SD and n of the person dimension scores of several departments of one workplace
-- taken together, in one round.
-- (From exact sums of the scaled scores, as queries/scores.sql.)
SELECT dimension AS measure,
       exact_mean(sum(scaled), count(scaled), any_value(scale)) AS mean,
       exact_sd(sum(scaled), sum(CAST(scaled AS HUGEINT) * scaled), count(scaled),
                any_value(scale)) AS sd,
       count(scaled) AS n
FROM person_scores($round, [$workplace])
WHERE scaled IS NOT NULL AND list_contains($departments, department)
GROUP BY dimension;

-- name: combined_item_stats
-- Mean, SD and n of the item scores of several departments of one workplace taken together,
-- in one round.
SELECT 'q' || item AS measure,
       exact_mean(sum(points), count(*), 1) AS mean,
       exact_sd(sum(points), sum(CAST(points AS HUGEINT) * points), count(*), 1) AS sd,
       count(*) AS n
FROM item_scores($round, [$workplace])
WHERE list_contains($departments, department)
GROUP BY item;

-- name: item_wordings
-- How each question was worded in one workplace's export of each round (NULL: not known).
SELECT o.name AS round, iw.item, iw.wording
FROM item_wordings iw
JOIN rounds o ON o.round_id = iw.round_id
JOIN workplaces w ON w.workplace_id = iw.workplace_id
WHERE w.name = $workplace
ORDER BY o.name, iw.item;
