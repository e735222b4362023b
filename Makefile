# netscope build, in the style of libbpf-bootstrap: out-of-tree build folder,
# quiet rules (V=1 shows the commands), BPF objects turned into skeletons.
#
#   make            build build/netscope
#   make run        install missing packages, build, run the main job
#   make check      install missing packages, build, run every test
#   make check-vm   boot Debian's 6.1 and 6.12 kernels in QEMU and test there (part of check)
#   make bench      run the benchmarks in bench/ (not part of check)
#   make fuzz-build build the libFuzzer harnesses of tests/fuzz into build/fuzz
#   make fuzz       run each harness FUZZ_SECONDS (default 60) on its corpus

OUTPUT    := build
CLANG     ?= clang
BPFTOOL   ?= bpftool
CC        ?= cc
ARCH      := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux

CFLAGS    ?= -g -O2
# the flags every build of the sources shares (the fuzz build adds its own -O and sanitizers)
NS_CFLAGS = -std=gnu11 -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers \
	     -D_GNU_SOURCE -I$(OUTPUT) -Isrc -isystem $(LLVM_DIR)/include
# the source index: libclang (C front end) and SQLite, both from Debian.
# libclang is dlopen()ed by the indexer, not linked (src/index/clang_api.h):
# its headers are needed to build, its soname and path to run.
LLVM_DIR  ?= /usr/lib/llvm-14
LIBCLANG_SONAME := $(shell objdump -p $(LLVM_DIR)/lib/libclang.so 2>/dev/null | awk '/SONAME/ {print $$2}')
NS_CFLAGS += -DIX_LIBCLANG_PATH='"$(LLVM_DIR)/lib/libclang.so"' \
	     $(if $(LIBCLANG_SONAME),-DIX_LIBCLANG_SONAME='"$(LIBCLANG_SONAME)"')
CFLAGS    += $(NS_CFLAGS)
# the ftrace backend: libtracefs's header includes <event-parse.h> bare
NS_CFLAGS += -I/usr/include/traceevent
LDLIBS    := -lbpf -lelf -lz -lzstd -lm -lpthread -lsqlite3 -ldl
LDLIBS    += -ltraceevent
LDLIBS    += -ltracefs
BPF_CFLAGS := -g -O2 -target bpf -D__TARGET_ARCH_$(ARCH) -I$(OUTPUT) -Isrc -Isrc/bpf \
	      -Wall -Wno-unused-function

ifeq ($(V),1)
	Q =
	msg =
else
	Q = @
	msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

