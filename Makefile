# rolesd: every entry point.
#
#   make run     install missing packages, build, start PostgreSQL + rolesd + nginx in $(RUN_DIR), foreground
#   make test    the same in a throwaway directory, then unit (ASan/UBSan), SQL and end-to-end suites
#   make bench   optimised build, throwaway stack, wrk against baselines and rolesd (tests/bench/)
#   make bench-overload   goodput at 1x, 2x, 8x the saturating connections (load shedding)
#   make bench-instructions   PostgreSQL's instructions per request of each bench row, exactly (callgrind)
#   make build   just build/rolesd
#   make fuzz    every libFuzzer target of tests/fuzz/ for FUZZ_TIME seconds (clang)
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
# Fuzz targets (tests/fuzz/fuzz_<t>.c): replayed on their corpus by `make test` (any compiler, ASan/UBSan),
# run by libFuzzer in `make fuzz` (clang).
FUZZ_TARGETS := params router host paginate canvas_json auth
FUZZ_REPLAY := $(patsubst %,$(B)/fuzz/replay/fuzz_%,$(FUZZ_TARGETS))
FUZZ_BIN := $(patsubst %,$(B)/fuzz/fuzz_%,$(FUZZ_TARGETS))
FUZZ_OBJ := $(patsubst %.c,$(B)/fuzz/obj/%.o,$(LIB_SRC))
FUZZ_CC ?= clang
FUZZ_TIME ?= 30

.SECONDARY:
.PHONY: all build run test unit deps clean clean-obj bench bench-scale bench-overload bench-instructions fuzz \
	fuzz-replay stop

all: build
build: $(B)/rolesd

$(B)/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -c $< -o $@

# The version `rolesd --version` prints: git describe of the tree (VERSION=... to set it, e.g. in a
# Docker build without .git). main.o is rebuilt when it changes.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
$(B)/version: FORCE
	@mkdir -p $(dir $@)
	@echo '$(VERSION)' | cmp -s - $@ || echo '$(VERSION)' > $@
$(B)/obj/fcgi/main.o: $(B)/version
$(B)/obj/fcgi/main.o: CFLAGS += -DRD_VERSION='"$(VERSION)"'
.PHONY: FORCE

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
	@$(MAKE) --no-print-directory build $(UNIT_BIN) $(FUZZ_REPLAY)
	@FUZZ_REPLAY="$(FUZZ_REPLAY)" tests/run-all.sh $(UNIT_BIN)

# Benchmarks build into their own directory with optimisation, so a test build is never measured.
bench: deps
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd build/bench/baseline
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd BENCH_BASELINE=$(CURDIR)/build/bench/baseline \
		python3 tests/bench/bench.py --out $(BENCH_OUT)

bench-overload: deps
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd build/bench/baseline
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd BENCH_BASELINE=$(CURDIR)/build/bench/baseline \
		python3 tests/bench/bench.py --overload --out $(patsubst %.json,%-overload.json,$(BENCH_OUT))

bench-scale: deps
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd build/bench/baseline
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd BENCH_BASELINE=$(CURDIR)/build/bench/baseline \
		python3 tests/bench/bench.py --scale --out $(patsubst %.json,%-scale.json,$(BENCH_OUT))

# PostgreSQL's side of each bench row counted in instructions (valgrind, installed here if missing): the
# figure that repeats from run to run on a shared machine, where the CPU times of `make bench` do not.
bench-instructions: deps
	@command -v valgrind >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q valgrind >/dev/null
	@$(MAKE) --no-print-directory B=build/bench OPT="-O2 -DNDEBUG" build/bench/rolesd
	@ROLESD_BIN=$(CURDIR)/build/bench/rolesd \
		python3 tests/bench/instructions.py --out $(patsubst %.json,%-instructions.json,$(BENCH_OUT))

$(B)/baseline: tests/bench/baseline.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -o $@ $< -lfcgi -lpq

# The corpus replay alone (also part of `make test`).
fuzz-replay: $(FUZZ_REPLAY)
	@tests/fuzz/run.sh $(FUZZ_REPLAY)

$(B)/fuzz/replay/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz.h $(SAN_OBJ) $(HDR)
	@mkdir -p $(dir $@)
	$(CC) $(CSTD) $(WARN) -O1 -g $(SAN) -I$(PG_INCLUDE) -o $@ $< tests/fuzz/replay.c $(SAN_OBJ) \
		-Wl,--allow-multiple-definition $(LIBS)

# libFuzzer: every target for FUZZ_TIME seconds, starting from the checked-in corpus; new inputs land in
# $(B)/fuzz/corpus/<t> (add the ones worth keeping to tests/fuzz/corpus/<t> with -merge=1).
fuzz: $(FUZZ_BIN)
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p $(B)/fuzz/corpus/$$t; echo "== fuzz_$$t: $(FUZZ_TIME) s"; \
		$(B)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -timeout=10 $(B)/fuzz/corpus/$$t tests/fuzz/corpus/$$t \
			> $(B)/fuzz/fuzz_$$t.log 2>&1 || { tail -n 40 $(B)/fuzz/fuzz_$$t.log; exit 1; }; \
		grep -E '^#[0-9]+ +DONE' $(B)/fuzz/fuzz_$$t.log || tail -n 1 $(B)/fuzz/fuzz_$$t.log; \
	done

$(B)/fuzz/obj/%.o: %.c $(HDR)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CSTD) $(WARN) -g -O1 -fsanitize=fuzzer-no-link,address,undefined -I$(PG_INCLUDE) -c $< -o $@

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_OBJ) $(HDR)
	@command -v $(FUZZ_CC) >/dev/null || { echo "make fuzz needs clang: apt-get install -y clang libclang-rt-14-dev"; exit 1; }
	$(FUZZ_CC) $(CSTD) $(WARN) -g -O1 -fsanitize=fuzzer,address,undefined -I$(PG_INCLUDE) -o $@ $< $(FUZZ_OBJ) \
		-Wl,--allow-multiple-definition $(LIBS)

clean-obj:
	rm -rf $(B)/obj

clean:
	rm -rf $(B)
