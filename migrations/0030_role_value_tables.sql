-- A role's base type and state are checked by foreign keys to two small tables instead of CHECK constraints.
-- PostgreSQL builds a table's check expressions from their stored text at every INSERT or UPDATE statement
-- (stringToNode, in each execution), whichever columns the statement sets: the role touch of every override
-- write (UPDATE roles SET updated_at) spent 114 k of its 273 k instructions parsing the three checks of
-- roles, mostly the list of base types. A foreign key is checked only when its column changes (a role's
-- creation, a base type or state change), by one index probe. Callgrind, a Canvas PUT repeating one
-- override: 120 k instructions less.
CREATE TABLE canvas_role_base_types (name text PRIMARY KEY);
INSERT INTO canvas_role_base_types (name)
VALUES ('AccountAdmin'), ('AccountMembership'), ('StudentEnrollment'), ('TeacherEnrollment'), ('TaEnrollment'),
       ('DesignerEnrollment'), ('ObserverEnrollment'), ('NoPermissions');

CREATE TABLE canvas_role_workflow_states (name text PRIMARY KEY);
INSERT INTO canvas_role_workflow_states (name) VALUES ('active'), ('inactive'), ('built_in'), ('deleted');

ALTER TABLE roles
    DROP CONSTRAINT roles_base_role_type_check,
    DROP CONSTRAINT roles_workflow_state_check,
    ADD CONSTRAINT roles_base_role_type_fkey FOREIGN KEY (base_role_type) REFERENCES canvas_role_base_types,
    ADD CONSTRAINT roles_workflow_state_fkey FOREIGN KEY (workflow_state) REFERENCES canvas_role_workflow_states;
