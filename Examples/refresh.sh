#!/usr/bin/env bash
# Runs every example, copies its out/ref.svg next to it, and replaces the
# block between <!-- output --> and <!-- /output --> in its README.md with
# the real output of run.sh. Usage: Examples/refresh.sh [STORY...]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
stories=("$@")
[ ${#stories[@]} -gt 0 ] || stories=(hotreload-atexit localcache growing-list linked-list del-cycle cext-malloc)
for s in "${stories[@]}"; do
  echo "== $s" >&2
  out="$(bash "$here/$s/run.sh" 2>&1)"
  if [ "$s" = del-cycle ] && command -v pyenv >/dev/null; then
    py27="$(ls -d "$(pyenv root)"/versions/2.7.*/bin/python 2>/dev/null | head -1)"
    if [ -n "$py27" ]; then
      out="$out"$'\n\n# The same on Python 2.7 (PYTHON=python2.7 run.sh):\n'"$(PYTHON="$py27" bash "$here/$s/run.sh" 2>&1)"
      bash "$here/$s/run.sh" >/dev/null 2>&1  # leave the 3.x picture in out/
    fi
  fi
  [ -f "$here/$s/out/ref.svg" ] && cp "$here/$s/out/ref.svg" "$here/$s/ref.svg"
  python3 - "$here/$s/README.md" "$out" <<'PY'
import re, sys
path, out = sys.argv[1], sys.argv[2]
text = open(path).read()
block = "<!-- output -->\n```\n" + out.strip("\n") + "\n```\n<!-- /output -->"
text, n = re.subn(r"<!-- output -->.*?<!-- /output -->", lambda m: block, text, flags=re.S)
if n != 1:
    sys.exit("%s: no <!-- output --> block" % path)
open(path, "w").write(text)
PY
done
