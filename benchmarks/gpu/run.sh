#!/usr/bin/env bash
# The GPU run of the `cuda` backend (issue 11), for a machine with an NVIDIA GPU and nothing else:
# no JDK, no Maven, no network. It uses only benchmarks/gpu/bundle/ (made by package.sh) and the
# system's NVIDIA driver. In about 4-6 minutes (a guard stops starting steps after 7.5) it prints
#   nvidia-smi; the CUDA libraries present; the backends and why not;
#   the conformance suite on `cuda` (own GEMM, then cuBLAS if present), both dtypes;
#   nabla gradcheck --backends reference,cuda (float64 and float32); nabla demo seed002; nabla train;
#   the GEMM benchmark of issue 12 (own kernels as planned, every tile and split, cuBLAS);
#   nabla bench, SGD steps of cuda (own GEMM), cuda (cuBLAS) and cpu on the benchmark shapes;
# and writes it all to benchmarks/results/gpu-<gpu>-<date>.txt, and to $OUT when that is set (the
# device tool returns what is there). Without a GPU every step still runs and reports why it cannot
# (the rehearsal: see benchmarks/gpu/README.md).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
bundle="${NABLA_GPU_BUNDLE:-$root/benchmarks/gpu/bundle}"
started=$(date +%s)
budget=420   # seconds after which no new step starts
hard_end=465 # no step runs past this: with the unpacking, the whole run stays under 8 minutes

if [[ ! -f "$bundle/jdk.tgz" ]]; then
  echo "run.sh: no bundle at $bundle: run benchmarks/gpu/package.sh on the build machine and carry benchmarks/gpu/bundle" >&2
  exit 2
fi
runtime="${TMPDIR:-/tmp}/nabla-gpu-jdk"
if [[ ! -x "$runtime/jdk/bin/java" ]]; then
  rm -rf "$runtime" && mkdir -p "$runtime" && tar xzf "$bundle/jdk.tgz" -C "$runtime"
fi
java="$runtime/jdk/bin/java"

# Rehearsal on a machine without a GPU: NABLA_GPU_FAKE_DRIVER names the tests' fake libcuda
# (backend-cuda/target/native/libfakecuda-*.so: the driver API compiled against cuda.h, kernels run
# by the host emulator), which then stands in as libcuda.so.1, so every GPU step runs its real code
# path, on small shapes only (the emulator is ~10^4 times slower than a GPU).
fake=0
quick="${NABLA_GPU_QUICK:-0}"   # 1: no tile sweep, two bench shapes (a rerun in less device time)
gpu="no-gpu"
if [[ -n "${NABLA_GPU_FAKE_DRIVER:-}" ]]; then
  fake=1
  gpu="fake-driver"
  fakedir="$(mktemp -d)"
  ln -s "$(readlink -f "$NABLA_GPU_FAKE_DRIVER")" "$fakedir/libcuda.so.1"
  export LD_LIBRARY_PATH="$fakedir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
fi
if (( ! fake )) && command -v nvidia-smi >/dev/null 2>&1; then
  name="$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -n 1)"
  [[ -n "$name" ]] && gpu="$(echo "$name" | tr -cs 'A-Za-z0-9' '-' | sed 's/^-*//; s/-*$//' | tr 'A-Z' 'a-z')"
fi
stamp="$(date -u +%Y%m%d-%H%M)"
result="$root/benchmarks/results/gpu-$gpu-$stamp.txt"
mkdir -p "$(dirname "$result")"
copies=("$result")
if [[ -n "${OUT:-}" && -d "${OUT:-}" ]]; then copies+=("$OUT/$(basename "$result")"); fi
exec > >(tee "${copies[@]}") 2>&1

section() { echo; echo "== $*"; }
# step SECONDS CMD...: runs one step under a time limit, prints its exit code, skips it past the budget.
step() {
  local limit="$1"; shift
  local now=$(( $(date +%s) - started ))
  if (( now > budget )); then
    echo "(skipped: ${now}s into the run, past the ${budget}s budget)"
    return 0
  fi
  if (( limit > hard_end - now )); then limit=$(( hard_end - now )); fi
  timeout --kill-after=5 "$limit" "$@"
  local rc=$?
  if (( rc == 124 || rc == 137 )); then echo "(stopped after ${limit}s)"; fi
  echo "exit $rc ($(( $(date +%s) - started ))s into the run)"
}
flags=(--add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow)
nabla=("$java" "${flags[@]}" -cp "$bundle/lib/*" dev.nabla.cli.Nabla)

echo "# The cuda backend on $gpu, $(date -u +%Y-%m-%dT%H:%M:%SZ), by benchmarks/gpu/run.sh"
echo "# Host: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo) memory"
sed 's/^/# /' "$bundle/MANIFEST.txt"

section "nvidia-smi"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi
  nvidia-smi --query-gpu=name,compute_cap,driver_version,memory.total,clocks.max.sm --format=csv
