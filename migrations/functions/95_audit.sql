-- The audit trail (0022): writing it, keeping it immutable, reading it.
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- One audit row for a change made by the current request: who (rd_user(), the token of the request, its
-- request id: settings made by rd_auth), what (entity, its id, the account it belongs to), before
-- and after (NULL before = created, NULL after = deleted). Called by the definer functions in the same
-- transaction as the change, so a change that rolls back leaves no row.
--
-- plpgsql, so that the INSERT keeps its plan: as a SQL function it was parsed and planned again at every
-- audited write (callgrind: about 1 M instructions of a 5.4 M Canvas PUT went to the two audit triggers).
CREATE OR REPLACE FUNCTION rd_audit(p_entity text, p_account bigint, p_entity_id text, p_before jsonb, p_after jsonb)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    INSERT INTO audit_events (tenant_id, user_id, token_id, request_id, account_id, entity, entity_id, action,
                              before, after)
    SELECT rd_tenant(), rd_user(), NULLIF(current_setting('rolesd.token_id', true), '')::bigint,
           NULLIF(current_setting('rolesd.request_id', true), ''),
           coalesce(p_account, (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())),
           p_entity, p_entity_id,
           CASE WHEN p_before IS NULL THEN 'create' WHEN p_after IS NULL THEN 'delete' ELSE 'update' END,
           p_before, p_after
     WHERE p_before IS DISTINCT FROM p_after;
END $$;

-- Audit rows never change. The only deletion allowed is the retention purge (rd_audit_purge), which marks
-- its transaction and deletes only rows older than the tenant's retention.
CREATE OR REPLACE FUNCTION rd_audit_immutable() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('rolesd.audit_purge', true) = 'on'
       AND OLD.at < now() - make_interval(days => rd_audit_retention_days(OLD.tenant_id)) THEN
        RETURN OLD;
    END IF;
    -- the tenant itself is being deleted (ON DELETE CASCADE): its trail goes with it
    IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id = OLD.tenant_id) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit rows are immutable' USING ERRCODE = 'RD409';
END $$;

CREATE OR REPLACE TRIGGER audit_events_immutable BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_immutable();
CREATE OR REPLACE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE PROCEDURE rd_audit_immutable();

-- The tenant's retention in days: tenants.settings -> 'audit_retention_days' (default 365).
CREATE OR REPLACE FUNCTION rd_audit_retention_days(p_tenant bigint) RETURNS int
    LANGUAGE sql STABLE
    AS $$
    SELECT coalesce(CASE WHEN jsonb_typeof(t.settings -> 'audit_retention_days') = 'number'
                         THEN (t.settings ->> 'audit_retention_days')::int END, 365)
      FROM tenants t WHERE t.id = p_tenant
    $$;

-- The entities the trail records (rd_audit_row's trigger arguments and rd_audit's explicit calls; test_audit.sql
-- checks that this list names every one): what the `entity` filter accepts.
CREATE OR REPLACE FUNCTION rd_audit_entities() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['account', 'account_setting', 'admin', 'api2_collection', 'api2_group', 'api2_group_user',
                       'api2_membership', 'api2_role', 'api2_role_permission', 'feature_flag',
                       'role', 'role_override', 'tenant_setting', 'token'] $$;

-- Deletes the current tenant's audit rows older than its retention; the count deleted. Run by every write
-- that audits is not needed: `rolesd tenant` and the audit read path call it (cheap with the index).
CREATE OR REPLACE FUNCTION rd_audit_purge() RETURNS bigint
    LANGUAGE plpgsql
    AS $$
DECLARE
    n bigint;
BEGIN
    PERFORM set_config('rolesd.audit_purge', 'on', true);
    DELETE FROM audit_events a
     WHERE a.tenant_id = rd_tenant() AND a.at < now() - make_interval(days => rd_audit_retention_days(rd_tenant()));
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM set_config('rolesd.audit_purge', '', true);
    RETURN n;
END $$;

-- What the trail leaves out of a row: the token hash, and the columns derived from other rows (an account's
-- chain, a token's user_active, a membership's role_type, live and at_root).
CREATE OR REPLACE FUNCTION rd_audit_derived() RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    AS $$ SELECT ARRAY['token_hash', 'chain', 'user_active', 'role_type', 'live', 'at_root'] $$;

-- Every change to the audited tables, one row each, from row triggers: the same transaction as the change,
-- whichever function made it. TG_ARGV[0] is the entity name. The token hash never enters the trail, nor the
-- derived columns (rd_audit_derived); an update that changes only timestamps (a role touched by an
-- override write) or derived columns (a move above the account, audited on the moved account; a user's
-- state copied to the tokens; a role's or account's state copied to the memberships) is not recorded.
-- Changes made outside a tenant's context (schema migrations) and a new tenant's provisioning (rd_tenant_create sets
-- rolesd.audit_off for itself) are not audited.
CREATE OR REPLACE FUNCTION rd_audit_row() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    b jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - rd_audit_derived() END;
    a jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - rd_audit_derived() END;
    r jsonb := coalesce(a, b);
    acct bigint;
