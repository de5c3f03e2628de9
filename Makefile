# Commands for a fresh clone: `make demo`, `make demo-video` and `make test`. Each sets up .venv first if needed.
PY := .venv/bin/python
PYTEST_ARGS ?=

.PHONY: setup setup-rknn test demo demo-video bench bench-deploy bench-int8 bench-pipeline fp16-check clean-venv

setup:
	@bash tools/setup_env.sh

# rknn-toolkit2 in its own environment (.venv-rknn; its pins conflict with .venv's)
setup-rknn:
	@bash tools/setup_rknn_env.sh

# the RKNN tests need .venv-rknn (about 2 minutes to build with pip's cache warm)
test: setup setup-rknn
	$(PY) -m pytest tests $(PYTEST_ARGS)

demo: setup
	$(PY) -m rtmpose_ext.demo

demo-video: setup
	$(PY) -m rtmpose_ext.demo_video

bench: setup
	$(PY) tools/benchmark_codecs.py

bench-deploy: setup
	$(PY) tools/benchmark_deploy.py

bench-int8: setup
	$(PY) tools/benchmark_int8.py

fp16-check: setup
	$(PY) -m rtmpose_ext.deploy.fp16_check

clean-venv:
	rm -rf .venv .venv-rknn
