# Two commands do everything on a fresh machine with Python 3.11 and make:
#   make run    set up .venv and run the pipeline on data/raw -> data/processed
#   make test   set up .venv and run the test suite
# EXTRAS=s3 installs from requirements-s3.lock (adds s3fs for s3:// output).
PYTHON ?= python3
VENV := .venv
LOCK := requirements$(if $(filter s3,$(EXTRAS)),-s3).lock
INSTALLED := $(VENV)/.installed-$(LOCK)
RAW ?= data/raw
OUT ?= data/processed

.PHONY: setup run test browser lock readme clean

setup: $(INSTALLED)

# Dependencies come only from the hash-pinned lock file; the project itself
# is installed without touching them.
$(INSTALLED): $(LOCK) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(VENV)/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(INSTALLED)

run: setup
	$(VENV)/bin/newsflow run $(RAW) --out $(OUT)

# Two test processes (pytest-xdist): most tests wait on a flow or a command.
# `.venv/bin/pytest -m "not slow"` runs the fast layer alone.
test: setup browser
	$(VENV)/bin/python -m pytest -n 2 --dist worksteal

# The report's test opens its pages in Debian's chromium (and chromedriver):
# installed when missing and this user can (root with apt-get, as on CI
# here), else the test fails and says why.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || \
	{ [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && export DEBIAN_FRONTEND=noninteractive && \
	  { apt-get install -y -q chromium chromium-driver >/dev/null 2>&1 || \
	    { apt-get update -q >/dev/null && apt-get install -y -q chromium chromium-driver >/dev/null; }; }; } || \
	echo "chromium and chromium-driver are not installed: the report test will fail" >&2

# Paste the table reference generated from the schemas into README.md.
readme: setup
	$(VENV)/bin/python -c "import pathlib, newsflow.schemas as s; \
	p = pathlib.Path('README.md'); t = p.read_text(); a, b = '<!-- schema:start -->\n', '<!-- schema:end -->'; \
	p.write_text(t[:t.index(a) + len(a)] + s.markdown_reference() + '\n' + t[t.index(b):])"

# Re-resolve the lock files after changing dependencies in pyproject.toml;
# the s3 one adds to the main one without changing any of its versions.
lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml build-requirements.in --extra dev --python-version 3.11 \
		--universal --generate-hashes --no-header --no-annotate -o requirements.lock
	$(PYTHON) -m uv pip compile pyproject.toml build-requirements.in --extra dev --extra s3 --python-version 3.11 \
		--universal --generate-hashes --no-header --no-annotate -c requirements.lock -o requirements-s3.lock

clean:
	rm -rf $(VENV) .prefect .pytest_cache data/processed/*/ data/processed/_validation
