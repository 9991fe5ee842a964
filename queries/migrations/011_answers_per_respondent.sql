-- Schema version 11: a respondent's answers are kept in their own row (issue 19), as the list
-- ``codes`` of answer codes in the instrument's item order (codes[n] is item n's code, null
-- where it was left blank), instead of one row per answered item: a million respondents are
-- then a million rows written, not 21 million. ``answers`` becomes a view in the old shape
-- (respondent_id, item, code; blanks absent) for the queries that want one row per answer.
CREATE TEMP TABLE answers_wide AS
SELECT respondent_id, list(item ORDER BY item) AS items, list(code ORDER BY item) AS given
FROM answers
GROUP BY respondent_id;
CREATE TABLE respondents_011 (
    respondent_id BIGINT NOT NULL,
    round_id INTEGER NOT NULL,
    department_id INTEGER NOT NULL,
    person_key VARCHAR,
    codes TINYINT[]
);
INSERT INTO respondents_011
SELECT r.respondent_id, r.round_id, r.department_id, r.person_key,
       list_transform(
           range(1, (SELECT max(item) FROM answers) + 1),
           lambda n: a.given[list_position(a.items, n)]
       )::TINYINT[]
FROM respondents r
LEFT JOIN answers_wide a USING (respondent_id)
ORDER BY r.respondent_id;
DROP TABLE answers_wide;
DROP TABLE answers;
DROP TABLE respondents;
ALTER TABLE respondents_011 RENAME TO respondents;
CREATE VIEW answers AS
SELECT respondent_id, item, code
FROM (
    SELECT respondent_id, unnest(range(1, len(codes) + 1))::SMALLINT AS item,
           unnest(codes) AS code
    FROM respondents
)
WHERE code IS NOT NULL;
