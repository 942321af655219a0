/*
 * Shared by the libFuzzer targets of tests/fuzz/. Each target is built twice: with clang
 * -fsanitize=fuzzer for `make fuzz`, and with tests/fuzz/replay.c as main (gcc or clang, ASan/UBSan) so
 * that `make test` replays the checked-in corpus tests/fuzz/corpus/<target>/ on any machine.
 */
#ifndef RD_FUZZ_H
#define RD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed property: report and abort, which both libFuzzer and the replay count as a crash. */
#define FUZZ_ASSERT(cond)                                                                    \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                             \
		}                                                                            \
	} while (0)

#endif
