# rolesd: every entry point.
#
#   make run     install missing packages, build, start PostgreSQL + rolesd + nginx in $(RUN_DIR), foreground
#   make test    the same in a throwaway directory, then unit (ASan/UBSan), SQL and end-to-end suites
#   make bench   optimised build, throwaway stack, wrk against baselines and rolesd (tests/bench/)
#   make build   just build/rolesd
#
# B=dir builds into another directory (parallel work trees); ROLESD_BIN then points the scripts at it.
#
# CI=true turns warnings into errors.

CC ?= cc
PG_INCLUDE := $(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql)
CSTD := -std=c11
WARN := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-qual \
	-fno-common -Wno-unused-parameter
ifeq ($(CI),true)
WARN += -Werror
endif
OPT ?= -O2 -g
CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -I$(PG_INCLUDE) $(CFLAGS)
LIBS := -lfcgi -lpq -ljansson -lcrypto
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

B ?= build
RUN_DIR ?= ./var
PORT ?= 8080
BENCH_OUT ?= var/bench/latest.json

SRC := $(wildcard fcgi/*.c fcgi/handlers/*.c db/*.c)
LIB_SRC := $(filter-out fcgi/main.c,$(SRC))
OBJ := $(patsubst %.c,$(B)/obj/%.o,$(SRC))
HDR := $(wildcard fcgi/*.h fcgi/handlers/*.h db/*.h)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/unit/%,$(UNIT_SRC))
SAN_OBJ := $(patsubst %.c,$(B)/san/%.o,$(LIB_SRC))

.SECONDARY:
.PHONY: all build run test unit deps clean clean-obj bench bench-scale fuzz stop

all: build
build: $(B)/rolesd

$(B)/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/rolesd: $(OBJ)
	$(CC) $(CFLAGS_ALL) -o $@ $(OBJ) $(LIBS)

# Unit tests: each test links the sanitized objects of everything but main.c (a test may #include the .c
# it tests to reach its statics; the linker then prefers the test's own copy via --allow-multiple-definition).
$(B)/san/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -I$(PG_INCLUDE) -c $< -o $@

$(B)/unit/%: tests/unit/%.c $(SAN_OBJ) $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -I$(PG_INCLUDE) -Ifcgi -Idb -o $@ $< $(SAN_OBJ) \
		-Wl,--allow-multiple-definition $(LIBS) -lcmocka

deps:
	@tests/stack.sh deps

unit: $(UNIT_BIN)
	@tests/unit/run.sh $(UNIT_BIN)

run: deps
	@$(MAKE) --no-print-directory build
	@tests/stack.sh run $(RUN_DIR) $(PORT)

stop:
	@tests/stack.sh down $(RUN_DIR)

test: deps
	@$(MAKE) --no-print-directory build $(UNIT_BIN)
	@tests/run-all.sh $(UNIT_BIN)

# Benchmarks build into their own directory with optimisation, so a test build is never measured.
bench: deps
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd build/bench/baseline
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd BENCH_BASELINE=$(CURDIR)/build/bench/baseline \
		python3 tests/bench/bench.py --out $(BENCH_OUT)

bench-scale: deps
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd build/bench/baseline
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd BENCH_BASELINE=$(CURDIR)/build/bench/baseline \
		python3 tests/bench/bench.py --scale --out $(patsubst %.json,%-scale.json,$(BENCH_OUT))

$(B)/baseline: tests/bench/baseline.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< -lfcgi -lpq

fuzz: $(B)/fuzz_params
	@mkdir -p $(B)/fuzz-corpus
	$(B)/fuzz_params -max_total_time=60 $(B)/fuzz-corpus tests/fuzz/corpus

$(B)/fuzz_params: tests/fuzz/fuzz_params.c fcgi/params.c fcgi/params.h
	@mkdir -p $(B)
	clang -g -O1 -fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_params.c fcgi/params.c -ljansson

clean-obj:
	rm -rf $(B)/obj

clean:
	rm -rf $(B)
