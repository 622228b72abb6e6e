# Benchmarks (issue 6). `make bench` runs them all on real Kafka, Elasticsearch and PostgreSQL started and
# stopped by scripts/rig, writes bench/results/*.json and prints the summary table (bench/results/summary.md).
# One benchmark alone: $(PY) -m scripts.rig run -- $(PY) -m bench.suggest (or bench.ingest, bench.freshness).
BENCH_ARGS ?=
# The soak (issue 17): 20 minutes of mixed load on the distributed platform, outside `make bench`.
SOAK_ARGS ?=

.PHONY: bench bench-report soak

bench: install servers-install
	$(PY) -m scripts.rig run -- $(PY) -m bench.all $(BENCH_ARGS)

bench-report: install
	$(PY) -m bench.report

soak: install servers-install
	$(PY) -m scripts.rig run -- $(PY) -m bench.soak $(SOAK_ARGS)
