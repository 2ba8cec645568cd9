# tgm: Popek and Goldberg's third generation machine and its VMM.
#
#   make            build build/tgm
#   make run        install what is missing, build, run the main demo
#   make test       install what is missing, build, run every test suite
#   make asan       the test suites under AddressSanitizer + UBSan
#   make valgrind   tgm run, check and the monitor on the examples under valgrind
#   make bench      the benchmark harness (MIPS, host insns per guest insn)
#   make bench-compare  the same loop on SIMH, Hercules and tgm, side by side
#   make soak       the long differential runs (JOBS=N SHARD=i/n)
#   make install PREFIX=/usr/local   the command, man pages, docs, examples, completion
#   make uninstall  removes what install put there (same PREFIX and DESTDIR)
#   make man        the manual pages alone, in build/man
#   make fuzz, fuzz-selftest, cppcheck, docs: DEVELOPERS.md, "Targets"
#   make clean      removes the build directories
#   make help       this list
#   V=1 shows the commands; CC=clang, BUILD=dir, LTO=0 and SAN=1 as DEVELOPERS.md says
#
# Dependencies are Debian packages found with pkg-config; see DEVELOPERS.md.

# Every processor, unless -j was given: a clean clone's `make test` stays
# within minutes on two cores.  (Nothing is compiled before the
# dependencies are found or installed: see `| deps` below.)
ifeq (,$(filter -j%,$(MAKEFLAGS)))
MAKEFLAGS += -j$(shell nproc 2>/dev/null || echo 1)
endif

CC      ?= cc
BUILD   ?= build
PREFIX  ?= /usr/local
OPT     ?= -O2
# The build needs libedit; only the test suites need cmocka.
PKGS    := libedit
DEBS    := libedit-dev pkg-config
TEST_PKGS := cmocka libedit
TEST_DEBS := libcmocka-dev libedit-dev pkg-config
# commands make test needs (tests/install.sh renders the manual pages),
# each with its package: asked for with the packages above
TEST_CMDS := man:man-db groff:groff-base

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# DWARF 4: valgrind 3.19 (Debian 12's) cannot read the DWARF 5 that clang 14
# writes with link-time optimisation, and gives up on such a binary
CFLAGS  ?= $(OPT) -g -gdwarf-4
# CPPFLAGS too, as Debian's dpkg-buildflags gives -D_FORTIFY_SOURCE there
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) -Iinclude -MMD -MP $(CPPFLAGS) $(CFLAGS) $(SAN_FLAGS) $(LTO_FLAGS)
ifeq ($(SAN),1)
SAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
LTO     := 0
endif
# FUZZ=1 (with clang): coverage for libFuzzer in every object
ifeq ($(FUZZ),1)
SAN_FLAGS += -fsanitize=fuzzer-no-link
endif
# Link-time optimisation lets the control program's dispatcher inline the
# machine's small accessors (the trap round trip is a hot path).
LTO     ?= 1
ifneq (,$(findstring clang,$(CC)))
LLVM_AR := $(shell command -v llvm-ar 2>/dev/null)
ifeq (,$(LLVM_AR))
LTO     := 0
endif
endif
ifeq ($(LTO),1)
ifneq (,$(findstring clang,$(CC)))
LTO_FLAGS := -flto
AR      := $(LLVM_AR)
else
LTO_FLAGS := -flto=auto -ffat-lto-objects
AR      := gcc-ar
# fat objects carry ordinary code too: the test binaries link without LTO
TEST_LTO := -fno-lto
# and the installed archive holds only that code: with the GIMPLE, gcc
# would optimise the library again in a program's link, under that
# program's flags and warnings (-Wextra -Werror failed on our code)
INSTALL_LIB_FIX = objcopy --wildcard --remove-section='.gnu.lto_*' \
	--remove-section='.gnu.debuglto_*' $(1)
endif
endif

# The test programs link with gold where binutils has it (in about 60% of
# ld's time), under gcc: clang's LTO bitcode needs a gold
# plugin Debian's clang lacks, and gold warns at each of its ASan stubs.
TEST_LD = $(if $(findstring clang,$(CC)),,$(GOLD))
GOLD   := $(if $(shell command -v ld.gold 2>/dev/null),-fuse-ld=gold)

# Quiet by default; V=1 shows every command.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-6s %s\n' $(1) $(2)
endif

