-- Schema version 8: who may sign in, with which role, and the part of the results they see.
-- Users are the dashboard's own users (managers, consultants), never respondents: their
-- e-mail is how the sign-in provider names them. Scope names match case-insensitively.
CREATE TABLE users (
    email VARCHAR NOT NULL,             -- lower case, as the provider's e-mail is compared
    role VARCHAR NOT NULL,              -- admin, consultant, management, works-council, department-manager
    added_at TIMESTAMP NOT NULL
);
CREATE TABLE user_scopes (
    email VARCHAR NOT NULL,
    workplace VARCHAR NOT NULL,
    department VARCHAR                  -- NULL: the whole workplace
);