BEGIN
    -- audit_off is the migrations' and tenant creation's (the owner's sessions); the application's
    -- connection cannot switch the trail off by setting it by hand
    IF rd_tenant() IS NULL OR rd_tenant() <> (r ->> 'tenant_id')::bigint
       OR (current_setting('rolesd.audit_off', true) = 'on' AND session_user <> 'rolesd_app') THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND b - 'updated_at' - 'modified_on' = a - 'updated_at' - 'modified_on' THEN
        RETURN NULL;
    END IF;
    -- a token's account is its user's; every other row names its own. Only the token's case is a query: with
    -- it inside the CASE, the whole assignment was one, made at every audited write (about 38 k instructions)
    IF TG_TABLE_NAME = 'access_tokens' THEN
        SELECT u.account_id INTO acct FROM users u WHERE u.tenant_id = rd_tenant() AND u.id = (r ->> 'user_id')::bigint;
    ELSE
        acct := CASE TG_TABLE_NAME
                    WHEN 'accounts' THEN (r ->> 'id')::bigint
                    WHEN 'roles' THEN coalesce((r ->> 'account_id')::bigint, (r ->> 'root_account_id')::bigint)
                    ELSE (r ->> 'account_id')::bigint END;
    END IF;
    PERFORM rd_audit(TG_ARGV[0], acct,
                     CASE TG_TABLE_NAME WHEN 'api2_role_permissions' THEN (r ->> 'role_id') || ':' || (r ->> 'permission')
                                        WHEN 'api2_group_users' THEN (r ->> 'group_id') || ':' || (r ->> 'user_id')
                                        ELSE r ->> 'id' END,
                     b - 'tenant_id', a - 'tenant_id');
    RETURN NULL;
END $$;

CREATE OR REPLACE TRIGGER audit_accounts AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('account');
-- The two tables whose rows a hot write touches (roles.updated_at at every override write, api2_roles.modified_on
-- at every change of a role's permissions) fire on updates of their other columns only: an update of the
-- timestamp alone would be compared and skipped, and the call alone cost about 200 k instructions (a WHEN
-- clause costs more: it is planned again at every statement). test_audit.sql checks that the lists name every
-- other column.
CREATE OR REPLACE TRIGGER audit_roles AFTER INSERT OR DELETE OR UPDATE OF tenant_id, id, root_account_id, account_id,
    name, base_role_type, workflow_state, created_at, deleted_at ON roles
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('role');
CREATE OR REPLACE TRIGGER audit_role_overrides AFTER INSERT OR UPDATE OR DELETE ON role_overrides
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('role_override');
CREATE OR REPLACE TRIGGER audit_account_users AFTER INSERT OR UPDATE OR DELETE ON account_users
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('admin');
CREATE OR REPLACE TRIGGER audit_access_tokens AFTER INSERT OR UPDATE OR DELETE ON access_tokens
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('token');
CREATE OR REPLACE TRIGGER audit_api2_roles AFTER INSERT OR DELETE OR UPDATE OF tenant_id, id, display_name, deletable,
    lti, created_on ON api2_roles
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_role');
CREATE OR REPLACE TRIGGER audit_api2_role_permissions AFTER INSERT OR DELETE ON api2_role_permissions
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_role_permission');
-- api2's collections tree, groups, their users and the memberships through which api2 roles are held: rows
-- without an account, recorded on the root account as the api2 roles are (an update of modified_on alone,
-- a collection touched, is compared and skipped)
CREATE OR REPLACE TRIGGER audit_api2_collections AFTER INSERT OR UPDATE OR DELETE ON api2_collections
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_collection');
CREATE OR REPLACE TRIGGER audit_api2_groups AFTER INSERT OR UPDATE OR DELETE ON api2_groups
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_group');
CREATE OR REPLACE TRIGGER audit_api2_group_users AFTER INSERT OR DELETE ON api2_group_users
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_group_user');
CREATE OR REPLACE TRIGGER audit_api2_memberships AFTER INSERT OR UPDATE OR DELETE ON api2_memberships
    FOR EACH ROW EXECUTE PROCEDURE rd_audit_row('api2_membership');

-- One audit row as the API shows it.
-- A stored row image as the API shows it: its timestamps (stored as PostgreSQL writes them,
-- 2026-12-03T05:30:30.954071+00:00) in the Canvas form, ISO 8601 UTC without fractions.
CREATE OR REPLACE FUNCTION rd_audit_image(p jsonb) RETURNS jsonb
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN jsonb_typeof(p) = 'object' THEN
        coalesce((SELECT jsonb_object_agg(e.k, CASE WHEN jsonb_typeof(e.v) = 'string'
                                                     AND e.v #>> '{}' ~ '^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$'
                                                    THEN to_jsonb(rd_canvas_iso((e.v #>> '{}')::timestamptz)) ELSE e.v END)
                    FROM jsonb_each(p) e(k, v)), '{}')
    ELSE p END
    $$;

CREATE OR REPLACE FUNCTION rd_audit_json(a audit_events) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('id', a.id, 'created_at', rd_canvas_iso(a.at), 'user_id', a.user_id,
                             'token_id', a.token_id, 'request_id', a.request_id, 'account_id', a.account_id,
                             'entity', a.entity, 'entity_id', a.entity_id, 'action', a.action,
                             'before', rd_audit_image(a.before), 'after', rd_audit_image(a.after))
    $$;

-- GET /api/v1/accounts/:account_id/audit: the trail of the account and its sub-accounts, newest first,
-- keyset-paginated by id (bookmark = the last id shown). Filters: since / until (ISO 8601, inclusive /
-- exclusive), entity, user_id. Needs p_perm (manage_role_overrides) on the account, which holders on an
-- ancestor have too. Purges the tenant's rows older than its retention first.
CREATE OR REPLACE FUNCTION rd_audit_list(p_ref text, p_perm text, p_since text, p_until text, p_entity text,
                                         p_user text, p_page text, p_limit int)
    RETURNS TABLE (account_id bigint, body text, next_page text)
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    before_id bigint;
    n int := greatest(1, least(coalesce(p_limit, 10), 100));
    since_ts timestamptz;
    until_ts timestamptz;
    uid bigint;
    ids bigint[];
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    before_id := rd_bookmark_int(rd_bookmark_decode(p_page), 0);  -- a bad page is a 404 after authorisation
    -- the cast alone also reads 'now', 'today', 'epoch', 'infinity', Julian days and zone names
    IF btrim(p_since) !~ '^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$'
       OR btrim(p_until) !~ '^(\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$' THEN
        PERFORM rd_canvas_bad('since and until must be ISO 8601 times');
    END IF;
    BEGIN
        since_ts := NULLIF(btrim(p_since), '')::timestamptz;
        until_ts := NULLIF(btrim(p_until), '')::timestamptz;
    EXCEPTION WHEN OTHERS THEN
        PERFORM rd_canvas_bad('since and until must be ISO 8601 times');
    END;
    -- entity: one the trail records; a misspelt one is a 400, not an empty list
    IF NULLIF(p_entity, '') IS NOT NULL AND NOT p_entity = ANY (rd_audit_entities()) THEN
        PERFORM rd_canvas_bad('entity must be one of ' || array_to_string(rd_audit_entities(), ', '));
    END IF;
    -- user_id: a numeric id (also of a user since deleted), or `self` / sis_user_id:<v> / hex:sis_user_id:<hex> as everywhere else
    -- in the API (an unknown one: nothing matches)
    IF NULLIF(btrim(p_user), '') IS NOT NULL THEN
        IF btrim(p_user) ~ '^[0-9]{1,18}$' THEN
            uid := btrim(p_user)::bigint;
        ELSIF btrim(p_user) = 'self' THEN
            uid := rd_user_resolve('self');
        ELSIF btrim(p_user) LIKE 'sis_user_id:_%' THEN
            uid := coalesce((SELECT u.id FROM users u WHERE u.tenant_id = rd_tenant()
                                AND u.sis_user_id = substr(btrim(p_user), 13)), -1);
        ELSIF btrim(p_user) LIKE 'hex:sis_user_id:%' AND substr(btrim(p_user), 17) ~ '^([0-9a-fA-F]{2})+$' THEN
            BEGIN
                uid := coalesce((SELECT u.id FROM users u WHERE u.tenant_id = rd_tenant()
                                    AND u.sis_user_id = convert_from(decode(substr(btrim(p_user), 17), 'hex'), 'UTF8')),
                                -1);
            EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
                uid := -1;
            END;
        ELSE
            PERFORM rd_canvas_bad('user_id must be a user id, self, sis_user_id:<id> or hex:sis_user_id:<hex>');
        END IF;
    END IF;
    PERFORM rd_audit_purge();
    SELECT array_agg(x.id ORDER BY x.id DESC) INTO ids
      FROM (SELECT a.id FROM audit_events a
              JOIN accounts ac ON ac.tenant_id = a.tenant_id AND ac.id = a.account_id
             WHERE a.tenant_id = rd_tenant() AND acct = ANY (ac.chain)
               AND (before_id IS NULL OR a.id < before_id)
               AND (since_ts IS NULL OR a.at >= since_ts) AND (until_ts IS NULL OR a.at < until_ts)
               AND (NULLIF(p_entity, '') IS NULL OR a.entity = p_entity)
               AND (uid IS NULL OR a.user_id = uid)
             ORDER BY a.id DESC LIMIT n + 1 OFFSET coalesce(rd_page_offset(p_page, n), 0)) x;
    account_id := acct;
    next_page := CASE WHEN coalesce(array_length(ids, 1), 0) > n THEN rd_bookmark_encode(jsonb_build_array(ids[n])) END;
    SELECT coalesce(json_agg(rd_audit_json(a) ORDER BY a.id DESC), '[]')::text INTO body
      FROM audit_events a WHERE a.tenant_id = rd_tenant() AND a.id = ANY (ids[1:n]);
    RETURN NEXT;
END $$;
