# Makefile -- mxkit: one library, one binary, tests, fuzzers (GNU make)
#
#   make            build build/mxkit and build/libmxkit.{a,so}
#   make check      install test packages if missing, build with ASan+UBSan,
#                   run every test (unit, golden, fuzz corpora, integration)
#   make demo       build and run the main job on examples/
#   make fuzz       build the libFuzzer targets with clang, run each FUZZ_TIME s
#   make install    PREFIX=/usr/local DESTDIR= (BINDIR, LIBDIR, INCLUDEDIR,
#                   MANDIR, SYSCONFDIR, SYSTEMDUNITDIR, BASHCOMPDIR below)
#   make deb        the Debian packages in build-deb/, checked by lintian
#   make clean

VERSION   := 0.1.0
PREFIX    ?= /usr/local
DESTDIR   ?=
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
# systemd also reads units from /usr/local/lib/systemd/system.
SYSTEMDUNITDIR ?= $(PREFIX)/lib/systemd/system
# The configuration of a /usr install goes to /etc, any other under PREFIX.
ifeq ($(PREFIX),/usr)
SYSCONFDIR ?= /etc
else
SYSCONFDIR ?= $(PREFIX)/etc
endif
CC        ?= cc
BUILD     ?= build
# gcc builds the release with link-time optimization: the cursor, name and
# table helpers are inlined across modules (10 % on a million-name zone);
# fat objects keep libmxkit.a usable by links without LTO. clang builds
# without it (its LTO needs its own linker plugin).
IS_CLANG  := $(shell $(CC) --version 2>/dev/null | grep -c clang)
ifeq ($(IS_CLANG),0)
LTO       := -flto=auto -ffat-lto-objects
else
LTO       :=
endif
OPT       ?= -O3 -g $(LTO)
WARN      := -std=c11 -Wall -Wextra -Wshadow -Wvla -Wformat=2 -Werror
CPPFLAGS  += -D_GNU_SOURCE -Iinclude -Ilib -DMXKIT_VERSION='"$(VERSION)"'
CFLAGS    ?=
ALL_CFLAGS = $(WARN) $(OPT) -fPIC $(CFLAGS)
LDLIBS    += -lidn2 -lpthread
CMD_LIBS  := -ljansson -lsqlite3 -lseccomp
FUZZ_TIME ?= 60
# cmocka speaks TAP to prove.
export CMOCKA_MESSAGE_OUTPUT := TAP

LIB_SRC  := $(sort $(wildcard lib/*/*.c))
CMD_SRC  := $(sort $(wildcard cmd/*.c))
UNIT_SRC := $(sort $(wildcard tests/unit/*/test_*.c))
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CMD_OBJ  := $(CMD_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(BUILD)/replay/%)

.PHONY: all check check-build unit demo fuzz install deb clean deps asan bench-load
all: $(BUILD)/mxkit $(BUILD)/libmxkit.a $(BUILD)/libmxkit.so

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libmxkit.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/libmxkit.so: $(LIB_OBJ)
	$(CC) $(ALL_CFLAGS) -shared -Wl,-soname,libmxkit.so.0 -o $@ $^ $(LDFLAGS) $(LDLIBS)

$(BUILD)/mxkit: $(CMD_OBJ) $(BUILD)/libmxkit.a
	$(CC) $(ALL_CFLAGS) -o $@ $(CMD_OBJ) $(BUILD)/libmxkit.a $(LDFLAGS) $(CMD_LIBS) $(LDLIBS)

# Unit tests: cmocka, one binary per module, TAP output for prove.
$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libmxkit.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(BUILD)/libmxkit.a $(LDFLAGS) -lcmocka $(LDLIBS)

# The tests of the binary's own modules (tests/unit/cmd) link them too.
$(BUILD)/tests/cmd/%: tests/unit/cmd/%.c $(BUILD)/obj/cmd/sandbox.o $(BUILD)/libmxkit.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -o $@ $< $(BUILD)/obj/cmd/sandbox.o $(BUILD)/libmxkit.a $(LDFLAGS) -lcmocka -lseccomp $(LDLIBS)

