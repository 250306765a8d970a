# Shared by the examples' run.sh: locate the repo, the Python and the analyzer,
# then work in the example's folder with its dumps in out/.
# shellcheck shell=bash
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[1]}")" && pwd)"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYTHON="${PYTHON:-python3}"
REFGRAPH="${REFGRAPH:-$root/.build/release/refgraph}"
export PYTHONPATH="$root/python${PYTHONPATH:+:$PYTHONPATH}"
if [ ! -x "$REFGRAPH" ]; then
  echo "refgraph is not built: run 'make build' (or set REFGRAPH)" >&2
  exit 2
fi
cd "$here"
out=out
mkdir -p "$out"

# Prints a command as a user would type it (refgraph, python, quoted
# arguments), then runs it. Run from the example's folder with relative paths.
show() {
  local line="" a
  for a in "$@"; do
    if [ "$a" = "$REFGRAPH" ]; then a=refgraph; elif [ "$a" = "$PYTHON" ]; then a=python; fi
    if [[ "$a" =~ [^A-Za-z0-9_./:=+-] ]]; then a="'${a//\'/\'\\\'\'}'"; fi
    line+="${line:+ }$a"
  done
  printf '\n$ %s\n' "$line"
  "$@"
}
