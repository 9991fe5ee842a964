-- name: department_rest_stats
-- Per department of one workplace and dimension: mean, SD and n of the department's person
-- scores and of the rest of the workplace (its persons outside that department), from exact
-- sums of the scaled scores (queries/scores.sql).
WITH p AS (
    SELECT department, dimension, CAST(scaled AS HUGEINT) AS v, scale
    FROM person_scores($round, [$workplace])
    WHERE scaled IS NOT NULL
),
groups AS (
    SELECT DISTINCT department, dimension FROM p
),
sums AS (
    SELECT g.department, g.dimension AS measure, any_value(p.scale) AS scale,
           count(*) FILTER (WHERE p.department = g.department) AS n,
           sum(p.v) FILTER (WHERE p.department = g.department) AS total,
           sum(p.v * p.v) FILTER (WHERE p.department = g.department) AS squares,
           count(*) FILTER (WHERE p.department <> g.department) AS rest_n,
           sum(p.v) FILTER (WHERE p.department <> g.department) AS rest_total,
           sum(p.v * p.v) FILTER (WHERE p.department <> g.department) AS rest_squares
    FROM groups g
    JOIN p ON p.dimension = g.dimension
    GROUP BY g.department, g.dimension
)
SELECT department, measure,
       exact_mean(total, n, scale) AS mean, exact_sd(total, squares, n, scale) AS sd, n,
       exact_mean(rest_total, rest_n, scale) AS rest_mean,
       exact_sd(rest_total, rest_squares, rest_n, scale) AS rest_sd, rest_n
FROM sums
ORDER BY department, measure;

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
