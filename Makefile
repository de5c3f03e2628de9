# Commands for a fresh clone: `make demo`, `make demo-video` and `make test`. Each sets up .venv first if needed.
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: setup test demo demo-video bench bench-deploy bench-pipeline fp16-check clean-venv

setup:
	@bash tools/setup_env.sh

test: setup
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: setup
	$(PY) -m rtmpose_ext.demo

demo-video: setup
	$(PY) -m rtmpose_ext.demo_video

bench: setup
	$(PY) tools/benchmark_codecs.py

bench-deploy: setup
	$(PY) tools/benchmark_deploy.py

fp16-check: setup
	$(PY) -m rtmpose_ext.deploy.fp16_check

clean-venv:
	rm -rf .venv
