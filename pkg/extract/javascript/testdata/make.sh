#!/usr/bin/env bash
# Regenerates the real artefacts the JavaScript extractor tests read, with the
# real package managers and the public npm registry. Re-runnable: every output
# is replaced. Needs node + npm (npx fetches yarn and pnpm from the registry).
#
# Source: project/ (package.json with a workspace packages/util). It pins old,
# vulnerable versions: lodash 4.17.4 (GHSA-fvqr-27wr-82fm, GHSA-jf85-cpcp-j695, ...)
# and minimist 1.2.0 (GHSA-vh95-rmgr-6w4m, GHSA-xvch-5gv4-984h) as dependencies,
# minimist 0.0.10 through the alias old-minimist, a scoped package
# (@sindresorhus/slugify), is-number as an optional dependency, and mocha 5.2.0
# + to-regex-range as devDependencies (mocha pulls minimist 0.0.8 and
# minimatch 3.0.4, both vulnerable; to-regex-range makes is-number devOptional).
#
# Outputs (all small text files):
#   npm/v{1,2,3}/package-lock.json  npm 11 with --lockfile-version 1, 2, 3
#   npm/ls.json                     `npm ls --all --json --long` of the v3 install: the oracle
#                                   (absolute paths rewritten to ".")
#   nodemodules/node_modules/...    every package.json (and .package-lock.json) of the v3 install
#   pnpmstore/node_modules/.pnpm/...  every package.json of pnpm 9's virtual store
#   yarn/v1/yarn.lock, list.json    yarn 1.22.22 and its `yarn list --json`
#   yarn/berry/yarn.lock, info.json yarn 4 (@yarnpkg/cli-dist) and its `yarn info -AR --json`
#   pnpm/v9/pnpm-lock.yaml          pnpm 9 (lockfileVersion 9.0)
#   pnpm/v6/pnpm-lock.yaml          pnpm 8 (lockfileVersion 6.0)
#   pnpm/v5/pnpm-lock.yaml          pnpm 7 (lockfileVersion 5.4)
#   pnpm/v{5,6}-single/...          the same without the workspace (one-project layout)
#   big/*.gz                        lock files of a bigger real tree (jest, webpack, eslint,
#                                   babel, typescript, express) for the benchmarks
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

YARN1=yarn@1.22.22
BERRY=@yarnpkg/cli-dist@4.18.1
PNPM9=pnpm@9.15.9
PNPM8=pnpm@8.15.9
PNPM7=pnpm@7.33.7
REGISTRY=https://registry.npmjs.org/

# Lock files record resolved URLs as npm does by default (a user config may
# turn that off). Scripts never run.
npmflags=(--no-audit --no-fund --ignore-scripts --omit-lockfile-registry-resolved=false "--registry=$REGISTRY")
export npm_config_yes=true
export YARN_ENABLE_TELEMETRY=0 YARN_ENABLE_GLOBAL_CACHE=0 YARN_ENABLE_SCRIPTS=0 \
  YARN_NODE_LINKER=node-modules YARN_NPM_REGISTRY_SERVER=${REGISTRY%/} \
  YARN_CACHE_FOLDER="$work/yarn-cache" YARN_ENABLE_IMMUTABLE_INSTALLS=0

fresh() { # fresh NAME: a clean copy of the project
  cp -r "$here/project" "$work/$1"
  echo "$work/$1"
}

# --- npm: lockfile versions 1, 2, 3 -------------------------------------------
for v in 1 2 3; do
  d=$(fresh npm$v)
  (cd "$d" && npm install "${npmflags[@]}" --lockfile-version "$v" >/dev/null)
  mkdir -p "$here/npm/v$v"
  cp "$d/package-lock.json" "$here/npm/v$v/package-lock.json"
done

# The oracle: npm's own view of the installed tree.
d=$work/npm3
(cd "$d" && npm ls --all --json --long) | sed "s#$d#.#g" >"$here/npm/ls.json"

# Installed tree: package.json files only (no code), plus npm's hidden lock file.
rm -rf "$here/nodemodules"
(cd "$d" && find node_modules -type f \( -name package.json -o -name .package-lock.json \) -print0 |
  xargs -0 -I{} install -D -m 0644 {} "$here/nodemodules/{}")

