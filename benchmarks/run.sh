#!/usr/bin/env bash
# Runs the JMH benchmarks, keeps their JSON results and log in benchmarks/results/, and generates
# benchmarks/RESULTS.md and benchmarks/charts/*.png from them.
#
#   benchmarks/run.sh                      everything (about 20-25 minutes on the 2-core machine)
#   benchmarks/run.sh 'SgdStepBenchmark.mnist$' -p batch=64      any JMH arguments
#
# Build first: mvn -q -DskipTests package -pl benchmarks -am
# Environment: JAVA (the java to run, default: java on the PATH), NABLA_BENCH_DRAFT (a reason that
# marks the report as a draft). benchmarks/notes.md, if present, is copied into the report's Notes.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=benchmarks/target/benchmarks.jar
java="${JAVA:-java}"
if [[ ! -f "$jar" ]]; then
  echo "run.sh: $jar is missing: build it with 'mvn -q -DskipTests package -pl benchmarks -am'" >&2
  exit 2
fi
mkdir -p benchmarks/results
json=benchmarks/results/jmh.json
log=benchmarks/results/jmh.log

cmd=("$java" -jar "$jar" "$@" -rf json -rff "$json")
printf -v shown '%q ' "${cmd[@]}"
shown="${shown% }"
{
  echo "# run.sh: $shown"
  echo "# started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
} | tee "$log"
"${cmd[@]}" 2>&1 | tee -a "$log"
echo "# finished $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')" | tee -a "$log"

report=("$java" -cp "$jar" dev.nabla.benchmarks.report.ReportGenerator "$json" --out benchmarks --command "$shown" --log "$log")
if [[ -n "${NABLA_BENCH_DRAFT:-}" ]]; then
  report+=(--draft "$NABLA_BENCH_DRAFT")
fi
if [[ -f benchmarks/notes.md ]]; then
  report+=(--notes benchmarks/notes.md)
fi
"${report[@]}"
