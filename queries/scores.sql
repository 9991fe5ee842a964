-- name: define_macros
-- Table macros that every scoring query builds on; created on each connection, because the
-- instrument tables they join (instrument_items, instrument_scale, dimension_rules) are
-- registered per connection from the instrument file.
-- Every macro also carries the integer ids (last columns): grouping 20 million answer rows
-- by ids is about twice as fast as by names, which are joined on at the end.
-- A respondent's answers are the list ``codes`` (codes[n]: item n's code, null where blank);
-- the queries below unnest it to one row per item, the persons' own rows first, so that no
-- join over every answer of the store is needed.
CREATE OR REPLACE TEMP MACRO scope(round_name, workplace_names) AS TABLE
    SELECT r.respondent_id, w.name AS workplace, d.name AS department,
           w.workplace_id, d.department_id, r.codes
    FROM respondents r
    JOIN rounds o ON o.round_id = r.round_id
    JOIN departments d ON d.department_id = r.department_id
    JOIN workplaces w ON w.workplace_id = d.workplace_id
    WHERE o.name = round_name
      AND (workplace_names IS NULL OR list_contains(workplace_names, w.name));

-- Figures are computed exactly, so that the same store gives the same numbers byte for byte
-- whatever order the threads add them up in: an item's score is a whole number (0, 25, ..
-- 100), so sums of scores (and of their squares) are exact integers, and each mean or SD is
-- one division of exact sums. A person's dimension score, a mean of k item scores, is not a
-- whole number, but times the scale (the least common multiple of 1 .. the most items a
-- dimension has; 60 for NFA's six) it is: total × (scale / k).
CREATE OR REPLACE TEMP MACRO item_points(score) AS
    CASE WHEN score = round(score) THEN CAST(score AS BIGINT)
         ELSE error('the answer scale''s scores must be whole numbers (0-100)') END;

CREATE OR REPLACE TEMP MACRO score_scale() AS TABLE
    WITH RECURSIVE largest AS (
        SELECT max(items) AS items
        FROM (SELECT count(*) AS items FROM instrument_items GROUP BY dimension)
    ),
    steps(k, scale) AS (
        SELECT 1, CAST(1 AS BIGINT)
        UNION ALL
        SELECT s.k + 1, lcm(s.scale, s.k + 1) FROM steps s, largest WHERE s.k < largest.items
    )
    SELECT max(scale) AS scale FROM steps;

-- Mean and sample SD of values v, from n, Σv and Σv² (exact integers) and the scale the
-- values were multiplied by: one division each (a DOUBLE holds the sums exactly).
CREATE OR REPLACE TEMP MACRO exact_mean(total, n, scale) AS
    CASE WHEN n > 0 THEN CAST(total AS DOUBLE) / CAST(n * scale AS DOUBLE) END;

CREATE OR REPLACE TEMP MACRO exact_sd(total, squares, n, scale) AS
    CASE WHEN n > 1
         THEN sqrt(CAST(n * squares - total * total AS DOUBLE) / CAST(n * (n - 1) AS DOUBLE))
              / scale
    END;

-- Pearson's r from exact sums over the pairs: n, Σx, Σy, Σx², Σy², Σxy.
CREATE OR REPLACE TEMP MACRO exact_corr(n, sx, sy, sxx, syy, sxy) AS
    CAST(n * sxy - sx * sy AS DOUBLE)
    / sqrt(CAST(n * sxx - sx * sx AS DOUBLE) * CAST(n * syy - sy * sy AS DOUBLE));

CREATE OR REPLACE TEMP MACRO item_scores(round_name, workplace_names) AS TABLE
    SELECT a.respondent_id, a.workplace, a.department, a.item, i.dimension, sc.score,
           item_points(sc.score) AS points,
           a.workplace_id, a.department_id
    FROM (
        SELECT s.* EXCLUDE (codes), unnest(range(1, len(s.codes) + 1)) AS item,
               unnest(s.codes) AS code
        FROM scope(round_name, workplace_names) s
    ) a
    JOIN instrument_items i ON i.item = a.item
    JOIN instrument_scale sc ON sc.code = a.code;

-- A person's dimension score is the mean of the items they answered in it, and is missing
-- (NULL) when they answered fewer than the rule's minimum. ``scaled`` is the score times
-- ``scale``, exactly (a whole number). (Counted per respondent first, then the person's
-- workplace and department are joined on: a narrower group key.)
CREATE OR REPLACE TEMP MACRO person_scores(round_name, workplace_names) AS TABLE
    WITH persons AS (
        SELECT * FROM scope(round_name, workplace_names)
    ),
    counted AS (
        SELECT a.respondent_id, i.dimension, sum(item_points(sc.score)) AS total,
               count(*) AS answered
        FROM (
            SELECT respondent_id, unnest(range(1, len(codes) + 1)) AS item, unnest(codes) AS code
            FROM persons
        ) a
        JOIN instrument_items i ON i.item = a.item
        JOIN instrument_scale sc ON sc.code = a.code
        GROUP BY a.respondent_id, i.dimension
    )
    SELECT c.respondent_id, p.workplace, p.department, c.dimension,
           CASE WHEN c.answered >= rule.min_answered THEN c.total / c.answered END AS score,
           CASE WHEN c.answered >= rule.min_answered
                THEN CAST(c.total AS BIGINT) * (u.scale // c.answered) END AS scaled,
           u.scale,
           p.workplace_id, p.department_id
    FROM counted c
    JOIN persons p ON p.respondent_id = c.respondent_id
    JOIN dimension_rules rule ON rule.dimension = c.dimension
    CROSS JOIN score_scale() u;

-- name: department_fingerprints
-- Each department of a round with its respondents, the sum of their ids and the sum of their
-- ids' hashes: what the figures kept for it in the store (figure_sums) were made from. An
-- import gives every respondent a new, larger id, so any change to a department's answers
-- changes these; the hashes tell apart two sets of persons of the same count and id sum
-- (which moving departments into reporting groups and back could otherwise make).
SELECT department_id, count(*) AS respondents, sum(respondent_id) AS ids,
       sum(CAST(hash(respondent_id) AS HUGEINT)) AS hashed
FROM respondents
WHERE round_id = $round_id
GROUP BY department_id;

-- name: stale_person_scores
-- The persons of the departments in the temp table ``stale`` (department_id) of a round, with
-- their dimension scores times the scale (exactly; none where too few items were answered).
WITH answered AS (
    SELECT r.respondent_id, r.department_id, unnest(range(1, len(r.codes) + 1)) AS item,
           unnest(r.codes) AS code
    FROM respondents r
    JOIN stale s ON s.department_id = r.department_id
    WHERE r.round_id = $round_id
),
counted AS (
    SELECT a.department_id, a.respondent_id, i.dimension,
           sum(item_points(sc.score)) AS total, count(*) AS answered
    FROM answered a
    JOIN instrument_items i ON i.item = a.item
    JOIN instrument_scale sc ON sc.code = a.code
    GROUP BY a.department_id, a.respondent_id, i.dimension
)
SELECT c.department_id, c.respondent_id, c.dimension,
       CAST(c.total AS BIGINT) * (u.scale // c.answered) AS scaled, u.scale
FROM counted c
JOIN dimension_rules rule ON rule.dimension = c.dimension
CROSS JOIN score_scale() u
WHERE c.answered >= rule.min_answered;

-- name: department_sums
-- Per department in the temp table ``stale`` of a round: for each dimension and item the
-- exact sums the figures come from, n, total (Σ scaled score), squares (Σ scaled score²) and
-- scale. Dimensions from the temp table ``stale_scores`` (stale_person_scores); a dimension
-- nobody has a score for has no row.
WITH dimensions AS (
    SELECT department_id, dimension AS measure, count(*) AS n,
           CAST(sum(scaled) AS HUGEINT) AS total,
           sum(CAST(scaled AS HUGEINT) * scaled) AS squares, any_value(scale) AS scale
    FROM stale_scores
    GROUP BY department_id, dimension
),
answered AS (
    SELECT a.department_id, a.item, item_points(sc.score) AS points
    FROM (
        SELECT r.department_id, unnest(range(1, len(r.codes) + 1)) AS item,
               unnest(r.codes) AS code
        FROM respondents r
        JOIN stale s ON s.department_id = r.department_id
        WHERE r.round_id = $round_id
    ) a
    JOIN instrument_scale sc ON sc.code = a.code
),
items AS (
    SELECT department_id, 'q' || item AS measure, count(*) AS n,
           CAST(sum(points) AS HUGEINT) AS total,
           sum(CAST(points AS HUGEINT) * points) AS squares, CAST(1 AS BIGINT) AS scale
    FROM answered
    GROUP BY department_id, item
)
SELECT * FROM dimensions
UNION ALL
SELECT * FROM items;

-- name: department_pairs
-- Per department in ``stale`` and pair of dimensions, the exact sums a correlation comes
-- from, over the persons with both scores: n, Σx, Σy, Σx², Σy², Σxy (scaled scores, from
-- ``stale_scores``). Added up over departments they give any group's correlation.
SELECT a.department_id, a.dimension AS row_measure, b.dimension AS col_measure,
       count(*) AS n, CAST(sum(a.scaled) AS HUGEINT) AS sx, CAST(sum(b.scaled) AS HUGEINT) AS sy,
       sum(CAST(a.scaled AS HUGEINT) * a.scaled) AS sxx,
       sum(CAST(b.scaled AS HUGEINT) * b.scaled) AS syy,
       sum(CAST(a.scaled AS HUGEINT) * b.scaled) AS sxy
FROM stale_scores a
JOIN stale_scores b ON b.respondent_id = a.respondent_id
GROUP BY a.department_id, a.dimension, b.dimension;

-- name: round_stats
-- Mean, SD and n of every dimension and item for each department and each workplace of the
-- round, with the exact sums they come from, from the department sums in the temp view
-- ``sums`` (department_id, measure, n, total, squares, scale): a workplace's sums are its
-- departments' added up (each person is in one department). Each mean or SD is one division
-- of exact sums. (Totals over several workplaces are pooled from the shown workplaces' sums:
-- socialkapital/anonymity.)
WITH placed AS (
    SELECT d.workplace_id, s.*
    FROM sums s
    JOIN departments d ON d.department_id = s.department_id
),
sites AS (
    SELECT workplace_id, CAST(NULL AS INTEGER) AS department_id, measure,
           CAST(sum(n) AS BIGINT) AS n, CAST(sum(total) AS HUGEINT) AS total,
           CAST(sum(squares) AS HUGEINT) AS squares, any_value(scale) AS scale
    FROM placed
    GROUP BY workplace_id, measure
),
levels AS (
    SELECT 'workplace' AS level, * FROM sites
    UNION ALL
    SELECT 'department', workplace_id, department_id, measure, n, total, squares, scale
    FROM placed
),
final AS (
    SELECT s.level, w.name AS workplace, d.name AS department, s.measure,
           exact_mean(s.total, s.n, s.scale) AS mean,
           exact_sd(s.total, s.squares, s.n, s.scale) AS sd,
           s.n, s.total, s.squares, s.scale
    FROM levels s
    JOIN workplaces w ON w.workplace_id = s.workplace_id
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

-- name: round_id
-- The id of a round, by name.
SELECT round_id FROM rounds WHERE name = $round;
