#!/usr/bin/env bash
# Measures the nd4j backend's SGD step under each combination of its two thread settings (ND4J's
# own element-wise "op" threads and OpenBLAS threads) on the benchmark shapes, one JMH fork per
# combination and shape, and prints a table of samples/s. The defaults in Nd4jThreads come from
# this measurement (recorded in benchmarks/notes.md, part of RESULTS.md).
#
#   benchmarks/nd4j-threads.sh [extra JMH options]      build first: mvn -q -DskipTests package -pl benchmarks -am
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jar=benchmarks/target/benchmarks.jar
java="${JAVA:-java}"
out=benchmarks/results/nd4j-threads
mkdir -p "$out"
shapes=("tiny:1" "mnist:128" "wide:256")
for op in 1 2; do
  for blas in 1 2; do
    for shape in "${shapes[@]}"; do
      name="${shape%%:*}"; batch="${shape##*:}"
      "$java" -jar "$jar" "SgdStepBenchmark.${name}\$" -p backend=nd4j -p batch="$batch" -wi 3 -i 3 \
          -jvmArgsAppend "-Dnabla.nd4j.op-threads=$op -Dnabla.nd4j.blas-threads=$blas" "$@" \
          -rf json -rff "$out/op$op-blas$blas-$name.json" > "$out/op$op-blas$blas-$name.log" 2>&1
      score="$(grep -E "^SgdStepBenchmark\.${name} " "$out/op$op-blas$blas-$name.log" | awk '{print $(NF-3), $(NF-1)}')"
      printf 'op threads %s, BLAS threads %s, %-5s b%-4s steps/s: %s\n' "$op" "$blas" "$name" "$batch" "${score:-failed, see $out/op$op-blas$blas-$name.log}"
    done
  done
done