BPF_SRCS  := $(wildcard src/bpf/*.bpf.c)
BPF_SKELS := $(patsubst src/bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
# every user-space source, found rather than listed, so a new file needs no edit here
LIB_SRCS  := $(filter-out src/main.c,$(shell find src -name '*.c' ! -name '*.bpf.c' | sort))
LIB_OBJS  := $(patsubst src/%.c,$(OUTPUT)/obj/%.o,$(LIB_SRCS))
# tables of kernel knowledge (data/*.rules), compiled in so the binary
# needs no file beside it: data/NAME.rules becomes const char ns_data_NAME[]
DATA_SRCS := $(wildcard data/*.rules)
DATA_OBJS := $(patsubst data/%.rules,$(OUTPUT)/obj/data/%.o,$(DATA_SRCS))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(UNIT_SRCS))

.PHONY: all deps run check check-vm unit e2e bench clean fuzz-build fuzz
# BPF objects and skeletons come from pattern rules; without this make would
# delete them as intermediates and rebuild everything on the next run
.SECONDARY:
all: $(OUTPUT)/netscope

deps:
	$(Q)./scripts/deps.sh

$(OUTPUT) $(OUTPUT)/obj $(OUTPUT)/tests:
	$(Q)mkdir -p $@

# vmlinux.h is generated from the BTF of the machine that builds; CO-RE makes
# the resulting programs run on other kernels.
$(OUTPUT)/vmlinux.h: | $(OUTPUT)
	$(call msg,GEN,$@)
	$(Q)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

$(OUTPUT)/%.bpf.o: src/bpf/%.bpf.c $(wildcard src/bpf/*.h) $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp && \
		$(BPFTOOL) gen object $@ $@.tmp >/dev/null && rm -f $@.tmp

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< > $@.tmp && mv $@.tmp $@

# the skeletons must exist before any compile; which objects include them
# (capture/session.c) the compiler's -MMD dependency files say
$(OUTPUT)/obj/%.o: src/%.c | $(OUTPUT)/obj $(BPF_SKELS)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# a rules file as one C string, a literal per line: sed escapes what C
# would read otherwise (backslash, quote, tab), and nothing beyond
# coreutils and sed is needed (xxd -i would add a package and no NUL)
$(OUTPUT)/data/%.c: data/%.rules
	$(call msg,EMBED,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q){ echo 'const char ns_data_$(subst -,_,$*)[] ='; \
	  sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/\t/\\t/g' -e 's/^/"/' -e 's/$$/\\n"/' $<; \
	  echo '"";'; } > $@.tmp && mv $@.tmp $@

$(OUTPUT)/obj/data/%.o: $(OUTPUT)/data/%.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/libnetscope.a: $(LIB_OBJS) $(DATA_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/netscope: $(OUTPUT)/obj/main.o $(OUTPUT)/libnetscope.a
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ $(LDLIBS) -o $@

$(OUTPUT)/tests/%: tests/unit/%.c $(OUTPUT)/libnetscope.a | $(OUTPUT)/tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -Itests/unit $< $(OUTPUT)/libnetscope.a $(LDLIBS) -lcmocka -o $@

# BPF programs of the unit tests (tests/bpf/), and the tests that load them
$(OUTPUT)/%_test.bpf.o: tests/bpf/%_test.bpf.c $(wildcard src/bpf/*.h) $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp && \
		$(BPFTOOL) gen object $@ $@.tmp >/dev/null && rm -f $@.tmp

$(OUTPUT)/tests/test_decode_cast: $(OUTPUT)/decode_cast_test.skel.h

# benchmark helpers (bench/): not part of the netscope binary
$(OUTPUT)/floor.bpf.o: bench/floor.bpf.c $(OUTPUT)/vmlinux.h
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@.tmp && \
		$(BPFTOOL) gen object $@ $@.tmp >/dev/null && rm -f $@.tmp

$(OUTPUT)/bench/floor: bench/floor.c $(OUTPUT)/floor.skel.h
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(LDLIBS) -o $@

$(OUTPUT)/bench/stackcov: bench/stackcov.c $(OUTPUT)/libnetscope.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(OUTPUT)/libnetscope.a $(LDLIBS) -o $@

$(OUTPUT)/bench/report_speed: bench/report_speed.c $(OUTPUT)/libnetscope.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(OUTPUT)/libnetscope.a $(LDLIBS) -o $@

$(OUTPUT)/bench/trace_repeat: bench/trace_repeat.c $(OUTPUT)/libnetscope.a
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(OUTPUT)/libnetscope.a $(LDLIBS) -o $@

$(OUTPUT)/bench/bpf_lines: bench/bpf_lines.c
	$(call msg,CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(CC) $(CFLAGS) $< $(LDLIBS) -o $@

BENCH_BINS := $(OUTPUT)/bench/floor $(OUTPUT)/bench/stackcov $(OUTPUT)/bench/report_speed
BENCH_BINS += $(OUTPUT)/bench/trace_repeat $(OUTPUT)/bench/bpf_lines

# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c, docs/TESTING.md): the
# sources built again with clang, ASan and UBSan into build/fuzz, apart
# from the gcc -O2 build above.  UBSan does not recover, so any report is
# a crash the fuzzer stops on and keeps the input of.
FUZZ_CC     ?= clang-14
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS := -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN)
FUZZ_SRCS   := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS   := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/%,$(FUZZ_SRCS))
FUZZ_OBJS   := $(patsubst src/%.c,$(OUTPUT)/fuzz/obj/%.o,$(LIB_SRCS)) \
	       $(patsubst data/%.rules,$(OUTPUT)/fuzz/obj/data/%.o,$(DATA_SRCS))
FUZZ_SECONDS ?= 60

$(OUTPUT)/fuzz/obj/%.o: src/%.c | $(BPF_SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(NS_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -MMD -MP -c $< -o $@

$(OUTPUT)/fuzz/obj/data/%.o: $(OUTPUT)/data/%.c
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(NS_CFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(OUTPUT)/fuzz/libnetscope.a: $(FUZZ_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_util.h $(OUTPUT)/fuzz/libnetscope.a
	$(call msg,FUZZ-LD,$@)
	$(Q)$(FUZZ_CC) $(NS_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/fuzz $< \
		$(OUTPUT)/fuzz/libnetscope.a $(LDLIBS) -o $@

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh $(FUZZ_BINS)

run: deps all
	./tests/run_main_job.sh

unit: deps all $(UNIT_BINS)

check: deps all $(UNIT_BINS)
	@./tests/run_all.sh $(UNIT_BINS)

# the VM lane (tests/vm, docs/vm-lane.md); make check runs it as
# tests/e2e/test_vm_lane.sh, or says why it skips
check-vm: deps all
	@./tests/vm/run.sh

bench: deps all $(BENCH_BINS)
	./bench/overhead.sh

clean:
	$(call msg,CLEAN)
	$(Q)rm -rf $(OUTPUT)

-include $(shell find $(OUTPUT)/obj $(OUTPUT)/fuzz/obj -name '*.d' 2>/dev/null)
