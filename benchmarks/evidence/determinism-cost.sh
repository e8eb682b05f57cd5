#!/usr/bin/env bash
# What the cpu backend's deterministic kernels cost: StepCpuTime (one backend thread, timed by the
# thread's CPU time) on every benchmark shape, with the benchmarks jar built before (BEFORE_JAR) and
# after (AFTER_JAR) the determinism commits, alternated three times per shape so that changes in the
# machine's load fall on both sides alike.
#
#   BEFORE_JAR=... AFTER_JAR=... benchmarks/evidence/determinism-cost.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
for shape in 'mnist 32 float32' 'mnist 128 float32' 'mnist 1024 float32' 'mnist 128 float64' 'wide 256 float32'; do
  for i in 1 2 3; do
    for side in before after; do
      jar=$BEFORE_JAR; [[ $side == after ]] && jar=$AFTER_JAR
      printf '%s %s: ' "$side" "$i"
      # shellcheck disable=SC2086
      java --add-modules=jdk.incubator.vector -Xmx6g -Dnabla.threads=1 -cp "$jar" \
        "$here/StepCpuTime.java" cpu $shape 5 7 1 2>/dev/null
    done
  done
done
