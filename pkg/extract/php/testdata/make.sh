#!/usr/bin/env bash
# Regenerates the real Composer artefacts in this directory. Run on Debian 12
# (bookworm) as root; needs only Debian's mirror:
#
#   apt-get install -y composer php-cli
#   bash pkg/extract/php/testdata/make.sh
#
# Packagist is not reachable, so the packages come from a Composer "path"
# repository of metadata-only packages: each is a composer.json with the real
# name, version and requirements of a published release (no code). Composer
# 2.5.5 (Debian) resolves and installs them and writes the artefacts:
#   composer/composer.json        the project
#   composer/composer.lock        `composer update`
#   composer/installed.json       vendor/composer/installed.json (format 2)
#   composer/show-locked.json     `composer show --locked --format json`
#   composer/show-no-dev.json     `composer show --locked --no-dev --format json`
# Versions chosen vulnerable per FriendsOfPHP (packagist-friendsofphp.zip):
# guzzlehttp/guzzle 7.4.4 (CVE-2022-31090), symfony/http-kernel v5.4.19
# (CVE-2022-24894), twig/twig v3.4.2 (CVE-2022-39261), phpunit/phpunit 8.5.40
# (CVE-2026-24765, dev).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export COMPOSER_HOME="$work/home" COMPOSER_ALLOW_SUPERUSER=1 COMPOSER_NO_INTERACTION=1

pkg() { # name version license require-json
	local d="pkgs/${1//\//-}"
	mkdir -p "$d"
	cat > "$d/composer.json" <<JSON
{"name": "$1", "version": "$2", "type": "library", "license": $3, "description": "metadata of $1 $2", "require": $4}
JSON
}
pkg guzzlehttp/guzzle 7.4.4 '["MIT"]' '{"php": ">=7.2.5", "guzzlehttp/psr7": "^1.9 || ^2.4", "psr/http-client": "^1.0"}'
pkg guzzlehttp/psr7 2.4.0 '["MIT"]' '{"php": ">=7.2.5", "psr/http-message": "^1.0"}'
pkg psr/http-client 1.0.1 '["MIT"]' '{"php": ">=7.0.0", "psr/http-message": "^1.0"}'
pkg psr/http-message 1.0.1 '["MIT"]' '{"php": ">=5.3.0"}'
pkg symfony/http-kernel v5.4.19 '["MIT"]' '{"php": ">=7.2.5", "psr/log": "^1|^2"}'
pkg psr/log 1.1.4 '["MIT"]' '{"php": ">=5.3.0"}'
pkg twig/twig v3.4.2 '["BSD-3-Clause"]' '{"php": ">=7.2.5"}'
pkg phpunit/phpunit 8.5.40 '["BSD-3-Clause"]' '{"php": ">=7.2", "sebastian/diff": "^3.0.2"}'
pkg sebastian/diff 3.0.6 '["BSD-3-Clause"]' '{"php": ">=7.1"}'

mkdir -p app && cat > app/composer.json <<'JSON'
{
    "name": "drydock/shop",
    "type": "project",
    "license": "proprietary",
    "repositories": [
        {"packagist.org": false},
        {"type": "path", "url": "../pkgs/*", "options": {"symlink": false}}
    ],
    "require": {
        "guzzlehttp/guzzle": "7.4.4",
        "symfony/http-kernel": "v5.4.19",
        "twig/twig": "^3.4"
    },
    "require-dev": {
        "phpunit/phpunit": "8.5.40"
    }
}
JSON
(cd app && composer update --quiet --no-scripts --no-plugins &&
	composer show --locked --format json > show-locked.json &&
	composer show --locked --no-dev --format json > show-no-dev.json)
rm -rf "$here/composer" && mkdir -p "$here/composer"
cp app/composer.json app/composer.lock app/show-locked.json app/show-no-dev.json "$here/composer/"
cp app/vendor/composer/installed.json "$here/composer/"
echo "done: $(find "$here" -type f | wc -l) files"