# pkg-config answers only once the dependencies are present.
PC_CFLAGS = $(shell pkg-config --cflags libedit 2>/dev/null)
CMOCKA_CFLAGS = $(shell pkg-config --cflags cmocka 2>/dev/null)
EDIT_LIBS = $(shell pkg-config --libs libedit 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

LIB_SRC := $(wildcard src/machine/*.c src/asm/*.c src/vmm/*.c src/analyze/*.c src/monitor/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/cp_source.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB     := $(BUILD)/libtgm.a
TGM     := $(BUILD)/tgm
# generated from the program's own help (contrib/mkman.sh, contrib/completion.sh)
MAN     := $(BUILD)/man/tgm.1 $(BUILD)/man/tgm-monitor.1
COMPLETION := $(BUILD)/gen/tgm.bash

TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Most suites are one program, linked once (tests/suites/main.c): each of
# their $(BUILD)/tests/test_X is a hard link to it.  Those whose main is
# not `int main(void)`, and those that replace the C library's allocator
# (tests/oom_support.h), which would replace it for all of them there, are
# programs of their own, built as before; so is a suite found at the link
# to define more than its main.
TEST_SHARED_SRC := $(filter-out $(shell grep -l '"oom_support.h"' $(TEST_SRC) /dev/null),\
	$(shell grep -l -x 'int main(void)' $(TEST_SRC) /dev/null))
TEST_SHARED_BIN := $(TEST_SHARED_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_ALONE_BIN := $(filter-out $(TEST_SHARED_BIN),$(TEST_BIN))
TEST_OBJ := $(TEST_SHARED_BIN:=.o)
SUITES  := $(BUILD)/tests/suites/suites
TEST_SUPPORT := $(filter-out tests/test_%.c,$(wildcard tests/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
BENCH_BIN := $(BUILD)/bench/bench
SOAK_BIN := $(BUILD)/soak
JOBS    ?= 1
NPROC   := $(shell nproc 2>/dev/null || echo 1)
# two suites per processor: many wait on the tgm processes they start or on
# a terminal (on 2 cores, one each left them idle 16-18 s of a 110-119 s
# run; two each, 2-3 s of 105-106 s)
TEST_JOBS ?= $(shell expr 2 \* $(NPROC))
# the longest suites (seconds each on 2 cores), started first so that none
# is left running alone at the end; only the speed depends on this list
SUITES_FIRST ?= test_audit_bench test_audit_mutbench57 test_audit_refanacli test_audit_limits \
	test_audit_hostile2 test_timeline_b test_audit_refanalyze test_audit_oom2 \
	test_analyze test_audit_left2 test_polish_b test_hostile test_audit_coninput \
	test_cli_vmm test_audit_noticed test_doc_contract_i test_doc_contract_j \
	test_vmm_diff
# the test programs at -O0 under the default -O2: they compile a quarter
# faster than at -O1 (-O1 took half of -O2's time) and the suites run as
# fast, their time being in what the programs share, which stays at
# $(OPT): the library, the reference models and the generators
# (tests/*.o); OPT=-O3 (CI) builds them at -O3 too, for its warnings
# (without _FORTIFY_SOURCE, which glibc warns needs optimisation)
TEST_OPT ?= $(if $(filter -O2,$(OPT)),-O0 -U_FORTIFY_SOURCE)
SHARD   ?= 0/1
BENCH_NEST_BIN := $(BUILD)/bench/bench-nest

.PHONY: all help deps test-deps man run test asan valgrind bench bench-compare soak install uninstall clean docs \
        fuzz fuzz-deps fuzz-bins fuzz-selftest cppcheck
# support objects are shared by every suite: keep them between builds
.SECONDARY: $(TEST_SUPPORT_OBJ)
$(TEST_SUPPORT_OBJ) $(TEST_OBJ): PC_CFLAGS += $(CMOCKA_CFLAGS)
# each shared suite's main is named after it (tests/suites/main.h declares it)
$(TEST_OBJ): ALL_CFLAGS += $(TEST_OPT) $(TEST_LTO) -Isrc -Itests \
	-Dmain=tgm_suite_$(notdir $(basename $@)) -include tests/suites/main.h

all: deps $(TGM) $(MAN) $(COMPLETION)

# (after all: the first rule is what a bare `make` builds)
# the targets, from the lines at the top of this file
help:
	@sed -n '3,/^#   V=1/s/^#   //p' $(firstword $(MAKEFILE_LIST))

$(TEST_SUPPORT_OBJ) $(TEST_OBJ) $(SUITES) $(TEST_BIN): | test-deps
$(TEST_OBJ): tests/suites/main.h

# Find the dependencies; install them when root, else name the command.
# $(1): pkg-config names, $(2): the Debian packages that provide them,
# $(3): commands as COMMAND:PACKAGE, their packages added when missing.
define find_deps
	@missing=""; debs="$(2)"; \
	command -v pkg-config >/dev/null 2>&1 || missing="pkg-config"; \
	for p in $(1); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	for c in $(3); do command -v $${c%%:*} >/dev/null 2>&1 || { \
	  missing="$$missing $${c%%:*}"; debs="$$debs $${c#*:}"; }; done; \
	missing=$${missing# }; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tgm: installing missing dependencies ($$missing): apt-get install -y $$debs"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$debs >/dev/null || exit 1; \
	    for p in $(1); do pkg-config --exists $$p 2>/dev/null || { \
	      echo "tgm: $$p is still missing after apt-get install -y $$debs" >&2; exit 1; }; done; \
	    for c in $(3); do command -v $${c%%:*} >/dev/null 2>&1 || { \
	      echo "tgm: $${c%%:*} is still missing after apt-get install -y $$debs" >&2; exit 1; }; done; \
	  else \
	    echo "tgm: missing dependencies: $$missing" >&2; \
	    echo "tgm: install them with: sudo apt-get install -y $$debs" >&2; \
	    exit 1; \
	  fi; \
	fi
endef

# 'make test' and 'make soak' look for every package they need at once, so
# that one apt-get (or one command to run) covers libedit and cmocka alike
ifneq (,$(filter test,$(MAKECMDGOALS)))
deps:
	$(call find_deps,$(TEST_PKGS),$(TEST_DEBS),$(TEST_CMDS))
else ifneq (,$(filter soak,$(MAKECMDGOALS)))
deps:
	$(call find_deps,$(TEST_PKGS),$(TEST_DEBS))
else
deps:
	$(call find_deps,$(PKGS),$(DEBS))
endif

# after deps: with -j, two apt-gets at once would fight over dpkg's lock
test-deps: deps
	$(call find_deps,$(TEST_PKGS),$(TEST_DEBS))

# (order-only: with -j, nothing compiles while apt-get installs a header)
$(BUILD)/%.o: %.c | deps
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(PC_CFLAGS) -c $< -o $@

# The machine-code control program is built into tgm as its source text.
$(BUILD)/gen/cp_source.c: examples/vmm/cp.s
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q){ echo '/* generated from examples/vmm/cp.s by the Makefile: do not edit */'; \
	  echo 'extern const char nest_cp_source[];'; echo 'const char nest_cp_source[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; echo ';'; } > $@.tmp
	$(Q)mv $@.tmp $@

$(BUILD)/gen/%.o: $(BUILD)/gen/%.c | deps
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# The run loop's threaded dispatch: keep each handler's own dispatch (GCC
# would merge them into one indirect jump).
ifeq (,$(findstring clang,$(CC)))
$(BUILD)/src/machine/cpu.o: ALL_CFLAGS += -fno-crossjumping
endif

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(call say,AR,$@)
	$(Q)rm -f $@
	$(Q)$(AR) rcs $@ $^

$(TGM): $(CLI_OBJ) $(LIB)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(EDIT_LIBS) $(LDFLAGS)

$(TEST_ALONE_BIN): $(BUILD)/tests/%: tests/%.c $(TEST_SUPPORT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_OPT) $(TEST_LTO) $(TEST_LD) $(PC_CFLAGS) $(CMOCKA_CFLAGS) -Isrc -Itests -o $@ $< $(TEST_SUPPORT_OBJ) $(LIB) $(CMOCKA_LIBS) $(EDIT_LIBS) -lutil $(LDFLAGS)

# The shared program: the suites that define nothing global but their
# main (one that defined a function of the C library would replace it in
# every suite; nm cannot read clang's LTO objects: those all go in), named
# in joined and in suites.inc (SUITE(test_X) each).
SUITES_LINK = $(TEST_LTO) $(TEST_LD) $(TEST_SUPPORT_OBJ) $(LIB) $(CMOCKA_LIBS) $(EDIT_LIBS) -lutil $(LDFLAGS)
$(SUITES): tests/suites/main.c $(TEST_OBJ) $(TEST_SUPPORT_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)d=$(dir $@); own=" "$$(nm -A -g --defined-only $(TEST_OBJ) 2>/dev/null | \
	  grep -v ' tgm_suite_test_' | sed 's/:.*//' | sort -u | tr '\n' ' '); \
	for o in $(TEST_OBJ); do \
	  case $$own in *" $$o "*) ;; *) o=$${o##*/}; echo $${o%.o};; esac; \
	done >$$d/joined; \
	{ echo '#define TGM_SUITES \'; sed 's/.*/SUITE(&) \\/' $$d/joined; echo; } >$$d/suites.inc; \
	$(CC) $(ALL_CFLAGS) -I$$d -MF /dev/null -o $@ $< $$(sed 's|^|$(BUILD)/tests/|; s|$$|.o|' $$d/joined) $(SUITES_LINK)

# Each a hard link to it (a copy where the file system has none), or a
# program of its own
$(TEST_SHARED_BIN): $(BUILD)/tests/%: $(SUITES) $(BUILD)/tests/%.o
	$(Q)if grep -qx '$*' $(dir $(SUITES))joined; then ln -f $< $@ 2>/dev/null || cp -f $< $@; \
	else printf '  %-6s %s\n' LINK '$@ (alone: it defines more than its main)'; \
	  $(CC) $(ALL_CFLAGS) -DTGM_ONE_SUITE=$* -MF /dev/null -o $@ tests/suites/main.c $(BUILD)/tests/$*.o $(SUITES_LINK); fi

# a suite that reads the man page or completion, or runs the bench or the
# soak driver, built beside tgm builds them first, so that it runs alone
# too (order-only: they are remade when stale, but do not relink it)
$(BUILD)/tests/test_audit_man: | $(MAN) $(COMPLETION)
$(BUILD)/tests/test_audit_bench $(BUILD)/tests/test_polish_b $(BUILD)/tests/test_audit_mutbench57 \
	$(BUILD)/tests/test_audit_json2: \
	| $(BENCH_BIN) $(BENCH_NEST_BIN)
$(BUILD)/tests/test_audit_rob2 $(BUILD)/tests/test_doc_contract_g $(BUILD)/tests/test_soak: | $(SOAK_BIN)

# the differential campaign driver: test helpers without cmocka's main
$(SOAK_BIN): tests/soak/soak.c $(BUILD)/tests/diffcore.o $(BUILD)/tests/progen.o $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(TEST_LTO) $(TEST_LD) -Itests -o $@ $< $(BUILD)/tests/diffcore.o $(BUILD)/tests/progen.o $(LIB) $(LDFLAGS)

$(BENCH_BIN): bench/bench.c $(BUILD)/bench/report.o $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/bench/report.o $(LIB) $(LDFLAGS)

$(BENCH_NEST_BIN): bench/nest.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB) -lm $(LDFLAGS)

run: deps $(TGM)
	@sh examples/demo.sh $(TGM)

# Every suite runs even if an earlier one fails; the status says if any did.
# TEST_JOBS suites at a time (tests/run_suites.sh), each one's output whole.
# The checks that are not suites run beside them (after them, one after
# another, they kept one core busy and left the other idle), their output
# kept and shown after the suites'.
# The source tree must be as it was before (tests/tree_check.sh).
test: test-deps $(TGM) $(MAN) $(COMPLETION) $(TEST_BIN) $(SOAK_BIN) $(BENCH_BIN) $(BENCH_NEST_BIN)
	@sh tests/tree_check.sh save $(BUILD)/tree $(BUILD) || exit 1; \
	{ f=0; \
	  echo "== monitor scripts"; sh tests/run_scripts.sh $(TGM) || f=1; \
	  echo "== docs"; sh tests/isa_doc.sh $(TGM) || f=1; \
	  echo "== transcripts"; sh tests/transcript.sh $(TGM) || f=1; \
	  echo "== make deps"; BUILD=$(BUILD) sh tests/make_deps.sh || f=1; \
	  echo "== suite runner"; sh tests/run_suites_check.sh || f=1; \
	  echo "== install"; TGM_CONSUMER_CFLAGS="$(SAN_FLAGS) $(LTO_FLAGS) $(filter -m%,$(CFLAGS))" sh tests/install.sh "$(MAKE)" BUILD='$(BUILD)' CC='$(CC)' SAN='$(SAN)' OPT='$(OPT)' CFLAGS='$(CFLAGS)' || f=1; \
	  exit $$f; } >$(BUILD)/test-checks.log 2>&1 </dev/null & checks=$$!; \
	fail=0; SUITES_FIRST='$(SUITES_FIRST)' TGM=$(TGM) TGM_SOAK_BIN=$(SOAK_BIN) TGM_BENCH=$(BENCH_BIN) TGM_BENCH_NEST=$(BENCH_NEST_BIN) \
	  sh tests/run_suites.sh $(TEST_JOBS) $(TEST_BIN) || fail=1; \
	wait $$checks || fail=1; cat $(BUILD)/test-checks.log; \
	echo "== source tree"; sh tests/tree_check.sh check $(BUILD)/tree $(BUILD) || fail=1; \
	if [ $$fail = 0 ]; then echo "tgm: all test suites passed"; else echo "tgm: TEST FAILURES" >&2; fi; \
	exit $$fail

asan:
	$(MAKE) BUILD=build-asan SAN=1 OPT=-O1 test

valgrind: deps $(TGM)
	@sh tests/valgrind.sh $(TGM)

bench: deps $(BENCH_BIN) $(BENCH_NEST_BIN) $(TGM)
	@$(BENCH_BIN) $(BENCH_ARGS)
	@echo
	@$(BENCH_NEST_BIN) $(BENCH_NEST_ARGS)

bench-compare: deps $(BENCH_BIN)
	@bash bench/compare.sh $(BENCH_BIN)

# JOBS processes here, shard SHARD (i/n) of the seed space; one JSON line
soak: test-deps $(SOAK_BIN) $(BUILD)/tests/test_nest
	@$(SOAK_BIN) --jobs $(JOBS) --shard $(SHARD) $(SOAK_ARGS)
	@if [ "$(SHARD)" = 0/1 ]; then TGM_SOAK=1 TGM=$(TGM) $(BUILD)/tests/test_nest; fi

docs: deps $(TGM)
	@sh tests/isa_doc.sh $(TGM) --write

# ---- fuzzing (docs/robustness.md): libFuzzer harnesses in tests/fuzz/ ----
FUZZ_S   ?= 60
# FUZZ_RUNS=N (with FUZZ_SEED=S, default 1): N inputs per harness, the same
# every time, instead of FUZZ_S seconds (CI)
FUZZ_RUNS ?=
FUZZ_SEED ?= 1
FUZZERS  := image asm snapshot monitor script cp run cli
FUZZ_BIN := $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)

