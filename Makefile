# A thin front over CMake. The two commands of the README:
#   make run    install what is missing, build, start a call
#   make test   install what is missing, build, run every test (plain,
#               then under AddressSanitizer + UBSan, then a short fuzz run)
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 30
FUZZ_SHORT_SECONDS ?= 20
CMAKE_FLAGS ?=

.PHONY: all run deps build test test-plain test-asan test-fuzz format install clean

all: build

run: build
	./$(BUILD)/poise

deps:
	@scripts/deps.sh run

build: deps
	cmake -S . -B $(BUILD) -DPOISE_WERROR=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

test:
	@scripts/deps.sh test
	$(MAKE) --no-print-directory test-plain test-asan test-fuzz

test-plain:
	cmake -S . -B build -DPOISE_WERROR=ON $(CMAKE_FLAGS)
	cmake --build build -j$(JOBS)
	ctest --test-dir build --output-on-failure -j$(JOBS)

test-asan:
	cmake -S . -B build-asan -DPOISE_WERROR=ON -DPOISE_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug $(CMAKE_FLAGS)
	cmake --build build-asan -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --test-dir build-asan --output-on-failure -j$(JOBS)

test-fuzz:
	CC=clang cmake -S . -B build-fuzz -DPOISE_FUZZ=ON -DBUILD_TESTING=OFF -DPOISE_WERROR=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-fuzz -j$(JOBS) --target fuzz_playbook fuzz_figures fuzz_sidelog \
		fuzz_merge_rows
	mkdir -p build-fuzz/corpus build-fuzz/corpus-figures build-fuzz/corpus-sidelog \
		build-fuzz/corpus-merge
	@# A fuzzer is one process: run them JOBS at a time, each output kept whole.
	$(MAKE) --no-print-directory -j$(JOBS) -O fuzz-run-playbook fuzz-run-figures \
		fuzz-run-sidelog fuzz-run-merge

.PHONY: fuzz-run-playbook fuzz-run-figures fuzz-run-sidelog fuzz-run-merge
fuzz-run-playbook:
	./build-fuzz/tests/fuzz/fuzz_playbook -max_total_time=$(FUZZ_SECONDS) -max_len=65536 \
		build-fuzz/corpus tests/fuzz/corpus
fuzz-run-figures:
	./build-fuzz/tests/fuzz/fuzz_figures -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
		build-fuzz/corpus-figures tests/fuzz/corpus-figures
fuzz-run-sidelog:
	./build-fuzz/tests/fuzz/fuzz_sidelog -max_total_time=$(FUZZ_SHORT_SECONDS) -max_len=8192 \
		build-fuzz/corpus-sidelog tests/fuzz/corpus-sidelog
fuzz-run-merge:
	./build-fuzz/tests/fuzz/fuzz_merge_rows -max_total_time=$(FUZZ_SHORT_SECONDS) -max_len=8192 \
		build-fuzz/corpus-merge tests/fuzz/corpus-merge

format:
	scripts/format.sh

install: build
	cmake --install $(BUILD)

clean:
	rm -rf build build-asan build-fuzz

# Benchmarks against floors measured in the same run (docs/benchmarks.md).
.PHONY: bench
bench:
	bench/run.sh

# The supervisor's side at N calls (default 100000): make bench-scale N=1000000
N ?= 100000
.PHONY: bench-scale
bench-scale:
	bench/run.sh --scale $(N)
