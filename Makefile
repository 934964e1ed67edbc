PYTHON ?= python

.PHONY: screenshots
screenshots:  ## render the main screens offscreen into docs/images/*.png
	QT_QPA_PLATFORM=offscreen $(PYTHON) scripts/screenshots.py
