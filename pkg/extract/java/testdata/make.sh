#!/usr/bin/env bash
# Builds the Java archive fixtures of pkg/extract/java with real tools:
# OpenJDK 17's javac and jar, Info-ZIP zip/unzip, and Debian's own jars
# (apt-get download + dpkg-deb -x; no Maven Central, which is unreachable
# here). Re-runnable; every output is overwritten. Run from anywhere:
#
#   pkg/extract/java/testdata/make.sh
#
# What is real and what is built here:
#   debian/        unmodified jars from Debian bookworm packages (slf4j-nop,
#                  guice-jmx, atinject), and Debian's log4j-core 2.19.0 from
#                  liblog4j2-java trimmed with `zip -d` to its META-INF and a
#                  lookup classes (the full jar is 1.8 MB): real pom.properties,
#                  real MANIFEST.MF, real JndiLookup.class.
#   log4j-core-2.14.1.jar
#                  built here, because no vulnerable log4j-core can be
#                  downloaded: stand-in classes compiled by javac in log4j's
#                  real package layout (org/apache/logging/log4j/core/lookup/
#                  JndiLookup.class, ...), the real coordinates in a
#                  pom.properties as Maven writes it, a MANIFEST.MF with the
#                  attributes of log4j's real one; packed by `jar`.
#   mitigated/log4j-core-2.14.1.jar, mitigated/log4j-core.jar
#                  the built 2.14.1 and Debian's 2.19.0 after the documented Log4Shell mitigation
#                  `zip -q -d log4j-core-*.jar org/apache/logging/log4j/core/lookup/JndiLookup.class`.
#   demo-app-0.0.1-SNAPSHOT.jar   Spring Boot fat-jar layout (BOOT-INF/classes,
#                  BOOT-INF/lib/*.jar stored uncompressed as Spring Boot does).
#   shop-web-1.0.war              WEB-INF/lib with compressed jars.
#   shop-ear-1.0.ear              the war and lib/ inside an ear (3 levels).
#   shaded-app-1.0.jar            maven-shade style uber jar (log4j-core and
#                  slf4j-nop classes and pom.properties merged in).
#   relocated-app-2.0.jar         shaded with relocation (classes under
#                  com/example/shaded/org/apache/...), JndiLookup.class removed.
#   bundle.jar     no pom.properties of its own; OSGi manifest names it;
#                  carries slf4j-nop's classes + pom.properties and
#                  log4j-core's pom.properties without its classes.
#   commons-text.jar              manifest only (Implementation-*), no version
#                  in the file name.
#   snakeyaml-1.33.jar            file name only (jar's default manifest).
#   expected-poms.txt             every pom.properties in every fixture, nested
#                  ones included, as listed by unzip: "<location> <g:a> <version>".
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
DATE=2021-12-10T00:00:00Z
mkjar() { jar --create --date="$DATE" "$@"; }

