# tte-report: annual electronic-certificate usage report, BPIP -> BSSN.
# make            build bin/tte-*
# make demo       install deps, build, run the pipeline on sample logs
# make test       install deps, build, run every test (also under ASan/UBSan)

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
DATADIR   ?= $(PREFIX)/share
MANDIR    ?= $(PREFIX)/share/man
SYSCONFDIR ?= $(PREFIX)/etc
VERSION    = 0.1.0
PYTHON     = /usr/bin/python3

CC        ?= cc
PKGS       = sqlite3 xlsxwriter libcjson libcurl openssl libpcre2-8 libzip expat \
             libxxhash
# Only tte-evidence reads PDFs: its objects get these flags and it alone
# links the libraries, so the other programs do not load poppler and glib.
PDF_PKGS   = poppler-glib libqpdf
BUILD     ?= build
BIN       ?= bin
WARN       = -Wall -Wextra -Wshadow -Wno-missing-field-initializers
ifeq ($(WERROR),1)
WARN      += -Werror
endif
OPT       ?= -O2
CFLAGS    ?= -g
ALL_CFLAGS = -std=gnu11 $(OPT) $(CFLAGS) $(WARN) -Ilib \
             -DTTE_VERSION='"$(VERSION)"' \
             -DTTE_DATADIR='"$(DATADIR)/tte-report"' \
             -DTTE_SYSCONFDIR='"$(SYSCONFDIR)"' \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
PDF_CFLAGS = $(shell pkg-config --cflags $(PDF_PKGS) 2>/dev/null)
evidence_CFLAGS = $(PDF_CFLAGS)
evidence_LDLIBS = $(shell pkg-config --libs $(PDF_PKGS) 2>/dev/null)
Q          = @
ifeq ($(V),1)
Q          =
endif

LIB_SRC    = $(wildcard lib/*.c)
LIB_OBJ    = $(LIB_SRC:%.c=$(BUILD)/%.o)
PROGS      = $(patsubst %/main.c,%,$(wildcard */main.c))
PROG_BINS  = $(PROGS:%=$(BIN)/tte-%)

.PHONY: all deps test-deps install-pkgs demo test unit-bin e2e asan bench fuzz lint install uninstall \
        clean check-office fmt fmt-check schema
.SUFFIXES:

all: $(PROG_BINS)

$(BUILD)/%.o: %.c $(wildcard lib/*.h) $(wildcard */*.h) $(wildcard */*/*.h)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/evidence/%.o: ALL_CFLAGS += $(PDF_CFLAGS)

$(BUILD)/libtte.a: $(LIB_OBJ)
	$(Q)$(AR) rcs $@ $^

.SECONDEXPANSION:
$(BIN)/tte-%: $$(patsubst %.c,$(BUILD)/%.o,$$(wildcard $$*/*.c $$*/*/*.c)) \
              $(BUILD)/libtte.a
	@mkdir -p $(BIN)
	$(Q)$(CC) $(ALL_CFLAGS) $($*_CFLAGS) -o $@ $^ $(LDLIBS) $($*_LDLIBS)
	@echo "  built $@"

# Debian packages the build, the demo and the tests need.
DEPS = build-essential pkg-config libsqlite3-dev libxlsxwriter-dev \
       libcsv-dev libcjson-dev libcurl4-openssl-dev libssl-dev \
       libcmocka-dev python3 python3-openpyxl python3-aiosmtpd openssl \
       mandoc clang clang-format sqlite3 time libpoppler-glib-dev libqpdf-dev \
       libpcre2-dev libzip-dev libexpat1-dev libxxhash-dev
# What only the tests use: the report as PDF and PNG pages (with Carlito,
# Calibri's metrics, so that LibreOffice breaks pages where Excel does), the
# XLSX's rows read back (unzip), the HTML view in a headless browser, signed
# PDF fixtures.
TEST_DEPS = libreoffice-calc-nogui poppler-utils chromium python3-cryptography \
       python3-reportlab python3-pikepdf qpdf fonts-dejavu-core \
       fonts-crosextra-carlito unzip time
deps:
	@$(MAKE) -s install-pkgs PKGLIST="$(DEPS)"
test-deps: deps
	@$(MAKE) -s install-pkgs PKGLIST="$(TEST_DEPS)"
install-pkgs:
	@missing=$$(for p in $(PKGLIST); do \
	    dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
	    grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ]; then \
	    echo "missing packages: $$missing" >&2; \
	    echo "run as root: apt-get update && apt-get install -y $$missing" >&2; \
	    exit 69; fi; \
	echo "installing: $$missing"; \
	apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null

demo: deps
	$(MAKE) all
	@sh samples/demo.sh

test: test-deps
	$(MAKE) all
	@sh tests/run.sh

asan: deps
	$(MAKE) BUILD=build-asan BIN=build-asan/bin OPT=-O1 \
	    CFLAGS="-g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" all

bench: deps
	$(MAKE) all
	@sh bench/run.sh

fuzz: deps
	@sh tests/fuzz/run.sh $${FUZZ_SECONDS:-60}

lint: fmt-check
	mandoc -Tlint -Wwarning man/*.1 man/*.5

# The C style is .clang-format's: `make fmt` rewrites the sources in place,
# `make fmt-check` only names the files it would change (and fails).
CLANG_FORMAT ?= clang-format
FMT_SRC    = $(wildcard */*.[ch] collect/*/*.[ch] tests/*/*.[ch])
fmt:
	$(Q)$(CLANG_FORMAT) -i $(FMT_SRC)

