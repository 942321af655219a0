-- Per-tenant permission conditions switched through Canvas' own APIs (issue 16): the Feature Flags API for
-- feature flags, account[settings][...] of PUT /api/v1/accounts/:id for account settings (and, as a
-- documented rolesd setting, plugins). canvas_conditions.kind says which (0021).
--
-- Storage: tenants.settings -> 'canvas_conditions' -> <condition> (JSON boolean) is what resolution reads
-- (20_canvas_catalogue.sql); 'feature_flags' -> <feature> keeps a flag's Canvas state, and
-- 'account_settings' -> <setting> the value a setting was given. Conditions are per tenant, so features
-- and condition settings live on the root account (Canvas' RootAccount features).
--
-- Source file: every object here is defined once, with CREATE OR REPLACE; `rolesd migrate` re-applies
-- the function files when one changes (README, "Migrations").

-- The current tenant's value of one condition (true/false), after its default.
CREATE OR REPLACE FUNCTION rd_condition_on(p_name text) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$
    SELECT rd_canvas_condition_on(t.settings -> 'canvas_conditions', c.name, c.default_on)
      FROM canvas_conditions c, tenants t
     WHERE c.name = p_name AND t.id = rd_tenant()
    $$;

-- Sets (p_on true/false) or resets to the default (p_on NULL) one condition of the current tenant, with the
-- API-level value kept under p_store -> p_key (NULL p_value: removed). Refused while read-only.
CREATE OR REPLACE FUNCTION rd_condition_set(p_name text, p_on boolean, p_store text, p_key text, p_value jsonb)
    RETURNS void
    LANGUAGE plpgsql
    AS $$
BEGIN
    PERFORM rd_canvas_writable();
    UPDATE tenants t
       SET settings = jsonb_set(
               jsonb_set(coalesce(t.settings, '{}'), '{canvas_conditions}',
                         CASE WHEN p_on IS NULL THEN coalesce(t.settings -> 'canvas_conditions', '{}') - p_name
                              ELSE coalesce(t.settings -> 'canvas_conditions', '{}') || jsonb_build_object(p_name, p_on) END),
               ARRAY[p_store],
               CASE WHEN p_value IS NULL THEN coalesce(t.settings -> p_store, '{}') - p_key
                    ELSE coalesce(t.settings -> p_store, '{}') || jsonb_build_object(p_key, p_value) END)
     WHERE t.id = rd_tenant();
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Feature Flags API
-- ---------------------------------------------------------------------------------------------------------

-- Canvas' FeatureFlag object of a feature condition for the current tenant: the root account's flag when one
-- was set, else the default flag (no context_type / context_id, as Canvas shows its global default).
CREATE OR REPLACE FUNCTION rd_feature_flag_json(c canvas_conditions) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT CASE WHEN f.state IS NOT NULL
                THEN json_build_object('context_type', 'Account', 'context_id', t.root_account_id,
                                       'feature', c.api_name, 'state', f.state, 'locked', false)
                ELSE json_build_object('feature', c.api_name,
                                       'state', CASE WHEN rd_canvas_condition_on(t.settings -> 'canvas_conditions',
                                                                                 c.name, c.default_on)
                                                     THEN 'on' ELSE 'off' END,
                                       'locked', false) END
      FROM tenants t
     CROSS JOIN LATERAL (SELECT t.settings -> 'feature_flags' ->> c.api_name AS state) f
     WHERE t.id = rd_tenant()
    $$;

-- Canvas' Feature object (applies_to RootAccount: a tenant-wide condition).
CREATE OR REPLACE FUNCTION rd_feature_json(c canvas_conditions) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_build_object('feature', c.api_name, 'display_name', c.display_name, 'applies_to', 'RootAccount',
                             'enable_at', NULL, 'feature_flag', rd_feature_flag_json(c), 'root_opt_in', true,
                             'beta', false, 'pending_enforcement', false, 'autoexpand', false,
                             'release_notes_url', NULL, 'description', c.description)
    $$;

-- The feature condition named p_feature, or RD404 (unknown, not a feature, or asked on a sub-account:
-- RootAccount features do not apply there, as in Canvas).
CREATE OR REPLACE FUNCTION rd_feature_find(p_account bigint, p_feature text) RETURNS canvas_conditions
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    c canvas_conditions;
BEGIN
    SELECT x.* INTO c FROM canvas_conditions x WHERE x.kind = 'feature' AND x.api_name = p_feature;
    IF NOT FOUND OR p_account <> (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()) THEN
        PERFORM rd_not_found();
    END IF;
    RETURN c;
END $$;

-- GET /api/v1/accounts/:account_id/features: every feature of the account, by name, with the account's id:
-- {"account_id": N, "items": [...]}; fcgi/handlers/feature_flags.c pages it as Canvas' Api.paginate does.
CREATE OR REPLACE FUNCTION rd_features_list(p_ref text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN json_build_object('account_id', acct, 'items',
                             (SELECT coalesce(json_agg(rd_feature_json(c) ORDER BY c.api_name), '[]')
                                FROM canvas_conditions c, tenants t
                               WHERE c.kind = 'feature' AND t.id = rd_tenant() AND t.root_account_id = acct))::text;
END $$;

-- GET /api/v1/accounts/:account_id/features/enabled: the names of the features that are on.
CREATE OR REPLACE FUNCTION rd_features_enabled(p_ref text, p_perm text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN (SELECT coalesce(json_agg(c.api_name ORDER BY c.api_name), '[]')::text
              FROM canvas_conditions c, tenants t
             WHERE c.kind = 'feature' AND t.id = rd_tenant() AND t.root_account_id = acct
               AND rd_canvas_condition_on(t.settings -> 'canvas_conditions', c.name, c.default_on));
END $$;

-- GET /api/v1/accounts/:account_id/features/flags/:feature
CREATE OR REPLACE FUNCTION rd_feature_flag_show(p_ref text, p_perm text, p_feature text) RETURNS text
    LANGUAGE plpgsql STABLE
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    RETURN rd_feature_flag_json(rd_feature_find(acct, p_feature))::text;
END $$;

-- PUT /api/v1/accounts/:account_id/features/flags/:feature (state = off | allowed | on | allowed_on; Canvas'
-- "allowed" states keep the feature off / on at the root; no state: the flag unchanged). DELETE (p_state NULL, p_delete): back to the
-- default; answers the flag that was removed, as Canvas does (404 when there is none).
CREATE OR REPLACE FUNCTION rd_feature_flag_write(p_ref text, p_perm text, p_feature text, p_state text,
                                                 p_delete boolean) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    acct bigint := rd_account_resolve(p_ref);
    c canvas_conditions;
    before json;
BEGIN
    PERFORM rd_require_permission(acct, p_perm);
    -- Canvas' update: an unknown feature is a 400 "invalid feature" (a delete finds no flag: 404)
    IF NOT p_delete AND NOT EXISTS (SELECT 1 FROM canvas_conditions x WHERE x.kind = 'feature' AND x.api_name = p_feature)
       AND acct = (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant()) THEN
        PERFORM rd_canvas_bad('invalid feature');
    END IF;
    c := rd_feature_find(acct, p_feature);
    before := rd_feature_flag_json(c);
    -- and a PUT without state keeps the flag as it is (Canvas sets state only when the parameter is given)
    IF NOT p_delete AND p_state IS NULL THEN
        RETURN before::text;
    END IF;
    IF p_delete THEN
        IF before ->> 'context_type' IS NULL THEN
            PERFORM rd_not_found();
        END IF;
        PERFORM rd_condition_set(c.name, NULL, 'feature_flags', c.api_name, NULL);
        PERFORM rd_audit('feature_flag', NULL, c.api_name, before::jsonb, NULL);
        RETURN before::text;
    END IF;
    RETURN rd_feature_set(c, p_state)::text;
END $$;

-- Sets feature c's flag on the root account to p_state (RD400 for a state Canvas does not have), audited;
-- the flag as it is afterwards. No authorisation: the API checks it first, the CLI is the operator.
CREATE OR REPLACE FUNCTION rd_feature_set(c canvas_conditions, p_state text) RETURNS json
    LANGUAGE plpgsql
    AS $$
DECLARE
    before json := rd_feature_flag_json(c);
BEGIN
    IF p_state IS NULL OR p_state NOT IN ('off', 'allowed', 'on', 'allowed_on') THEN
        PERFORM rd_canvas_bad('state must be one of off, allowed, on, allowed_on');
    END IF;
    PERFORM rd_condition_set(c.name, p_state IN ('on', 'allowed_on'), 'feature_flags', c.api_name, to_jsonb(p_state));
    PERFORM rd_audit('feature_flag', NULL, c.api_name, before::jsonb, rd_feature_flag_json(c)::jsonb);
    RETURN rd_feature_flag_json(c);
END $$;

-- `rolesd tenant set` (the operator's CLI, inside begin_as_host's transaction): feature flags
-- ({"name": "state"}), account settings of the root account ({"name": value}, as account[settings]) and the
-- audit retention in days, each optional. Unknown names are errors here (RD400), not warnings: an
-- operator's typo should stop the command. Answers the tenant's conditions as they are afterwards.
CREATE OR REPLACE FUNCTION rd_tenant_settings_set(p_features jsonb, p_settings jsonb, p_retention int) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    root bigint := (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant());
    kv record;
    c canvas_conditions;
    warns text;
BEGIN
    IF root IS NULL THEN
        PERFORM rd_not_found();
    END IF;
    FOR kv IN SELECT * FROM jsonb_each_text(coalesce(p_features, '{}')) LOOP
        SELECT x.* INTO c FROM canvas_conditions x WHERE x.kind = 'feature' AND x.api_name = kv.key;
        IF NOT FOUND THEN
            PERFORM rd_canvas_bad(format('unknown feature %s', kv.key));
        END IF;
        PERFORM rd_feature_set(c, kv.value);
    END LOOP;
    warns := rd_account_settings_apply(root, p_settings::json);
    IF warns IS NOT NULL THEN
        PERFORM rd_canvas_bad(format('unknown setting(s): %s', warns));
    END IF;
    IF p_retention IS NOT NULL THEN
        IF p_retention < 1 OR p_retention > 36500 THEN
            PERFORM rd_canvas_bad('audit retention must be 1 to 36500 days');
        END IF;
        PERFORM rd_audit('tenant_setting', root, 'audit_retention_days',
                         jsonb_build_object('audit_retention_days', rd_audit_retention_days(rd_tenant())),
                         jsonb_build_object('audit_retention_days', p_retention));
        UPDATE tenants t SET settings = jsonb_set(coalesce(t.settings, '{}'), '{audit_retention_days}', to_jsonb(p_retention))
         WHERE t.id = rd_tenant();
    END IF;
    RETURN json_build_object(
        'features', (SELECT json_object_agg(x.api_name, rd_feature_flag_json(x) ->> 'state' ORDER BY x.api_name)
                       FROM canvas_conditions x WHERE x.kind = 'feature'),
        'settings', rd_account_settings_json(root),
        'audit_retention_days', rd_audit_retention_days(rd_tenant()))::text;
END $$;

-- ---------------------------------------------------------------------------------------------------------
-- Account settings (PUT /api/v1/accounts/:id account[settings][...])
-- ---------------------------------------------------------------------------------------------------------

-- Canvas' value_to_boolean (Canvas::Plugin), as fcgi/params.c rd_params_truthy: yes y true t on 1 and no n
-- false f off 0 (any case), a JSON boolean or number as itself (non-zero), any other string by Ruby's
-- to_i (non-zero: true), null false; NULL for an object or array (no boolean).
CREATE OR REPLACE FUNCTION rd_value_to_boolean(v jsonb) RETURNS boolean
    LANGUAGE sql IMMUTABLE
    AS $$
    SELECT CASE jsonb_typeof(v)
             WHEN 'boolean' THEN v::text = 'true'
             WHEN 'number' THEN abs((v #>> '{}')::numeric) >= 1
             WHEN 'null' THEN false
             WHEN 'string' THEN
               CASE WHEN lower(v #>> '{}') IN ('yes', 'y', 'true', 't', 'on', '1') THEN true
                    WHEN lower(v #>> '{}') IN ('no', 'n', 'false', 'f', 'off', '0') THEN false
                    ELSE (v #>> '{}') ~ '^[ \t\n\r\f\v]*[+-]?[0_]*[1-9]' END
           END
    $$;

-- Applies account[settings] (p_settings: the hash as JSON, NULL when absent) to account p_account. A setting
-- that is a condition's (kind setting or plugin) switches it for the tenant: only on the root account.
-- Canvas accepts a value or {"value": v}; true/false/"1"/"0"/"true"/"false" as Canvas booleans; mfa_settings
-- takes disabled | optional | required (on unless disabled). Every other key is ignored, as Canvas ignores
-- unknown settings, and named in the answer's warnings. Returns the warnings' JSON text or NULL.
CREATE OR REPLACE FUNCTION rd_account_settings_apply(p_account bigint, p_settings json) RETURNS text
    LANGUAGE plpgsql
    AS $$
DECLARE
    is_root boolean := p_account = (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant());
    kv record;
    c canvas_conditions;
    v jsonb;
    on_ boolean;
    before jsonb;
    after jsonb;
    warns text[] := '{}';
BEGIN
    IF p_settings IS NULL OR json_typeof(p_settings) <> 'object' THEN
        RETURN NULL;
    END IF;
    FOR kv IN SELECT x.key, x.value::jsonb AS value FROM json_each(p_settings) x ORDER BY x.key LOOP
        SELECT x.* INTO c FROM canvas_conditions x WHERE x.kind IN ('setting', 'plugin') AND x.api_name = kv.key;
        IF NOT FOUND THEN
            warns := warns || json_build_object('setting', kv.key, 'ignored', true, 'reason', 'unknown_setting',
                'message', format('rolesd does not keep the account setting %s; it was ignored', kv.key))::text;
            CONTINUE;
        END IF;
        IF NOT is_root THEN
            warns := warns || json_build_object('setting', kv.key, 'ignored', true, 'reason', 'root_account_only',
                'message', format('%s is a setting of the root account (PUT /api/v1/accounts/%s); it was ignored',
                                  kv.key, (SELECT t.root_account_id FROM tenants t WHERE t.id = rd_tenant())))::text;
            CONTINUE;
        END IF;
        v := CASE WHEN jsonb_typeof(kv.value) = 'object' AND kv.value ? 'value' THEN kv.value -> 'value' ELSE kv.value END;
        IF c.api_name = 'mfa_settings' THEN
            IF v #>> '{}' IS NULL OR v #>> '{}' NOT IN ('disabled', 'optional', 'required') THEN
                PERFORM rd_canvas_bad('invalid parameter ''account[settings][mfa_settings]'': expected disabled, optional or required');
            END IF;
            on_ := v #>> '{}' <> 'disabled';
        ELSIF rd_value_to_boolean(v) IS NULL THEN
            PERFORM rd_canvas_bad(format('invalid parameter ''account[settings][%s]'': expected a boolean', kv.key));
        ELSE
            on_ := rd_value_to_boolean(v);
            v := to_jsonb(on_);
        END IF;
        -- audited as the setting's value the API shows (mfa_settings: disabled | optional | required), so
        -- a change between two values of the same condition (optional -> required) is recorded too
        before := (rd_account_settings_json(p_account) -> c.api_name)::jsonb;
        PERFORM rd_condition_set(c.name, on_, 'account_settings', c.api_name, v);
        after := (rd_account_settings_json(p_account) -> c.api_name)::jsonb;
        IF before IS DISTINCT FROM after THEN
            PERFORM rd_audit('account_setting', p_account, c.api_name, jsonb_build_object(c.api_name, before),
                             jsonb_build_object(c.api_name, after));
        END IF;
    END LOOP;
    RETURN CASE WHEN cardinality(warns) > 0 THEN '[' || array_to_string(warns, ',') || ']' END;
END $$;

-- The condition settings of the tenant as Canvas' account "settings" member (root account only).
CREATE OR REPLACE FUNCTION rd_account_settings_json(p_account bigint) RETURNS json
    LANGUAGE sql STABLE
    AS $$
    SELECT json_object_agg(c.api_name,
               CASE WHEN c.api_name = 'mfa_settings'
                    THEN to_json(coalesce(t.settings -> 'account_settings' ->> 'mfa_settings',
                                          CASE WHEN rd_canvas_condition_on(t.settings -> 'canvas_conditions', c.name, c.default_on)
                                               THEN 'optional' ELSE 'disabled' END))
                    ELSE to_json(rd_canvas_condition_on(t.settings -> 'canvas_conditions', c.name, c.default_on)) END
               ORDER BY c.api_name)
      FROM canvas_conditions c, tenants t
     WHERE c.kind IN ('setting', 'plugin') AND t.id = rd_tenant() AND t.root_account_id = p_account
    $$;
