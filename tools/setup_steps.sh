# Shared by tools/setup_env.sh (.venv) and tools/setup_rknn_env.sh (.venv-rknn); sourced, not run.
# Before sourcing set VENV (the environment's folder) and SETUP_TAG (the progress prefix, e.g. 'setup').
#
# step "title" "hint on failure" command...: runs the command with its output in
# $VENV/setup-logs/NN-title.log, prints "[TAG NN] title ... done (Ns)", or on failure "FAILED", the log's
# last lines, the hint and the log's path, and exits 1.
t0=$(date +%s)
step_no=0
step() {
  local title="$1" hint="$2"; shift 2
  step_no=$((step_no + 1))
  local log="$VENV/setup-logs/$(printf '%02d' "$step_no")-$(echo "$title" | tr -c 'a-zA-Z0-9' '_' | cut -c1-40).log"
  mkdir -p "$VENV/setup-logs"
  printf '[%s %2d] %s ... ' "$SETUP_TAG" "$step_no" "$title"
  local s; s=$(date +%s)
  if "$@" >"$log" 2>&1; then
    printf 'done (%ss)\n' "$(( $(date +%s) - s ))"
  else
    printf 'FAILED\n'
    echo "---- last lines of $log ----"; tail -n 25 "$log"
    echo "$SETUP_TAG step '$title' failed. $hint" >&2
    echo "Full log: $log" >&2
    exit 1
  fi
}

# check_python: $PYTHON exists and is Python >= 3.10, else a message naming what to install.
check_python() {
  command -v "$PYTHON" >/dev/null || {
    echo "$SETUP_TAG: '$PYTHON' not found; install Python 3.11 (or set PYTHON=...)" >&2; exit 1; }
  "$PYTHON" -c 'import sys; assert sys.version_info[:2] >= (3, 10), sys.version' 2>/dev/null || {
    echo "$SETUP_TAG: Python >= 3.10 is required; '$PYTHON' is $("$PYTHON" --version 2>&1)" >&2; exit 1; }
}

# start_environment: exit 0 at once if $VENV is complete (its stamp equals `stamp_value`, a function the
# script defines, and $CHECK imports), else check $PYTHON, clear the stamp and logs and create $VENV if
# needed. After it, PIP runs the environment's pip with $CONSTRAINTS as PIP_CONSTRAINT (which also reaches
# pip's build environments).
start_environment() {
  local name; name="$(basename "$VENV")"
  if [ -x "$VENV/bin/python" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$(stamp_value)" ] \
     && "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1; then
    echo "[$SETUP_TAG] $name is complete; reusing it ($(( $(date +%s) - t0 ))s)"
    exit 0
  fi
  check_python
  rm -f "$STAMP"
  rm -rf "$VENV/setup-logs"
  if [ ! -x "$VENV/bin/python" ]; then
    step "create $name" "Is the venv module installed (Debian: apt-get install python3-venv)?" \
      "$PYTHON" -m venv "$VENV"
  fi
  PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
  export PIP_CONSTRAINT="$CONSTRAINTS"
}
