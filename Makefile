# Thin wrapper over CMake presets. `make run` keeps stdout clean for JSON-RPC:
# every set-up and build message goes to stderr.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
export CCACHE_DIR ?= $(HOME)/.cache/ccache
export CCACHE_MAXSIZE ?= 2G
# Paths relative to the checkout, so that another clone of the repository (CI
# checks out a fresh one) hits the cache filled by this one.
export CCACHE_BASEDIR ?= $(CURDIR)
export CCACHE_NOHASHDIR ?= 1

.PHONY: all setup setup-test build run test test-release test-asan format format-check e2e-deps bench bench-smoke package clean

all: build

setup:
	@scripts/setup.sh

setup-test:
	@scripts/setup.sh --test

build: setup
	@{ cmake --preset release && cmake --build --preset release -j $(JOBS); } 1>&2

# The server target only: tests and benchmarks are built by `make test` and `make bench`.
run: setup
	@{ cmake --preset release && cmake --build --preset release -j $(JOBS) --target phase-mirror-mcp; } 1>&2
	@exec build/release/phase-mirror-mcp serve

e2e-deps:
	@cd tests/e2e && npm ci --no-audit --no-fund --loglevel=error 1>&2
	@cd tests/sarif && npm ci --no-audit --no-fund --loglevel=error 1>&2
	@cd tests/conformance && npm ci --no-audit --no-fund --loglevel=error 1>&2
	@cd tests/deploy && npm ci --no-audit --no-fund --loglevel=error 1>&2

test: setup-test e2e-deps
	@scripts/test.sh

test-release: setup-test e2e-deps
	@scripts/test.sh release

test-asan: setup-test
	@scripts/test.sh asan

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

format-check:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror

bench: setup-test
	@scripts/bench.sh

bench-smoke: setup-test
	@scripts/bench.sh --smoke

package: build
	@cd build/release && cpack

clean:
	rm -rf build