# clang with libFuzzer; installed like `make deps` does
fuzz-deps: deps
	@if ! printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }\n' | \
	     clang -x c -fsanitize=fuzzer -o /dev/null - >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tgm: installing clang and libFuzzer: apt-get install -y clang libclang-rt-dev"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq clang libclang-rt-dev >/dev/null || exit 1; \
	  else \
	    echo "tgm: fuzzing needs clang with libFuzzer: sudo apt-get install -y clang libclang-rt-dev" >&2; exit 1; \
	  fi; \
	fi

# `make fuzz FUZZ_S=N` runs each harness N seconds on a copy of the corpus
fuzz: fuzz-deps
	$(Q)$(MAKE) --no-print-directory BUILD=build-fuzz CC=clang SAN=1 FUZZ=1 OPT=-O1 fuzz-bins
	@FUZZ_RUNS=$(FUZZ_RUNS) FUZZ_SEED=$(FUZZ_SEED) sh tests/fuzz/run.sh build-fuzz $(FUZZ_S) $(FUZZERS)

# each harness must find a bug planted by a -D flag: HARNESS:FLAG:BUILD
# (docs/robustness.md); fuzz_cp an allocator giving two VMs one word and a
# VM's bound one word past its region, fuzz_run a user-mode LR
FUZZ_BUGS := cp:TGM_ALLOC_OVERLAP_BUG:build-fuzz-bug cp:TGM_VMMAP_CLAMP_BUG:build-fuzz-bug-clamp \
             run:TGM_PROFILE_USER_LR_BUG:build-fuzz-bug-lr
