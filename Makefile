# livespot: `make run` and `make test` set up what is missing, then do their job.
# The interpreter the virtualenv is made from: Debian's own CPython 3.11 build when the machine has
# it with venv support (built with profile-guided optimization and LTO, it runs this code about
# 15 % faster than a plain source build such as pyenv's default), else whatever python3.11 is on PATH.
# Override with `make PYTHON=...`; `make clean` drops a virtualenv made from another interpreter.
SYSTEM_PY := /usr/bin/python3.11
PYTHON ?= $(shell $(SYSTEM_PY) -c "import venv, ensurepip" >/dev/null 2>&1 && echo $(SYSTEM_PY) || echo python3.11)
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: run test setup migrate bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip 2>&1 | grep -v "is ignored" || true
	$(PY) -m pip install --quiet -e '.[dev]' 2>&1 | grep -v "is ignored" || true
	$(PY) -c "import django, rfc8785, orjson, pytest_django, hypothesis, xdist"
	@touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput -v 0

run: migrate
	$(PY) manage.py runstack

# Two workers, one test file each at a time: most integration tests wait on real processes
# (trader, simulator, daphne, redis, postgres), so two overlap well even on two cores.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadfile

bench: migrate
	$(PY) manage.py bench audit

clean:
	rm -rf $(VENV) var
