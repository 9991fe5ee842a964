-- name: dimension_correlations
-- Pearson correlation (r) and pairwise-complete n of every pair of dimension scores, over the
-- persons of a round, some workplaces (NULL = all) and optionally one department. A pair
-- that no person has both scores of is absent. The diagonal holds each dimension's n.
WITH persons AS (
    SELECT respondent_id, dimension AS measure, score
    FROM person_scores($round, $workplaces)
    WHERE score IS NOT NULL
      AND ($department IS NULL OR department = $department)
),
final AS (
    SELECT a.measure AS row_measure, b.measure AS col_measure,
           corr(a.score, b.score) AS r, count(*) AS n
    FROM persons a
    JOIN persons b ON b.respondent_id = a.respondent_id
    GROUP BY a.measure, b.measure
)
SELECT * FROM final;

-- name: item_correlations
-- As dimension_correlations, for every pair of items (measure 'q1' .. 'q21'): the persons who
-- answered both.
WITH answered AS (
    SELECT respondent_id, 'q' || item AS measure, score
    FROM item_scores($round, $workplaces)
    WHERE $department IS NULL OR department = $department
),
final AS (
    SELECT a.measure AS row_measure, b.measure AS col_measure,
           corr(a.score, b.score) AS r, count(*) AS n
    FROM answered a
    JOIN answered b ON b.respondent_id = a.respondent_id
    GROUP BY a.measure, b.measure
)
SELECT * FROM final;
