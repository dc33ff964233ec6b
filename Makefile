# envoi — top-level driver over CMake. See README.md.
PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all build deps check check-plain check-asan bench fuzz install run clean format

all: build

build/Makefile:
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS) >/dev/null

build: build/Makefile
	cmake --build build -j $(JOBS)

deps:
	@scripts/deps

# The whole suite twice: a normal build, then the same under ASan+UBSan.
check: deps
	$(MAKE) check-plain
	$(MAKE) check-asan

check-plain: build
	cd build && ctest --output-on-failure -j 2

build-asan/Makefile:
	CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DENVOI_SANITIZE=ON $(CMAKE_FLAGS) >/dev/null

check-asan: build-asan/Makefile
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j 2

bench: deps build
	bench/run

build-fuzz/Makefile:
	CC=clang cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=Debug -DENVOI_FUZZ=ON -DENVOI_TESTS=OFF >/dev/null

fuzz: deps build-fuzz/Makefile
	cmake --build build-fuzz -j $(JOBS)
	tests/fuzz/run build-fuzz $${FUZZ_SECONDS:-30}

# envoid in the foreground on the embedded defaults: queue under ./var, HTTP API on
# 127.0.0.1:8025 (a config file's [spool] section, when there is one, applies).
run: build
	build/bin/envoid --foreground

install: build
	cmake --install build --prefix $(PREFIX)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build build-asan build-fuzz