# --- Debian's real jars -------------------------------------------------------
mkdir -p debian mitigated
(cd "$work" && apt-get download -qq libslf4j-java libguice-java libatinject-jsr330-api-java liblog4j2-java 2>/dev/null)
for d in "$work"/*.deb; do dpkg-deb -x "$d" "$work/root"; done
cp "$work/root/usr/share/java/slf4j-nop.jar" debian/slf4j-nop-1.7.32.jar
cp "$work/root/usr/share/java/guice-jmx.jar" debian/guice-jmx-4.2.3.jar
cp "$work/root/usr/share/java/atinject-jsr330-api-1.0.jar" debian/atinject-jsr330-api-1.0.jar
cp "$work/root/usr/share/java/log4j-core.jar" debian/log4j-core.jar
keep='META-INF/MANIFEST.MF META-INF/maven/*.properties org/apache/logging/log4j/core/lookup/JndiLookup.class org/apache/logging/log4j/core/lookup/StrLookup.class'
# shellcheck disable=SC2086 # $keep is a list of patterns
zip -q -d debian/log4j-core.jar '*' -x $keep
chmod 644 debian/*.jar
cp debian/log4j-core.jar mitigated/log4j-core.jar
zip -q -d mitigated/log4j-core.jar org/apache/logging/log4j/core/lookup/JndiLookup.class

# --- log4j-core 2.14.1 stand-in ----------------------------------------------
src="$work/log4j/src"
mkdir -p "$src/org/apache/logging/log4j/core/lookup" "$work/log4j/classes"
cat >"$src/org/apache/logging/log4j/core/Logger.java" <<'EOF'
package org.apache.logging.log4j.core;
/** Stand-in for log4j-core 2.14.1's Logger (test fixture, not log4j). */
public class Logger {
    public void info(String message) { }
}
EOF
cat >"$src/org/apache/logging/log4j/core/lookup/StrLookup.java" <<'EOF'
package org.apache.logging.log4j.core.lookup;
/** Stand-in for log4j-core's StrLookup. */
public interface StrLookup {
    String lookup(String key);
}
EOF
cat >"$src/org/apache/logging/log4j/core/lookup/AbstractLookup.java" <<'EOF'
package org.apache.logging.log4j.core.lookup;
/** Stand-in for log4j-core's AbstractLookup. */
public abstract class AbstractLookup implements StrLookup {
}
EOF
cat >"$src/org/apache/logging/log4j/core/lookup/JndiLookup.java" <<'EOF'
package org.apache.logging.log4j.core.lookup;
/** Stand-in for log4j-core 2.14.1's JndiLookup (does no JNDI). */
public class JndiLookup extends AbstractLookup {
    @Override
    public String lookup(String key) { return null; }
}
EOF
cat >"$src/org/apache/logging/log4j/core/lookup/Interpolator.java" <<'EOF'
package org.apache.logging.log4j.core.lookup;
/** Stand-in for log4j-core's Interpolator. */
public class Interpolator extends AbstractLookup {
    @Override
    public String lookup(String key) { return key; }
}
EOF
javac --release 8 -nowarn -d "$work/log4j/classes" $(find "$src" -name '*.java') 2>/dev/null
mkdir -p "$work/log4j/classes/META-INF/maven/org.apache.logging.log4j/log4j-core"
cat >"$work/log4j/classes/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties" <<'EOF'
#Created by Apache Maven 3.6.3
version=2.14.1
groupId=org.apache.logging.log4j
artifactId=log4j-core
EOF
cat >"$work/log4j.mf" <<'EOF'
Implementation-Title: Apache Log4j Core
Implementation-Vendor: The Apache Software Foundation
Implementation-Vendor-Id: org.apache
Implementation-Version: 2.14.1
Specification-Title: Apache Log4j Core
Specification-Vendor: The Apache Software Foundation
Specification-Version: 2.14.1
Bundle-Name: Apache Log4j Core
Bundle-SymbolicName: org.apache.logging.log4j.core
Bundle-Version: 2.14.1
Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt
Multi-Release: true
EOF
mkjar --file log4j-core-2.14.1.jar --manifest "$work/log4j.mf" -C "$work/log4j/classes" .
cp log4j-core-2.14.1.jar mitigated/log4j-core-2.14.1.jar
zip -q -d mitigated/log4j-core-2.14.1.jar org/apache/logging/log4j/core/lookup/JndiLookup.class

# --- Spring Boot fat jar ------------------------------------------------------
app="$work/boot"
mkdir -p "$app/src/com/example/demo" "$app/src/org/springframework/boot/loader" "$app/root/BOOT-INF/classes" "$app/root/BOOT-INF/lib" \
  "$app/root/META-INF/maven/com.example/demo-app"
