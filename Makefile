# wecom-contact-core. `make dev` and `make test` install what is missing
# (idempotently) and then do their job; see README.md.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
export PATH := $(HOME)/.cargo/bin:$(PATH)

# wasm-bindgen-cli must match the crate exactly; Cargo.lock is the one source.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/^version = "\(.*\)"/\1/p;}' Cargo.lock)
WASM_PACK_VERSION := 0.13.1
MVP_TARGET_DIR ?= target/mvp
TYPES_TARGET_DIR ?= $(or $(CARGO_TARGET_DIR),target)/types
JEST := node_modules/.bin/jest

.PHONY: help sim-bins screenshots tools rust-tools node-tools browser-tools build types test test-rust test-wasm test-js typecheck dev bench clean test-server bench-server preview upload package size

# `make` with no target prints this list: each target with a `##` comment.
help: ## list the targets (the default)
	@echo 'wecom-contact-core: make TARGET, one of'
	@sed -n 's/^\([a-z-]*\):.*## \(.*\)$$/\1\t\2/p' $(MAKEFILE_LIST) | awk -F'\t' '{ printf "  %-14s %s\n", $$1, $$2 }'

tools: rust-tools node-tools ## install the Rust and Node tools that are missing

rust-tools: ## the pinned toolchain, wasm32 target, wasm-pack, wasm-bindgen-cli
	@rustup show active-toolchain >/dev/null
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@rustup component list --installed | grep -q '^rust-src' || rustup component add rust-src
	@wasm-pack --version 2>/dev/null | grep -qF "$(WASM_PACK_VERSION)" || cargo install wasm-pack --version $(WASM_PACK_VERSION)
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" || cargo install wasm-bindgen-cli --version $(WASM_BINDGEN_VERSION)

