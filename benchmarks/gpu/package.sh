#!/usr/bin/env bash
# Prepares benchmarks/gpu/bundle/ (git-ignored) for run.sh on a GPU machine that has no JDK, no
# Maven and no network: a jlinked Java 25 runtime (jdk.tgz), the CLI's jars without ND4J, and what
# the conformance suite needs (JUnit's console launcher, the test classes). Run it here, on the build
# machine, from any directory; it prints the bundle's size, which must stay under the device tool's
# 64 MiB carry limit together with the working tree.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="$root/benchmarks/gpu/bundle"
junit_version=1.11.3

# The JDK to jlink: NABLA_JDK, else the newest JDK >= 22 with jlink in the usual places.
jdk="${NABLA_JDK:-}"
if [[ -z "$jdk" ]]; then
  best=0
  for d in "${JAVA_HOME:-}" /usr/lib/jvm/* /opt/java/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [[ -n "$d" && -x "$d/bin/jlink" && -f "$d/release" ]] || continue
    v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$d/release")"
    if [[ -n "$v" ]] && (( v >= 22 && v > best )); then best="$v"; jdk="$d"; fi
  done
fi
[[ -n "$jdk" ]] || { echo "package.sh: no JDK 22+ with jlink found (set NABLA_JDK)" >&2; exit 2; }
echo "package.sh: JDK $jdk"

echo "package.sh: building the CLI and backend-cuda's test classes (mvn -DskipTests package)..."
(cd "$root" && JAVA_HOME="$jdk" mvn -q -B -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true -pl cli,backend-cuda -am package)
if [[ ! -f "$root/backend-cuda/target/classes/dev/nabla/backend/cuda/ffm/CudaBackend.class" ]]; then
  echo "package.sh: backend-cuda was built without its Java 22 half; see the build's warning" >&2
  exit 2
fi

rm -rf "$bundle"
mkdir -p "$bundle/lib" "$bundle/test"

# The CLI and its runtime jars, minus ND4J, OpenBLAS, javacpp and their dependencies (~130 MB, and the
# nd4j backend is not measured there); the manifest's Class-Path skips jars that are absent.
cp "$root/cli/target/nabla-cli.jar" "$bundle/lib/"
for j in "$root"/cli/target/lib/*.jar; do
  case "$(basename "$j")" in
    nabla-api-*|nabla-core-*|nabla-backend-reference-*|nabla-backend-cpu-*|nabla-backend-cuda-*|picocli-*|progressbar-*|jline-*|slf4j-*) cp "$j" "$bundle/lib/" ;;
  esac
done

# The conformance suite: JUnit's console launcher, nabla-core's test-jar, backend-cuda's test classes.
(cd "$root" && mvn -q -B -N dependency:copy \
    -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_version" \
    -DoutputDirectory="$bundle/test")
cp "$root"/core/target/nabla-core-*-tests.jar "$bundle/test/"
mkdir -p "$bundle/test/classes"
cp -r "$root/backend-cuda/target/test-classes/." "$bundle/test/classes/"

# A Java runtime of the modules the CLI, the backends and the tests use.
modules=java.base,java.logging,jdk.incubator.vector,jdk.unsupported
tmp="$(mktemp -d)"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
    --output "$tmp/jdk" 2>&1 | grep -v 'incubator modules' || true
tar czf "$bundle/jdk.tgz" -C "$tmp" jdk
rm -rf "$tmp"

{
  echo "bundle for benchmarks/gpu/run.sh"
  echo "built:   $(date -u +%Y-%m-%dT%H:%M:%SZ) from commit $(cd "$root" && git rev-parse --short HEAD)$(cd "$root" && [[ -n "$(git status --porcelain -- . ':!benchmarks/results')" ]] && echo ' (+ uncommitted changes)')"
  echo "runtime: jlink of $("$jdk/bin/java" -version 2>&1 | head -n 1) with $modules"
  echo "jars:    $(cd "$bundle/lib" && ls | tr '\n' ' ')"
  echo "tests:   $(cd "$bundle/test" && ls | tr '\n' ' ')"
} > "$bundle/MANIFEST.txt"
cat "$bundle/MANIFEST.txt"
tree_bytes="$(cd "$root" && git ls-files -z | xargs -0 du -cb 2>/dev/null | tail -n 1 | cut -f1)"
bundle_bytes="$(du -sb "$bundle" | cut -f1)"
echo "package.sh: bundle $((bundle_bytes / 1048576)) MiB + tracked tree $((tree_bytes / 1048576)) MiB" \
     "= $(((bundle_bytes + tree_bytes) / 1048576)) MiB of the 64 MiB the device tool carries"
if (( bundle_bytes + tree_bytes > 60 * 1048576 )); then
  echo "package.sh: too close to the 64 MiB limit" >&2
  exit 1
fi