cat >"$app/src/com/example/demo/DemoApplication.java" <<'EOF'
package com.example.demo;
public class DemoApplication {
    public static void main(String[] args) { System.out.println("demo"); }
}
EOF
cat >"$app/src/org/springframework/boot/loader/JarLauncher.java" <<'EOF'
package org.springframework.boot.loader;
/** Stand-in for Spring Boot's launcher. */
public class JarLauncher {
    public static void main(String[] args) { }
}
EOF
javac --release 8 -d "$app/root/BOOT-INF/classes" "$app/src/com/example/demo/DemoApplication.java"
javac --release 8 -d "$app/root" "$app/src/org/springframework/boot/loader/JarLauncher.java"
cat >"$app/root/META-INF/maven/com.example/demo-app/pom.properties" <<'EOF'
artifactId=demo-app
groupId=com.example
version=0.0.1-SNAPSHOT
EOF
cp log4j-core-2.14.1.jar debian/slf4j-nop-1.7.32.jar debian/guice-jmx-4.2.3.jar "$app/root/BOOT-INF/lib/"
printf -- '- "BOOT-INF/lib/log4j-core-2.14.1.jar"\n- "BOOT-INF/lib/slf4j-nop-1.7.32.jar"\n- "BOOT-INF/lib/guice-jmx-4.2.3.jar"\n' >"$app/root/BOOT-INF/classpath.idx"
cat >"$work/boot.mf" <<'EOF'
Main-Class: org.springframework.boot.loader.JarLauncher
Start-Class: com.example.demo.DemoApplication
Spring-Boot-Version: 2.5.6
Spring-Boot-Classes: BOOT-INF/classes/
Spring-Boot-Lib: BOOT-INF/lib/
Spring-Boot-Classpath-Index: BOOT-INF/classpath.idx
Implementation-Title: demo-app
Implementation-Version: 0.0.1-SNAPSHOT
EOF
out="$here/demo-app-0.0.1-SNAPSHOT.jar"
rm -f "$out"
mkjar --file "$out" --manifest "$work/boot.mf" -C "$app/root" META-INF -C "$app/root" org -C "$app/root" BOOT-INF/classes -C "$app/root" BOOT-INF/classpath.idx
jar --update --no-compress --date="$DATE" --file "$out" -C "$app/root" BOOT-INF/lib

# --- war and ear --------------------------------------------------------------
web="$work/web"
mkdir -p "$web/WEB-INF/lib" "$web/WEB-INF/classes/com/example/shop" "$web/META-INF/maven/com.example/shop-web"
cat >"$web/Shop.java" <<'EOF'
package com.example.shop;
public class Shop { }
EOF
javac --release 8 -d "$web/WEB-INF/classes" "$web/Shop.java" && rm "$web/Shop.java"
cat >"$web/WEB-INF/web.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<web-app xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="4.0"><display-name>shop</display-name></web-app>
EOF
printf 'groupId=com.example\nartifactId=shop-web\nversion=1.0\n' >"$web/META-INF/maven/com.example/shop-web/pom.properties"
cp mitigated/log4j-core-2.14.1.jar debian/atinject-jsr330-api-1.0.jar "$web/WEB-INF/lib/"
rm -f shop-web-1.0.war && mkjar --file shop-web-1.0.war -C "$web" .

ear="$work/ear"
mkdir -p "$ear/lib" "$ear/META-INF/maven/com.example/shop-ear"
cp shop-web-1.0.war "$ear/"
cp debian/slf4j-nop-1.7.32.jar "$ear/lib/"
cat >"$ear/META-INF/application.xml" <<'EOF'
<?xml version="1.0" encoding="UTF-8"?>
<application xmlns="http://xmlns.jcp.org/xml/ns/javaee" version="8"><module><web><web-uri>shop-web-1.0.war</web-uri><context-root>/shop</context-root></web></module></application>
EOF
printf 'groupId=com.example\nartifactId=shop-ear\nversion=1.0\n' >"$ear/META-INF/maven/com.example/shop-ear/pom.properties"
rm -f shop-ear-1.0.ear && mkjar --file shop-ear-1.0.ear -C "$ear" .

# --- shaded jars --------------------------------------------------------------
sh="$work/shaded"
mkdir -p "$sh/META-INF/maven/com.example/shaded-app"
(cd "$sh" && unzip -q -o "$here/log4j-core-2.14.1.jar" -x META-INF/MANIFEST.MF && unzip -q -o "$here/debian/slf4j-nop-1.7.32.jar" -x META-INF/MANIFEST.MF)
printf 'groupId=com.example\nartifactId=shaded-app\nversion=1.0\n' >"$sh/META-INF/maven/com.example/shaded-app/pom.properties"
rm -f shaded-app-1.0.jar && mkjar --file shaded-app-1.0.jar -C "$sh" .

rel="$work/relocated"
mkdir -p "$rel/src" "$rel/classes/META-INF/maven/com.example/relocated-app"
cp -r "$src/org" "$rel/src/"
find "$rel/src" -name '*.java' -exec sed -i 's/^package org\.apache/package com.example.shaded.org.apache/' {} +
mkdir -p "$rel/src2/com/example/shaded" && mv "$rel/src/org" "$rel/src2/com/example/shaded/"
javac --release 8 -nowarn -d "$rel/classes" $(find "$rel/src2" -name '*.java') 2>/dev/null
rm "$rel/classes/com/example/shaded/org/apache/logging/log4j/core/lookup/JndiLookup.class"
cp -r "$work/log4j/classes/META-INF/maven/org.apache.logging.log4j" "$rel/classes/META-INF/maven/"
printf 'groupId=com.example\nartifactId=relocated-app\nversion=2.0\n' >"$rel/classes/META-INF/maven/com.example/relocated-app/pom.properties"
rm -f relocated-app-2.0.jar && mkjar --file relocated-app-2.0.jar -C "$rel/classes" .

