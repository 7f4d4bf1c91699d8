PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install test bench fuzz example clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

install: $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'

# pytest exits 5 when it collects nothing; that is a failure of the suite, not a pass
test: install
	$(BIN)/python -m pytest

example: install
	$(BIN)/python examples/make_example.py build/example
	$(BIN)/xsvid-convert coco-to-yolo build/example/annotations/train.json build/example-yolo --images-root build/example/images --layout yoloft --overwrite -q
	$(BIN)/xsvid-convert roundtrip build/example/annotations/train.json --from coco --via yolo --images-root build/example/images

# the fuzz tests of `make test`, with many more (and random, not fixed) examples per reader
FUZZ_EXAMPLES ?= 5000
fuzz: install
	XSVID_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest tests/test_fuzz.py

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf build .pytest_cache
