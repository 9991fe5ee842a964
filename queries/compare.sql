-- name: department_rest_stats
-- Per department of one workplace and dimension: mean, SD and n of the department's person
-- scores and of the rest of the workplace (its persons outside that department), from exact
-- sums of the scaled scores (queries/scores.sql): the rest's sums are the workplace's less
-- the department's.
WITH p AS (
    SELECT department, dimension, CAST(scaled AS HUGEINT) AS v, scale
    FROM person_scores($round, [$workplace])
    WHERE scaled IS NOT NULL
),
sums AS (
    SELECT department, dimension AS measure, any_value(scale) AS scale, count(*) AS n,
           sum(v) AS total, sum(v * v) AS squares
    FROM p
    GROUP BY department, dimension
),
rest AS (
    SELECT *, CAST(sum(n) OVER w - n AS BIGINT) AS rest_n,
           sum(total) OVER w - total AS rest_total, sum(squares) OVER w - squares AS rest_squares
    FROM sums
    WINDOW w AS (PARTITION BY measure)
)
SELECT department, measure,
       exact_mean(total, n, scale) AS mean, exact_sd(total, squares, n, scale) AS sd, n,
       exact_mean(rest_total, rest_n, scale) AS rest_mean,
       exact_sd(rest_total, rest_squares, rest_n, scale) AS rest_sd, rest_n
FROM rest
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