fmt-check:
	$(Q)bad=$$(for f in $(FMT_SRC); do \
	    $(CLANG_FORMAT) --dry-run -Werror "$$f" >/dev/null 2>&1 || \
	    echo "$$f"; done); \
	if [ -n "$$bad" ]; then \
	    echo "not formatted as .clang-format says (make fmt):" >&2; \
	    echo "$$bad" | sed 's/^/  /' >&2; exit 1; fi

# schema.sql: the schema a new database gets (lib/tte_schema.c) as sqlite3
# prints it, kept in the tree to be read and diffed; tests/e2e/schema.sh
# fails when it is not this.
schema: $(BIN)/tte-collect
	@tmp=$$(mktemp -d) && : >"$$tmp/s.db" && \
	$(BIN)/tte-collect -q --db "$$tmp/s.db" --recover && \
	sqlite3 "$$tmp/s.db" .schema >schema.sql; rc=$$?; rm -rf "$$tmp"; \
	exit $$rc

check-office: all
	@sh tests/e2e/office.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(DATADIR)/tte-report/templates \
	    $(DESTDIR)$(SYSCONFDIR)/tte-report/sources
	install -m 755 $(PROG_BINS) $(DESTDIR)$(BINDIR)
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5
	install -m 644 templates/*.json $(DESTDIR)$(DATADIR)/tte-report/templates
	install -m 644 conf/sources/*.json $(DESTDIR)$(SYSCONFDIR)/tte-report/sources
	install -m 644 conf/tte-report.json $(DESTDIR)$(SYSCONFDIR)/tte-report/tte-report.json.example

uninstall:
	rm -f $(PROG_BINS:$(BIN)/%=$(DESTDIR)$(BINDIR)/%)
	rm -rf $(DESTDIR)$(DATADIR)/tte-report

clean:
	rm -rf build build-asan build-tsan build-fuzz build-fuzz.log bin out tests/tmp

# Unit tests link the library and the stages' modules (not their mains).
UNIT_SRC   = $(wildcard tests/unit/test_*.c)
UNIT_BINS  = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
STAGE_OBJ  = $(patsubst %.c,$(BUILD)/%.o,$(filter-out %/main.c,\
             $(wildcard collect/*.c collect/*/*.c render/*.c)) \
             evidence/statement.c evidence/range.c evidence/records.c)
unit-bin: $(UNIT_BINS)
$(BUILD)/tests/%: tests/unit/%.c $(STAGE_OBJ) $(BUILD)/libtte.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(LDLIBS) -lcmocka