# --- manifest- and name-only jars ---------------------------------------------
bun="$work/bundle"
mkdir -p "$bun/META-INF/maven/org.apache.logging.log4j/log4j-core"
(cd "$bun" && unzip -q -o "$here/debian/slf4j-nop-1.7.32.jar" -x META-INF/MANIFEST.MF)
cp "$work/log4j/classes/META-INF/maven/org.apache.logging.log4j/log4j-core/pom.properties" "$bun/META-INF/maven/org.apache.logging.log4j/log4j-core/"
cat >"$work/bundle.mf" <<'EOF'
Bundle-ManifestVersion: 2
Bundle-Name: bundle
Bundle-SymbolicName: com.example.bundle;singleton:=true
Bundle-Version: 3.1.0
Bundle-License: "Apache License, Version 2.0";link="http://www.apache.org/licenses/LICENSE-2.0"
EOF
rm -f bundle.jar && mkjar --file bundle.jar --manifest "$work/bundle.mf" -C "$bun" .

ct="$work/text"
mkdir -p "$ct/src/org/apache/commons/text" "$ct/classes"
cat >"$ct/src/org/apache/commons/text/StringSubstitutor.java" <<'EOF'
package org.apache.commons.text;
/** Stand-in for commons-text's StringSubstitutor. */
public class StringSubstitutor { }
EOF
javac --release 8 -d "$ct/classes" "$ct/src/org/apache/commons/text/StringSubstitutor.java"
cat >"$work/text.mf" <<'EOF'
Implementation-Title: commons-text
Implementation-Vendor: The Apache Software Foundation
Implementation-Vendor-Id: org.apache.commons
Implementation-Version: 1.9
Bundle-License: https://www.apache.org/licenses/LICENSE-2.0.txt
EOF
rm -f commons-text.jar && mkjar --file commons-text.jar --manifest "$work/text.mf" -C "$ct/classes" .

sy="$work/yaml"
mkdir -p "$sy/src/org/yaml/snakeyaml" "$sy/classes"
printf 'package org.yaml.snakeyaml;\npublic class Yaml { }\n' >"$sy/src/org/yaml/snakeyaml/Yaml.java"
javac --release 8 -d "$sy/classes" "$sy/src/org/yaml/snakeyaml/Yaml.java"
rm -f snakeyaml-1.33.jar && mkjar --file snakeyaml-1.33.jar -C "$sy/classes" .

# --- expected pom.properties, as unzip sees them -------------------------------
# poms ARCHIVE LOCATION: unpacks ARCHIVE and prints its pom.properties
# coordinates, then recurses into the archives it holds.
poms() {
  local dir
  dir=$(mktemp -d -p "$work")
  unzip -q -o "$1" -d "$dir"
  (cd "$dir" && find . -path '*META-INF/maven/*/*/pom.properties' | sort) | while read -r p; do
    g=$(sed -n 's/^groupId=//p' "$dir/$p" | tr -d '\r')
    a=$(sed -n 's/^artifactId=//p' "$dir/$p" | tr -d '\r')
    v=$(sed -n 's/^version=//p' "$dir/$p" | tr -d '\r')
    echo "$2 $g:$a $v"
  done
  (cd "$dir" && find . -type f \( -iname '*.jar' -o -iname '*.war' -o -iname '*.ear' \) | sort) | while read -r n; do
    poms "$dir/$n" "$2!/${n#./}"
  done
}
{
  echo "# generated by make.sh from unzip's view of every fixture; do not edit"
  find . -type f \( -name '*.jar' -o -name '*.war' -o -name '*.ear' \) | sort | while read -r f; do
    poms "$f" "${f#./}"
  done
} >expected-poms.txt
du -cb debian/*.jar mitigated/*.jar ./*.jar ./*.war ./*.ear | tail -1
