# The two commands of the README. Both create .venv unless an environment is active, install
# the kit with its dev extra, and then start JupyterLab or run the whole test suite.
PYTHON ?= python3

.PHONY: lab test bench data

lab:
	$(PYTHON) tools/bootstrap.py lab

test:
	$(PYTHON) tools/bootstrap.py test

bench:
	$(PYTHON) tools/bootstrap.py bench

data:
	$(PYTHON) -m labkit.scenarios data
