#!/usr/bin/env bash
# Regenerates the real Python artefacts in this directory. Run on Debian 12
# (bookworm) as root, from anywhere; needs apt access to Debian's mirror only
# (PyPI is not reachable, so everything comes from Debian packages):
#
#   apt-get install -y python3-pip python3-distutils python3-poetry pipenv
#   bash pkg/extract/python/testdata/make.sh
#
# What it makes:
#   installed/site-packages/*.dist-info/METADATA   pip install of Debian's wheels
#        (pip 23.0.1, setuptools 66.1.1, wheel 0.38.4: all vulnerable per
#        osv-pypi-pypa, e.g. PYSEC-2023-228 pip, PYSEC-2026-1918 setuptools)
#   installed/dist-packages/*.egg-info[/PKG-INFO], *.dist-info/METADATA
#        Debian's own installed layout (dpkg-deb -x of python3-requests 2.28.1,
#        python3-urllib3 1.26.12, ...; vulnerable: PYSEC-2023-74, PYSEC-2023-192)
#   installed/distutils/PyYAML-5.3.1-py3.11.egg-info   the single-file egg-info
#        distutils writes (install_egg_info of a metadata-only setup.py that
#        declares PyYAML 5.3.1, vulnerable per PYSEC-2021-142)
#   installed.want.json    `pip list --format json --path DIR` over those trees
#   requirements/freeze.txt  `pip list --format freeze --path` of site-packages
#   poetry/{pyproject.toml,poetry.lock,show-main.txt,show-dev.txt}
#   pipenv/{Pipfile,Pipfile.lock,requirements.txt,requirements-dev.txt}
#        Poetry 1.3.2 and pipenv 2022.12.19 (Debian) locking a project against a
#        PEP 503 index served on 127.0.0.1 that holds wheels built with
#        `pip wheel` from Debian's installed requests/urllib3/idna/certifi/
#        charset-normalizer/jinja2/markupsafe trees (real names, versions and
#        dependency metadata), plus Debian's wheel and setuptools wheels.
#        show-*.txt come from `poetry show --only`, requirements*.txt from
#        `pipenv requirements [--dev-only]`: the tools' own package lists.
# uv is not packaged in Debian 12: uv.lock fixtures are written by hand (see
# uv_test.go).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
PY=/usr/bin/python3
export SOURCE_DATE_EPOCH=1700000000 # reproducible wheels, so the locks' hashes stay put
cd "$work"

debs="python3-pip-whl python3-setuptools-whl python3-wheel-whl python3-requests python3-urllib3
python3-idna python3-certifi python3-charset-normalizer python3-chardet python3-yaml python3-jinja2
python3-markupsafe"
apt-get download $debs >/dev/null 2>&1
for f in *.deb; do dpkg-deb -x "$f" root; done
dist=root/usr/lib/python3/dist-packages

rm -rf "$here/installed" && mkdir -p "$here/installed/site-packages" "$here/installed/dist-packages" "$here/installed/distutils"

