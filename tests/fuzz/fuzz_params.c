/* libFuzzer target for the parameter parsers: `make fuzz` (clang). The first byte picks the parser. */
#include <stddef.h>
#include <stdint.h>

#include "../../fcgi/params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const types[] = {NULL, "application/json", "application/x-www-form-urlencoded",
					    "multipart/form-data; boundary=XyZ"};
	struct rd_params_error err;
	json_t *root;

	if (size < 1)
		return 0;
	root = json_object();
	if (data[0] % 5 == 4)
		(void)rd_params_parse_query(root, (const char *)data + 1, size - 1, &rd_params_default_limits, &err);
	else
		(void)rd_params_parse_body(root, types[data[0] % 4], (const char *)data + 1, size - 1,
					   &rd_params_default_limits, &err);
	json_decref(root);
	return 0;
}
