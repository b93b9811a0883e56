#!/usr/bin/env bash
# Runs drydock's tests. As root with debootstrap available, it first builds the
# real test images (testdata/images/build.sh, cached in testdata/images/out).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v debootstrap >/dev/null; then
  testdata/images/build.sh
else
  echo "note: not root or no debootstrap: image-based tests will be skipped" >&2
fi
go test -count=1 ./...
