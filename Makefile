# Yizhan: `make run` starts the service with demo data; `make test` runs the whole suite.
# Both set up what they need themselves (virtualenv, pinned packages, migrations).

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
export FLASK_APP := wsgi

.PHONY: install run migrate seed test lint format bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP)

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed reference
	$(BIN)/flask seed demo

run: seed
	@echo "Yizhan on http://127.0.0.1:8000  (API docs: /api/docs, OpenAPI: /api/openapi.json)"
	@echo "Demo staff: city.demo / Yizhan-city-2026 (市总工会), fc.demo / Yizhan-fc-2026 (涪城区), yx.demo / Yizhan-yx-2026 (游仙区)"
	exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
