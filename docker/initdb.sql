-- Database roles for docker-compose: the owner runs migrations, the app role is what rolesd serves as
-- (it owns nothing, so row-level security always applies). Passwords are for local development only.
CREATE ROLE rolesd_owner LOGIN PASSWORD 'owner';
CREATE ROLE rolesd_app LOGIN PASSWORD 'app';
ALTER DATABASE rolesd OWNER TO rolesd_owner;
