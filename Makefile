# Hamstring Hulp: every target a newcomer needs. `make run`, `make chat` and `make test`
# run `make setup` themselves when .venv/ is missing or out of date.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.setup-done
PORT   ?= 5000
HOST   ?= 127.0.0.1

.PHONY: setup run chat console browser test check package triage-graph clinical-basis bench fuzz soak lambda-zip clean snapshot

setup: $(STAMP)

# The compiled content the web service, Lambda and `make chat` start from (README, "Speed"): rebuilt
# when content/ or the code that reads it changes. A stale one is never used: they load in full.
SNAPSHOT := build/content.pickle
snapshot: $(SNAPSHOT)
$(SNAPSHOT): $(STAMP) $(shell find content skill/core skill/adapters/snapshot.py skill/adapters/documents.py -type f -not -name '*.pyc' 2>/dev/null)
	$(BIN)/hamstring-skill snapshot

# Rebuilt only when the lock file or the project metadata change, so `make setup` is idempotent.
$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

# The web service as Alexa reaches it (put an HTTPS proxy in front of it; see README). Workers and
# threads: gunicorn.conf.py.
run: setup snapshot
	$(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) --access-logfile - 'skill.adapters.web:create_app()'

# Talk to the skill in Dutch in the terminal, through the offline simulator.
chat: setup snapshot
	$(BIN)/hamstring-skill chat $(ARGS)

# The practice's console in the browser (README, "Console"): chat, why-pane and content review,
# on this machine only. CONSOLE_PORT picks the port.
CONSOLE_PORT ?= 5050
console: setup snapshot
	HOST=$(HOST) CONSOLE_PORT=$(CONSOLE_PORT) $(BIN)/python -m skill.adapters.console

# Debian's Chromium and chromedriver for the console's browser tests. Installed when missing and
# this is root (CI is); otherwise the tests say they are skipped, and fail under CI=true.
browser:
	@if command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null; \
	else echo "Chromium is missing: sudo apt-get install chromium chromium-driver (the console's browser tests are skipped until then)"; fi

test: setup browser
	$(BIN)/python -m pytest -q $(ARGS)

# For content editors: validates content/ and interaction_model/ together.
check: setup
	$(BIN)/hamstring-skill check

# The ASK CLI skill package in build/ask/skill-package. Needs SKILL_ENDPOINT (Lambda ARN or HTTPS URL)
# and the privacy and terms addresses (README, "Going live"); ARGS=--local builds one to look at.
package: setup snapshot
	$(BIN)/hamstring-skill package build/ask $(ARGS)

triage-graph: setup
	$(BIN)/hamstring-skill triage-graph docs/triage-graph.md --readme README.md

# For the reviewing physiotherapist: every triage rule with its reason, source and vignettes.
clinical-basis: setup
	$(BIN)/hamstring-skill clinical-basis docs/clinical-basis.md

# Side by side with a minimal ASK SDK skill: per request, cold start, signed web requests (README,
# "Speed"). Takes about two minutes; not part of `make test`.
bench: setup snapshot
	$(BIN)/python bench/run.py $(ARGS)

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

# A zip for AWS Lambda (handler: skill.lambda_function.handler), built for the Python 3.11 runtime
# on arm64 from manylinux aarch64 wheels (fetched from PyPI), whatever this machine is, with a fresh
# content snapshot and Python 3.11 bytecode. build/lambda keeps the unpacked tree: ask-resources.json
# deploys it as the function's code.
lambda-zip: setup
	$(BIN)/hamstring-skill lambda-zip build/hamstring-hulp-lambda.zip --tree build/lambda

clean:
	rm -rf $(VENV) build .pytest_cache
