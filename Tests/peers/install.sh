#!/usr/bin/env bash
# Installs the peers into venvs under .build/peers/ (never into the pyenv
# Pythons): objgraph, refcycle, guppy3, Pympler on 3.11; meliae on 3.8, else 2.7.
# A peer that does not install leaves no ok marker: its comparison rows SKIP.
# Usage: Tests/peers/install.sh    (idempotent; PEERS_OFFLINE=1 skips pip)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
. "$root/Tests/acceptance/pythons.sh"
dest="$root/.build/peers"
mkdir -p "$dest"
[ -n "${PEERS_OFFLINE:-}" ] && exit 0

install() {  # install NAME PYVERSIONS SPEC...
  local name="$1" versions="$2" v py venv; shift 2
  # installed with the same pins: nothing to do
  [ -f "$dest/$name/ok" ] && [ "$(sed -n 2p "$dest/$name/ok")" = "$*" ] && return 0
  for v in $versions; do
    py="$(python_for "$v")"; [ -n "$py" ] || continue
    venv="$dest/$name"; rm -rf "$venv"
    if [ "$v" = 2.7 ]; then
      "$py" -m virtualenv -q "$venv" >/dev/null 2>&1 || continue
    else
      "$py" -m venv "$venv" >/dev/null 2>&1 || continue
    fi
    if timeout 600 "$venv/bin/python" -m pip install -q --disable-pip-version-check --retries 2 --timeout 30 "$@" >"$dest/$name.log" 2>&1; then
      printf '%s\n%s\n' "$v" "$*" > "$venv/ok"; echo "peers: $name installed on Python $v"; return 0
    fi
    echo "peers: $name did not install on Python $v (see .build/peers/$name.log)"
  done
  rm -rf "$dest/$name"
  return 0
}

install objgraph "3.11 3.10 3.12" objgraph==3.7.0 &
install refcycle "3.11 3.10 3.12" refcycle==0.3.1 &
install guppy3 "3.11 3.10" guppy3==3.1.7 &
install pympler "3.11 3.10 3.12" Pympler==1.1 &
wait
install meliae "3.8 2.7" "Cython<3" meliae==0.5.1
exit 0
