-- name: workplace_facts
-- Every workplace the store knows with its facts (CVR number, DB07 section, employees), by name.
SELECT name AS workplace, cvr, industry, employees
FROM workplaces
ORDER BY name;

-- name: set_workplace_facts
-- Replace the facts of one workplace, named in any case.
UPDATE workplaces
SET cvr = $cvr, industry = $industry, employees = $employees
WHERE lower(name) = lower($workplace);
