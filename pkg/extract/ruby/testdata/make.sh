#!/usr/bin/env bash
# Regenerates the real Ruby artefacts in this directory. Run on Debian 12
# (bookworm) as root; needs only Debian's mirror (rubygems.org is not
# reachable, so every gem comes from a Debian package):
#
#   apt-get install -y ruby bundler ruby-rack ruby-nokogiri ruby-webrick git
#   bash pkg/extract/ruby/testdata/make.sh
#
# What it makes:
#   gems/.../specifications/*.gemspec  installed gem specifications as
#       RubyGems wrote them: Debian's ruby-rack 2.2.22, ruby-nokogiri 1.13.10
#       (vulnerable per osv-ghsa-curated GHSA-r95h-9x8f-r3f7), ruby-webrick
#       1.8.1, a selection of libruby3.1's bundled and default gems
#       (specifications/ and specifications/default/), and one written by
#       `gem install --local` of a gem built with `gem build`.
#   gemspecs.want.json  name, version and licenses of each, as Ruby itself
#       reads them (Gem::Specification.load).
#   bundler/{Gemfile,Gemfile.lock,list.txt}  `bundle install --local`
#       (Bundler 2.3.27) of a Gemfile using the installed gems, a PATH gem
#       and a GIT gem from a local repository; list.txt is `bundle list`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

apt-get download ruby-rack ruby-nokogiri ruby-webrick libruby3.1 >/dev/null 2>&1
for f in *.deb; do dpkg-deb -x "$f" root; done
rm -rf "$here/gems" && mkdir -p "$here/gems"
copy() { # file...
	for f in "$@"; do
		mkdir -p "$here/gems/$(dirname "${f#root/}")"
		cp "$f" "$here/gems/${f#root/}"
	done
}
copy root/usr/share/rubygems-integration/all/specifications/*.gemspec \
	root/usr/lib/x86_64-linux-gnu/rubygems-integration/*/specifications/*.gemspec
spec=root/usr/lib/ruby/gems/3.1.0/specifications
copy $spec/rexml-*.gemspec $spec/net-imap-*.gemspec $spec/minitest-*.gemspec $spec/rake-*.gemspec
for g in openssl json uri cgi date stringio rdoc time; do copy $spec/default/$g-[0-9]*.gemspec; done

# A gem built and installed by RubyGems itself.
mkdir -p build && cat > build/shop-util.gemspec <<'RB'
Gem::Specification.new do |s|
  s.name = "shop-util"
  s.version = "0.3.0"
  s.summary = "shared helpers"
  s.authors = ["drydock"]
  s.licenses = ["MIT", "Apache-2.0"]
  s.files = []
  s.add_dependency "rack", ">= 2.0"
end
RB
(cd build && gem build -q shop-util.gemspec >/dev/null 2>&1 &&
	gem install -q --local --ignore-dependencies --no-document --install-dir "$work/gemhome" shop-util-0.3.0.gem >/dev/null)
mkdir -p "$here/gems/var/lib/gems/3.1.0/specifications"
cp gemhome/specifications/shop-util-0.3.0.gemspec "$here/gems/var/lib/gems/3.1.0/specifications/"

(cd "$here" && find gems -name '*.gemspec' | sort | ruby -rjson -e '
out = STDIN.read.split("\n").map do |f|
  s = Gem::Specification.load(f)
  {"path" => f, "name" => s.name, "version" => s.version.to_s, "licenses" => s.licenses}
end
puts JSON.pretty_generate(out)') > "$here/gemspecs.want.json"

# Bundler: a GIT gem from a local repository, a PATH gem, gems installed
# from Debian.
mkdir -p gitgem app
cat > gitgem/toolbox.gemspec <<'RB'
Gem::Specification.new do |s|
  s.name = "toolbox"
  s.version = "1.2.0"
  s.summary = "tools"
  s.authors = ["drydock"]
  s.files = []
  s.add_dependency "webrick", "~> 1.8"
end
RB
(cd gitgem && git init -q -b main && git add . && GIT_AUTHOR_DATE=2024-01-01T00:00:00Z GIT_COMMITTER_DATE=2024-01-01T00:00:00Z git -c user.name=drydock -c user.email=test@example.invalid commit -qm init)
cat > app/Gemfile <<RB
source "https://rubygems.org"

gem "rack", "~> 2.2"
gem "nokogiri", ">= 1.13"
# The default gem: bundler does not see Debian's racc 1.6.2 as installed.
gem "racc", "1.6.0"
gem "shop-util", path: "../build"
gem "toolbox", git: "../gitgem"

group :development, :test do
  gem "minitest", "~> 5.15"
end
RB
(cd app && bundle install --local >/dev/null 2>&1 && bundle list > list.txt)
rm -rf /var/lib/gems/3.1.0/bundler/gems/gitgem-* /var/lib/gems/3.1.0/cache/bundler/git/gitgem-*
rm -rf "$here/bundler" && mkdir -p "$here/bundler"
cp app/Gemfile app/Gemfile.lock app/list.txt "$here/bundler/"
echo "done: $(find "$here" -type f | wc -l) files"
