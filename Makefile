# Two commands matter: `make serve` (preview the site) and `make test` (every check).
# Everything else is a step of those two.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export PYTHONPATH := scripts
# Silence Material for MkDocs' end-of-life banner in every build command.
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: serve site check test bench system venv node engines lock outdated clean edition

# ENGINE=mkdocs (default: MkDocs 1.6 + Material 9, from requirements.txt) | properdocs | zensical.
# The other two are pinned in engines/<name>.txt and installed on first use into .venv-<name>.
ENGINE ?= mkdocs
EXTRA_ENGINES := properdocs zensical
ifeq ($(filter $(ENGINE),mkdocs $(EXTRA_ENGINES)),)
$(error ENGINE=$(ENGINE) 不是可用的构建引擎：mkdocs、properdocs 或 zensical)
endif
ENGINE_VENV := $(if $(filter-out mkdocs,$(ENGINE)),.venv-$(ENGINE)/.installed)

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q --require-hashes -r requirements.txt
	touch $@

venv: $(VENV)/.installed

.venv-%/.installed: engines/%.txt
	$(PYTHON) -m venv .venv-$*
	# The pip a new venv brings (23.x on Debian 12's Python) refuses a hashed
	# lock whose packages ask for extras (weasyprint: fonttools[woff]).
	.venv-$*/bin/python -m pip install -q --upgrade pip
	.venv-$*/bin/python -m pip install -q --require-hashes -r engines/$*.txt
	touch $@

engines: $(EXTRA_ENGINES:%=.venv-%/.installed)

system:
	bash scripts/setup/system-packages.sh

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

node: node_modules/.installed

# The preview shows draft editions (status: draft), marked 草稿; `make site` leaves them out.
# ENGINE=zensical runs no hooks: edits under data/ and docs/ show after `make serve` is started again.
serve: venv system $(ENGINE_VENV)
	SITEGEN_DRAFTS=1 $(PY) -m sitegen generate build/docs
ifeq ($(ENGINE),zensical)
	SITEGEN_DRAFTS=1 .venv-zensical/bin/zensical serve -f $$(SITEGEN_DRAFTS=1 $(PY) -m sitegen engine-config zensical) -a 127.0.0.1:8000
else ifeq ($(ENGINE),properdocs)
	SITEGEN_DRAFTS=1 .venv-properdocs/bin/properdocs serve -f mkdocs.yml -a 127.0.0.1:8000
else
	SITEGEN_DRAFTS=1 $(VENV)/bin/mkdocs serve -a 127.0.0.1:8000
endif

# DRAFTS=1 (the pull-request preview) includes status: draft editions; what gets published has none.
DRAFTS ?=
site: venv system $(ENGINE_VENV)
	$(PY) -m sitegen --format $(FORMAT) build --engine $(ENGINE) $(if $(DRAFTS),--drafts)

# Start next year's notice: make edition NEW=2027 copies the newest edition as a draft.
edition: venv
	@test -n "$(NEW)" || { echo "用法：make edition NEW=<年份>，例如 make edition NEW=2027"; exit 2; }
	$(PY) -m sitegen edition $(NEW)

# FORMAT=github prints data errors as pull-request annotations (see .github/workflows/pr.yml).
# BASE=<git ref> (the pull request's base) also requires a note in changes.yaml for every changed fact.
FORMAT ?= text
BASE ?=
check: venv
	$(PY) -m sitegen --format $(FORMAT) check$(if $(BASE), --base $(BASE))

# Every engine's build is tested, so all of them are installed. The whole suite
# runs on MkDocs; then the tests of what a build contains (pages, meta, valid
# HTML, search index, links) and the browser smoke and CSP suites run again on
# each other engine's build (SITEGEN_TEST_ENGINE, tests/conftest.py). Both
# engines are tried even when the first fails; any failure fails `make test`.
ENGINE_TESTS := tests/test_site_content.py tests/test_meta.py tests/test_html_valid.py \
	tests/test_search_index.py tests/test_links.py tests/test_csp_policy.py::test_every_built_page_has_a_matching_policy \
	tests/browser/test_engine_smoke.py tests/browser/test_csp_browser.py
test: venv system node engines
	$(PY) -m pytest
	@failed=; for engine in $(EXTRA_ENGINES); do \
	  echo "== SITEGEN_TEST_ENGINE=$$engine"; \
	  SITEGEN_TEST_ENGINE=$$engine $(PY) -m pytest $(ENGINE_TESTS) || failed="$$failed $$engine"; \
	done; \
	if [ -n "$$failed" ]; then echo "引擎测试失败：$$failed"; exit 1; fi

# Lighthouse (bench/package.json) is installed only here: heavy, and no test needs it.
bench/node_modules/.installed: bench/package.json bench/package-lock.json
	cd bench && npm ci --no-audit --no-fund --loglevel=error
	touch $@

bench: venv system node engines bench/node_modules/.installed
	$(PY) -m sitegen.bench

LOCK := $(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links
lock: venv
	$(LOCK) -o requirements.txt requirements.in
	cd engines && $(foreach e,$(EXTRA_ENGINES),../$(LOCK) -o $(e).txt $(e).in &&) true

# Shows newer releases than the pins; exit status 0 either way (npm outdated exits 1 when any is found).
outdated: venv node
	$(PY) -m pip list --outdated
	npm outdated || true

clean:
	rm -rf build site .pytest_cache .sitegen-*.yml
	mkdir -p build/docs && touch build/docs/.gitkeep
