#!/usr/bin/env bash
# Creates (or reuses) .venv at the repository root with the whole pinned stack.
#
# Every pip call passes `-c requirements/constraints.txt`, which pins torch to the CPU build 2.13.0, so no
# unpinned requirement can pull CUDA wheels. A complete .venv (same requirement files, same script) is
# reused in seconds; anything else is (re)installed step by step, each step announced, and a failed step
# stops with its name and a hint. Build logs go to .venv/setup-logs/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
REQ="$ROOT/requirements"
CONSTRAINTS="$REQ/constraints.txt"
STAMP="$VENV/.rtmpose_ext-setup"
PYTHON="${PYTHON:-python3}"
JOBS="${MAX_JOBS:-$(nproc 2>/dev/null || echo 2)}"
CHECK='import rtmpose_ext, mmpose.apis, mmdet.apis, mmdeploy.apis; from mmcv.ops import batched_nms'

cd "$ROOT"
stamp_value() {
  cat "$0" "$ROOT/tools/setup_steps.sh" "$REQ"/*.txt pyproject.toml setup.cfg | sha256sum | cut -d' ' -f1
}

SETUP_TAG=setup
source "$ROOT/tools/setup_steps.sh"

start_environment

step "build tools (setuptools<81, wheel, ninja, cython, numpy)" "Check that PyPI is reachable." \
  "${PIP[@]}" install -c "$CONSTRAINTS" -r "$REQ/build.txt"
step "torch 2.13.0 (CPU build)" "pip must find torch==2.13.0 (CPU) in its find-links or index." \
  "${PIP[@]}" install -c "$CONSTRAINTS" torch==2.13.0
"$VENV/bin/python" -c 'import torch, sys; sys.exit(0 if torch.version.cuda is None else 1)' || {
  echo "setup: the installed torch is a CUDA build; this project pins the CPU build 2.13.0" >&2; exit 1; }

if "$VENV/bin/python" -c 'import mmcv.ops, mmcv; assert mmcv.__version__ == "2.1.0"' >/dev/null 2>&1; then
  echo "[setup] mmcv 2.1.0 with ops already installed"
else
  echo "[setup] building mmcv 2.1.0 with its CPU ops from source: about 10 minutes on 2 cores the first time"
  echo "        (pip caches the built wheel, so later setups on this machine take seconds)"
  step "mmcv 2.1.0 with ops (source build)" "A C++ compiler (g++) and Python headers are needed." \
    env MMCV_WITH_OPS=1 MAX_JOBS="$JOBS" "${PIP[@]}" install -v -c "$CONSTRAINTS" --no-build-isolation mmcv==2.1.0
fi

step "xtcocotools (built against the installed numpy)" "Needs cython, numpy and a C compiler." \
  "${PIP[@]}" install -c "$CONSTRAINTS" --no-build-isolation --no-binary xtcocotools xtcocotools
step "runtime stack (mmengine, mmdet, mmdeploy, onnx, onnxruntime, openvino, ncnn, pnnx, ...)" \
  "See requirements/runtime.txt; versions come from requirements/constraints.txt." \
  "${PIP[@]}" install -c "$CONSTRAINTS" -r "$REQ/runtime.txt" -r "$REQ/tests.txt"
step "mmpose, torchvision, openmim without their broken dependencies" "See requirements/nodeps.txt." \
  "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps -r "$REQ/nodeps.txt"
step "rtmpose_ext (editable)" "See pyproject.toml." \
  "${PIP[@]}" install -c "$CONSTRAINTS" --no-deps --no-build-isolation -e "$ROOT"
SITE="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
# mim looks for <site-packages>/rtmpose_ext/.mim/{tools,configs}; an editable install puts nothing there
step "link rtmpose_ext into site-packages (for mim train/test)" "Is $SITE writable?" \
  ln -sfn "$ROOT/rtmpose_ext" "$SITE/rtmpose_ext"
step "import check" "An import failed; the log shows which." \
  "$VENV/bin/python" -c "$CHECK; print('imports ok')"

stamp_value >"$STAMP"
echo "[setup] .venv ready ($(( $(date +%s) - t0 ))s)"
