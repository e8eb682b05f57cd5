#!/usr/bin/env bash
# Runs `nabla train --spark` through spark-submit on Spark's local-cluster master: a standalone master,
# workers and two executor JVMs on this machine, the cluster jar shipped to them as on a real cluster.
# With --kill, one executor JVM is killed (kill -9) during epoch 3; Spark replaces it, rebuilds the
# lost partition from the driver and retries its task. Either way the float64 weights are compared
# with a one-machine run of the same command.
#
#   spark/scripts/local-cluster-check.sh [--kill]
#
# Needs a build (mvn -pl spark -am package) and python3 (to compare the two model files). No Spark
# installation: a SPARK_HOME is made from the jars in the local Maven repository.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
kill_one=false; [[ "${1:-}" == --kill ]] && kill_one=true
work="$(mktemp -d)"; trap 'rm -rf "$work"' EXIT
cp="$root/spark/target/classpath.txt"; jar="$root/spark/target/nabla-spark-cluster.jar"
[[ -f "$cp" && -f "$jar" ]] || { echo "build first: mvn -pl spark -am package" >&2; exit 2; }

# A SPARK_HOME: Spark's jars (the spark module's class path without Nabla, ND4J and the CLI's own jars).
home="$work/spark-home"; mkdir -p "$home/jars"
echo "Spark (jars from the local Maven repository)" > "$home/RELEASE"
spark_cp=""
for j in $(tr ':' ' ' < "$cp"); do
  case "$j" in */dev/nabla/*|*/org/nd4j/*|*/org/bytedeco/*|*/info/picocli/*|*/me/tongfei/*|*/org/jline/*|*/target/*) continue;; esac
  ln -s "$j" "$home/jars/"; spark_cp="$spark_cp:$j"
done
flags=(--add-modules=jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED)
args=(train --epochs 6 --samples 4000 --backend reference --dtype float64)

# What `spark-submit --master local-cluster[2,1,1024] --class dev.nabla.cli.Nabla JAR ...` runs.
log="$work/cluster.log"
SPARK_HOME="$home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 java "${flags[@]}" -cp "${spark_cp#:}" \
  org.apache.spark.deploy.SparkSubmit --master 'local-cluster[2,1,1024]' --conf spark.ui.enabled=false \
  --class dev.nabla.cli.Nabla "$jar" "${args[@]}" --spark --model-out "$work/cluster.safetensors" >"$log" 2>&1 &
submit=$!
if $kill_one; then
  for _ in $(seq 1 300); do grep -q "epoch   2/6" "$log" && break; sleep 1; done
  victim="$(pgrep -f CoarseGrainedExecutorBackend | head -1)"
  echo "killing executor JVM $victim (kill -9) during epoch 3"
  kill -9 "$victim"
fi
wait "$submit" || { tail -40 "$log"; exit 1; }
grep -E "^(training|spark:|epoch|model)" "$log"
grep -E "Lost executor|its executor exited" "$log" | cut -c1-160 || true

"$root/nabla" "${args[@]}" --model-out "$work/local.safetensors" | grep -E "^epoch"
python3 - "$work/local.safetensors" "$work/cluster.safetensors" <<'PY'
import json, struct, sys
def load(path):
    b = open(path, "rb").read(); n = struct.unpack("<Q", b[:8])[0]
    h = json.loads(b[8:8 + n]); h.pop("__metadata__", None); d = b[8 + n:]
    return {k: struct.unpack("<%dd" % ((v["data_offsets"][1] - v["data_offsets"][0]) // 8),
                             d[v["data_offsets"][0]:v["data_offsets"][1]]) for k, v in h.items()}
a, b = load(sys.argv[1]), load(sys.argv[2])
rel = max(abs(x - y) for k in a for x, y in zip(a[k], b[k])) / max(abs(x) for k in a for x in a[k])
print("local-cluster vs one machine: max relative difference of the weights %.3g" % rel)
sys.exit(0 if rel < 1e-12 else 1)
PY
