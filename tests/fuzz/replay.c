/*
 * main() for the fuzz targets outside libFuzzer: runs LLVMFuzzerTestOneInput once on each file named on
 * the command line (no mutation). A crash, sanitizer report or failed property ends the process with a
 * non-zero status, so tests/fuzz/run.sh can count each corpus file as passed or failed.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	unsigned char *data = NULL;
	size_t n = 0, cap = 0, got;

	if (f == NULL) {
		perror(path);
		return -1;
	}
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		got = fread(data + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	/* an exact-size copy, so that ASan sees any read past the input */
	{
		unsigned char *exact = malloc(n ? n : 1);
		if (exact == NULL)
			abort();
		for (size_t i = 0; i < n; i++)
			exact[i] = data[i];
		free(data);
		LLVMFuzzerTestOneInput(exact, n);
		free(exact);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (run_file(argv[i]) != 0)
			return 2;
	return 0;
}
