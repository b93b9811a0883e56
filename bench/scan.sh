#!/usr/bin/env bash
# Times, on the same image in one run: `gzip -dc` of its layers (the physical
# floor of reading them), drydock cold (empty layer cache) and drydock warm
# (everything cached), without vulnerability matching (see pkg/match benchmarks),
# the process start alone (`drydock --version`), the floor of a warm scan, and
# the default command (matching against the bundled DB, table) warm.
# Prints the best of N runs of each and the ratios.
#
#   bench/scan.sh [IMAGE.tar] [RUNS]    (default: testdata/images/out/bookworm.tar, 5 runs)
set -euo pipefail
cd "$(dirname "$0")/.."
img=${1:-testdata/images/out/bookworm.tar}
runs=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/drydock" ./cmd/drydock
mkdir "$work/x"
case "$img" in
  *.gz) gzip -dc "$img" | tar -xf - -C "$work/x" ;;
  *) tar -xf "$img" -C "$work/x" ;;
esac
layers=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))[0]["Layers"]))' "$work/x/manifest.json")

best() { # best CMD...: best wall time in ms over $runs runs
  # $EPOCHREALTIME (bash 5) costs no fork: `date` around each run added
  # ~3 ms to every time, a tenth of a warm scan.
  local b="" t0 t1 us
  for _ in $(seq "$runs"); do
    t0=${EPOCHREALTIME//[.,]/}; "$@" >/dev/null 2>&1; t1=${EPOCHREALTIME//[.,]/}
    us=$((t1 - t0))
    if [ -z "$b" ] || [ "$us" -lt "$b" ]; then b=$us; fi
  done
  b=$(( (b + 500) / 1000 ))
  echo "$b"
}
floor() { for l in $layers; do gzip -dc "$work/x/$l" >/dev/null; done; }
cold() { rm -rf "$work/cache"; "$work/drydock" image -q --skip-vulns --cache-dir "$work/cache" -f json "$img"; }
warm() { "$work/drydock" image -q --skip-vulns --cache-dir "$work/cache" -f json "$img"; }
start() { "$work/drydock" --version; }
matched() { "$work/drydock" image -q --cache-dir "$work/cache" "$img"; } # the default command: table, bundled DB

n=$("$work/drydock" image -q --skip-vulns --no-cache -f json "$img" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["inventory"]["packages"]))')
f=$(best floor); c=$(best cold); cold >/dev/null
sync # let the writeback of the cold runs finish before timing the short runs
w=$(best warm); s=$(best start)
matched >/dev/null 2>&1 || true # builds the bundled DB into the cache dir once
m=$(best matched)
rss=$( { /usr/bin/time -f '%M' "$work/drydock" image -q --skip-vulns --no-cache -f json "$img" >/dev/null; } 2>&1 | tail -1 )
size=$(du -b "$img" | cut -f1)
echo "image: $img ($((size / 1048576)) MiB, $n packages, $(nproc) cores, $(go version | cut -d' ' -f3))"
printf 'gzip -dc floor: %6d ms\n' "$f"
printf 'drydock cold:   %6d ms  (%s x floor)\n' "$c" "$(python3 -c "print(round($c/$f,2))")"
printf 'drydock warm:   %6d ms  (process start, `drydock --version`: %d ms)\n' "$w" "$s"
printf 'warm + matching: %5d ms  (the default command: vulnerability matching, table)\n' "$m"
printf 'peak RSS cold:  %6d KiB\n' "$rss"
