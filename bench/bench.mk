# Benchmarks (issue 6). `make bench` runs them all on real Kafka, Elasticsearch and PostgreSQL started and
# stopped by scripts/rig, writes bench/results/*.json and prints the summary table (bench/results/summary.md).
# One benchmark alone: $(PY) -m scripts.rig run -- $(PY) -m bench.suggest (or bench.ingest, bench.freshness).
BENCH_ARGS ?=
# The soak (issue 17): 20 minutes of mixed load on the distributed platform, outside `make bench`.
SOAK_ARGS ?=

.PHONY: bench bench-report drill soak bench-scale

# The recovery drill (issue 17, docs/reliability.md): not part of `make bench` nor `make test`. It kills and
# wipes servers, so it gets its own rig; PostgreSQL keeps its default durability there.
DRILL_ARGS ?=
drill: install servers-install
	MAILLAGE_RIG_PG_DURABLE=1 $(PY) -m scripts.rig run -- $(PY) -m bench.recovery_drill $(DRILL_ARGS)

bench: install servers-install
	$(PY) -m scripts.rig run -- $(PY) -m bench.all $(BENCH_ARGS)

bench-report: install
	$(PY) -m bench.report

# National scale (issue 18): 10k, 100k and 1M offers over France on Elasticsearch — hours on two cores,
# so outside `make bench`. SCALE_ARGS="--sizes 10000,100000 --vector-index hnsw" for a shorter run.
SCALE_ARGS ?=

bench-scale: install servers-install
	MAILLAGE_RIG_ES_HEAP=$${MAILLAGE_RIG_ES_HEAP:-1g} $(PY) -m scripts.rig run -- $(PY) -m bench.scale $(SCALE_ARGS)

soak: install servers-install
	$(PY) -m scripts.rig run -- $(PY) -m bench.soak $(SOAK_ARGS)
