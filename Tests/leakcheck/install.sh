#!/usr/bin/env bash
# Installs pytest for the leak-check suite (issue 22) under .build/leakcheck/:
#   .build/leakcheck/pytest-X.Y   pip --target dirs, one per Python (pip picks
#                                 the newest pytest that runs there: 4.6 on 2.7,
#                                 7.0 on 3.6, 7.4 on 3.7, 8 and later on 3.8+)
#   .build/leakcheck/venv         a 3.12 venv with refgraph_export installed by
#                                 pip (the pytest11 entry point) and pytest-xdist
# A Python where pytest does not install has no dir: its rows SKIP.
# Usage: Tests/leakcheck/install.sh   (idempotent; LEAKCHECK_OFFLINE=1 skips pip)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/Tests/acceptance/pythons.sh"
dest="$root/.build/leakcheck"
mkdir -p "$dest"
[ -n "${LEAKCHECK_OFFLINE:-}" ] && exit 0
pip_q() { local py="$1"; shift; timeout 600 "$py" -m pip install -q --disable-pip-version-check --retries 2 --timeout 30 "$@"; }

for v in $ALL_PYTHONS; do
  py="$(python_for "$v")"; [ -n "$py" ] || continue
  t="$dest/pytest-$v"
  [ -f "$t/ok" ] && continue
  rm -rf "$t"
  if pip_q "$py" --target "$t" pytest >"$dest/pytest-$v.log" 2>&1; then
    touch "$t/ok"
  else
    echo "leakcheck: pytest did not install on Python $v (see .build/leakcheck/pytest-$v.log)"; rm -rf "$t"
  fi
done &

# the entry point needs a real install: a copy of python/, so that the build
# leaves nothing in the clone
py="$(python_for 3.12)"
venv="$dest/venv"
# the installed copy is redone whenever the package's sources change
sources="$(cat "$root"/python/setup.cfg "$root"/python/refgraph_export/*.py | cksum)"
if [ -n "$py" ] && ! [ "$(cat "$venv/ok" 2>/dev/null)" = "$sources" ]; then
  rm -rf "$dest/src"
  cp -r "$root/python" "$dest/src"
  if { [ -x "$venv/bin/python" ] || "$py" -m venv "$venv" >/dev/null 2>&1; } &&
     pip_q "$venv/bin/python" pytest pytest-xdist >"$dest/venv.log" 2>&1 &&
     pip_q "$venv/bin/python" --force-reinstall --no-deps "$dest/src" >>"$dest/venv.log" 2>&1; then
    echo "$sources" > "$venv/ok"
  else
    echo "leakcheck: the 3.12 venv did not install (see .build/leakcheck/venv.log)"; rm -f "$venv/ok"
  fi
  rm -rf "$dest/src"
fi
wait
exit 0
