# Plain aliases (CONVENTIONS). `make demo` and `make test` set up everything they need on a fresh machine.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
APT_PACKAGES := fonts-noto-cjk fonts-wqy-zenhei fonts-arphic-ukai chromium wrk poppler-utils libpango-1.0-0 libpangoft2-1.0-0 curl libreoffice-writer-nogui
PYTEST_FAST := -m "not journey and not slow"

.PHONY: setup sysdeps venv assets demo test test-all lint fmt lock ci clean guide guide-docs mutation

setup: sysdeps venv assets

# Debian packages: CJK fonts for documents, Chromium for browser tests, wrk for benches, Pango for the
# WeasyPrint comparison bench, LibreOffice Writer (headless) to convert and measure the generated .docx. Installed only where we are root and something is missing.
sysdeps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "安装系统软件包:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "提示：缺少系统软件包$$missing（需 root 安装；PDF 中文字体与浏览器测试依赖它们）"; fi; \
	fi

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

assets: node_modules/.installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

demo: setup
	$(BIN)/shuping demo

# The README's test command: unit and service tests on the embedded SQLite, in parallel.
test: setup
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest -n auto -p no:cacheprovider $(PYTEST_FAST)

# Everything, against whatever DATABASE_URL names (used by .ci/run's second stage).
test-all: setup
	$(BIN)/pytest -p no:cacheprovider

# Mutation testing of the trust-critical modules (INT-4), one module at a time on focused tests; slow, so
# neither `make test` nor .ci/run runs it. Figures and every surviving mutant: docs/testing.md.
mutation: venv
	$(BIN)/python tools/mutation.py

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

fmt: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

lock: venv
	$(BIN)/pip freeze --exclude-editable > requirements.lock

ci:
	CI=true bash .ci/run

# The user guide's screenshots (docs/guide/img/), taken by the year's browser journey from the current code.
guide: setup
	SHUPING_GUIDE_SCREENSHOTS=1 $(BIN)/pytest -p no:cacheprovider tests/journeys -m journey

# The guide's document renders (docs/guide/img/doc-*.png): every generated document type from the small demo
# province, at 60 dpi (pdftoppm), in a throw-away database.
guide-docs: setup
	$(BIN)/python tools/doc_shots.py docs/guide/img

clean:
	rm -rf $(VENV) node_modules .pytest_cache .test-media staticfiles
