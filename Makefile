# newslink: `make run` sets up .venv and processes corpus/; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.newslink-installed
EXTRAS := serve,test
DB ?= newslink.db

.PHONY: run test install bench report clean

run: $(STAMP)
	$(BIN)/newslink run corpus/ --db $(DB)

test: $(STAMP)
	HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 $(BIN)/python -m pytest -q

install: $(STAMP)

# Reinstall only when the project's dependencies change (the stamp is older than pyproject.toml).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[$(EXTRAS)]'
	touch $(STAMP)

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python bench/throughput.py

report: $(STAMP)
	HF_HUB_OFFLINE=1 $(BIN)/python -m nlp.report_screenshot

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache
