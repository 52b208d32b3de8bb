# Repères — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/reperes
TEST_DATA := $(CURDIR)/build/test-data
PIP := $(BIN)/python -m pip --disable-pip-version-check

.PHONY: demo test test-fast install lint test-sqlite test-postgres serve clean help

help:
	@echo "make demo   construire et servir l'instance de démonstration (données fictives)"
	@echo "make test   installer si besoin et lancer toutes les vérifications"
	@echo "make test-fast  boucle de travail : ruff et tests SQLite sans navigateur ni commandes en sous-processus"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Repères demande Python 3.11 ou plus récent (python3 --version).")'
	@echo "→ [installation] Création de l'environnement virtuel $(VENV)…"
	@$(PYTHON) -m venv $(VENV) || { echo "Impossible de créer l'environnement virtuel : installez python3-venv (Debian/Ubuntu : sudo apt install python3-venv)."; exit 1; }

$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt pyproject.toml
	@echo "→ [installation] Dépendances épinglées (requirements*.txt), une seule fois…"
	@$(PIP) install -q --upgrade "pip>=24"
	@$(PIP) install -q -r requirements-dev.txt
	@$(PIP) install -q --no-deps -e .
	@touch $@
	@echo "→ [installation] Terminée."

install: $(STAMP)

demo: install
	@echo "→ [démo] Construction de l'instance de démonstration dans ./demo-data (SQLite)…"
	@REPERES_ENV=demo REPERES_DATA_DIR=$(CURDIR)/demo-data $(BIN)/reperes demo

lint: install
	@echo "→ [lint] ruff"
	@$(BIN)/ruff check .
	@echo "→ [lint] gabarits (djlint)"
	@$(BIN)/djlint --lint --quiet reperes/templates
	@echo "→ [lint] migrations à jour"
	@mkdir -p $(TEST_DATA)/lint
	@REPERES_ENV=test REPERES_DATA_DIR=$(TEST_DATA)/lint DATABASE_URL= $(BIN)/reperes manage makemigrations --check --dry-run
	@echo "→ [lint] configuration de production (check --deploy)"
	@REPERES_ENV=production SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
		REPERES_DATA_DIR=$(TEST_DATA)/lint DATABASE_URL= REPERES_ALLOWED_HOSTS=reperes.example.org \
		$(BIN)/reperes manage check --deploy --fail-level WARNING

test-sqlite: install
	@echo "→ [tests] SQLite (tests de base de données, navigateur et purs)"
	@DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider -n 2

test-postgres: install
	@if $(BIN)/python -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		echo "→ [tests] PostgreSQL (tests de base de données)"; \
		DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -p no:cacheprovider -n 2 -m "not browser and not pure"; \
	elif [ "$$CI" = "true" ]; then \
		echo "ÉCHEC : PostgreSQL ne répond pas sur 127.0.0.1:5432 (obligatoire sous CI=true)."; exit 1; \
	else \
		echo "→ [tests] PostgreSQL absent sur 127.0.0.1:5432 : tests PostgreSQL non lancés (obligatoires en CI)."; \
	fi

test-fast: install
	@$(BIN)/ruff check .
	@DATABASE_URL= $(BIN)/pytest -q -p no:cacheprovider -n 2 -m "not browser" \
		--ignore=tests/foundation/test_cli.py --ignore=tests/foundation/test_demo_cli.py

test: lint test-sqlite test-postgres
	@echo "→ Toutes les vérifications sont passées."

serve: install
	@$(BIN)/reperes serve

clean:
	rm -rf build .pytest_cache .ruff_cache
