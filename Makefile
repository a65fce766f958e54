# Hamstring Hulp: every target a newcomer needs. `make run`, `make chat` and `make test`
# run `make setup` themselves when .venv/ is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-done
PORT   ?= 5000
HOST   ?= 127.0.0.1

.PHONY: setup run chat test check package triage-graph bench lambda-zip clean

setup: $(STAMP)

# Rebuilt only when the lock file or the project metadata change, so `make setup` is idempotent.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The web service as Alexa reaches it (put an HTTPS proxy in front of it; see README).
run: setup
	$(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --access-logfile - 'skill.adapters.web:create_app()'

# Talk to the skill in Dutch in the terminal, through the offline simulator.
chat: setup
	$(BIN)/hamstring-skill chat $(ARGS)

test: setup
	$(BIN)/python -m pytest -q $(ARGS)

# For content editors: validates content/ and interaction_model/ together.
check: setup
	$(BIN)/hamstring-skill check

package: setup
	$(BIN)/hamstring-skill package build/ask

triage-graph: setup
	$(BIN)/hamstring-skill triage-graph docs/triage-graph.md

bench: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build .pytest_cache
