-- How each permission condition is switched through the API (issue 16): Canvas' own way where it has one.
--   feature: a feature flag, Feature Flags API on the root account
--            (PUT /api/v1/accounts/:root/features/flags/<api_name> state=on)
--   setting: an account setting, PUT /api/v1/accounts/:root account[settings][<api_name>]=<on_value>
--   plugin:  a Canvas plugin (site admin only in Canvas, no account API): rolesd takes it as the account
--            setting plugin_<name> on the root account (README, "Permission conditions")
-- display_name: the feature's display_name in the Feature object.
ALTER TABLE canvas_conditions ADD COLUMN kind text NOT NULL DEFAULT 'feature'
    CHECK (kind IN ('feature', 'setting', 'plugin'));
ALTER TABLE canvas_conditions ADD COLUMN api_name text;
ALTER TABLE canvas_conditions ADD COLUMN on_value jsonb NOT NULL DEFAULT 'true';
ALTER TABLE canvas_conditions ADD COLUMN display_name text;

UPDATE canvas_conditions SET kind = 'setting', api_name = name
 WHERE name IN ('catalog_enabled', 'admins_can_view_notifications');
UPDATE canvas_conditions SET kind = 'setting', api_name = 'allow_assign_to_differentiation_tags'
 WHERE name = 'differentiation_tags';
UPDATE canvas_conditions SET kind = 'setting', api_name = 'mfa_settings', on_value = '"optional"'
 WHERE name = 'mfa_enabled';
UPDATE canvas_conditions SET kind = 'plugin', api_name = name WHERE name = 'plugin_assignment_freezer';
UPDATE canvas_conditions SET api_name = name WHERE api_name IS NULL;
UPDATE canvas_conditions
   SET display_name = initcap(replace(name, '_', ' '));
ALTER TABLE canvas_conditions ALTER COLUMN api_name SET NOT NULL;
ALTER TABLE canvas_conditions ALTER COLUMN display_name SET NOT NULL;
