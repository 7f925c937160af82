# grpc-k8s-lab. Every target does its own set-up: `make demo` and `make test` work on a fresh clone.
SHELL := /bin/bash
NODE_MODULES_STAMP := node_modules/.package-lock.json
BUILD_STAMP := dist/.build-stamp
TS_SOURCES := $(shell find services scripts bench -name '*.ts' 2>/dev/null) tsconfig.json

# LAB_FLAGS collects the flags each mk/*.mk adds to every `lab run` (e.g. kind's --context).
LAB_FLAGS :=

.PHONY: all deps build lint test clean

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

test: build lint
	npx vitest run

clean:
	rm -rf dist reports

# Targets of each part of the lab live beside it, in mk/.
-include mk/*.mk
