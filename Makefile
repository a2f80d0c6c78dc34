# make deck: build the default decks.  make test: run the tests.  Both set up .venv themselves:
# deck installs only what building needs; test, lint and bench add the test tools.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test

.PHONY: deck test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e .
	touch $(STAMP)

$(TEST_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
	touch $(TEST_STAMP)

deck: $(STAMP)
	$(BIN)/qa2anki build

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -q

lint: $(TEST_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

# ankdown, the peer make bench compares with, in a virtualenv of its own (best effort: the
# bench says so when it is missing).
PEERS := .venv-peers

$(PEERS)/bin/ankdown:
	-$(PYTHON) -m venv $(PEERS) && $(PEERS)/bin/python -m pip install --quiet --disable-pip-version-check ankdown

bench: $(TEST_STAMP) | $(PEERS)/bin/ankdown
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) $(PEERS) build dist src/*.egg-info .pytest_cache decks/*.apkg
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
