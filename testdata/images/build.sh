#!/usr/bin/env bash
# Builds the real test images offline-from-Docker: a debootstrap'd Debian 12
# (bookworm, minbase) base layer, a second layer made by really running
# `apt-get install curl` in a chroot of it, and a sibling image that shares the
# base but installs `less` instead. Writes docker-archives, an OCI layout and
# the ground truth that dpkg itself reports for each image.
#
#   testdata/images/build.sh [OUTDIR]     (default testdata/images/out; needs root, debootstrap, network to Debian)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/out}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$out"
cd "$out"
[ -f bookworm.tar ] && [ -f bookworm-less.tar ] && [ -d bookworm-oci ] && { echo "images already built in $out"; exit 0; }

if [ ! -f rootfs0/.done ]; then
  rm -rf rootfs0
  debootstrap --variant=minbase bookworm rootfs0 "$mirror" >debootstrap.log 2>&1 || { tail -20 debootstrap.log; exit 1; }
  touch rootfs0/.done
fi

# layer: run apt-get install in a copy of the base, as a Dockerfile RUN would.
derive() { # derive NEWDIR PACKAGES...
  local dir=$1; shift
  rm -rf "$dir"
  cp -a rootfs0 "$dir"
  rm -f "$dir/.done"
  cp /etc/resolv.conf "$dir/etc/resolv.conf"
  chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    apt-get -o APT::Sandbox::User=root -qq update >/dev/null
  chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    apt-get -o APT::Sandbox::User=root -qq install -y --no-install-recommends "$@" >/dev/null
  chroot "$dir" apt-get clean
  rm -rf "$dir"/var/lib/apt/lists/*
  cp rootfs0/etc/resolv.conf "$dir/etc/resolv.conf"
}
derive rootfs-curl curl
derive rootfs-less less
rm -f rootfs0/.done

truth() { # truth ROOTFS > TSV: name, version, source name, source version, arch
  dpkg-query --admindir="$1/var/lib/dpkg" -W \
    -f='${db:Status-Status}\t${Package}\t${Version}\t${source:Package}\t${source:Version}\t${Architecture}\n' |
    awk -F'\t' '$1=="installed"{print $2"\t"$3"\t"$4"\t"$5"\t"$6}' | LC_ALL=C sort
}
truth rootfs0 >bookworm-base.dpkg.tsv
truth rootfs-curl >bookworm.dpkg.tsv
truth rootfs-less >bookworm-less.dpkg.tsv

cd "$here/../.."
go run ./internal/imagetest/mkimage -tag drydock-test/bookworm:curl -archive "$out/bookworm.tar" -layout "$out/bookworm-oci" "$out/rootfs0" "$out/rootfs-curl"
go run ./internal/imagetest/mkimage -tag drydock-test/bookworm:less -archive "$out/bookworm-less.tar" "$out/rootfs0" "$out/rootfs-less"
touch "$out/rootfs0/.done"
echo "built $(ls "$out"/*.tar | wc -l) images in $out"
