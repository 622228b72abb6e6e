"""Use-case suites written once and run on each unit of work: in memory (tests/unit) and on PostgreSQL
(tests/integration). A suite is a class whose subclasses, named Test…, provide the `world` fixture."""
