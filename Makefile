# newslink: `make run` sets up .venv and processes corpus/; `make test` runs the test suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.newslink-installed
EXTRAS := serve,test,dask
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

# The HTML report of the sample article and its screenshot (needs Debian's chromium).
report: $(STAMP)
	mkdir -p build && rm -f build/sample.db*
	HF_HUB_OFFLINE=1 $(BIN)/newslink run corpus/ --db build/sample.db -q
	HF_HUB_OFFLINE=1 $(BIN)/newslink report corpus/nikkei-2024-03-01.txt -o build/report.html --db build/sample.db
	chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
	  --disable-component-update --disable-sync --no-first-run --user-data-dir=$$(mktemp -d) \
	  --screenshot=build/report.png --window-size=1280,2000 file://$(CURDIR)/build/report.html
	@echo "report: build/report.html, screenshot: build/report.png"

clean:
	rm -rf $(VENV) $(DB) $(DB)-wal $(DB)-shm .pytest_cache
