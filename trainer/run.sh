#!/bin/sh
# The trainer's entry point for npm: `sh trainer/run.sh train ARGS...` (npm run train) or `sh trainer/run.sh
# test ARGS...` (npm run test:trainer). On first use, or when requirements.txt changed, it creates the
# project-local virtual environment trainer/.venv with the pinned requirements (never the system Python).
set -e
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want=$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -c 'import sys; sys.exit(sys.version_info < (3, 10))' || { echo "trainer: needs Python 3.10 or newer as python3" >&2; exit 1; }
  echo "trainer: installing its Python environment into trainer/.venv (torch, transformers, peft, gguf from PyPI:" >&2
  echo "         ~5.6 GB with torch's CUDA libraries, ~2.5 minutes on a fast connection; once)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --disable-pip-version-check -q -r "$here/requirements.txt"
  echo "$want" > "$stamp"
fi
command="$1"
[ $# -gt 0 ] && shift
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
case "$command" in
  train) exec "$venv/bin/python" -m voice_trainer "$@" ;;
  test)
    # pytest says 5 when it collected no tests: for this suite that is a failure, not a pass.
    # Without a test path among the arguments, the whole suite.
    paths="$here/tests"
    for arg in "$@"; do case "$arg" in trainer/*|"$here"/*) paths="" ;; esac; done
    status=0
    "$venv/bin/python" -m pytest $paths "$@" || status=$?
    if [ "$status" -eq 5 ]; then echo "trainer: pytest found no tests" >&2; exit 1; fi
    exit "$status" ;;
  setup) exit 0 ;;
  *) echo "usage: sh trainer/run.sh train|test|setup [ARGS...]" >&2; exit 2 ;;
esac
