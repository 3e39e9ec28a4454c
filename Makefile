# Two commands for a fresh machine:
#   make demo   -> set up, then run the whole pipeline on the bundled sample interviews (demo-out/)
#   make test   -> set up, then run the test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench clean

setup: $(STAMP)

# torch first, pinned to the CPU build on disk: anything that depends on torch would otherwise pull
# several GB of CUDA packages.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	# diarization: only the GE2E voice-encoder weights in resemblyzer's wheel are used; its librosa /
	# webrtcvad dependencies are not needed (insightminer/speech/speaker_encoder.py)
	$(BIN)/python -m pip install --quiet --no-deps resemblyzer==0.1.4
	touch $(STAMP)

demo: setup
	HF_HUB_OFFLINE=1 $(BIN)/insightminer run data/fixtures/interviews \
		--assumptions data/fixtures/assumptions.txt --out demo-out

test: setup
	bash scripts/install_chromium.sh
	HF_HUB_OFFLINE=1 $(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check insightminer tests scripts
	$(BIN)/ruff format --check insightminer tests scripts

clean:
	rm -rf demo-out .pytest_cache test-artifacts
