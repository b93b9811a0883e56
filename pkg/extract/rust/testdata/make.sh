#!/usr/bin/env bash
# Makes the committed artefacts of the Rust extractors' tests. Re-runnable, on
# a Debian 12 machine with cargo, gcc, binutils (objcopy, ld) and python3. No
# network: crates.io is not reachable here.
#
# (workspace)      a cargo workspace, made in a temporary directory (members app and util, app depending on
#                  util by path) whose crates.io dependencies come from a
#                  `directory` source replacement (vendor/): stand-in
#                  crates with the names and versions of real, vulnerable
#                  crates.io releases (smallvec 1.6.0: RUSTSEC-2021-0003;
#                  smallvec 0.6.13: RUSTSEC-2019-0009 and -2021-0003;
#                  time 0.1.43: RUSTSEC-2020-0071) and empty code. Cargo.lock
#                  records them as crates.io crates, exactly as it would for
#                  the real ones; only the checksums are made up (sha256 of
#                  "name version").
# cargo/v{1,2,3,4}/Cargo.lock
#                  `cargo generate-lockfile --offline` of that workspace, with
#                  the rust-version that makes cargo write each lock format:
#                  1.40 → v1 (dependencies as "name version (source)", checksums
#                  in [metadata]), 1.52 → v2 (no version key), 1.77 → v3, none
#                  → v4 (cargo 1.95).
# cargo/metadata.json
#                  `cargo metadata --format-version 1 --offline`, reduced to
#                  package ids/names/versions/sources, the resolve graph and
#                  the workspace members: the tests' oracle.
# auditable/dep-v0.json
#                  the audit data cargo-auditable would embed in app's binary,
#                  derived here from cargo/metadata.json by cargo-auditable's
#                  documented rules (format 1: packages sorted by name, version
#                  and id, "root" on app, "kind":"build" for build-only
#                  dependencies, indices as dependencies; sources "local",
#                  "crates.io", "git", "registry"). cargo-auditable itself
#                  cannot be installed here (no crates.io).
# auditable/app.elf
#                  a gcc-built ELF with that JSON, zlib-compressed, added as
#                  the .dep-v0 section by `objcopy --add-section`.
# auditable/app.exe
#                  a PE image linked by `ld -m i386pep`, with the same section.
set -euo pipefail
cd "$(dirname "$0")"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. The workspace.
ws=$tmp/ws
mkdir -p "$ws/app/src" "$ws/util/src" "$ws/.cargo" "$ws/vendor"
cat >"$ws/Cargo.toml" <<'EOF'
[workspace]
members = ["app", "util"]
resolver = "2"
EOF
cat >"$ws/app/Cargo.toml" <<'EOF'
[package]
name = "app"
version = "0.1.0"
edition = "2018"

[dependencies]
util = { path = "../util" }
smallvec = "=1.6.0"
parking_lot_core = "0.6"
EOF
echo 'fn main() {}' >"$ws/app/src/main.rs"
cat >"$ws/util/Cargo.toml" <<'EOF'
[package]
name = "util"
version = "0.2.0"
edition = "2018"

[dependencies]
time = "0.1"
EOF
: >"$ws/util/src/lib.rs"
cat >"$ws/.cargo/config.toml" <<'EOF'
[source.crates-io]
replace-with = "vendored"

[source.vendored]
directory = "vendor"
EOF
standin() { # name version dir [dependency lines...]
  local d=$ws/vendor/$3
  mkdir -p "$d/src" && : >"$d/src/lib.rs"
  printf '{"files":{},"package":"%s"}' "$(printf '%s %s' "$1" "$2" | sha256sum | cut -d' ' -f1)" >"$d/.cargo-checksum.json"
  {
    printf '[package]\nname = "%s"\nversion = "%s"\nedition = "2018"\n\n[dependencies]\n' "$1" "$2"
    shift 3
    for l in "$@"; do echo "$l"; done
  } >"$d/Cargo.toml"
}
standin smallvec 1.6.0 smallvec
standin smallvec 0.6.13 smallvec-0.6.13
standin parking_lot_core 0.6.2 parking_lot_core 'smallvec = "0.6"' 'cfg-if = "0.1"'
standin cfg-if 0.1.10 cfg-if
standin time 0.1.43 time

