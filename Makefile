# magsynapse: the two everyday commands are `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out

.PHONY: run test bench lint calibrate catalogs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra, rebuilt when pyproject.toml changes.
$(VENV)/.installed-core: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-core

run: $(VENV)/.installed-core
	$(BIN)/magsynapse study --out $(OUT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -q

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_stdp.py --out bench-out
	$(BIN)/python benchmarks/bench_network.py --out bench-out
	$(BIN)/python benchmarks/bench_scaling.py --out bench-out
	$(BIN)/python benchmarks/bench_chronic.py --out bench-out
	$(BIN)/python benchmarks/bench_trial.py --out bench-out

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools

# Extract the report's messages, update every language's catalog and compile it.
catalogs: $(VENV)/.installed-test
	$(BIN)/python tools/catalogs.py

calibrate: $(VENV)/.installed-core
	$(BIN)/magsynapse calibrate dp-nmda --write

clean:
	rm -rf $(VENV) $(OUT) bench-out .pytest_cache .ruff_cache
