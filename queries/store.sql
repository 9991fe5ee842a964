-- name: rounds
-- Every survey round, newest first, with its respondents.
SELECT o.name, o.date, count(r.respondent_id) AS respondents
FROM rounds o LEFT JOIN respondents r ON r.round_id = o.round_id
GROUP BY o.round_id, o.name, o.date
ORDER BY o.date DESC NULLS LAST, o.round_id DESC;

-- name: workplaces
-- Workplaces with respondents or invitations in the given round, by name.
SELECT w.name
FROM workplaces w
JOIN rounds o ON o.name = $round
WHERE EXISTS (SELECT 1 FROM respondents r
              JOIN departments d ON d.department_id = r.department_id
              WHERE d.workplace_id = w.workplace_id AND r.round_id = o.round_id)
   OR EXISTS (SELECT 1 FROM roster ro
              WHERE ro.workplace_id = w.workplace_id AND ro.round_id = o.round_id)
ORDER BY w.name;

-- name: departments
-- Departments of a workplace with respondents or invitations in the given round, by name.
SELECT DISTINCT d.name
FROM departments d
JOIN workplaces w ON w.workplace_id = d.workplace_id
JOIN rounds o ON o.name = $round
WHERE w.name = $workplace
  AND (EXISTS (SELECT 1 FROM respondents r
               WHERE r.department_id = d.department_id AND r.round_id = o.round_id)
       OR EXISTS (SELECT 1 FROM roster ro
                  WHERE ro.department_id = d.department_id AND ro.round_id = o.round_id))
ORDER BY d.name;

-- name: counts
-- Sizes of the store's tables, for the status line and tests.
SELECT
    (SELECT count(*) FROM rounds) AS rounds,
    (SELECT count(*) FROM workplaces) AS workplaces,
    (SELECT count(*) FROM departments) AS departments,
    (SELECT count(*) FROM respondents) AS respondents,
    (SELECT CAST(coalesce(sum(list_count(codes)), 0) AS BIGINT) FROM respondents) AS answers,
    (SELECT count(*) FROM roster) AS roster;

-- name: imports
-- The import log, newest first.
SELECT i.imported_at, o.name AS round, w.name AS workplace, i.kind, i.source,
       i.source_format, i.rows
FROM imports i
JOIN rounds o ON o.round_id = i.round_id
JOIN workplaces w ON w.workplace_id = i.workplace_id
ORDER BY i.imported_at DESC, i.import_id DESC;

-- name: mapping_profiles
-- Saved column mappings, newest first: name, source format, TOML text, when saved.
SELECT name, source_format, mapping, saved_at
FROM mapping_profiles
ORDER BY saved_at DESC;

-- name: users
-- Every user with their role and scope (one row per scope entry; none for an admin).
SELECT u.email, u.role, s.workplace, s.department, u.added_at
FROM users u LEFT JOIN user_scopes s ON s.email = u.email
ORDER BY u.email, s.workplace, s.department NULLS FIRST;

-- name: user
-- One user's role and scope rows, by e-mail (lower case).
SELECT u.role, s.workplace, s.department
FROM users u LEFT JOIN user_scopes s ON s.email = u.email
WHERE u.email = $email;

-- name: all_names
-- Every workplace and department the store knows, in any round (what a scope may name).
SELECT w.name AS workplace, d.name AS department
FROM workplaces w LEFT JOIN departments d ON d.workplace_id = w.workplace_id
ORDER BY w.name, d.name;

-- name: round_respondents
-- Respondents stored for a round per workplace (as the store spells it) among $workplaces,
-- given in lower case and matched in any case, as an import matches them: what it replaces.
SELECT w.name AS workplace, count(*) AS respondents
FROM respondents r
JOIN departments d ON d.department_id = r.department_id
JOIN workplaces w ON w.workplace_id = d.workplace_id
JOIN rounds o ON o.round_id = r.round_id
WHERE o.name = $round AND list_contains($workplaces, lower(w.name))
GROUP BY w.name
ORDER BY w.name;

-- name: round_names
-- The name of every survey round, newest first (what a roster may be stored for).
SELECT name FROM rounds ORDER BY date DESC NULLS LAST, round_id DESC;

-- name: workplace_names
-- The name of every workplace the store knows, in any round, by name.
SELECT name FROM workplaces ORDER BY name;
