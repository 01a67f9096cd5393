.PHONY: run test bench
run:  ## the server on SQLite with the WeChat fake and demo data
	scripts/run.sh
test: ## the tests on SQLite and PostgreSQL
	scripts/test.sh
bench: ## benchmarks against PostgreSQL under gunicorn
	bench/run.sh
