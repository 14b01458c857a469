# The two commands of the README: `make run` and `make test`. Both set up what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
STUBS := .stubs/.installed
MPVM := host_tools/wasm/node_modules/.installed
PICO := host_tools/pico/node_modules/.installed

.PHONY: run test setup emu fuzz clean

# glide sim on CPython, the normal scenario; ARGS="..." are glide sim's options.
run: $(STAMP)
	$(VENV)/bin/glide sim $(ARGS)

# Tests marked slow (pyproject.toml) run only when CI is set: CI=true make test.
# -n auto: one pytest worker per core (pytest-xdist) for the quick suite (about
# half the time of one worker). CI runs on one: with two workers an emulated board's long scenario
# (auto-off, board-reset) twice went silent at full CPU and never ended (open).
test: $(STAMP) $(STUBS) $(MPVM) $(PICO)
	$(PY) -m pytest $(if $(CI),,-n auto -m "not slow")

setup: $(STAMP) $(STUBS) $(MPVM) $(PICO)

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

# Board API stubs for the type check, one folder per port (they clash if merged).
$(STUBS): $(STAMP)
	$(PY) -m pip install --quiet --target .stubs/rp2 'micropython-rp2-rpi-pico-stubs~=1.29.0'
	$(PY) -m pip install --quiet --target .stubs/esp32 'micropython-esp32-stubs~=1.29.0'
	touch $@

# The official MicroPython VM (WebAssembly port) for --runtime micropython.
$(MPVM): host_tools/wasm/package-lock.json
	npm ci --prefix host_tools/wasm --no-audit --no-fund --silent
	touch $@

# rp2040js, the RP2040 emulator the emulated Pico runs in (host_tools/pico/).
$(PICO): host_tools/pico/package-lock.json
	npm ci --prefix host_tools/pico --no-audit --no-fund --silent
	touch $@

# The emulated micro:bit's image (docs/emulator.md); the tests build it too.
emu: $(STAMP)
	$(VENV)/bin/glide emu build

# The long fuzz run (tests/fuzz; make test has a quick one): STREAMS command streams and
# as many glide.json texts through CPython and the MicroPython VM, every invariant checked,
# the runtimes compared; prints the seed and the counts. A new SEED explores new inputs.
SEED ?= 1
STREAMS ?= 100000
fuzz: $(STAMP) $(MPVM)
	PYTHONPATH=tests $(PY) -m fuzz --seed $(SEED) --streams $(STREAMS)

clean:
	rm -rf $(VENV) .stubs host_tools/wasm/node_modules host_tools/pico/node_modules *.egg-info .pytest_cache .hypothesis
