#!/usr/bin/env bash
# Creates (or reuses) .venv-rknn at the repository root: rknn-toolkit2 2.5.0 for the RKNN conversion, which
# `python -m rtmpose_ext.deploy` (in .venv) runs as a subprocess on the exported ONNX model.
#
# Its pins (requirements/rknn/constraints.txt) conflict with .venv's (protobuf 4.25 against mmdeploy's
# 3.20.2), hence a second environment. rknn-toolkit2 is installed with --no-deps: its torch <= 2.4
# requirement would pull a CUDA build of torch from PyPI; torch 2.13.0 CPU (the main environment's wheel)
# is installed instead. A complete .venv-rknn is reused in seconds; progress and failures are reported as
# by `make setup` (tools/setup_steps.sh). Build logs go to .venv-rknn/setup-logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-rknn"
REQ="$ROOT/requirements/rknn"
CONSTRAINTS="$REQ/constraints.txt"
STAMP="$VENV/.rtmpose_ext-setup"
PYTHON="${PYTHON:-python3}"
CHECK='from rknn.api import RKNN; import onnxruntime, cv2, numpy'

cd "$ROOT"
stamp_value() {
  cat "$0" "$ROOT/tools/setup_steps.sh" "$REQ"/*.txt | sha256sum | cut -d' ' -f1
}
SETUP_TAG=setup-rknn
source "$ROOT/tools/setup_steps.sh"

start_environment

step "torch 2.13.0 (CPU build; rknn-toolkit2 imports it)" \
  "pip must find torch==2.13.0 (CPU) in its find-links or index, as for make setup." \
  "${PIP[@]}" install -c "$CONSTRAINTS" torch==2.13.0 setuptools
"$VENV/bin/python" -c 'import torch, sys; sys.exit(0 if torch.version.cuda is None else 1)' 2>/dev/null || {
  echo "setup-rknn: the installed torch is a CUDA build; this environment uses the CPU build 2.13.0" >&2
  exit 1; }
step "rknn-toolkit2's dependencies (protobuf 4.25, numpy 1.26, onnx 1.18, onnxruntime, opencv, ...)" \
  "See requirements/rknn/requirements.txt; versions come from requirements/rknn/constraints.txt." \
  "${PIP[@]}" install -c "$CONSTRAINTS" -r "$REQ/requirements.txt"
step "rknn-toolkit2 2.5.0 (without its declared torch <= 2.4)" "Check that PyPI is reachable." \
  "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps rknn-toolkit2
step "import check" "An import failed; the log shows which." \
  "$VENV/bin/python" -c "$CHECK; print('imports ok')"

stamp_value >"$STAMP"
echo "[setup-rknn] .venv-rknn ready ($(( $(date +%s) - t0 ))s)"
