-- Schema version 9: the number of employees of a workplace, beside its CVR number and
-- industry (version 2), as the workplace's facts (issue 18).
ALTER TABLE workplaces ADD COLUMN employees INTEGER;
