-- name: dimension_correlations
-- Pearson correlation (r) and pairwise-complete n of every pair of dimension scores, over the
-- persons of some workplaces (NULL = all) and optionally one department, from the department
-- pair sums in the temp view ``pairs`` (queries/figure_store). A pair that no person has both
-- scores of is absent. The diagonal holds each dimension's n. r comes from exact integer sums
-- of the scaled scores (queries/scores.sql), so it is the same whatever order the threads
-- add the pairs up in.
WITH chosen AS (
    SELECT p.*
    FROM pairs p
    JOIN departments d ON d.department_id = p.department_id
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    WHERE ($workplaces IS NULL OR list_contains($workplaces, w.name))
      AND ($department IS NULL OR d.name = $department)
),
sums AS (
    SELECT row_measure, col_measure, sum(n) AS n, sum(sx) AS sx, sum(sy) AS sy,
           sum(sxx) AS sxx, sum(syy) AS syy, sum(sxy) AS sxy
    FROM chosen
    GROUP BY row_measure, col_measure
),
final AS (
    SELECT row_measure, col_measure, exact_corr(n, sx, sy, sxx, syy, sxy) AS r,
           CAST(n AS BIGINT) AS n
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
