# Entry points for people: `make demo` and `make check` work on a fresh
# Debian 12 machine (they install what is missing, build, then run).
BUILD ?= build
MESON_OPTS ?=

.PHONY: all deps test-deps build demo check unit integration sanitize fuzz bench clean

all: build

deps:
	@scripts/install-deps

test-deps:
	@scripts/install-deps --test

$(BUILD)/build.ninja:
	meson setup $(BUILD) $(MESON_OPTS)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

# Scans the bundled Alpine 3.12.12 image with the bundled vulnerability data.
demo: test-deps build
	@scripts/demo $(BUILD)

# Every test: unit, integration and slow (real Debian image) suites.
check: test-deps build
	@scripts/run-tests $(BUILD)

unit: test-deps build
	meson test -C $(BUILD) --suite unit --print-errorlogs

# Unit tests under AddressSanitizer and UBSan.
sanitize: test-deps
	[ -f build-asan/build.ninja ] || meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false
	ninja -C build-asan
	meson test -C build-asan --suite unit --print-errorlogs

fuzz: test-deps
	[ -f build-fuzz/build.ninja ] || CC=clang meson setup build-fuzz -Dfuzz=true
	ninja -C build-fuzz
	scripts/run-fuzzers build-fuzz $${FUZZ_SECONDS:-10}

# Every benchmark, one after the other; each prints its own ratios.
bench: test-deps build
	bench/scan-local $(BUILD)
	bench/scan-lang $(BUILD)
	bench/scan-secrets $(BUILD)
	bench/scan-malware $(BUILD)
	bench/pull-scan $(BUILD)
	$(BUILD)/tests/unit/match/match-bench .

clean:
	rm -rf $(BUILD) build-asan build-fuzz
