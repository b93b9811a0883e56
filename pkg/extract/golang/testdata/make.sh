#!/usr/bin/env bash
# Makes the committed artefacts of the Go extractors' tests. Re-runnable; run
# it from anywhere on a Debian 12 (bookworm) machine as root with go, gcc and
# python3, with Debian's package mirror and the Go module proxy reachable.
#
#   age-keygen        /usr/bin/age-keygen of Debian bookworm's `age` 1.1.1-1+b3
#                     (1.8 MB, stripped, PIE), built by Debian with go1.19.8: a
#                     real binary of an old toolchain whose standard library has
#                     known vulnerabilities. Debian builds in GOPATH mode, so its
#                     build info has no module lines: only the toolchain.
#   crafted-buildinfo.elf
#                     a 16 kB ELF made by gcc whose .go.buildinfo section holds a
#                     build-info blob written here in the Go 1.18+ layout (header,
#                     varint-prefixed version and module strings): a small seed
#                     for the fuzzer that reaches the module-info parser.
#   hello/            a tiny module importing golang.org/x/text v0.3.5 (GO-2021-0113)
#                     and golang.org/x/crypto, with a directory replacement and a
#                     version replacement; go.sum made by `go mod tidy`. The tests
#                     build it with `go build -trimpath` (module proxy needed on a
#                     cold module cache) and use `go version -m` as the oracle.
#
# Not committed: nothing else. The tests build the hello binaries themselves.
set -euo pipefail
cd "$(dirname "$0")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. age-keygen from Debian bookworm.
(cd "$tmp" && apt-get download age=1.1.1-1+b3 && dpkg-deb -x age_*.deb root)
cp "$tmp/root/usr/bin/age-keygen" age-keygen
chmod 0755 age-keygen
go version -m age-keygen

# 2. crafted-buildinfo.elf: the blob, then a C file placing it in .go.buildinfo.
python3 - "$tmp/blob.h" <<'EOF'
import sys
def varint(n):
    out = b""
    while True:
        b = n & 0x7f
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])
start = bytes.fromhex("3077af0c9274080241e1c107e6d618e6")  # cmd/go's modinfo sentinels
end = bytes.fromhex("f932433186182072008242104116d8f2")
vers = b"go1.20.1"
mod = (b"path\texample.com/crafted/cmd/crafted\n"
       b"mod\texample.com/crafted\tv1.2.3\t\n"
       b"dep\tgolang.org/x/text\tv0.3.5\th1:i6eZZ+zk0SOf0xgBpEpPD18qWcJda6q1sxt3S0kzyUQ=\n"
       b"dep\tgolang.org/x/net\tv0.0.0-20210405180319-a5a99cb37ef4\n"
       b"=>\tgithub.com/fork/net\tv0.0.1\th1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
       b"build\t-compiler=gc\n")
mod = start + mod + end
header = b"\xff Go buildinf:" + bytes([8, 0x2]) + bytes(16)
blob = header + varint(len(vers)) + vers + varint(len(mod)) + mod
with open(sys.argv[1], "w") as f:
    f.write(",".join(str(b) for b in blob))
EOF
cat >"$tmp/crafted.c" <<'EOF'
__attribute__((section(".go.buildinfo"), aligned(16), used))
static const unsigned char buildinfo[] = {
#include "blob.h"
};
int main(void) { return 0; }
EOF
gcc -Os -s -o crafted-buildinfo.elf "$tmp/crafted.c"
chmod 0755 crafted-buildinfo.elf
go version -m crafted-buildinfo.elf

# 3. hello: go.sum from the module proxy.
(cd hello && GOTOOLCHAIN=local GOFLAGS=-mod=mod go mod tidy)
ls -l age-keygen crafted-buildinfo.elf hello
