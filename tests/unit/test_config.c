/* Configuration: the worker default from the cgroup CPU quota, and secrets from *_FILE. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

static char dir[64];

static void put(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof dir, "/tmp/rd-unit-config.XXXXXX");
	assert_non_null(mkdtemp(dir));
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];
	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void cgroup_v2_quota_rounds_up(void **state)
{
	(void)state;
	put("cpu.max", "150000 100000\n");
	assert_int_equal(rd_config_cpu_quota(dir), 2);
	put("cpu.max", "100000 100000\n");
	assert_int_equal(rd_config_cpu_quota(dir), 1);
	put("cpu.max", "max 100000\n");
	assert_int_equal(rd_config_cpu_quota(dir), 0);
}

static void cgroup_v1_quota(void **state)
{
	char sub[128];
	(void)state;
	unlink(strcat(strcpy(sub, dir), "/cpu.max"));
	snprintf(sub, sizeof sub, "%s/cpu", dir);
	mkdir(sub, 0700);
	put("cpu/cpu.cfs_quota_us", "300000\n");
	put("cpu/cpu.cfs_period_us", "100000\n");
	assert_int_equal(rd_config_cpu_quota(dir), 3);
	put("cpu/cpu.cfs_quota_us", "-1\n");
	assert_int_equal(rd_config_cpu_quota(dir), 0);
}

static void no_cgroup_files_is_unlimited(void **state)
{
	(void)state;
	assert_int_equal(rd_config_cpu_quota("/nonexistent"), 0);
}

static void secrets_from_files(void **state)
{
	struct rd_config cfg;
	char path[256];
	(void)state;
	put("db", "host=db user=rolesd_app password=s3cret\n");
	snprintf(path, sizeof path, "%s/db", dir);
	setenv("DATABASE_URL", "from-env", 1);
	setenv("DATABASE_URL_FILE", path, 1);
	unsetenv("ROLESD_ADMIN_DATABASE_URL");
	unsetenv("ROLESD_ADMIN_DATABASE_URL_FILE");
	rd_config_load(&cfg);
	assert_string_equal(cfg.database_url, "host=db user=rolesd_app password=s3cret");
	assert_string_equal(cfg.admin_database_url, cfg.database_url);
	unsetenv("DATABASE_URL_FILE");
	rd_config_load(&cfg);
	assert_string_equal(cfg.database_url, "from-env");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cgroup_v2_quota_rounds_up),
		cmocka_unit_test(cgroup_v1_quota),
		cmocka_unit_test(no_cgroup_files_is_unlimited),
		cmocka_unit_test(secrets_from_files),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
