-- name: plans
-- Every action plan with names instead of ids, its notes counted; the newest deadline last.
SELECT p.plan_id, w.name AS workplace, d.name AS department, o.name AS round,
       p.dimension, p.items, p.focus_area, p.description, p.responsible, p.start_date,
       p.deadline, p.follow_up, p.goal, p.continuation, p.status, p.version, p.updated_at,
       (SELECT count(*) FROM plan_notes n WHERE n.plan_id = p.plan_id) AS notes
FROM plans p
JOIN workplaces w ON w.workplace_id = p.workplace_id
LEFT JOIN departments d ON d.department_id = p.department_id
JOIN rounds o ON o.round_id = p.round_id
ORDER BY w.name, d.name NULLS FIRST, p.deadline, p.plan_id;

-- name: plan_notes
-- The follow-up notes of one plan, oldest first.
SELECT noted_on, note, written_at
FROM plan_notes
WHERE plan_id = $plan_id
ORDER BY noted_on, written_at;

-- name: next_round
-- The first survey round after the given one (by date) in which the workplace has answers.
SELECT o.name
FROM rounds o
JOIN rounds base ON base.name = $round
WHERE o.date > base.date
  AND EXISTS (SELECT 1 FROM respondents r
              JOIN departments d ON d.department_id = r.department_id
              JOIN workplaces w ON w.workplace_id = d.workplace_id
              WHERE r.round_id = o.round_id AND w.name = $workplace)
ORDER BY o.date
LIMIT 1;
