# steward - top-level build.
#
#   make            build build/steward over build/libsteward.a
#   make deps       install missing Debian packages (idempotent, quiet)
#   make demo       set up, build, run steward on samples/ with policies/
#   make check      set up, build, unit + end-to-end tests, the same under
#                   ASan/UBSan, replay of every saved fuzz corpus, and the
#                   multi-threaded profiling tests under ThreadSanitizer
#   make bench      set up, build, benchmarks (docs/performance.md)
#   make fuzz       run every libFuzzer target for FUZZ_SECONDS each (clang)
#
# Variables: BUILD (output directory), SANITIZE (e.g. address,undefined),
#            PGO (1: profile-guided optimisation, the default; 0: off).

BUILD    ?= build
SANITIZE ?=
CC       ?= cc
ifeq ($(origin CC),default)
CC = gcc
endif

PKGS     := libxml-2.0 sqlite3 libutf8proc icu-uc icu-i18n
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null || echo -I/usr/include/libxml2)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lxml2 -lsqlite3 -lutf8proc -licui18n -licuuc -licudata)
LIBS     := $(PKG_LIBS) -lhpdf -lm -lpthread

WARN     := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wvla \
            -Wmissing-prototypes -Wstrict-prototypes -Wpointer-arith \
            -Wundef -Wimplicit-fallthrough -Wno-format-nonliteral
# -O3 and link-time optimisation: 9% less CPU on a CSV scan than -O2
# (docs/performance.md).  The objects keep ordinary code too (fat), so
# that the unit tests, fuzz replays and the generator link without
# optimising the whole library again; only steward itself is linked
# with LTO.
CFLAGS   ?= -O3 -g -flto=auto -ffat-lto-objects
ALL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 \
            $(WARN) $(CFLAGS) -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP
LDFLAGS  ?=
NO_LTO_CFLAGS = $(filter-out -flto%,$(ALL_CFLAGS)) -fno-lto
ifneq ($(SANITIZE),)
ALL_CFLAGS += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# Profile-guided optimisation (docs/performance.md): the library and the
# CLI are compiled once instrumented (into $(BUILD)/pgo), that build scans
# the sample company (tools/pgo-train.sh), and the objects that steward,
# the tests and the fuzz replays use are compiled from what it counted.
# 6-10% off a CSV scan.  On by default, off in the sanitizer builds;
# PGO=0 for quicker builds while editing.  A changed source changes the
# profile, so every object is compiled again after it.
SAMPLE_DB := samples/billing.sqlite samples/next-month/billing.sqlite

PGO      ?= 1
ifneq ($(SANITIZE),)
PGO      := 0
endif
PGO_DIR  := $(BUILD)/pgo
ifeq ($(PGO),1)
# Each object is compiled with -dumpbase its source: a static function's
# profile is found by a name GCC derives from it, which would otherwise
# be the object's path, and the two builds put their objects apart.
PGO_GEN  = -fprofile-generate=$(abspath $(PGO_DIR)/data) -fprofile-update=prefer-atomic \
           -dumpbase $<
PGO_USE  = -fprofile-use=$(abspath $(PGO_DIR)/data) -fprofile-partial-training \
           -dumpbase $<
PGO_LINK := -fprofile-use=$(abspath $(PGO_DIR)/data) -fprofile-partial-training
PGO_STAMP := $(PGO_DIR)/trained
endif

