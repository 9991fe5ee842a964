-- name: department_rest_stats
-- Per department of one workplace and dimension: mean, SD and n of the department's person
-- scores and of the rest of the workplace (its persons outside that department).
WITH p AS (
    SELECT department, dimension, score
    FROM person_scores($round, [$workplace])
    WHERE score IS NOT NULL
),
groups AS (
    SELECT DISTINCT department, dimension FROM p
)
SELECT g.department, g.dimension AS measure,
       avg(p.score) FILTER (WHERE p.department = g.department) AS mean,
       stddev_samp(p.score) FILTER (WHERE p.department = g.department) AS sd,
       count(p.score) FILTER (WHERE p.department = g.department) AS n,
       avg(p.score) FILTER (WHERE p.department <> g.department) AS rest_mean,
       stddev_samp(p.score) FILTER (WHERE p.department <> g.department) AS rest_sd,
       count(p.score) FILTER (WHERE p.department <> g.department) AS rest_n
FROM groups g
JOIN p ON p.dimension = g.dimension
GROUP BY g.department, g.dimension
ORDER BY g.department, g.dimension;

-- name: selection_person_scores
-- Every person's dimension scores in one workplace of a round (NULL when too few answered).
SELECT respondent_id, department, dimension, score
FROM person_scores($round, [$workplace])
ORDER BY respondent_id, dimension;

-- name: selection_item_scores
-- Every answered item's score (0-100) of the persons in one workplace of a round.
SELECT respondent_id, department, item, dimension, score
FROM item_scores($round, [$workplace])
ORDER BY respondent_id, item;