# 1. pip installs real wheels offline.
$PY -m pip install --quiet --no-index --no-deps --no-compile --target site root/usr/share/python-wheels/*.whl
for d in site/*.dist-info; do
	mkdir -p "$here/installed/site-packages/${d#site/}"
	cp "$d/METADATA" "$here/installed/site-packages/${d#site/}/"
done

# 2. Debian's installed layout: metadata files only.
for d in "$dist"/*.egg-info "$dist"/*.dist-info; do
	b=$(basename "$d")
	mkdir -p "$here/installed/dist-packages/$b"
	for m in PKG-INFO METADATA; do
		[ -f "$d/$m" ] && cp "$d/$m" "$here/installed/dist-packages/$b/"
	done
done

# 3. distutils' single-file egg-info.
mkdir -p du && cat > du/setup.py <<'PYEOF'
from distutils.core import setup
setup(name="PyYAML", version="5.3.1", license="MIT",
      description="YAML parser and emitter for Python",
      classifiers=["License :: OSI Approved :: MIT License"])
PYEOF
(cd du && SETUPTOOLS_USE_DISTUTILS=stdlib $PY setup.py -q install_egg_info --install-dir "$here/installed/distutils" 2>/dev/null)

(cd "$here/installed" && for d in site-packages dist-packages distutils; do
	$PY -m pip list --format json --path "$d"
done) | $PY -c '
import json, sys
out = []
for line in sys.stdin:
    out += json.loads(line)
out.sort(key=lambda p: (p["name"].lower(), p["version"]))
json.dump(out, sys.stdout, indent=1)
print()' > "$here/installed.want.json"

mkdir -p "$here/requirements"
$PY -m pip list --format freeze --path site > "$here/requirements/freeze.txt"

# 4. A PEP 503 index of wheels built from Debian's installed trees.
mkdir -p wheels
# Debian strips install_requires from its egg-info, so the upstream
# requirements are given here (requests 2.28.1's setup.py, with Debian's
# relaxed charset_normalizer bound; Jinja2 3.1.2's).
build() { # name version import-dir requirement...
	local name=$1 version=$2 mod=$3 src=src/$1
	shift 3
	mkdir -p "$src"
	cp -r "$dist/$mod" "$src/"
	$PY - "$name" "$version" "$mod" "$@" > "$src/setup.py" <<'PYEOF'
import sys
name, version, mod, *reqs = sys.argv[1:]
print("from setuptools import setup")
print(f"setup(name={name!r}, version={version!r}, packages=[{mod!r}], install_requires={reqs!r})")
PYEOF
	$PY -m pip wheel --quiet --no-deps --no-build-isolation --no-index -w wheels "$src" >/dev/null
}
build requests 2.28.1 requests "charset_normalizer>=2,<4" "idna>=2.5,<4" "urllib3>=1.21.1,<1.27" "certifi>=2017.4.17"
build urllib3 1.26.12 urllib3
build idna 3.3 idna
build certifi 2022.9.24 certifi
build charset-normalizer 3.0.1 charset_normalizer
build Jinja2 3.1.2 jinja2 "MarkupSafe>=2.0"
build MarkupSafe 2.1.2 markupsafe
cp root/usr/share/python-wheels/wheel-*.whl root/usr/share/python-wheels/setuptools-*.whl wheels/
$PY - wheels index/simple <<'PYEOF'
import hashlib, os, re, sys
src, out = sys.argv[1:]
by = {}
for w in sorted(os.listdir(src)):
    name = re.sub(r"[-_.]+", "-", w.split("-")[0]).lower()
    by.setdefault(name, []).append(w)
for name, files in by.items():
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("<!DOCTYPE html><html><body>\n")
        for w in files:
            os.link(os.path.join(src, w), os.path.join(d, w))
            h = hashlib.sha256(open(os.path.join(src, w), "rb").read()).hexdigest()
            f.write(f'<a href="{w}#sha256={h}">{w}</a>\n')
        f.write("</body></html>\n")
with open(os.path.join(out, "index.html"), "w") as f:
    f.write("".join(f'<a href="{n}/">{n}</a>\n' for n in by))
PYEOF
port=18765
$PY -m http.server --bind 127.0.0.1 --directory index $port >/dev/null 2>&1 &
sleep 1
url=http://127.0.0.1:$port/simple/

# 5. Poetry 1.3.2.
mkdir -p poetry && cat > poetry/pyproject.toml <<EOT
[tool.poetry]
name = "shop-api"
version = "0.1.0"
description = "drydock test project"
authors = ["drydock <test@example.invalid>"]

[tool.poetry.dependencies]
python = "^3.11"
requests = "2.28.1"
Jinja2 = "^3.1"

[tool.poetry.group.dev.dependencies]
wheel = "0.38.4"

[[tool.poetry.source]]
name = "local"
url = "$url"
default = true
EOT
(cd poetry && export POETRY_CACHE_DIR="$work/pcache" && poetry lock --no-interaction >/dev/null &&
	poetry show --no-ansi --only main > show-main.txt && poetry show --no-ansi --only dev > show-dev.txt)
rm -rf "$here/poetry" && mkdir -p "$here/poetry"
cp poetry/pyproject.toml poetry/poetry.lock poetry/show-main.txt poetry/show-dev.txt "$here/poetry/"

# 6. pipenv 2022.12.19.
mkdir -p pipenv && cat > pipenv/Pipfile <<EOT
[[source]]
url = "$url"
verify_ssl = false
name = "local"

[packages]
requests = "==2.28.1"
jinja2 = "*"

[dev-packages]
wheel = "==0.38.4"

[requires]
python_version = "3.11"
EOT
(cd pipenv && PIPENV_VENV_IN_PROJECT=1 PIPENV_PYTHON=$PY PIP_NO_INDEX= pipenv lock >/dev/null 2>&1 &&
	pipenv requirements > requirements.txt && pipenv requirements --dev-only > requirements-dev.txt)
rm -rf "$here/pipenv" && mkdir -p "$here/pipenv"
cp pipenv/Pipfile pipenv/Pipfile.lock pipenv/requirements.txt pipenv/requirements-dev.txt "$here/pipenv/"
echo "done: $(find "$here" -type f | wc -l) files"
