# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run    set up .venv and run the pipeline on data/raw -> data/processed
#   make test   set up .venv and run the test suite
PYTHON ?= python3
VENV := .venv
INSTALLED := $(VENV)/.installed
RAW ?= data/raw
OUT ?= data/processed

.PHONY: setup run test lock readme clean

setup: $(INSTALLED)

# Dependencies come only from the hash-pinned lock file; the project itself
# is installed without touching them.
$(INSTALLED): requirements.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

run: setup
	$(VENV)/bin/newsflow run $(RAW) --out $(OUT)

test: setup
	$(VENV)/bin/python -m pytest

# Paste the table reference generated from the schemas into README.md.
readme: setup
	$(VENV)/bin/python -c "import pathlib, newsflow.schemas as s; \
	p = pathlib.Path('README.md'); t = p.read_text(); a, b = '<!-- schema:start -->\n', '<!-- schema:end -->'; \
	p.write_text(t[:t.index(a) + len(a)] + s.markdown_reference() + '\n' + t[t.index(b):])"

# Re-resolve the lock file after changing dependencies in pyproject.toml.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml build-requirements.in --extra dev --python-version 3.11 \
		--universal --generate-hashes --no-header --no-annotate -o requirements.lock

clean:
	rm -rf $(VENV) .prefect .pytest_cache data/processed/*/ data/processed/_validation
