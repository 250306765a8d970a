#!/usr/bin/env bash
# The wheel on a host without Swift and without Graphviz (issue 21):
#   Tests/wheel/run.sh dist/refgraph-VERSION-py2.py3-none-manylinux_*.whl
# installs it with --no-index into a fresh venv (and, where its pip knows the
# tag, into a Python 2.7 target directory), then, inside a mount namespace in
# which the Swift toolchain, libgvc and friends and Graphviz's plugin
# directory are hidden, dumps a heap with the installed exporter and runs
# summary, path and render -o x.svg with the installed `refgraph`.
set -uo pipefail
# What is tested is the installed wheel: the Makefile's PYTHONPATH (the
# source tree's exporter) must not shadow it.
unset PYTHONPATH PYTHONHOME REFGRAPH
WHEEL=${1:?usage: Tests/wheel/run.sh WHEEL}
HERE=$(cd "$(dirname "$0")" && pwd)
PYROOT=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
pass() { echo "PASS  $*"; }
fail() { echo "FAIL  $*"; fails=$((fails + 1)); }

size=$(stat -c %s "$WHEEL")
echo "wheel: $(basename "$WHEEL"), $((size / 1000000)) MB"
[ "$size" -lt 40000000 ] && pass "wheel under 40 MB" || fail "wheel is $size bytes, over 40 MB"

# The tag tells the truth: auditwheel (AUDITWHEEL=path, as make test-wheel
# sets it) finds the wheel consistent with the platform tag in its name.
if [ -n "${AUDITWHEEL:-}" ]; then
  tag=$(basename "$WHEEL" .whl); tag=${tag##*-}
  shown=$("$AUDITWHEEL" show "$WHEEL" 2>/dev/null | tr '\n' ' ')
  if grep -q "consistent with the following platform tag: \"$tag\"" <<<"$shown"; then
    pass "auditwheel show agrees with the tag $tag"
  else
    fail "auditwheel show disagrees with $tag: $shown"
  fi
else
  echo "SKIP  auditwheel show: AUDITWHEEL not set"
fi

py3=$(command -v python3)
"$py3" -m venv "$work/venv" || { echo "FAIL  cannot make a venv"; exit 1; }
if "$work/venv/bin/pip" install -q --disable-pip-version-check --no-index "$WHEEL" >"$work/pip.log" 2>&1; then
  pass "pip install --no-index into a $("$work/venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') venv"
else
  cat "$work/pip.log"; fail "pip install --no-index"; exit 1
fi

# Python 2.7: the exporter from the same wheel (pip 20.3+ knows manylinux_2_x tags).
py27=$(ls -d "$PYROOT"/versions/2.7.*/bin/python 2>/dev/null | tail -1)
if [ -z "$py27" ]; then
  echo "SKIP  Python 2.7: not installed here"
elif "$py27" -m pip install -q --disable-pip-version-check --no-index --target "$work/py27" "$WHEEL" >"$work/pip27.log" 2>&1; then
  if PYTHONPATH="$work/py27" "$py27" -c 'import refgraph_export, sys; assert refgraph_export.__file__.startswith(sys.argv[1])' "$work/py27"; then
    pass "Python 2.7 imports refgraph_export from the wheel"
  else
    fail "Python 2.7 import from the wheel"
  fi
else
  echo "SKIP  Python 2.7: its pip does not install this tag ($(tail -1 "$work/pip27.log"))"
fi

# What to hide: the toolchain that built the binary and every Graphviz file.
# A toolchain unpacked in its own tree is hidden whole; one installed
# into /usr loses its runtime library directories and its driver instead.
swift_dirs=""; swift_files=""
if command -v swift >/dev/null 2>&1; then
  driver=$(readlink -f "$(command -v swift)")
  swift_root=$(dirname "$(dirname "$(dirname "$driver")")")
  case "$swift_root" in
    /|/usr|/usr/local) swift_files="$driver"
      swift_dirs=$(swift -print-target-info 2>/dev/null | python3 -c \
        'import json, sys; print(" ".join(json.load(sys.stdin)["paths"]["runtimeLibraryPaths"]))' 2>/dev/null) ;;
    *) swift_dirs="$swift_root" ;;
  esac
fi
gvlib=$(pkg-config --variable=libdir libgvc 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)
hide_files=$(ls "$gvlib"/libgvc.so* "$gvlib"/libcgraph.so* "$gvlib"/libcdt.so* "$gvlib"/libpathplan.so* \
  "$gvlib"/libltdl.so* "$gvlib"/libgts*.so* 2>/dev/null | xargs -r -n1 readlink -f | sort -u)

cat >"$work/inside.sh" <<EOF
set -u
mount --make-rprivate / 2>/dev/null
mkdir -p "$work/empty"
for d in $swift_dirs; do [ -d "\$d" ] && mount --bind "$work/empty" "\$d"; done
for f in $swift_files; do mount --bind /dev/null "\$f"; done
[ -d "$gvlib/graphviz" ] && mount --bind "$work/empty" "$gvlib/graphviz"
for f in $(echo $hide_files); do mount --bind /dev/null "\$f"; done
exec bash "$HERE/inside.sh" "$work"
EOF
ns=""
for try in "unshare -m" "unshare -r -m"; do
  if $try true 2>/dev/null; then ns=$try; break; fi
done
if [ -n "$ns" ]; then
  $ns bash "$work/inside.sh"
  rc=$?
else
  # No mount namespace here (no CAP_SYS_ADMIN, user namespaces disabled):
  # the same checks run with nothing hidden, and say so.
  echo "SKIP  hiding Swift and Graphviz: no mount namespace here ($(unshare -m true 2>&1 | head -1));"
  echo "      the checks below run with the system's copies present"
  HIDDEN=0 bash "$HERE/inside.sh" "$work"
  rc=$?
fi
[ "$rc" = 0 ] || fails=$((fails + rc))
echo
if [ "$fails" = 0 ]; then echo "wheel: all passed"; else echo "wheel: $fails failed"; fi
[ "$fails" = 0 ]