# 2. One lock file per format.
for v in 1:1.40 2:1.52 3:1.77 4:; do
  n=${v%%:*} rv=${v#*:}
  for m in app util; do
    sed -i '/^rust-version/d' "$ws/$m/Cargo.toml"
    [ -z "$rv" ] || sed -i "s/^edition = \"2018\"/&\nrust-version = \"$rv\"/" "$ws/$m/Cargo.toml"
  done
  (cd "$ws" && cargo generate-lockfile --offline)
  mkdir -p "cargo/v$n" && mv "$ws/Cargo.lock" "cargo/v$n/Cargo.lock"
done
(cd "$ws" && cargo metadata --format-version 1 --offline) | python3 -c '
import json, sys
m = json.load(sys.stdin)
out = {
    "packages": [{k: p[k] for k in ("id", "name", "version", "source")} for p in m["packages"]],
    "resolve": {"nodes": [{"id": n["id"], "deps": [{"pkg": d["pkg"], "dep_kinds": d["dep_kinds"]} for d in n["deps"]]}
                          for n in m["resolve"]["nodes"]]},
    "workspace_members": m["workspace_members"],
}
json.dump(out, sys.stdout, indent=1, sort_keys=True)
' | sed "s#$ws#/ws#g" >cargo/metadata.json

# 3. Audit data for app, as cargo-auditable derives it from cargo metadata.
mkdir -p auditable
python3 - cargo/metadata.json auditable/dep-v0.json <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
pkgs = {p["id"]: p for p in m["packages"]}
nodes = {n["id"]: n for n in m["resolve"]["nodes"]}
root = next(i for i in m["workspace_members"] if pkgs[i]["name"] == "app")
RUNTIME, BUILD, DEV = 2, 1, 0
kind = {root: RUNTIME}
queue = [root]
while queue:
    nxt = []
    for parent in queue:
        for d in nodes[parent]["deps"]:
            ks = [{None: RUNTIME, "build": BUILD, "dev": DEV}[k["kind"]] for k in d["dep_kinds"]] or [RUNTIME]
            k = min(max(ks), kind[parent])
            if d["pkg"] not in kind or k > kind[d["pkg"]]:
                kind[d["pkg"]] = k
                nxt.append(d["pkg"])
    queue = nxt
ids = sorted((i for i in kind if kind[i] != DEV), key=lambda i: (pkgs[i]["name"], pkgs[i]["version"], i))
index = {i: n for n, i in enumerate(ids)}
def source(s):
    if s is None:
        return "local"
    if s == "registry+https://github.com/rust-lang/crates.io-index":
        return "crates.io"
    return s.split("+")[0]
out = []
for i in ids:
    p = {"name": pkgs[i]["name"], "version": pkgs[i]["version"], "source": source(pkgs[i]["source"])}
    if kind[i] == BUILD:
        p["kind"] = "build"
    deps = sorted(index[d["pkg"]] for d in nodes[i]["deps"] if d["pkg"] in index)
    if deps:
        p["dependencies"] = deps
    if i == root:
        p["root"] = True
    out.append(p)
json.dump({"format": 1, "packages": out}, open(sys.argv[2], "w"), separators=(",", ":"))
EOF
python3 -c 'import sys, zlib; sys.stdout.buffer.write(zlib.compress(open(sys.argv[1], "rb").read(), 9))' \
  auditable/dep-v0.json >"$ws/dep-v0.zlib"

echo 'int main(void) { return 0; }' >"$tmp/main.c"
gcc -Os -s -o "$tmp/app.elf" "$tmp/main.c"
objcopy --add-section .dep-v0="$ws/dep-v0.zlib" --set-section-flags .dep-v0=noload,readonly "$tmp/app.elf" auditable/app.elf
echo 'void mainCRTStartup(void) { for (;;); }' >"$tmp/pe.c"
gcc -c -Os -fno-asynchronous-unwind-tables -o "$tmp/pe.o" "$tmp/pe.c"
objcopy -O pe-x86-64 "$tmp/pe.o" "$tmp/pe.obj"
ld -m i386pep -e mainCRTStartup --subsystem console -o "$tmp/app.exe" "$tmp/pe.obj" 2>/dev/null
objcopy --add-section .dep-v0="$ws/dep-v0.zlib" --set-section-flags .dep-v0=readonly,data "$tmp/app.exe" auditable/app.exe 2>/dev/null
objcopy --dump-section .dep-v0=/dev/stdout auditable/app.elf | python3 -c 'import sys, zlib; print(zlib.decompress(sys.stdin.buffer.read()).decode())'
ls -l cargo/*/Cargo.lock cargo/metadata.json auditable
