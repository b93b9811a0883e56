#!/usr/bin/env bash
# Builds testdata/images/bookworm-pkgdb.tar.gz, the small image the README's
# first command scans: the release files and the dpkg database of the
# debootstrap'd image that build.sh makes (Debian 12 point-release packages,
# then `apt-get install curl`), in two layers, without the package files
# themselves, so that it fits in the repository. Run build.sh first.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$here/out
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
slim() { # slim ROOTFS DEST
  mkdir -p "$2/usr/lib" "$2/etc" "$2/var/lib/dpkg"
  cp -p "$1/usr/lib/os-release" "$2/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$2/etc/os-release"
  cp -p "$1/etc/debian_version" "$2/etc/debian_version"
  cp -p "$1/var/lib/dpkg/status" "$2/var/lib/dpkg/status"
}
slim "$out/rootfs0" "$tmp/base"
slim "$out/rootfs-curl" "$tmp/curl"
cd "$here/../.."
go run ./internal/imagetest/mkimage -tag drydock-test/bookworm-pkgdb:curl -archive "$tmp/img.tar" "$tmp/base" "$tmp/curl"
gzip -9n <"$tmp/img.tar" >"$here/bookworm-pkgdb.tar.gz"
ls -l "$here/bookworm-pkgdb.tar.gz"
