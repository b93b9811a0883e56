#!/usr/bin/env bash
# gen.sh regenerates the rpm database fixtures of the rpm extractor tests.
#
# It builds tiny packages named and versioned like AlmaLinux 9's with
# rpmbuild, installs them (database only) into an rpm database of each
# backend, and records what rpm itself reports as the ground truth:
#
#   sqlite/rpmdb.sqlite  + sqlite.want.tsv   rpm --define '_db_backend sqlite'
#   ndb/Packages.db      + ndb.want.tsv      ndb file written by the python3
#       snippet below from the sqlite database's header blobs, in the layout
#       of rpm's lib/backend/ndb/rpmpkg.c (Debian's rpm is built without
#       ndb, so it can neither write nor read one); its ground truth is the
#       sqlite one, as the headers are the same.
#   bdb/Packages         + bdb.want.tsv      Berkeley DB hash files written by
#   bdb-be/Packages      + bdb-be.want.tsv   db5.3_load from the sqlite
#       database's header blobs, little- and big-endian (Debian's rpm can
#       only read bdb, through its bdb_ro backend); the ground truth is read
#       back with rpm --define '_db_backend bdb_ro'.
#
# Each database also holds a gpg-pubkey pseudo package (rpm --import of
# RPM-GPG-KEY-drydock-test, made once by this script and then kept), which
# the extractor skips.
#
# Needs (Debian 12): rpm (rpm, rpmbuild), gpg, sqlite3, db5.3-util, python3.
# Rerunnable and deterministic (fixed SOURCE_DATE_EPOCH, build host and
# install order): the .want.tsv, sqlite and ndb files come out the same;
# the bdb files differ in the file id db5.3_load makes up.
set -euo pipefail

cd "$(dirname "$0")"
for tool in rpm rpmbuild gpg sqlite3 db5.3_load python3; do
	command -v "$tool" >/dev/null || { echo "gen.sh: $tool not found (apt-get install rpm gpg sqlite3 db5.3-util python3)" >&2; exit 1; }
done

export LC_ALL=C TZ=UTC SOURCE_DATE_EPOCH=1700000000
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work"/{SPECS,SOURCES,BUILD,RPMS,SRPMS}

# The format of the ground truth; gpg-pubkey rows are kept in it.
qf='%{NAME}\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\n'

# mkspec NAME EPOCH VERSION RELEASE BUILDARCH LICENSE SUBPACKAGE...
# writes a spec whose binary packages are NAME (subpackage "-") and
# NAME-SUB; each owns one small file. EPOCH 0 means no Epoch tag.
mkspec() {
	local name=$1 epoch=$2 version=$3 release=$4 arch=$5 license=$6
	shift 6
	local spec="$work/SPECS/$name.spec" sub pkg
	{
		echo "Name: $name"
		if [ "$epoch" != 0 ]; then echo "Epoch: $epoch"; fi
		echo "Version: $version"
		echo "Release: $release"
		echo "Summary: drydock rpm extractor fixture"
		echo "License: $license"
		echo "Vendor: drydock test fixtures"
		echo "URL: https://example.invalid/$name"
		if [ "$arch" = noarch ]; then echo "BuildArch: noarch"; fi
		echo
		echo "%description"
		echo "Fixture package $name for the drydock rpm extractor tests."
		for sub in "$@"; do
			if [ "$sub" = - ]; then continue; fi
			echo
			echo "%package $sub"
			echo "Summary: drydock rpm extractor fixture ($sub)"
			echo
			echo "%description $sub"
			echo "Fixture package $name-$sub for the drydock rpm extractor tests."
		done
		echo
		echo "%install"
		echo "mkdir -p %{buildroot}/usr/share/drydock"
		for sub in "$@"; do
			pkg=$name
			if [ "$sub" != - ]; then pkg=$name-$sub; fi
			echo "echo $pkg > %{buildroot}/usr/share/drydock/$pkg"
		done
		for sub in "$@"; do
			echo
			if [ "$sub" = - ]; then echo "%files"; pkg=$name; else echo "%files $sub"; pkg=$name-$sub; fi
			echo "/usr/share/drydock/$pkg"
		done
	} >"$spec"
}

