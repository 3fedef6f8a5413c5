# sensorctl — build, local stack, demo, tests, benchmarks. `make help` lists the targets.
SHELL := /bin/bash
SWIFT ?= swift
RELEASE_BIN := .build/release/sensorctl
DASHBOARD_PY := .devstack/venv-dashboard/bin/python
DASHBOARD_TESTS := $(DASHBOARD_PY) -m pytest dashboard/tests -c dashboard/pytest.ini

.PHONY: help build debug deps up down setup demo test bench clean dashboard dashboard-test

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

build: ## Build the release binary .build/release/sensorctl (warnings are errors)
	$(SWIFT) build -c release

debug: ## Build the debug binary and the tests
	$(SWIFT) build --build-tests

deps: ## Install what the stack and the build need (apt packages, the mongo venv)
	devstack/deps.sh

up: ## Start the local stack (idempotent) and write .devstack/env
	devstack/up.sh

down: ## Stop exactly what the local stack started
	devstack/down.sh

setup: build up ## Create tables, collections, directories and the topic on the local stack
	source .devstack/env && $(RELEASE_BIN) setup

demo: build up ## Build, start the stack, set it up, generate into every sink, show what landed where
	devstack/demo.sh $(RELEASE_BIN)

# Tests run one at a time: they share one stack whose stand-ins are single-threaded (MongoDB) or get faults
# injected by some tests (the Kafka mock's broker outages and latency), which must not leak into others.
test: debug ## Run every test against the local stack (started if needed, stopped after if we started it)
	dashboard/venv.sh
	SENSORCTL_BIN=$$($(SWIFT) build --show-bin-path)/sensorctl devstack/with-stack.sh \
		sh -c '$(SWIFT) test --skip-build --no-parallel && $(DASHBOARD_TESTS)'

dashboard: ## Live metrics dashboard on http://127.0.0.1:8501 (Streamlit; its venv is made on first use)
	dashboard/venv.sh
	if [ -f .devstack/env ]; then source .devstack/env; fi; cd dashboard && \
		exec ../$(DASHBOARD_PY) -m streamlit run app.py --server.address 127.0.0.1 --server.port 8501

dashboard-test: debug ## The dashboard's tests (AppTest, headless Chromium) against the local stack
	dashboard/venv.sh
	SENSORCTL_BIN=$$($(SWIFT) build --show-bin-path)/sensorctl devstack/with-stack.sh $(DASHBOARD_TESTS)

bench: build ## Benchmarks against the local stack (not part of the tests)
	devstack/with-stack.sh bench/generate.sh $(RELEASE_BIN)
	devstack/with-stack.sh bench/produce.sh $(RELEASE_BIN)
	devstack/with-stack.sh bench/jobs.sh $(RELEASE_BIN)

clean: ## Remove build products (the stack's data under .devstack/ stays)
	rm -rf .build
