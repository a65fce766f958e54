# Hamstring Hulp: every target a newcomer needs. `make run`, `make chat` and `make test`
# run `make setup` themselves when .venv/ is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-done
PORT   ?= 5000
HOST   ?= 127.0.0.1

.PHONY: setup run chat test check package triage-graph bench fuzz soak lambda-zip clean

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
	$(BIN)/hamstring-skill triage-graph docs/triage-graph.md --readme README.md

bench: setup
	$(BIN)/python bench/run.py

# Hypothesis-generated and mutated Alexa envelopes through the Lambda handler (make test runs 200).
FUZZ_EXAMPLES ?= 10000
fuzz: setup
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -s -p no:cacheprovider tests/test_fuzz.py

# 50 simulated listeners for 60 s, through the skill in threads and through gunicorn with signed
# requests, on 127.0.0.1 only. Prints requests, errors, lost positions and p99; exits 1 on any error.
SOAK_LISTENERS ?= 50
SOAK_SECONDS ?= 60
soak: setup
	$(BIN)/python bench/soak.py --listeners $(SOAK_LISTENERS) --seconds $(SOAK_SECONDS) --mode both

# A zip for AWS Lambda (handler: skill.lambda_function.handler), built for the Python 3.11 runtime.
lambda-zip: setup
	rm -rf build/lambda && mkdir -p build/lambda
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target build/lambda \
	    --platform manylinux2014_x86_64 --only-binary=:all: --python-version 3.11 -r requirements-lambda.lock
	cp -r skill content interaction_model build/lambda/
	find build/lambda -name __pycache__ -prune -exec rm -rf {} +
	cd build/lambda && ../../$(BIN)/python -m zipfile -c ../hamstring-hulp-lambda.zip .
	@echo "build/hamstring-hulp-lambda.zip"

clean:
	rm -rf $(VENV) build .pytest_cache
