# The two commands of the quick start: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint bench sandbox shell migrate screenshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)            ## install and run Truce (no Slack tokens: the sandbox's page on http://127.0.0.1:3000/)
	$(PY) -m bot

test: $(STAMP)           ## install and run the tests (TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(PY) -m pytest

lint: $(STAMP)           ## ruff, then mypy (its settings: [tool.mypy] in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

sandbox: $(STAMP)        ## the sandbox's web page, whatever tokens are set
	$(PY) -m bot sandbox

shell: $(STAMP)          ## the sandbox in a terminal (for scripts and demos)
	$(PY) -m bot sandbox --terminal

screenshots: $(STAMP)    ## re-take docs/screenshots/ from the browser stories (then look at them)
	TRUCE_SCREENSHOTS=1 $(PY) -m pytest -q tests/browser

migrate: $(STAMP)
	$(PY) -m bot migrate

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
