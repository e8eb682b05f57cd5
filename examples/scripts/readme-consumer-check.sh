#!/usr/bin/env bash
# Checks the README's "Use Nabla from Java" as a new user meets it: installs this checkout into a
# scratch local repository, makes a separate Maven project from the README's dependency block and
# quick start, builds it and runs it on the JVM(s) given (default: java on the PATH).
#
#   examples/scripts/readme-consumer-check.sh [JAVA ...]
#
# Environment: WORK (scratch directory, default a new temp dir), SEED_REPO (a local Maven repository
# to copy first so that nothing is downloaded twice, default ~/.m2/repository). Your own ~/.m2 is
# never written. Needs Maven Central for plugins the scratch repository lacks.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="${WORK:-$(mktemp -d)}"
repo="$work/m2"
seed="${SEED_REPO:-$HOME/.m2/repository}"
mkdir -p "$repo"
if [[ -d "$seed" ]]; then
  cp -r "$seed/." "$repo/"
  rm -rf "$repo/dev/nabla"
fi
(cd "$root" && mvn -B -q install -DskipTests -Dmaven.repo.local="$repo")
project="$work/consumer"
mkdir -p "$project/src/main/java"
python3 - "$root/README.md" "$project" <<'PY'
import re, sys
readme = open(sys.argv[1]).read()
project = sys.argv[2]
deps = re.search(r'```xml\n(<dependencyManagement>.*?</dependencies>)\n```', readme, re.S).group(1)
open(project + '/pom.xml', 'w').write('''<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId>
  <artifactId>consumer</artifactId>
  <version>1</version>
  <properties>
    <maven.compiler.source>17</maven.compiler.source>
    <maven.compiler.target>17</maven.compiler.target>
    <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
  </properties>
%s
</project>
''' % deps)
quick = re.search(r'<!-- quick-start -->\s*```java\n(.*?)```', readme, re.S).group(1)
open(project + '/src/main/java/QuickStart.java', 'w').write(quick)
PY
(cd "$project" && mvn -B -q compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmaven.repo.local="$repo")
javas=("$@")
if [[ ${#javas[@]} -eq 0 ]]; then
  javas=(java)
fi
for java in "${javas[@]}"; do
  echo "== $("$java" -version 2>&1 | head -1)"
  out="$(cd "$project" && "$java" --add-modules=jdk.incubator.vector -cp "target/classes:$(cat cp.txt)" QuickStart 2>&1)"
  echo "$out"
  grep -q "^on cpu: xor(0,1) = 0\.9" <<<"$out" && grep -q "^reloaded on reference: xor(1,0) = 0\.9" <<<"$out" \
    || { echo "readme-consumer-check: the quick start did not learn XOR on cpu and reload on reference" >&2; exit 1; }
done
echo "readme-consumer-check: OK ($project)"
