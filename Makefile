# newsprep: `make pipeline` runs the job on the sample corpus, `make test` runs every check.
# Both use the dev profile, so the one build serves both; `make bench` builds release.

CARGO  ?= cargo
PYTHON ?= python3
VENV   := .venv
BIN    := target/debug/newsprep
RELEASE_BIN := target/release/newsprep
# The measuring commands (eval-*, gen-corpus), a binary of their own.
BENCH_BIN := target/release/newsprep-bench
# Evaluation data lives beside the repository; only `make eval` and `make bench` read it.
EVAL_DIR ?= ../shared/eval/article-bench
BENCH_DIR := target/bench
BENCH_VENV := .venv-bench

.PHONY: pipeline build release test fmt-check clippy rust-test py-test develop venv eval eval-html eval-hostile eval-entities eval-mojibake eval-language bench bench-dedup bench-pipeline bench-pipeline-html bench-scaling bench-pipeline-warc bench-large bench-micro bench-python bench-package bench-ray bench-report bench-venv goldens stopwords gazetteer world-map ner-model browser clean

pipeline: build
	$(BIN) run --config pipeline.toml

build:
	$(CARGO) build --locked --bin newsprep

release:
	$(CARGO) build --release --locked --bin newsprep --bin newsprep-bench

test: fmt-check clippy rust-test py-test

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --locked --all-targets -- -D warnings

rust-test: browser
	$(CARGO) test --locked --workspace

# The report's tests (tests/integration/report.rs) open its HTML page in Debian's
# headless Chromium, and fail without it: installed here where missing, as venv makes
# the Python environment. No browser is downloaded by a test tool.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
browser:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
		{ $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium; }

# The Python tests read the output the way notebooks do (pyarrow, polars), and drive
# the newsprep package; stubtest holds its .pyi stubs to the compiled module.
py-test: build develop
	NEWSPREP_BIN=$(BIN) $(VENV)/bin/python -m pytest -q tests/python
	$(VENV)/bin/python -m mypy.stubtest --mypy-config-file pyproject.toml newsprep

# The newsprep package (pyproject.toml, crates/python) built in the dev profile into
# target/, shared with cargo, and installed into the test environment as editable.
develop: venv
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(VENV)/bin/maturin develop --profile dev

venv: $(VENV)/.installed

$(VENV)/.installed: tests/python/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet -r tests/python/requirements.txt
	touch $@

# Boilerplate removal scored against the article-extraction benchmark's gold texts.
eval: release
	$(BENCH_BIN) eval-boilerplate --raw $(EVAL_DIR)/raw --gold $(EVAL_DIR)/gold \
		--exclude-ids $(EVAL_DIR)/nonenglish_ids_heuristic.txt

# HTML article extraction on the benchmark's pages: F1, title and date coverage, speed
# against parsing alone, then trafilatura on the same pages in the same run.
eval-html: release bench-venv
	$(BENCH_BIN) eval-html --html $(EVAL_DIR)/html --gold $(EVAL_DIR)/gold \
		--manifest $(EVAL_DIR)/manifest.tsv --exclude-ids $(EVAL_DIR)/nonenglish_ids_heuristic.txt
	$(BENCH_VENV)/bin/python bench/html_peer.py $(EVAL_DIR)/html $(EVAL_DIR)/gold \
		--exclude-ids $(EVAL_DIR)/nonenglish_ids_heuristic.txt

# Mojibake repair: the suite in tests/fixtures/mojibake (correct strings that must stay,
# broken ones that must be fixed) and the repair's speed on the benchmark's article texts.
eval-mojibake: release
	$(BENCH_BIN) eval-mojibake --texts $(EVAL_DIR)/gold

# Hostile page shapes at the size limit (many attributes, elements, long words, tables,
# endless comments, entity floods, unclosed formatting): decode's time on each.
eval-hostile: release
	$(BENCH_BIN) eval-hostile