# --- yarn 1 and yarn berry ----------------------------------------------------
d=$(fresh yarn1)
(cd "$d" && npx "$YARN1" install --ignore-scripts --non-interactive --no-progress \
  --registry "$REGISTRY" --cache-folder "$work/yarn1-cache" >/dev/null)
mkdir -p "$here/yarn/v1"
cp "$d/yarn.lock" "$here/yarn/v1/yarn.lock"
# yarn's own listing of what it resolved (yarn does not dedupe as npm does).
(cd "$d" && npx "$YARN1" list --json --no-progress) >"$here/yarn/v1/list.json"

d=$(fresh berry)
(cd "$d" && npx -p "$BERRY" yarn install >/dev/null)
mkdir -p "$here/yarn/berry"
cp "$d/yarn.lock" "$here/yarn/berry/yarn.lock"
(cd "$d" && npx -p "$BERRY" yarn info --all --recursive --json) >"$here/yarn/berry/info.json"

# --- pnpm 9, 8, 7 -------------------------------------------------------------
for pair in "v9 $PNPM9" "v6 $PNPM8" "v5 $PNPM7"; do
  set -- $pair
  d=$(fresh "pnpm$1")
  (cd "$d" && npx "$2" install --ignore-scripts --reporter=silent \
    --registry "$REGISTRY" --store-dir "$work/pnpm-store-$1" >/dev/null)
  mkdir -p "$here/pnpm/$1"
  cp "$d/pnpm-lock.yaml" "$here/pnpm/$1/pnpm-lock.yaml"
done
# 5.x and 6.x write a one-project lock file differently (no "importers"):
# the same project without its workspace.
for pair in "v5-single $PNPM7" "v6-single $PNPM8"; do
  set -- $pair
  d=$(fresh "pnpm$1")
  rm -r "$d/packages" "$d/pnpm-workspace.yaml"
  node -e 'const f=process.argv[1], p=require(f); delete p.workspaces; require("fs").writeFileSync(f, JSON.stringify(p, null, 2)+"\n")' "$d/package.json"
  (cd "$d" && npx "$2" install --ignore-scripts --reporter=silent \
    --registry "$REGISTRY" --store-dir "$work/pnpm-store-$1" >/dev/null)
  mkdir -p "$here/pnpm/$1"
  cp "$d/pnpm-lock.yaml" "$here/pnpm/$1/pnpm-lock.yaml"
done
# pnpm's isolated layout: node_modules/.pnpm/<name>@<version>/node_modules/<name>.
rm -rf "$here/pnpmstore"
(cd "$work/pnpmv9" && find node_modules/.pnpm -type f -name package.json -print0 |
  xargs -0 -I{} install -D -m 0644 {} "$here/pnpmstore/{}")

# --- a bigger real tree for the benchmarks (lock files only, gzipped) ---------
big=(jest@29.7.0 webpack@5.94.0 eslint@8.57.0 @babel/core@7.25.2 typescript@5.5.4 express@4.19.2)
mkdir -p "$here/big"
d=$work/big-npm
mkdir -p "$d" && echo '{"name":"big","version":"1.0.0","private":true}' >"$d/package.json"
(cd "$d" && npm install "${npmflags[@]}" --package-lock-only "${big[@]}" >/dev/null)
gzip -9n <"$d/package-lock.json" >"$here/big/package-lock.json.gz"

d=$work/big-pnpm
mkdir -p "$d" && cp "$work/big-npm/package.json" "$d/"
(cd "$d" && npx "$PNPM9" install --lockfile-only --ignore-scripts --reporter=silent \
  --registry "$REGISTRY" --store-dir "$work/pnpm-store-big" >/dev/null)
gzip -9n <"$d/pnpm-lock.yaml" >"$here/big/pnpm-lock.yaml.gz"

d=$work/big-yarn
mkdir -p "$d" && cp "$work/big-npm/package.json" "$d/"
(cd "$d" && npx "$YARN1" install --ignore-scripts --non-interactive --no-progress --ignore-engines \
  --registry "$REGISTRY" --cache-folder "$work/yarn1-cache" >/dev/null)
gzip -9n <"$d/yarn.lock" >"$here/big/yarn.lock.gz"

echo "made: $(cd "$here" && find npm nodemodules pnpmstore yarn pnpm big -type f | wc -l) files"
