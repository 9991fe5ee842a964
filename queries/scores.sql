-- name: define_macros
-- Table macros that every scoring query builds on; created on each connection, because the
-- instrument tables they join (instrument_items, instrument_scale, dimension_rules) are
-- registered per connection from the instrument file.
-- Every macro also carries the integer ids (last columns): grouping 20 million answer rows
-- by ids is about twice as fast as by names, which are joined on at the end.
CREATE OR REPLACE TEMP MACRO scope(round_name, workplace_names) AS TABLE
    SELECT r.respondent_id, w.name AS workplace, d.name AS department,
           w.workplace_id, d.department_id
    FROM respondents r
    JOIN rounds o ON o.round_id = r.round_id
    JOIN departments d ON d.department_id = r.department_id
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    WHERE o.name = round_name
      AND (workplace_names IS NULL OR list_contains(workplace_names, w.name));

CREATE OR REPLACE TEMP MACRO item_scores(round_name, workplace_names) AS TABLE
    SELECT s.respondent_id, s.workplace, s.department, a.item, i.dimension, sc.score,
           s.workplace_id, s.department_id
    FROM scope(round_name, workplace_names) s
    JOIN answers a ON a.respondent_id = s.respondent_id
    JOIN instrument_items i ON i.item = a.item
    JOIN instrument_scale sc ON sc.code = a.code;

-- A person's dimension score is the mean of the items they answered in it, and is missing
-- (NULL) when they answered fewer than the rule's minimum. (Counted per respondent first,
-- then the person's workplace and department are joined on: a narrower group key.)
CREATE OR REPLACE TEMP MACRO person_scores(round_name, workplace_names) AS TABLE
    WITH persons AS (
        SELECT * FROM scope(round_name, workplace_names)
    ),
    counted AS (
        SELECT a.respondent_id, i.dimension, avg(sc.score) AS score, count(*) AS answered
        FROM answers a
        JOIN persons p ON p.respondent_id = a.respondent_id
        JOIN instrument_items i ON i.item = a.item
        JOIN instrument_scale sc ON sc.code = a.code
        GROUP BY a.respondent_id, i.dimension
    )
    SELECT c.respondent_id, p.workplace, p.department, c.dimension,
           CASE WHEN c.answered >= rule.min_answered THEN c.score END AS score,
           p.workplace_id, p.department_id
    FROM counted c
    JOIN persons p ON p.respondent_id = c.respondent_id
    JOIN dimension_rules rule ON rule.dimension = c.dimension;

-- name: dimension_stats
-- Mean, SD and n of the persons' dimension scores for each workplace and each department.
-- (Totals over several workplaces are pooled from the shown workplaces: socialkapital/anonymity.)
WITH stats AS (
    SELECT grouping(department_id) AS workplace_rows,
           workplace_id, department_id, dimension,
           avg(score) AS mean, stddev_samp(score) AS sd, count(score) AS n
    FROM person_scores($round, $workplaces)
    WHERE score IS NOT NULL
    GROUP BY GROUPING SETS ((workplace_id, dimension), (workplace_id, department_id, dimension))
),
final AS (
    SELECT
        CASE WHEN s.workplace_rows = 1 THEN 'workplace' ELSE 'department' END AS level,
        w.name AS workplace, d.name AS department, s.dimension AS measure, s.mean, s.sd, s.n
    FROM stats s
    LEFT JOIN workplaces w ON w.workplace_id = s.workplace_id
    LEFT JOIN departments d ON d.department_id = s.department_id
)
SELECT * FROM final;

-- name: item_stats
-- Mean, SD and n of the answered item scores for each workplace and department, as
-- dimension_stats.
WITH stats AS (
    SELECT grouping(department_id) AS workplace_rows,
           workplace_id, department_id, item,
           avg(score) AS mean, stddev_samp(score) AS sd, count(*) AS n
    FROM item_scores($round, $workplaces)
    GROUP BY GROUPING SETS ((workplace_id, item), (workplace_id, department_id, item))
),
final AS (
    SELECT
        CASE WHEN s.workplace_rows = 1 THEN 'workplace' ELSE 'department' END AS level,
        w.name AS workplace, d.name AS department, 'q' || s.item AS measure,
        s.mean, s.sd, s.n
    FROM stats s
    LEFT JOIN workplaces w ON w.workplace_id = s.workplace_id
    LEFT JOIN departments d ON d.department_id = s.department_id
)
SELECT * FROM final;

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