# Language identification: the pipeline's language column on the benchmark's pages
# against the hand labels in eval/language_article_bench.tsv, then newsprep's stage
# and lingua side by side on those pages and on a multilingual set of the 27
# stop-word languages (built from lingua's model crates: scripts/build_language_set.py).
LANGUAGE_DIR := $(BENCH_DIR)/language
eval-language: release bench-venv
	rm -rf $(LANGUAGE_DIR)/pages && mkdir -p $(LANGUAGE_DIR)
	$(RELEASE_BIN) run --quiet --input $(EVAL_DIR)/html --output $(LANGUAGE_DIR)/pages
	$(BENCH_VENV)/bin/python bench/language_eval.py $(LANGUAGE_DIR)/pages eval/language_article_bench.tsv $(LANGUAGE_DIR)/article_bench.tsv
	$(CARGO) fetch --manifest-path bench/language/Cargo.toml
	$(PYTHON) scripts/build_language_set.py $(LANGUAGE_DIR)/multilingual.tsv
	$(CARGO) run --release --manifest-path bench/language/Cargo.toml -- $(LANGUAGE_DIR)/multilingual.tsv $(LANGUAGE_DIR)/article_bench.tsv

# Benchmarks, figures in BENCHMARKS.md. Release build; the Python peers get their own venv.
bench: eval eval-html bench-dedup eval-entities eval-mojibake eval-language bench-pipeline bench-python bench-micro

# criterion micro-benchmarks of each stage's hot loop; the table goes to BENCHMARKS.md.
bench-micro:
	$(CARGO) bench --locked -p newsprep-bench --bench stages
	$(PYTHON) bench/criterion_table.py target/criterion BENCHMARKS.md

# Dedup on a generated corpus of 5,000 articles with known copies, and datasketch on
# the same files in the same run.
bench-dedup: release bench-venv
	$(BENCH_BIN) gen-corpus --from $(EVAL_DIR)/gold --out $(BENCH_DIR)/dedup-corpus --docs 5000 --seed 1
	$(BENCH_BIN) eval-dedup --input $(BENCH_DIR)/dedup-corpus
	$(BENCH_VENV)/bin/python bench/dedup_peer.py $(BENCH_DIR)/dedup-corpus

# The entity tagger's weights (crates/entities/data/ner.model) from the openly licensed
# CoNLL data in crates/entities/data/ner/ (sources and licences in its README): every
# fifth document held out, its F1 printed. Deterministic: same data, same bytes.
NER_DIR := crates/entities/data/ner
NER_DATA := $(NER_DIR)/wikigold.conll $(NER_DIR)/btc_g.conll:50 $(NER_DIR)/uner_pud.conll $(NER_DIR)/redocred.conll $(NER_DIR)/crossner.conll:1
ner-model:
	$(CARGO) run --release --locked -p newsprep-entities --example train_ner -- crates/entities/data/ner.model $(NER_DATA)

# Entity tagging: the trained tagger on its held-out documents (retrained here, and
# checked to give the committed weights byte for byte) beside spaCy on the same
# documents; organisations on those of them about sports or business; F1 per label
# on hand-written gold for the seeds; speed on the benchmark's article texts and
# agreement with spaCy's en_core_web_sm there, with the model and with the rules
# alone.
eval-entities: release bench-venv
	mkdir -p $(BENCH_DIR)
	$(CARGO) run --release --locked -p newsprep-entities --example train_ner -- $(BENCH_DIR)/ner-check.model $(NER_DATA)
	cmp $(BENCH_DIR)/ner-check.model crates/entities/data/ner.model
	$(CARGO) run --release --locked -p newsprep-entities --example topic_orgs -- $(NER_DATA)
	$(BENCH_VENV)/bin/python bench/ner_heldout_peer.py $(NER_DATA)
	$(BENCH_BIN) eval-entities --gold eval/entities_gold.tsv --input raw \
		--texts $(EVAL_DIR)/gold --dump $(BENCH_DIR)/newsprep_entities.jsonl
	$(BENCH_VENV)/bin/python bench/entities_peer.py $(EVAL_DIR)/gold $(BENCH_DIR)/newsprep_entities.jsonl
	$(BENCH_BIN) eval-entities --rules-only --gold eval/entities_gold.tsv --input raw \
		--texts $(EVAL_DIR)/gold --dump $(BENCH_DIR)/newsprep_entities_rules.jsonl
	$(BENCH_VENV)/bin/python bench/entities_peer.py $(EVAL_DIR)/gold $(BENCH_DIR)/newsprep_entities_rules.jsonl

