# museum_guide — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: install run test lint format worker beat seed superuser clean vendor-ort

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall whenever a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install -r requirements-dev.txt
	touch $(STAMP)

.env:
	cp .env.example .env

install: $(STAMP) .env  ## create .venv with the pinned dependencies

run: install  ## migrate, seed the demo venue, export the model to ONNX and serve http://$(HOST):$(PORT) (SQLite, in-process tasks)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py export_emotion_model
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install  ## the whole test suite (set DATABASE_URL / REDIS_URL for PostgreSQL and Redis tests)
	$(BIN)/pytest

lint: install  ## ruff (lint + format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

worker: install  ## a Celery worker for both queues, selfies and maintenance (needs REDIS_URL)
	$(BIN)/celery -A museum_guide worker --loglevel=INFO -Q selfies,maintenance

beat: install  ## Celery beat for periodic jobs (needs REDIS_URL)
	$(BIN)/celery -A museum_guide beat --loglevel=INFO

superuser: install  ## create a staff user for the admin
	$(BIN)/python manage.py createsuperuser

vendor-ort:  ## refresh the vendored onnxruntime-web files (WebAssembly only) from npm; needs npm
	scripts/vendor_onnxruntime_web.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