fuzz-selftest: fuzz-deps
	$(Q)for bug in $(FUZZ_BUGS); do \
	  h=$${bug%%:*}; d=$${bug#*:}; b=$${d#*:}; d=$${d%%:*}; \
	  $(MAKE) --no-print-directory BUILD=$$b CC=clang SAN=1 FUZZ=1 OPT=-O1 \
	    CFLAGS="-O1 -g -D$$d" $$b/fuzz/fuzz_$$h || exit 1; \
	  sh tests/fuzz/selftest.sh $$b/fuzz/fuzz_$$h $(FUZZ_S) $$h || exit 1; \
	done

fuzz-bins: $(FUZZ_BIN)

$(BUILD)/fuzz/fuzz_script: tests/fuzz/fuzz_monitor.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -DFUZZ_SCRIPT -fsanitize=fuzzer -Isrc -o $@ $< $(LIB) $(EDIT_LIBS)

# the command line in process: tgm's main under another name, and the rest
# of the command's objects
$(BUILD)/fuzz/tgm_main.o: src/cli/main.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -Dmain=tgm_main -c $< -o $@

$(BUILD)/fuzz/fuzz_cli: tests/fuzz/fuzz_cli.c $(BUILD)/fuzz/tgm_main.o \
		$(filter-out $(BUILD)/src/cli/main.o,$(CLI_OBJ)) $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(filter %.o,$^) $(LIB) $(EDIT_LIBS)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(call say,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -Isrc -o $@ $< $(LIB) $(EDIT_LIBS)

# Static analysis with no findings on src/.  cppcheck cannot parse computed
# goto's &&label tables, so it checks the switch build of the run loop (the
# same cases); where it still meets &&label it reads it as a boolean.
CPPCHECK_FLAGS := -q --std=c11 --enable=warning,performance,portability --inline-suppr --error-exitcode=1 \
	-Iinclude -Isrc -D__GNUC__ -DTGM_NO_COMPUTED_GOTO --suppress=assignBoolToPointer:src/machine/cpu_loop.h \
	--suppress=assignBoolToPointer:include/tgm/insns.def \
	--template='{file}:{line}: {severity}: {message} [{id}]'
cppcheck:
	@if ! command -v cppcheck >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "tgm: installing cppcheck: apt-get install -y cppcheck"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq cppcheck >/dev/null || exit 1; \
	  else echo "tgm: static analysis needs cppcheck: sudo apt-get install -y cppcheck" >&2; exit 1; fi; \
	fi
	cppcheck $(CPPCHECK_FLAGS) src/

# Manual pages and bash completion, generated from the program's own help
# (contrib/mkman.sh, contrib/completion.sh), so they cannot drift from it.
man: $(MAN)
$(BUILD)/man/tgm.1: contrib/mkman.sh $(TGM)
	@mkdir -p $(dir $@)
	$(call say,MAN,$@)
	$(Q)sh contrib/mkman.sh tgm $(TGM) > $@.tmp && mv $@.tmp $@
$(BUILD)/man/tgm-monitor.1: contrib/mkman.sh $(TGM)
	@mkdir -p $(dir $@)
	$(call say,MAN,$@)
	$(Q)sh contrib/mkman.sh monitor $(TGM) > $@.tmp && mv $@.tmp $@
$(COMPLETION): contrib/completion.sh $(TGM)
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)sh contrib/completion.sh $(TGM) > $@.tmp && mv $@.tmp $@

# Everything under $(DESTDIR)$(PREFIX) (DEVELOPERS.md, "Installing").
BINDIR  = $(PREFIX)/bin
MANDIR  = $(PREFIX)/share/man/man1
DOCDIR  = $(PREFIX)/share/doc/tgm
EXDIR   = $(PREFIX)/share/tgm/examples
BASHDIR = $(PREFIX)/share/bash-completion/completions
LIBDIR  = $(PREFIX)/lib
INCDIR  = $(PREFIX)/include/tgm
# the same, under $(DESTDIR)$(PREFIX), and where install lists the ones it made
INSTALL_DIRS = bin share/man/man1 share/doc/tgm/docs share/tgm/examples \
	share/bash-completion/completions lib/pkgconfig include/tgm
CREATED = share/tgm/installed-dirs
# what install puts there, by name, so that uninstall removes only that
EX_DIRS  = $(patsubst ./%,share/tgm/examples/%,$(shell cd examples && find . -mindepth 1 -type d))
EX_FILES = $(patsubst ./%,%,$(shell cd examples && find . -type f))
DOC_FILES = $(notdir $(wildcard docs/*.md docs/*.svg))
INC_FILES = $(notdir $(wildcard include/tgm/*.h include/tgm/*.def))
install: all
	$(call say,INSTALL,$(DESTDIR)$(PREFIX))
	$(Q)p='$(DESTDIR)$(PREFIX)'; new=; \
	for d in $(INSTALL_DIRS) $(EX_DIRS); do while [ "$$d" != . ]; do \
	  [ -d "$$p/$$d" ] || new="$$new $$d"; d=$$(dirname "$$d"); done; done; \
	install -d $(addprefix "$$p"/,$(INSTALL_DIRS)) && \
	old=$$(cat "$$p/$(CREATED)" 2>/dev/null); \
	printf '%s\n' $$old $$new | sort -u > "$$p/$(CREATED)"
	$(Q)install -m 755 $(TGM) $(DESTDIR)$(BINDIR)/tgm
	$(Q)install -m 644 $(MAN) $(DESTDIR)$(MANDIR)
	$(Q)install -m 644 $(COMPLETION) $(DESTDIR)$(BASHDIR)/tgm
	$(Q)install -m 644 README.md DEVELOPERS.md $(DESTDIR)$(DOCDIR)
	$(Q)install -m 644 docs/*.md docs/*.svg $(DESTDIR)$(DOCDIR)/docs
	$(Q)cd examples && find . -type d | while read -r d; do \
	  install -d "$(DESTDIR)$(EXDIR)/$$d" || exit 1; done && \
	  find . -type f | while read -r f; do \
	  install -m 644 "$$f" "$(DESTDIR)$(EXDIR)/$$f" || exit 1; done
	$(Q)install -m 644 $(LIB) $(DESTDIR)$(LIBDIR)/libtgm.a
	$(Q)$(call INSTALL_LIB_FIX,$(DESTDIR)$(LIBDIR)/libtgm.a)
	$(Q)install -m 644 include/tgm/*.h include/tgm/*.def $(DESTDIR)$(INCDIR)
	$(Q)sed -e 's|@PREFIX@|$(PREFIX)|' -e "s|@VERSION@|$$($(TGM) --version | sed 's/^tgm //')|" \
	  contrib/tgm.pc.in > $(DESTDIR)$(LIBDIR)/pkgconfig/tgm.pc

# The directories install made (not those that were there) are listed in
# $(CREATED); uninstall removes the files install put there, by name, then
# each of those directories that is empty afterwards, deepest first, and
# nothing else (a file of the user's among the examples stays).
uninstall:
	p='$(DESTDIR)$(PREFIX)'; created=$$(sort -r "$$p/$(CREATED)" 2>/dev/null); \
	rm -f $(DESTDIR)$(BINDIR)/tgm $(DESTDIR)$(MANDIR)/tgm.1 $(DESTDIR)$(MANDIR)/tgm-monitor.1 \
	  $(DESTDIR)$(BASHDIR)/tgm $(DESTDIR)$(LIBDIR)/libtgm.a $(DESTDIR)$(LIBDIR)/pkgconfig/tgm.pc \
	  $(DESTDIR)$(DOCDIR)/README.md $(DESTDIR)$(DOCDIR)/DEVELOPERS.md \
	  $(addprefix $(DESTDIR)$(DOCDIR)/docs/,$(DOC_FILES)) \
	  $(addprefix $(DESTDIR)$(INCDIR)/,$(INC_FILES)) "$$p/$(CREATED)" && \
	for f in $(EX_FILES); do rm -f "$(DESTDIR)$(EXDIR)/$$f" || exit 1; done && \
	for d in $$created; do rmdir "$$p/$$d" 2>/dev/null || true; done

# BUILD=dir: only what the build writes there, by name, then dir if empty
BUILD_OUT := bench fuzz gen man src tests tree libtgm.a tgm soak soak.d test-checks.log
clean:
ifeq ($(BUILD),build)
	rm -rf build build-asan build-fuzz build-fuzz-bug build-fuzz-bug-lr build-fuzz-bug-clamp build-clang build-portable build-m32 build-o3
else
	rm -rf $(addprefix $(BUILD)/,$(BUILD_OUT)) && { rmdir $(BUILD) 2>/dev/null || true; }
endif

# A program built from one source (tests, soak, bench) has its .d beside it:
# a change to a header only tests include rebuilds what includes it.
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SUPPORT_OBJ:.o=.d) $(BUILD)/bench/report.d \
  $(TEST_BIN:=.d) $(SOAK_BIN:=.d) $(BENCH_BIN:=.d) $(BENCH_NEST_BIN:=.d)