# The whole pipeline on 50 MB of generated page dumps (1 GB with bench-large), beside
# wc -w and the Python peer stack on a 5 MB slice.
BENCH_BYTES ?= 50000000
BENCH_LABEL ?= pipeline-50MB
bench-pipeline: release bench-venv
	rm -rf $(BENCH_DIR)/pages $(BENCH_DIR)/pipeline && mkdir -p $(BENCH_DIR)/pipeline
	$(BENCH_BIN) gen-corpus --kind pages --from bench/fixture/pages --out $(BENCH_DIR)/pages --bytes $(BENCH_BYTES) --seed 1
	$(BENCH_VENV)/bin/python bench/pipeline_bench.py $(RELEASE_BIN) $(BENCH_DIR)/pages $(BENCH_DIR)/pipeline \
		--write BENCHMARKS.md --label $(BENCH_LABEL) --command "make $(if $(filter pipeline-1GB,$(BENCH_LABEL)),bench-large,bench-pipeline)"
	$(if $(filter pipeline-50MB,$(BENCH_LABEL)),$(MAKE) bench-pipeline-html bench-pipeline-warc)

# The whole pipeline on 50 MB of generated HTML pages (the benchmark's pages with their
# paragraphs swapped, copies among them), beside wc -w and the peer stack.
BENCH_HTML_BYTES ?= 50000000
bench-pipeline-html: release bench-venv
	rm -rf $(BENCH_DIR)/html-pages $(BENCH_DIR)/pipeline-html && mkdir -p $(BENCH_DIR)/pipeline-html
	$(BENCH_BIN) gen-corpus --kind html --from $(EVAL_DIR)/html --out $(BENCH_DIR)/html-pages --bytes $(BENCH_HTML_BYTES) --seed 1
	$(BENCH_VENV)/bin/python bench/pipeline_bench.py $(RELEASE_BIN) $(BENCH_DIR)/html-pages $(BENCH_DIR)/pipeline-html \
		--write BENCHMARKS.md --label pipeline-html-50MB --command "make bench-pipeline-html"

# How a run scales with threads on the bench-pipeline corpus: 1 and 2 threads (more
# with SCALING_THREADS=1,2,4,8,16 on a bigger machine), three runs each.
SCALING_THREADS ?= 1,2
bench-scaling: release
	rm -rf $(BENCH_DIR)/pages && $(BENCH_BIN) gen-corpus --kind pages --from bench/fixture/pages --out $(BENCH_DIR)/pages --bytes $(BENCH_BYTES) --seed 1
	$(PYTHON) bench/scaling_bench.py $(RELEASE_BIN) $(BENCH_DIR)/pages $(BENCH_DIR)/scaling --threads $(SCALING_THREADS) --runs 3

# WARC input against the same HTML pages as files (gen-corpus --kind warc writes both).
BENCH_WARC_BYTES ?= 50000000
bench-pipeline-warc: release bench-venv
	rm -rf $(BENCH_DIR)/warc && $(BENCH_BIN) gen-corpus --kind warc --from $(EVAL_DIR)/html --out $(BENCH_DIR)/warc --bytes $(BENCH_WARC_BYTES) --seed 1
	$(BENCH_VENV)/bin/python bench/warc_bench.py $(RELEASE_BIN) $(BENCH_DIR)/warc $(BENCH_DIR)/warc-out --runs 3

