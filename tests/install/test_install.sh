#!/usr/bin/env bash
# The install, tried as a user gets it (docs/install.md): `cmake --install` of the build into a temporary
# prefix; then, with the source tree hidden (an empty tmpfs mounted over it in a private mount namespace, so
# the compiled-in source path finds nothing), the installed command runs the main job and `import neurokv`
# runs an estimate, both finding their data under PREFIX/share/neurokv; the prefix moved elsewhere still
# finds its own; a program builds against the installed libraries with find_package(neurokv) and with
# pkg-config. Usage: test_install.sh SOURCE_DIR BUILD_DIR. Exit 77 (ctest: skipped) when the source tree
# cannot be hidden (not root, or no mount namespaces), saying why.
set -euo pipefail
source_dir=$(realpath "$1")
build_dir=$(realpath "$2")
work=$(mktemp -d /tmp/neurokv-install.XXXXXX)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

hidden() {  # runs "$@" with the source tree hidden
  unshare --mount -- sh -c 'mount -t tmpfs neurokv-hidden "$0" && exec "$@"' "$source_dir" "$@"
}
if [[ $(id -u) -ne 0 ]] || ! hidden true 2>"$work/why"; then
  echo "SKIPPED: cannot hide the source tree to prove the install stands alone (needs root and mount" \
       "namespaces): uid $(id -u); $(cat "$work/why")"
  exit 77
fi

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
unset NEUROKV_HOME
python_dir=$prefix/lib/python3/dist-packages

echo "main job, source tree hidden:"
hidden env SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 "$prefix/bin/neurokv" >"$work/main.txt"
grep -q "Q-K=V" "$work/main.txt" || { echo "FAIL: the main job's table has no Q-K=V row"; cat "$work/main.txt"; exit 1; }
hidden ls "$source_dir/models" 2>/dev/null | grep -q . && { echo "FAIL: the source tree was not hidden"; exit 1; }

echo "import neurokv, source tree hidden:"
hidden env PYTHONPATH="$python_dir" /usr/bin/python3 - "$prefix" <<'PY'
import os, sys
import neurokv
prefix = sys.argv[1]
assert neurokv.data_root() == os.path.join(prefix, "share", "neurokv"), neurokv.data_root()
assert neurokv.__file__.startswith(prefix), neurokv.__file__
report = neurokv.estimate("paper-300m", variant="all", context=1024)
assert len(report["variants"]) == 8, report["variants"]
print("  ", neurokv.__file__, "->", neurokv.data_root())
PY

echo "the prefix moved:"
mv "$prefix" "$work/moved"
hidden "$work/moved/bin/neurokv" estimate -m edge-tiny -v QKV -n 512 --json - >"$work/moved.json" 2>/dev/null
grep -q '"name": "edge-tiny"' "$work/moved.json" || { echo "FAIL: the moved install's estimate"; exit 1; }
hidden env NEUROKV_HOME=/nonexistent "$work/moved/bin/neurokv" estimate -m edge-tiny 2>"$work/home.txt" \
  && { echo "FAIL: a wrong NEUROKV_HOME was not used"; exit 1; }
grep -q /nonexistent "$work/home.txt" || { echo "FAIL: the error does not name NEUROKV_HOME's folder"; cat "$work/home.txt"; exit 1; }
mv "$work/moved" "$prefix"

echo "find_package(neurokv) and pkg-config:"
# A program of one's own is not under the prefix: NEUROKV_HOME names the data (docs/install.md).
export NEUROKV_HOME=$prefix/share/neurokv
cmake -S "$source_dir/tests/install/consumer" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
[[ $(hidden "$work/consumer/consumer") == "Q-K=V" ]] || { echo "FAIL: the find_package consumer"; exit 1; }
PKG_CONFIG_PATH=$prefix/lib/pkgconfig
export PKG_CONFIG_PATH
# shellcheck disable=SC2046
c++ -o "$work/pc-consumer" "$source_dir/tests/install/consumer/main.cpp" $(pkg-config --cflags --libs neurokv)
[[ $(hidden "$work/pc-consumer") == "Q-K=V" ]] || { echo "FAIL: the pkg-config consumer"; exit 1; }
echo "install: ok"