mkspec openssl 1 3.0.7 27.el9 x86_64 'ASL 2.0' libs
mkspec bash 0 5.1.8 9.el9 x86_64 'GPLv3+' -
mkspec glibc 0 2.34 100.el9 x86_64 'LGPLv2+ and LGPLv2+ with exceptions and GPLv2+ and GPLv2+ with exceptions and BSD and Inner-Net and ISC and Public Domain and GFDL' - common
mkspec zlib 0 1.2.11 40.el9 x86_64 'zlib and Boost' -
mkspec ca-certificates 0 2024.2.69_v8.0.303 91.4.el9_4 noarch 'MIT AND GPL-2.0-or-later' -
mkspec shadow-utils 2 4.9 8.el9 x86_64 'BSD and GPLv2+' -

build() { # build SPEC TARGET
	rpmbuild -bb --quiet --target "$2" \
		--define "_topdir $work" \
		--define 'debug_package %{nil}' \
		--define '__os_install_post %{nil}' \
		--define '_build_id_links none' \
		--define '_buildhost fixtures.drydock.invalid' \
		--define 'use_source_date_epoch_as_buildtime 1' \
		--define 'clamp_mtime_to_source_date_epoch 1' \
		"$work/SPECS/$1.spec" >/dev/null
}
for spec in openssl bash glibc zlib ca-certificates shadow-utils; do
	build "$spec" x86_64
done
# A multilib twin: glibc.i686 next to glibc.x86_64 (same name and version).
build glibc i686
rm "$work"/RPMS/i686/glibc-common-*.rpm

key=RPM-GPG-KEY-drydock-test
if [ ! -f "$key" ]; then
	mkdir -m 700 "$work/gnupg"
	GNUPGHOME="$work/gnupg" gpg --batch --quiet --passphrase '' \
		--quick-gen-key 'drydock test fixtures <fixtures@drydock.invalid>' rsa2048 sign never
	GNUPGHOME="$work/gnupg" gpg --batch --armor --export >"$key"
fi

# Install in a fixed order so header numbers are stable.
mapfile -t rpms < <(find "$work/RPMS" -name '*.rpm' | sort)

install_db() { # install_db BACKEND DIR
	local opts=(--dbpath "$2" --define "_db_backend $1")
	mkdir -p "$2"
	rpm "${opts[@]}" --initdb
	rpm "${opts[@]}" --import "$key"
	rpm "${opts[@]}" -i --justdb --nodeps --noscripts --notriggers --nosignature \
		--ignorearch --force-debian "${rpms[@]}"
}

install_db sqlite "$work/sqlite"
# Shrink the fixture: 1 KiB pages instead of 4 KiB, no free pages. The file
# stays in WAL mode, as rpm leaves it.
sqlite3 "$work/sqlite/rpmdb.sqlite" 'PRAGMA journal_mode=DELETE; PRAGMA page_size=1024; VACUUM; PRAGMA journal_mode=WAL;' >/dev/null
rpm --dbpath "$work/sqlite" --define '_db_backend sqlite' -qa --qf "$qf" | sort >sqlite.want.tsv

