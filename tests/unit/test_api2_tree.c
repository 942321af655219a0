/* api2 collections tree nesting (no database): every node once, children in id order, parent_id cycles. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../fcgi/handlers/api2_collections.c"

/* A flat array as SQL answers it: ids 1..n in order, parents[i] the parent id of id i+1 (0: none). */
static json_t *flat_of(const int *parents, int n)
{
	json_t *flat = json_array();
	char id[16], pid[16];

	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof id, "%d", i + 1);
		snprintf(pid, sizeof pid, "%d", parents[i]);
		json_array_append_new(flat, json_pack("{s:s,s:o,s:[]}", "id", id, "parent_id",
						      parents[i] ? json_string(pid) : json_null(), "children"));
	}
	return flat;
}

/* The nesting as text: id(children...) for each node, e.g. "1(2(3)4)5". */
static void shape(json_t *nodes, char *out)
{
	size_t i;
	json_t *node;

	json_array_foreach (nodes, i, node) {
		strcat(out, json_string_value(json_object_get(node, "id")));
		if (json_array_size(json_object_get(node, "children")) > 0) {
			strcat(out, "(");
			shape(json_object_get(node, "children"), out);
			strcat(out, ")");
		}
		strcat(out, " ");
	}
}

static void expect_tree(const int *parents, int n, const char *expected)
{
	json_t *flat = flat_of(parents, n), *top = tree_nest(flat);
	char out[512] = "";

	shape(top, out);
	assert_string_equal(out, expected);
	json_decref(top);
	json_decref(flat);
}

static void test_nesting(void **state)
{
	expect_tree(NULL, 0, "");
	expect_tree((int[]){0, 1, 2, 1}, 4, "1(2(3 ) 4 ) ");
	/* a parent not in the answer (invisible, filtered out), and a node that names itself: top nodes */
	expect_tree((int[]){9, 1, 3, 9}, 4, "1(2 ) 3 4 ");
}

static void test_cycles(void **state)
{
	/* 2 <-> 3 under nothing, 4 under 3: entered at 2; 1 is a plain top node */
	expect_tree((int[]){0, 3, 2, 3}, 4, "1 2(3(4 ) ) ");
	/* a cycle entered from its lowest id even when a node under it has a lower one */
	expect_tree((int[]){3, 3, 2, 0}, 4, "2(3(1 ) ) 4 ");
	/* every node in one cycle; two separate cycles */
	expect_tree((int[]){3, 1, 2}, 3, "1(2(3 ) ) ");
	expect_tree((int[]){2, 1, 4, 3, 4}, 5, "1(2 ) 3(4(5 ) ) ");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_cycles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
