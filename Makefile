PYTHON ?= python

.PHONY: screenshots
screenshots:  ## render the main screens offscreen into docs/images/*.png
	QT_QPA_PLATFORM=offscreen $(PYTHON) scripts/screenshots.py

.PHONY: bench bench-quick
bench:  ## the benchmark suite on a 1,000,000-invoice database (table + bench-results/bench.json)
	$(PYTHON) -m app.bench --out bench-results/bench.json

bench-quick:  ## the same suite on 100,000 invoices, fewer repeats: a check, not the figures
	$(PYTHON) -m app.bench --quick --out bench-results/bench-quick.json