LIB_SRC  := $(sort $(shell find src -name '*.c' -not -path 'src/cli/*'))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/schema_xsd.o
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_REPLAY := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/fuzz/replay_%)
GEN_SRC  := $(sort $(wildcard tools/genworld/*.c))
GEN_BIN  := $(BUILD)/steward-genworld

.PHONY: all deps demo check bench fuzz unit e2e fuzz-replay threads samples clean \
        check-asan check-layers

all: $(BUILD)/steward $(GEN_BIN)

deps:
	@bash tools/deps.sh

$(BUILD)/libsteward.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/steward: $(CLI_OBJ) $(BUILD)/libsteward.a
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(PGO_LINK) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libsteward.a $(LIBS)

$(BUILD)/obj/%.o: %.c $(PGO_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(PGO_USE) -c -o $@ $<

# the sample generator, which the training needs, is built without
$(BUILD)/obj/tools/%.o: tools/%.c
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

# --- profile-guided optimisation: the instrumented build and its training

$(PGO_DIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  CC      $< (instrumented)"
	@$(CC) $(ALL_CFLAGS) $(PGO_GEN) -c -o $@ $<

$(PGO_DIR)/obj/gen/schema_xsd.o: $(BUILD)/gen/schema_xsd.c
	@mkdir -p $(@D)
	@echo "  CC      $< (instrumented)"
	@$(CC) $(ALL_CFLAGS) $(PGO_GEN) -c -o $@ $<

$(PGO_DIR)/steward: $(LIB_OBJ:$(BUILD)/obj/%=$(PGO_DIR)/obj/%) $(CLI_OBJ:$(BUILD)/obj/%=$(PGO_DIR)/obj/%)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) -fprofile-generate $(LDFLAGS) -o $@ $^ $(LIBS)

$(PGO_STAMP): $(PGO_DIR)/steward tools/pgo-train.sh $(SAMPLE_DB)
	@echo "  TRAIN   $(PGO_DIR)/data"
	@bash tools/pgo-train.sh $(PGO_DIR)/steward $(PGO_DIR)/data
	@touch $@

# The policy schema is compiled into the binary so that every steward
# validates against exactly the XSD it was built with.
$(BUILD)/gen/schema_xsd.c: policies/schema/steward.xsd tools/embed.sh
	@mkdir -p $(@D)
	@bash tools/embed.sh policy_schema_xsd $< > $@

$(BUILD)/obj/gen/schema_xsd.o: $(BUILD)/gen/schema_xsd.c $(PGO_STAMP)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) $(PGO_USE) -c -o $@ $<

$(GEN_BIN): $(GEN_SRC:%.c=$(BUILD)/obj/%.o)
	@echo "  LD      $@"
	@$(CC) $(LDFLAGS) -o $@ $^ -lsqlite3 -lm

# --- tests ---------------------------------------------------------------

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libsteward.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(NO_LTO_CFLAGS) -Itests/unit -o $@ $< $(BUILD)/libsteward.a $(LIBS) -lcmocka $(LDFLAGS)

$(BUILD)/fuzz/replay_%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libsteward.a
	@mkdir -p $(@D)
	@echo "  LD      $@"
	@$(CC) $(NO_LTO_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libsteward.a $(LIBS) $(LDFLAGS)

# test_profile profiles the sample sources, billing.sqlite among them
unit: $(UNIT_BIN) samples
	@bash tests/run-unit.sh $(UNIT_BIN)

e2e: $(BUILD)/steward $(GEN_BIN) samples
	@STEWARD=$(abspath $(BUILD)/steward) GENWORLD=$(abspath $(GEN_BIN)) bash tests/run-cases.sh

fuzz-replay: $(FUZZ_REPLAY)
	@bash tests/fuzz/replay-all.sh $(BUILD)/fuzz

check-layers:
	@bash tools/check-layers.sh

# The tests that run profiling on several threads (test_profile, and scans
# of CSV files cut into many ranges), built with ThreadSanitizer: a data
# race fails them (TSan exits 66).
threads: $(BUILD)/tests/test_profile $(BUILD)/steward samples
	@$(BUILD)/tests/test_profile > $(BUILD)/threads.log 2>&1 || \
		{ cat $(BUILD)/threads.log; exit 1; }
	@STEWARD=$(abspath $(BUILD)/steward) bash tests/run-cases.sh scan/011
	@echo "threads: no data race"

check: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory check-layers unit e2e
	@$(MAKE) --no-print-directory BUILD=build/asan SANITIZE=address,undefined CFLAGS="-O1 -g" all unit e2e fuzz-replay
	@$(MAKE) --no-print-directory BUILD=build/tsan SANITIZE=thread CFLAGS="-O1 -g" threads
	@echo "make check: all passed"

# --- the sample world ----------------------------------------------------

samples: $(SAMPLE_DB)

samples/billing.sqlite samples/next-month/billing.sqlite &: $(GEN_BIN)
	$(GEN_BIN) --out samples --only billing

demo: deps
	@$(MAKE) --no-print-directory all samples
	@bash tools/demo.sh $(BUILD)/steward

bench: deps
	@command -v npm >/dev/null || bash tools/deps.sh nodejs npm
	@$(MAKE) --no-print-directory all
	@bash tools/bench.sh $(BUILD)

FUZZ_SECONDS ?= 60
fuzz: deps
	@bash tools/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj $(PGO_DIR)/obj -name '*.d' 2>/dev/null)
