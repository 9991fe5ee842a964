-- name: define_macros
-- Table macros that every scoring query builds on; created on each connection, because the
-- instrument tables they join (instrument_items, instrument_scale, dimension_rules) are
-- registered per connection from the instrument file.
CREATE OR REPLACE TEMP MACRO scope(round_name, workplace_names) AS TABLE
    SELECT r.respondent_id, w.name AS workplace, d.name AS department
    FROM respondents r
    JOIN rounds o ON o.round_id = r.round_id
    JOIN departments d ON d.department_id = r.department_id
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    WHERE o.name = round_name
      AND (workplace_names IS NULL OR list_contains(workplace_names, w.name));

CREATE OR REPLACE TEMP MACRO item_scores(round_name, workplace_names) AS TABLE
    SELECT s.respondent_id, s.workplace, s.department, a.item, i.dimension, sc.score
    FROM scope(round_name, workplace_names) s
    JOIN answers a ON a.respondent_id = s.respondent_id
    JOIN instrument_items i ON i.item = a.item
    JOIN instrument_scale sc ON sc.code = a.code;

-- A person's dimension score is the mean of the items they answered in it, and is missing
-- (NULL) when they answered fewer than the rule's minimum.
CREATE OR REPLACE TEMP MACRO person_scores(round_name, workplace_names) AS TABLE
    WITH counted AS (
        SELECT respondent_id, workplace, department, dimension,
               avg(score) AS score, count(*) AS answered
        FROM item_scores(round_name, workplace_names)
        GROUP BY respondent_id, workplace, department, dimension
    )
    SELECT c.respondent_id, c.workplace, c.department, c.dimension,
           CASE WHEN c.answered >= rule.min_answered THEN c.score END AS score
    FROM counted c
    JOIN dimension_rules rule ON rule.dimension = c.dimension;

-- name: dimension_stats
-- Mean, SD and n of the persons' dimension scores for every group: all selected workplaces
-- together (level 'all'), each workplace, each department.
SELECT
    CASE WHEN grouping(workplace) = 1 THEN 'all'
         WHEN grouping(department) = 1 THEN 'workplace' ELSE 'department' END AS level,
    workplace, department, dimension AS measure,
    avg(score) AS mean, stddev_samp(score) AS sd, count(score) AS n
FROM person_scores($round, $workplaces)
WHERE score IS NOT NULL
GROUP BY GROUPING SETS ((dimension), (workplace, dimension), (workplace, department, dimension));

-- name: item_stats
-- Mean, SD and n of the answered item scores for every group, as dimension_stats.
SELECT
    CASE WHEN grouping(workplace) = 1 THEN 'all'
         WHEN grouping(department) = 1 THEN 'workplace' ELSE 'department' END AS level,
    workplace, department, 'q' || item AS measure,
    avg(score) AS mean, stddev_samp(score) AS sd, count(*) AS n
FROM item_scores($round, $workplaces)
GROUP BY GROUPING SETS ((item), (workplace, item), (workplace, department, item));

-- name: group_counts
-- Every group of the round with its respondents and invited counts. A department appears
-- when it has respondents or is on the roster; invited is NULL where no roster says.
WITH responded AS (
    SELECT
        CASE WHEN grouping(workplace) = 1 THEN 'all'
             WHEN grouping(department) = 1 THEN 'workplace' ELSE 'department' END AS level,
        workplace, department, count(*) AS respondents
    FROM scope($round, $workplaces)
    GROUP BY GROUPING SETS ((), (workplace), (workplace, department))
),
invited_rows AS (
    SELECT w.name AS workplace, d.name AS department
    FROM roster ro
    JOIN rounds o ON o.round_id = ro.round_id
    JOIN workplaces w ON w.workplace_id = ro.workplace_id
    LEFT JOIN departments d ON d.department_id = ro.department_id
    WHERE o.name = $round
      AND ($workplaces IS NULL OR list_contains($workplaces, w.name))
),
invited AS (
    SELECT
        CASE WHEN grouping(workplace) = 1 THEN 'all'
             WHEN grouping(department) = 1 THEN 'workplace' ELSE 'department' END AS level,
        workplace, department, count(*) AS invited
    FROM invited_rows
    GROUP BY GROUPING SETS ((), (workplace), (workplace, department))
    HAVING grouping(department) = 1 OR department IS NOT NULL
),
final AS (
    SELECT
        coalesce(r.level, i.level) AS level,
        coalesce(r.workplace, i.workplace) AS workplace,
        coalesce(r.department, i.department) AS department,
        coalesce(r.respondents, 0) AS respondents,
        i.invited
    FROM responded r
    FULL JOIN invited i
      ON r.level = i.level
     AND r.workplace IS NOT DISTINCT FROM i.workplace
     AND r.department IS NOT DISTINCT FROM i.department
)
SELECT * FROM final
WHERE NOT (level = 'all' AND respondents = 0 AND invited IS NULL);

-- name: person_dimension_scores
-- One row per respondent and dimension with the person's score (NULL when too few answered),
-- for statistics that need persons (correlations, reliability); never shown as such.
SELECT respondent_id, workplace, department, dimension, score
FROM person_scores($round, $workplaces);
