# Two commands on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Listen on loopback by default; set ADDRESS=0.0.0.0 only behind an HTTPS reverse proxy.
ADDRESS ?= 127.0.0.1

.PHONY: run test bench setup setup-test migrate demo clean cluster

$(VENV)/.installed: pyproject.toml scripts/deps.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) scripts/deps.py | $(PY) -m pip install -q -r /dev/stdin
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) scripts/deps.py test | $(PY) -m pip install -q -r /dev/stdin
	@touch $@

setup: $(VENV)/.installed
# axe-core for the accessibility audit, pinned in tests/browser/axe/package-lock.json
AXE := tests/browser/axe/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/axe/package.json tests/browser/axe/package-lock.json
	bash scripts/ensure_axe.sh
	@touch $@

setup-test: $(VENV)/.installed-test $(AXE)

migrate: setup
	$(PY) manage.py migrate

run: migrate
	$(PY) manage.py ensure-secrets
	$(PY) manage.py demo --if-empty
	@echo ""
	@echo "  Relais: http://$(ADDRESS):$(PORT)"
	@echo "  Demo sign-in: choose a role on the home page (director, manager, digital lead, admin, trainer)."
	@echo ""
	@# The planner's worker runs beside the app and stops with it.
	$(PY) manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) -m streamlit run serve.py --server.address $(ADDRESS) --server.port $(PORT) --server.headless true --browser.gatherUsageStats false

# Badges name RELAIS_PUBLIC_URL/badges/status/revocation as their revocation list, served by the
# app itself (docs/recognition.md); by default the address `make run` listens on.
run: export RELAIS_PUBLIC_URL ?= http://$(if $(filter 0.0.0.0,$(ADDRESS)),127.0.0.1,$(ADDRESS)):$(PORT)

# Several servers behind HAProxy on PostgreSQL (README, "Several servers"): REPLICAS=2 PORT=8500
cluster: setup
	REPLICAS=$(or $(REPLICAS),2) PORT=$(or $(CLUSTER_PORT),8500) ADDRESS=$(ADDRESS) bash scripts/cluster.sh

test: setup-test
	bash scripts/test.sh

bench: setup-test
	bash scripts/bench.sh

clean:
	rm -rf var test-artifacts .pytest_cache