node-tools: node_modules/.installed ## npm ci, when package-lock.json changed
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# Chromium for the wasm and simulator tests; CJK and emoji fonts so the
# simulator's screenshots show Chinese text.
BROWSER_PACKAGES := chromium chromium-driver fonts-wqy-microhei fonts-noto-color-emoji
browser-tools: ## Chromium, chromedriver and CJK/emoji fonts (apt-get, when missing)
	@missing=$$(for p in $(BROWSER_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $$missing; \
	fi

# The shipped core: an MVP wasm (no reference types, bulk memory or
# multivalue; std rebuilt for it), stripped of exported Globals, wasm-opt -Oz.
# Panics abort without formatting a message or recording a location: with
# panic=abort a panic is a trap anyway, and its message never reaches JS.
MVP_RUSTFLAGS := -Ctarget-cpu=mvp -Zlocation-detail=none -Zunstable-options -Cpanic=immediate-abort
# Skipped when build/core.stamp matches the inputs (scripts/build-stamp.js:
# src/**, Cargo.toml/lock, the build scripts, the toolchain's versions).
build: rust-tools node-tools types ## the shipped core and JS engine (skipped when inputs are unchanged)
	@if RUSTFLAGS="$(MVP_RUSTFLAGS)" node scripts/build-stamp.js check; then :; else \
	  echo 'build: [1/3] wasm-pack (MVP wasm, std rebuilt)'; \
	  CARGO_TARGET_DIR=$(MVP_TARGET_DIR) RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(MVP_RUSTFLAGS)" \
	    wasm-pack --log-level warn build . --release --target bundler --out-dir pkg --out-name core \
	    -- -Zbuild-std=std,panic_abort; \
	  echo 'build: [2/3] scripts/build-core.js (strip Globals, wasm-opt -Oz, brotli, glue)'; \
	  node scripts/build-core.js; \
	  echo 'build: [3/3] scripts/build-fallback.js (wasm2js JS engine)'; \
	  node scripts/build-fallback.js; \
	  RUSTFLAGS="$(MVP_RUSTFLAGS)" node scripts/build-stamp.js write; \
	fi

test: tools browser-tools test-rust test-wasm build typecheck test-server sim-bins test-js ## every test (what .ci/run calls)

# The core (unit tests, journeys, durability and property tests) and the WeCom double.
test-rust: ## cargo tests of the core, its TypeScript and the WeCom double
	cargo test
	cargo test --features ts --lib typescript
	cargo test -p wecom-double

test-wasm: rust-tools browser-tools ## wasm-bindgen tests in Node and headless Chromium
	wasm-pack --log-level warn test --node
	wasm-pack --log-level warn test --headless --chrome --chromedriver "$$(command -v chromedriver)"

# The TypeScript declarations of what crosses the boundary (Config, Event,
# Effect, View), generated from the Rust types (ts-rs; src/app/typescript.rs).
# build-core.js types the glue and the initial view with them, and tsc checks
# the shell, the page and the components against them.
# Its own target dir: the core is also a cdylib, whose unhashed file a build
# with and without `ts` would each rebuild (make dev ran types then sim-bins).
types: ## miniprogram/core/types.d.ts from the Rust types
	CARGO_TARGET_DIR=$(TYPES_TARGET_DIR) cargo run --quiet --features ts --bin wcc-typescript -- miniprogram/core/types.d.ts

# The shell, the page and the components, against the wx/wx.qy declarations
# and the core's own types (run `make build` once first: it writes glue.d.ts).
typecheck: node-tools types ## tsc over the shell, pages and components
	node_modules/.bin/tsc -p tsconfig.json

test-js: node-tools ## the jest suites (node scripts/run-jest.js)
	node scripts/run-jest.js

# The reference backend and the WeCom double that `make dev` and tests/sim.test.js run
# (debug builds, in target/debug).
sim-bins: ## debug builds of wcc-server and wecom-double
	cargo build -p wcc-server -p wecom-double

dev: tools build sim-bins ## build, then serve double + server + simulator on :5178
	node scripts/dev.js

# Where the core's bytes go (twiggy, summed by crate and by our modules):
# the shipped MVP build's flags, but keeping the name section (target/size).
SIZE_TARGET_DIR := target/size
size: rust-tools ## the core's size by crate and module (twiggy)
	@command -v twiggy >/dev/null || cargo install twiggy --version 0.8.0 --locked
	CARGO_TARGET_DIR=$(SIZE_TARGET_DIR) RUSTC_BOOTSTRAP=1 RUSTFLAGS="$(MVP_RUSTFLAGS)" \
	  CARGO_PROFILE_RELEASE_STRIP=false \
	  cargo build --lib --release --target wasm32-unknown-unknown -Zbuild-std=std,panic_abort
	wasm-bindgen --target bundler --keep-debug --out-dir $(SIZE_TARGET_DIR)/bindgen \
	  $(SIZE_TARGET_DIR)/wasm32-unknown-unknown/release/wecom_contact_core.wasm
	node scripts/size-report.js $(SIZE_TARGET_DIR)/bindgen/wecom_contact_core_bg.wasm

bench: tools build sim-bins ## sizes and timings (BENCHMARKS.md), then bench-server
	node bench/run.js
	node bench/card-sizes.js
	node bench/dev-reload.js
	$(MAKE) bench-server

# Refresh the README's simulator screenshots (docs/screenshots).
screenshots: tools browser-tools build sim-bins ## refresh docs/screenshots
	WCC_UPDATE_SCREENSHOTS=1 node scripts/run-jest.js tests/sim.test.js tests/sim-locale.test.js

clean: ## remove the built core (pkg, miniprogram/core, build, target/mvp)
	rm -rf pkg miniprogram/core build $(MVP_TARGET_DIR)

# The reference server (server/, wcc-server) on SQLite and on PostgreSQL: a
# throwaway PostgreSQL cluster on a loopback port is installed and started
# when none is running (scripts/pg-test-cluster.sh, idempotent).
test-server: ## wcc-server tests on SQLite and a throwaway PostgreSQL
	url="$$(scripts/pg-test-cluster.sh)"; \
	WCC_TEST_POSTGRES_URL="$$url" cargo test -p wcc-server

# Load through wcc-server against the WeCom double; gettoken single-flight.
# Built with the `server` profile (Cargo.toml): the release profile is the wasm core's.
bench-server: ## load on wcc-server against the WeCom double
	cargo bench -p wcc-server --bench load --profile server

# The kit as an npm package (package/README.md): build/package/wecom-contact-core-VERSION.tgz.
package: build ## the npm tarball of the prebuilt kit (build/package/*.tgz)
	node scripts/package.js

# To a phone (README, "To a real phone"): miniprogram-ci with the key in
# WCC_MP_PRIVATE_KEY; loaded lazily (npm install --no-save miniprogram-ci).
preview: build ## a preview QR code (build/preview-qrcode.jpg) via miniprogram-ci
	node scripts/mp-ci.js preview

upload: build ## upload a version (WCC_MP_VERSION) via miniprogram-ci
	node scripts/mp-ci.js upload
