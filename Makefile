# imscheck - a Nagios-compatible check suite for an Internet mail service.
#
#   make            build common/libimscheck.a, the plugins and the agent
#   make check      install what is missing, build, run every test
#   make faults     rerun the fault matrix and rewrite docs/FAULTS.md
#   make demo       build, start the lab, run the plugins against it
#   make bench      compare with what users would use instead
#   make fuzz       libFuzzer on every parser, FUZZ_SECONDS each (clang)
#   make install    PREFIX, DESTDIR, PLUGINDIR, SBINDIR, MIBDIR as usual
#   make deb        Debian packages in build/deb, then tests/deb/check
#   SANITIZE=1      build with ASan and UBSan (make check SANITIZE=1)

VERSION    = 0.1.0
PREFIX    ?= /usr/local
PLUGINDIR ?= /usr/lib/nagios/plugins
MANDIR    ?= $(PREFIX)/share/man
BUILD     ?= build

CC      ?= cc
CFLAGS  ?= -O2 -g
WARN     = -Wall -Wextra -Wformat=2 -Wshadow -Wmissing-prototypes \
	   -Wstrict-prototypes -fno-common -Werror
PKGS     = libcares libconfig openssl libcurl
CPPFLAGS += -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L \
	    -DIMSCHECK_VERSION='"$(VERSION)"' -Icommon
ALL_CFLAGS = -std=c11 $(WARN) $(CFLAGS) $(shell pkg-config --cflags $(PKGS))
# c-ares and libconfig are linked statically: a plugin runs for a few
# milliseconds, and resolving two more shared libraries at every start was
# most of what it cost beyond check_smtp (docs/BENCHMARKS.md).
LIBS     = -Wl,--as-needed \
	   -Wl,-Bstatic $(shell pkg-config --libs libcares libconfig) \
	   -Wl,-Bdynamic $(shell pkg-config --libs openssl) -lm -pthread

# libcurl, the MTA-STS policy's HTTPS client, is not linked: proto/
# mtasts_fetch.c opens Debian's libcurl.so.4 when it first fetches a
# policy, so that no program pays for its thirty-odd shared libraries at
# every start (docs/BENCHMARKS.md); its headers still type the calls.

ifeq ($(SANITIZE),1)
ALL_CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer \
	      -fno-sanitize-recover=all
LDFLAGS    += -fsanitize=address,undefined
endif