else
  echo "no GPU: nvidia-smi is not installed$( (( fake )) && echo " (rehearsal on the fake driver $NABLA_GPU_FAKE_DRIVER)")"
fi

section "CUDA libraries (ldconfig, /usr/local/cuda*)"
ldconfig -p 2>/dev/null | grep -E 'libcuda\.so|libcublas|libcublasLt|libcudart|libnvrtc' || echo "(none in ldconfig's cache)"
ls -1 /usr/local/cuda*/lib64/libcublas* /usr/local/cuda*/targets/*/lib/libcublas* 2>/dev/null || echo "(no libcublas under /usr/local/cuda*)"

section "java"
"$java" -version 2>&1

section "nabla backends"
"${nabla[@]}" backends 2>&1 | grep -v 'incubator modules'
if "${nabla[@]}" backends 2>/dev/null | grep -Eq '^cuda +[0-9]+ +(default|available)'; then
  have_gpu=1
else
  have_gpu=0
  echo "no GPU: the cuda backend is unavailable here (reason above); each GPU step below reports the same"
fi

section "conformance suite on cuda: own GEMM, then cuBLAS (JUnit console; skipped classes say why)"
cp_tests="$bundle/test/classes"
for j in "$bundle"/test/nabla-core-*-tests.jar "$bundle"/lib/*.jar; do cp_tests="$cp_tests:$j"; done
step 300 "$java" "${flags[@]}" -Dnabla.cuda.source.dir="$root/backend-cuda/src/main/cuda" \
    -Dnabla.cuda.build.dir="${TMPDIR:-/tmp}/nabla-build" \
    -jar "$bundle"/test/junit-platform-console-standalone-*.jar execute \
    --class-path "$cp_tests" --disable-banner --disable-ansi-colors --details=tree --details-theme=ascii \
    --select-class dev.nabla.backend.cuda.ffm.CudaConformanceTest \
    --select-class dev.nabla.backend.cuda.ffm.CublasConformanceTest \
    --select-class dev.nabla.backend.cuda.ffm.CudaGraphTest \
    --select-class dev.nabla.backend.cuda.CudaProviderTest 2>&1 | grep -v 'incubator modules'

section "nabla gradcheck --backends reference,cuda (float64, then float32 on a bigger net)"
step 60 "${nabla[@]}" gradcheck --backends reference,cuda 2>&1 | grep -v 'incubator modules'
step 60 "${nabla[@]}" gradcheck --backends reference,cuda --dtype float32 --layers 784,256,10 --batch 64 --loss bce 2>&1 | grep -v 'incubator modules'

section "nabla demo seed002 --backend cuda"
step 60 "${nabla[@]}" demo seed002 --backend cuda 2>&1 | grep -v 'incubator modules'

section "nabla train --backend cuda (the default 8-16-4 run), and float64"
step 60 "${nabla[@]}" train --backend cuda 2>&1 | grep -v 'incubator modules'
step 60 "${nabla[@]}" train --backend cuda --dtype float64 --epochs 2 2>&1 | grep -v 'incubator modules'

section "GEMM (issue 12): own kernels as planned and every tile/split, cuBLAS; TFLOP/s and % of the non-tensor-core peak"
gemm_args=()
(( quick )) && gemm_args=(--quick)
(( fake )) && gemm_args=(--small)
step 200 "$java" "${flags[@]}" -cp "$bundle/lib/*" dev.nabla.backend.cuda.ffm.GemmBench "${gemm_args[@]}" 2>&1 | grep -v 'incubator modules'

section "nabla bench: SGD steps on the benchmark shapes: cuda (own GEMM) and cpu, then cuda with cuBLAS"
have_cublas=0
if (( have_gpu )) && "$java" "${flags[@]}" -cp "$bundle/lib/*" dev.nabla.backend.cuda.ffm.GemmBench --cublas-probe 2>/dev/null; then
  have_cublas=1
fi
shapes=("tiny 1 float32" "mnist 32 float32" "mnist 128 float32" "mnist 1024 float32" "mnist 128 float64" "wide 256 float32")
(( quick )) && shapes=("mnist 128 float32" "wide 256 float32")
(( fake )) && shapes=("tiny 1 float32" "8-16-4 64 float64")
for shape in "${shapes[@]}"; do
  set -- $shape
  echo "-- $1 batch $2 $3"
  step 60 "${nabla[@]}" bench --layers "$1" --batch "$2" --dtype "$3" --backends cuda,cpu --seconds 2 2>&1 | grep -v 'incubator modules'
  if (( have_cublas )); then
    step 60 "$java" "${flags[@]}" -Dnabla.cuda.gemm=cublas -cp "$bundle/lib/*" dev.nabla.cli.Nabla \
        bench --layers "$1" --batch "$2" --dtype "$3" --backends cuda --seconds 2 2>&1 | grep -v 'incubator modules'
  fi
done

section "done in $(( $(date +%s) - started ))s; written to ${copies[*]}"
