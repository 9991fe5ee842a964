-- name: dimension_correlations
-- Pearson correlation (r) and pairwise-complete n of every pair of dimension scores, over the
-- persons of a round, some workplaces (NULL = all) and optionally one department. A pair
-- that no person has both scores of is absent. The diagonal holds each dimension's n.
-- r comes from exact integer sums of the scaled scores (queries/scores.sql), so it is the
-- same whatever order the threads add the pairs up in.
WITH persons AS (
    SELECT respondent_id, dimension AS measure, CAST(scaled AS HUGEINT) AS v
    FROM person_scores($round, $workplaces)
    WHERE scaled IS NOT NULL
      AND ($department IS NULL OR department = $department)
),
sums AS (
    SELECT a.measure AS row_measure, b.measure AS col_measure, count(*) AS n,
           sum(a.v) AS sx, sum(b.v) AS sy, sum(a.v * a.v) AS sxx, sum(b.v * b.v) AS syy,
           sum(a.v * b.v) AS sxy
    FROM persons a
    JOIN persons b ON b.respondent_id = a.respondent_id
    GROUP BY a.measure, b.measure
),
final AS (
    SELECT row_measure, col_measure, exact_corr(n, sx, sy, sxx, syy, sxy) AS r, n
    FROM sums
)
SELECT * FROM final;

-- name: item_correlations
-- As dimension_correlations, for every pair of items (measure 'q1' .. 'q21'): the persons who
-- answered both.
WITH answered AS (
    SELECT respondent_id, 'q' || item AS measure, CAST(points AS HUGEINT) AS v
    FROM item_scores($round, $workplaces)
    WHERE $department IS NULL OR department = $department
),
sums AS (
    SELECT a.measure AS row_measure, b.measure AS col_measure, count(*) AS n,
           sum(a.v) AS sx, sum(b.v) AS sy, sum(a.v * a.v) AS sxx, sum(b.v * b.v) AS syy,
           sum(a.v * b.v) AS sxy
    FROM answered a
    JOIN answered b ON b.respondent_id = a.respondent_id
    GROUP BY a.measure, b.measure
),
final AS (
    SELECT row_measure, col_measure, exact_corr(n, sx, sy, sxx, syy, sxy) AS r, n
    FROM sums
)
SELECT * FROM final;