# The newsprep package, built release into the bench venv: extract beside trafilatura
# on the benchmark's pages, Pipeline.process beside newsprep run on one thread.
bench-python: release bench-package
	$(BENCH_VENV)/bin/python bench/python_bench.py $(RELEASE_BIN) $(EVAL_DIR)/html $(EVAL_DIR)/gold $(BENCH_DIR)/python

# The package's release build in the bench venv, for bench-python and bench-ray.
bench-package: bench-venv
	VIRTUAL_ENV=$(CURDIR)/$(BENCH_VENV) $(BENCH_VENV)/bin/maturin develop --release --locked

# newsprep.ray at 2 and 1 CPUs beside newsprep run at 2 and 1 threads on the 1 GB
# page-dump corpus of bench-large (BENCH_RAY_BYTES for another size), start-up included.
BENCH_RAY_BYTES ?= 1000000000
bench-ray: release bench-package
	rm -rf $(BENCH_DIR)/ray-pages $(BENCH_DIR)/ray && mkdir -p $(BENCH_DIR)/ray
	$(BENCH_BIN) gen-corpus --kind pages --from bench/fixture/pages --out $(BENCH_DIR)/ray-pages --bytes $(BENCH_RAY_BYTES) --seed 1
	$(BENCH_VENV)/bin/python bench/ray_bench.py $(RELEASE_BIN) $(BENCH_DIR)/ray-pages $(BENCH_DIR)/ray \
		--write BENCHMARKS.md --label ray-$(BENCH_RAY_BYTES) --command "make bench-ray BENCH_RAY_BYTES=$(BENCH_RAY_BYTES)"

# newsprep report --html on the output of a run over generated page dumps (default
# settings): wall time, peak memory and the page's size (BENCHMARKS.md, "The HTML report").
REPORT_BYTES ?= 200000000
bench-report: release
	rm -rf $(BENCH_DIR)/report-pages $(BENCH_DIR)/report-out
	$(BENCH_BIN) gen-corpus --kind pages --from bench/fixture/pages --out $(BENCH_DIR)/report-pages --bytes $(REPORT_BYTES) --seed 1
	$(RELEASE_BIN) run --quiet --input $(BENCH_DIR)/report-pages --output $(BENCH_DIR)/report-out
	/usr/bin/time -v $(RELEASE_BIN) report $(BENCH_DIR)/report-out --html $(BENCH_DIR)/report-out/report.html 2>&1 \
		| grep -E "Elapsed|Maximum resident"
	ls -l $(BENCH_DIR)/report-out/report.html

bench-large:
	$(MAKE) bench-pipeline BENCH_BYTES=1000000000 BENCH_LABEL=pipeline-1GB

bench-venv: $(BENCH_VENV)/.installed

$(BENCH_VENV)/.installed: bench/requirements.txt
	$(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BENCH_VENV)/bin/python -m pip install --quiet -r bench/requirements.txt
	touch $@

# The golden tables (tests/golden/README.md) written anew by the current debug build:
# only for a change that means to change the output, committed with the reason.
GOLDEN_TMP := target/goldens
goldens: build
	rm -rf $(GOLDEN_TMP) && mkdir -p $(GOLDEN_TMP)/html
	cp tests/fixtures/html/*.html.gz $(GOLDEN_TMP)/html/
	$(BIN) run --quiet --input raw --output $(GOLDEN_TMP)/out-raw
	$(BIN) run --quiet --input $(GOLDEN_TMP)/html --output $(GOLDEN_TMP)/out-html
	for t in documents entities quarantine; do \
		cp $(GOLDEN_TMP)/out-raw/$$t.parquet tests/golden/raw/ && \
		cp $(GOLDEN_TMP)/out-html/$$t.parquet tests/golden/html/; done

# Rebuild the committed data files from their public sources (need PyPI).
stopwords:
	$(PYTHON) scripts/build_stopwords.py

gazetteer:
	$(PYTHON) scripts/build_gazetteer.py

# The world outline of the report's map (crates/report/data/README.md).
world-map:
	$(PYTHON) scripts/build_world_map.py

clean:
	$(CARGO) clean
	rm -rf $(VENV) $(BENCH_VENV) processed
