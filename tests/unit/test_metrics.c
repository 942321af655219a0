/* Metrics in the shared page: observations from several processes add up, and the text is Prometheus'. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "metrics.h"
#include "router.h"
#include "shm.h"

static void nothing_without_the_shared_page(void **state)
{
	struct rd_buf b = {0};
	(void)state;
	rd_metrics_observe(0, 200, 1, 1);
	rd_metrics_render(&b);
	assert_int_equal(b.len, 0);
	rd_buf_free(&b);
}

static void children_add_to_one_count(void **state)
{
	struct rd_buf b = {0};
	int i;
	(void)state;
	assert_int_equal(rd_shm_create(), 0);
	for (i = 0; i < 3; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			int j;
			for (j = 0; j < 100; j++)
				rd_metrics_observe(1, 200, 3.0, 1.0);
			_exit(0);
		}
		assert_true(pid > 0);
	}
	while (wait(NULL) > 0)
		;
	rd_metrics_observe(-1, 404, 0.5, 0);
	rd_metrics_observe(1, 418, 0.5, 0);
	rd_metrics_render(&b);
	assert_non_null(strstr(b.p, "route=\"/readyz\",status=\"200\"} 300\n"));
	assert_non_null(strstr(b.p, "route=\"none\",status=\"404\"} 1\n"));
	assert_non_null(strstr(b.p, "route=\"/readyz\",status=\"other\"} 1\n"));
	assert_non_null(strstr(b.p, "rolesd_request_duration_seconds_bucket{le=\"0.001\"} 2\n"));
	assert_non_null(strstr(b.p, "rolesd_request_duration_seconds_bucket{le=\"0.005\"} 302\n"));
	assert_non_null(strstr(b.p, "rolesd_request_duration_seconds_count 302\n"));
	assert_non_null(strstr(b.p, "# TYPE rolesd_db_duration_seconds histogram\n"));
	rd_buf_free(&b);
	rd_shm_free();
}

static void worker_slots(void **state)
{
	struct rd_buf b = {0};
	(void)state;
	assert_int_equal(rd_shm_create(), 0);
	rd_metrics_worker_state(0, 100, 1, 1);
	rd_metrics_worker_state(1, 101, 0, 1);
	rd_metrics_worker_state(1, 102, 0, 0); /* the replacement took slot 1 */
	rd_metrics_worker_gone(1, 101);        /* the old one's exit must not clear it */
	rd_metrics_render(&b);
	assert_non_null(strstr(b.p, "rolesd_workers{state=\"busy\"} 1\nrolesd_workers{state=\"idle\"} 1\n"));
	assert_non_null(strstr(b.p, "rolesd_db_connections 1\n"));
	rd_buf_free(&b);
	rd_shm_free();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nothing_without_the_shared_page),
		cmocka_unit_test(children_add_to_one_count),
		cmocka_unit_test(worker_slots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