# ndb: one 4 KiB slot page (header, then 16-byte slots), then the blobs in
# 16-byte blocks: head (magic, package index, generation, length), header
# blob, zero padding, tail (adler32 of all before it, length, magic).
mkdir -p "$work/ndb"
python3 - "$work/sqlite/rpmdb.sqlite" "$work/ndb/Packages.db" <<'PY'
import sqlite3, struct, sys, zlib
src, dst = sys.argv[1:]
rows = sqlite3.connect(src).execute("SELECT hnum, blob FROM Packages ORDER BY hnum").fetchall()
page, blk, generation = 4096, 16, 1
assert len(rows) <= page // 16 - 2
slots, blobs, off = [], b"", page // blk
for hnum, blob in rows:
    body = struct.pack("<4I", 0x53626C42, hnum, generation, len(blob)) + blob
    body += bytes(-(len(body) + 12) % blk)
    body += struct.pack("<3I", zlib.adler32(body), len(blob), 0x45626C42)
    slots.append(struct.pack("<4I", 0x746F6C53, hnum, off, len(body) // blk))
    off += len(body) // blk
    blobs += body
nextidx = max(h for h, _ in rows) + 1
head = struct.pack("<5I", 0x506D7052, 0, generation, 1, nextidx) + bytes(12)
empty = struct.pack("<4I", 0x746F6C53, 0, 0, 0)
slotpage = head + b"".join(slots) + empty * (page // 16 - 2 - len(slots))
open(dst, "wb").write(slotpage + blobs)
PY
cp sqlite.want.tsv ndb.want.tsv

# Berkeley DB: a hash file keyed by the header number, a uint32 in the
# writer's byte order; key 0 holds the highest header number, as rpm's bdb
# backend writes it. The values are the header blobs rpm stored in the
# sqlite database. bdb is little-endian (x86) with 4 KiB pages, so the
# headers (about 2 KiB) go to overflow pages; bdb-be is big-endian, as
# written on s390x, with 16 KiB pages, so they are stored on the hash pages
# themselves (go-rpmdb v0.1.1 misses such headers).
mkbdb() { # mkbdb NAME BYTEORDER(1234|4321) PAGESIZE
	local name=$1 order=$2 pagesize=$3 max
	key() {
		if [ "$order" = 1234 ]; then
			printf '%08x' "$1" | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/'
		else
			printf '%08x' "$1"
		fi
	}
	mkdir -p "$work/$name"
	max=$(sqlite3 "$work/sqlite/rpmdb.sqlite" 'SELECT max(hnum) FROM Packages')
	{
		printf 'VERSION=3\nformat=bytevalue\ntype=hash\ndb_pagesize=%s\nHEADER=END\n' "$pagesize"
		printf ' %s\n %s\n' "$(key 0)" "$(key "$max")"
		sqlite3 -separator ' ' "$work/sqlite/rpmdb.sqlite" 'SELECT hnum, lower(hex(blob)) FROM Packages ORDER BY hnum' |
			while read -r hnum blob; do printf ' %s\n %s\n' "$(key "$hnum")" "$blob"; done
		printf 'DATA=END\n'
	} >"$work/$name.dump"
	db5.3_load -c "db_lorder=$order" -f "$work/$name.dump" "$work/$name/Packages"
	# bdb_ro warns about the missing index files; -qa needs only Packages.
	rpm --dbpath "$work/$name" --define '_db_backend bdb_ro' -qa --qf "$qf" 2> >(grep -v 'warning: could not open' >&2) |
		sort >"$name.want.tsv"
}
mkbdb bdb 1234 4096
mkbdb bdb-be 4321 16384

mkdir -p sqlite ndb bdb bdb-be
cp "$work/sqlite/rpmdb.sqlite" sqlite/rpmdb.sqlite
cp "$work/ndb/Packages.db" ndb/Packages.db
cp "$work/bdb/Packages" bdb/Packages
cp "$work/bdb-be/Packages" bdb-be/Packages

for b in ndb bdb bdb-be; do
	if ! cmp -s sqlite.want.tsv "$b.want.tsv"; then
		echo "gen.sh: $b.want.tsv differs from sqlite.want.tsv" >&2
		exit 1
	fi
done
ls -l sqlite/rpmdb.sqlite ndb/Packages.db bdb/Packages bdb-be/Packages ./*.want.tsv