# Fuzz targets built as plain programs that replay their corpus (Knot's
# tests-fuzz/main.c idea), so that make check runs them under gcc.
$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(BUILD)/libmxkit.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libmxkit.a $(LDFLAGS) $(LDLIBS)

deps:
	@sh scripts/deps.sh

# make check: sanitizers on, every test through prove (TAP summary at the end).
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check: deps
	$(MAKE) BUILD=build-asan OPT="-O1 -g" CFLAGS="$(SAN)" LDFLAGS="$(SAN)" check-build
	MXKIT=$(CURDIR)/build-asan/mxkit BUILD=build-asan \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
	prove -f -e '' $$(sh tests/list.sh build-asan)

check-build: all $(UNIT_BIN) $(REPLAY_BIN)

asan:
	$(MAKE) BUILD=build-asan OPT="-O1 -g" CFLAGS="$(SAN)" LDFLAGS="$(SAN)" check-build

# The unit tests alone, without sanitizers (quick edit-compile-test loop).
unit: $(UNIT_BIN) $(REPLAY_BIN)
	BUILD=$(BUILD) prove -e '' $$(sh tests/list.sh $(BUILD) unit)

demo: deps all
	@sh examples/demo.sh $(BUILD)/mxkit

FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS := -fsanitize=fuzzer $(FUZZ_SAN) -g -O1
# The library gets libFuzzer's coverage instrumentation (fuzzer-no-link),
# otherwise the fuzzer sees only the few edges of the target file itself.
# New inputs go to build-fuzz/corpus/X, crashes to build-fuzz/artifacts/X/;
# tests/fuzz/corpus/X is only read. make fuzz fails if any target failed.
fuzz:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -g" CFLAGS="-fsanitize=fuzzer-no-link $(FUZZ_SAN)" build-fuzz/libmxkit.a
	@mkdir -p build-fuzz/bin
	@set -e; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  $(FUZZ_CC) $(CPPFLAGS) $(WARN) $(FUZZ_FLAGS) -o build-fuzz/bin/$$n $$f build-fuzz/libmxkit.a $(LDLIBS); done
	@fail=0; for f in $(FUZZ_SRC); do n=$$(basename $$f .c); e=$${n#fuzz_}; \
	  mkdir -p build-fuzz/corpus/$$e build-fuzz/artifacts/$$e; \
	  seeds=; if [ -d tests/fuzz/corpus/$$e ]; then seeds=tests/fuzz/corpus/$$e; fi; \
	  echo "== $$n for $(FUZZ_TIME)s"; \
	  if ! build-fuzz/bin/$$n -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	      -artifact_prefix=build-fuzz/artifacts/$$e/ build-fuzz/corpus/$$e $$seeds \
	      > build-fuzz/$$n.log 2>&1; then \
	    fail=1; echo "$$n FAILED: see build-fuzz/$$n.log and build-fuzz/artifacts/$$e/"; fi; \
	  grep -E 'stat::number_of_executed_units|ERROR|SUMMARY' build-fuzz/$$n.log || true; done; \
	exit $$fail

# Man pages and the completion are installed when they exist (wildcards);
# the units get BINDIR and SYSCONFDIR in their paths; the example
# configuration never replaces an administrator's outside a DESTDIR install.
MAN_PAGES := $(wildcard doc/man/*.1 doc/man/*.5 doc/man/*.8)
COMPLETION := $(wildcard completion/mxkit.bash)
UNITS     := systemd/mxkit-serve.service systemd/mxkit-trap.service

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)/mxkit
	install -m 755 $(BUILD)/mxkit $(DESTDIR)$(BINDIR)/mxkit
	install -m 644 $(BUILD)/libmxkit.a $(DESTDIR)$(LIBDIR)/libmxkit.a
	install -m 644 $(BUILD)/libmxkit.so $(DESTDIR)$(LIBDIR)/libmxkit.so.0
	ln -sf libmxkit.so.0 $(DESTDIR)$(LIBDIR)/libmxkit.so
	install -m 644 include/mxkit/*.h $(DESTDIR)$(INCLUDEDIR)/mxkit/
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	  -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' mxkit.pc.in \
	  > $(DESTDIR)$(LIBDIR)/pkgconfig/mxkit.pc
	@set -e; for m in $(MAN_PAGES); do s=$${m##*.}; \
	  echo "install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/"; \
	  install -d $(DESTDIR)$(MANDIR)/man$$s; install -m 644 $$m $(DESTDIR)$(MANDIR)/man$$s/; done
ifneq ($(COMPLETION),)
	install -d $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 $(COMPLETION) $(DESTDIR)$(BASHCOMPDIR)/mxkit
endif
	install -d $(DESTDIR)$(SYSTEMDUNITDIR)
	@set -e; for u in $(UNITS); do \
	  echo "install $$u $(DESTDIR)$(SYSTEMDUNITDIR)/"; \
	  sed -e 's|/usr/bin/mxkit|$(BINDIR)/mxkit|g' -e 's|/etc/mxkit/|$(SYSCONFDIR)/mxkit/|g' \
	    -e 's|/etc/default/|$(SYSCONFDIR)/default/|g' $$u > $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}; \
	  chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}; done
	install -d $(DESTDIR)$(SYSCONFDIR)/mxkit $(DESTDIR)$(SYSCONFDIR)/default
	@set -e; for f in mxkit/mxkit.conf:etc/mxkit.conf default/mxkit-trap:etc/default/mxkit-trap; do \
	  dst=$(DESTDIR)$(SYSCONFDIR)/$${f%%:*}; src=$${f#*:}; \
	  if [ -z "$(DESTDIR)" ] && [ -e "$$dst" ]; then \
	    echo "keeping $$dst (the example is $$src)"; \
	  else echo "install -m 644 $$src $$dst"; install -m 644 $$src "$$dst"; fi; done

# make deb: the packages are built from a copy of the working tree in
# DEBBUILD/mxkit-VERSION: every file git tracks plus the untracked ones
# .gitignore does not exclude, as they are now (uncommitted edits included).
# That is what make builds here (cmd/*.c and lib/*/*.c are wildcards),
# without the build trees and anything else ignored; commit first for a
# package of a commit. dpkg-buildpackage writes the .debs, .changes and
# .buildinfo to DEBBUILD, never beside the repository; lintian then fails
# the target on any error or warning. The test suite is not run in the
# package build (it needs root and network namespaces: make check).
DEBBUILD  ?= build-deb
DEB_ARCH   = $(shell dpkg-architecture -qDEB_HOST_ARCH)
deb:
	@test -n "$(DEBBUILD)" && test "$(DEBBUILD)" != / || { echo "make deb: bad DEBBUILD" >&2; exit 1; }
	@miss=; for f in $(UNITS) etc/mxkit.conf etc/default/mxkit-trap completion/mxkit.bash; do \
	  [ -e "$$f" ] || miss="$$miss $$f"; done; \
	  if [ -n "$$miss" ]; then echo "make deb: the package needs$$miss" >&2; exit 1; fi
	rm -rf $(DEBBUILD)
	mkdir -p $(DEBBUILD)/mxkit-$(VERSION)
	git ls-files -z --cached --others --exclude-standard --deduplicate | \
	  xargs -0 sh -c 'for f; do if [ -e "$$f" ] || [ -L "$$f" ]; then printf "%s\0" "$$f"; fi; done' sh | \
	  tar --null -T - -cf - | tar -C $(DEBBUILD)/mxkit-$(VERSION) -xf -
	cd $(DEBBUILD)/mxkit-$(VERSION) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u BUILD -u OPT \
	  -u CFLAGS -u CPPFLAGS -u LDFLAGS -u LDLIBS -u CC DEB_BUILD_OPTIONS="$${DEB_BUILD_OPTIONS-nocheck}" \
	  dpkg-buildpackage -us -uc -b -J2
	lintian --fail-on error,warning --display-info --pedantic $(DEBBUILD)/mxkit_$(VERSION)_$(DEB_ARCH).changes

clean:
	rm -rf build build-asan build-fuzz build-deb

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
