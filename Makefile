# grpc-k8s-lab. Every target does its own set-up: `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.package-lock.json
BUILD_STAMP := dist/.build-stamp
TS_SOURCES := $(shell find services scripts bench -name '*.ts' 2>/dev/null) tsconfig.json

# What each target needs from the system (Debian packages), installed as root before anything else
# runs; without root, one line says what to install (mk/need.sh).
NEED := bash mk/need.sh
TEST_PACKAGES := haproxy chromium:chromium,chromium-browser tmux

# LAB_FLAGS collects the flags each mk/*.mk adds to every `lab run` (e.g. kind's --context).
LAB_FLAGS :=

.PHONY: all deps build lint test test-deps clean

all: build

# npm ci only when node_modules is missing or older than the lock file.
$(NODE_MODULES_STAMP): package-lock.json package.json
	npm ci --no-audit --no-fund
	@touch $(NODE_MODULES_STAMP)

deps: $(NODE_MODULES_STAMP)

$(BUILD_STAMP): $(NODE_MODULES_STAMP) $(TS_SOURCES)
	npx tsc -p tsconfig.json
	@touch $(BUILD_STAMP)

build: $(BUILD_STAMP)

lint: $(NODE_MODULES_STAMP)
	npx tsc -p tsconfig.test.json

# The system packages the tests run for real (HAProxy, Chromium, tmux): none of them is skipped.
test-deps:
	@$(NEED) "make test" $(TEST_PACKAGES)

test: test-deps build lint
	npx vitest run

clean:
	rm -rf dist reports

# Targets of each part of the lab live beside it, in mk/.
-include mk/*.mk
