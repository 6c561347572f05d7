# Two entry points: `make corpus` (the main job) and `make test`.
# Both create .venv and install the pinned project on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SRC := pipeline tests scripts

.PHONY: corpus test lint format install bench model clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	# torch first, pinned to the CPU build, so nothing pulls a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

corpus: $(STAMP)
	$(BIN)/stance-corpus build --n-process 2

test: $(STAMP)
	$(BIN)/python -m pytest -q

# ruff (lint and format) and mypy; .ci/run runs this before the tests.
lint: $(STAMP)
	$(BIN)/ruff check $(SRC)
	$(BIN)/ruff format --check $(SRC)
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix $(SRC)
	$(BIN)/ruff format $(SRC)

bench: $(STAMP)
	$(BIN)/python scripts/bench.py --limit 96 --rounds 5
	$(BIN)/python scripts/bench.py --long --long-mb 20 --rounds 3
	$(BIN)/python scripts/bench.py --parallel --rounds 3
	$(BIN)/python scripts/bench.py --many 5000 --rounds 1

# The fine-tuned encoder (a build artefact in models/, not committed) and its scores on the eval split.
model: $(STAMP)
	$(BIN)/python -m pipeline.training.finetune --out models/claim_encoder_finetuned

clean:
	rm -rf $(VENV) build *.egg-info