# The agent: net-snmp's agent library, linked dynamically (Debian's).
AGENT      = agent/imscheck-agent
AGENT_OBJ  = $(patsubst %.c,%.o,$(wildcard agent/*.c))
AGENT_CORE = $(filter-out agent/mib.o agent/imscheck-agent.o,$(AGENT_OBJ))
SNMP_LIBS  = $(shell pkg-config --libs netsnmp-agent)

LIB      = common/libimscheck.a
LIB_SRC  = $(wildcard common/*/*.c)
LIB_OBJ  = $(LIB_SRC:.c=.o)
PLUGINS  = $(patsubst %.c,%,$(wildcard plugins/check_*.c))
UNITS    = $(patsubst %.c,%,$(wildcard tests/unit/test_*.c))
FUZZ     = $(patsubst %.c,%,$(wildcard tests/fuzz/fuzz_*.c))
REPLAYS  = $(FUZZ:%=%-replay)
FUZZ_SECONDS ?= 60
MAN1     = $(wildcard man/*.1)
MAN5     = $(wildcard man/*.5)
SYSCONFDIR ?= /etc

all: $(LIB) $(PLUGINS) $(AGENT)

# Objects depend on the flags they were built with, so SANITIZE=1 and back
# rebuild everything instead of mixing the two.
FLAGS_STAMP = $(BUILD)/flags
$(FLAGS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(CPPFLAGS) $(LDFLAGS)' > $@

%.o: %.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

plugins/check_%: plugins/check_%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(AGENT): $(AGENT_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(AGENT_OBJ) $(LIB) $(LIBS) \
		$(SNMP_LIBS)

agent/%.o: agent/%.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -DPLUGINDIR='"$(PLUGINDIR)"' \
		-MMD -MP -c -o $@ $<

# The agent's unit tests link its model without net-snmp, and wrap the
# spool reader's fstatat to race it.
tests/unit/test_agent: tests/unit/test_agent.o $(AGENT_CORE) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -Wl,--wrap=fstatat -o $@ $^ $(LIBS)

# The option-table test links every plugin's table (each main renamed)
# and finds their info blocks by name: -rdynamic.
PLUGIN_TABLES = $(PLUGINS:plugins/%=tests/unit/plugin_%.o)
tests/unit/plugin_%.o: plugins/%.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -Dmain=$*_main -Wno-missing-prototypes \
		-MMD -MP -c -o $@ $<

tests/unit/test_options: tests/unit/test_options.o $(PLUGIN_TABLES) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -rdynamic -o $@ $^ $(LIBS)

tests/unit/test_%: tests/unit/test_%.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $< $(LIB) $(LIBS)

tests/unit/%.o: tests/unit/%.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -Itests/unit -Iagent -MMD -MP -c -o $@ $<

# Fuzz targets replay their corpus in make check, without libFuzzer.
tests/fuzz/%.o: tests/fuzz/%.c $(FLAGS_STAMP)
	$(CC) $(ALL_CFLAGS) $(CPPFLAGS) -Itests/fuzz -MMD -MP -c -o $@ $<

tests/fuzz/%-replay: tests/fuzz/%.o tests/fuzz/replay.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(LIBS)

deps:
	@BUILD=$(BUILD) scripts/deps

check: deps
	$(MAKE) all units
	tests/run $(BUILD)

units: $(UNITS) $(REPLAYS)

fuzz: deps
	tests/fuzz/run $(BUILD) $(FUZZ_SECONDS)

demo: deps
	$(MAKE) all
	tests/demo $(BUILD)

# every hostile behaviour against every plugin; make check compares the
# states with docs/FAULTS.md, this rewrites it
faults: deps
	$(MAKE) all
	FAULTS_UPDATE=1 tests/run $(BUILD) faults

bench: deps
	$(MAKE) all
	tests/bench/run $(BUILD)

format:
	clang-format -i common/*/*.[ch] plugins/*.c agent/*.[ch] tests/unit/*.[ch] \
		tests/bench/*.c tests/fuzz/*.[ch]

SBINDIR ?= $(PREFIX)/sbin
MIBDIR  ?= $(PREFIX)/share/snmp/mibs
MAN8     = $(wildcard man/*.8)

install: all
	install -d $(DESTDIR)$(PLUGINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(SYSCONFDIR)/imscheck
	install -m 755 $(PLUGINS) $(DESTDIR)$(PLUGINDIR)
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1
	install -m 644 $(MAN5) $(DESTDIR)$(MANDIR)/man5
	@# the sample profile, never over a profile that is there already
	test -e $(DESTDIR)$(SYSCONFDIR)/imscheck/imscheck.conf || \
		install -m 640 etc/imscheck.conf $(DESTDIR)$(SYSCONFDIR)/imscheck
	@# the agent, its page and its MIB
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(MIBDIR) \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(AGENT) $(DESTDIR)$(SBINDIR)
	install -m 644 agent/IMSCHECK-MIB.txt $(DESTDIR)$(MIBDIR)
	install -m 644 $(MAN8) $(DESTDIR)$(MANDIR)/man8

uninstall:
	rm -f $(addprefix $(DESTDIR)$(PLUGINDIR)/,$(notdir $(PLUGINS)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man5/,$(notdir $(MAN5)))
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man8/,$(notdir $(MAN8)))
	rm -f $(DESTDIR)$(SBINDIR)/imscheck-agent \
		$(DESTDIR)$(MIBDIR)/IMSCHECK-MIB.txt

# Debian packages (debian/), built by dpkg-buildpackage from a copy of the
# tree in $(BUILD)/deb, where the .deb and .changes files land too; then
# tests/deb/check runs lintian on them and, as root, installs, tests,
# removes and purges them on this machine.
deb:
	@scripts/deps deb
	scripts/build-deb $(BUILD)/deb
	tests/deb/check $(BUILD)/deb

clean:
	rm -f common/*/*.o common/*/*.d plugins/*.o plugins/*.d agent/*.o agent/*.d \
		$(AGENT) tests/unit/*.o \
		tests/unit/*.d tests/fuzz/*.o tests/fuzz/*.d $(LIB) $(PLUGINS) \
		$(UNITS) $(REPLAYS)
	rm -rf $(BUILD)

FORCE:
.PHONY: all check units fuzz demo bench faults deps format install \
	uninstall clean deb FORCE
.SECONDARY: $(LIB_OBJ) $(AGENT_OBJ)

-include $(wildcard common/*/*.d plugins/*.d agent/*.d tests/unit/*.d \
	tests/fuzz/*.d)
