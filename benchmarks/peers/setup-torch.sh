#!/usr/bin/env bash
# Creates benchmarks/peers/.venv, a Python virtual environment with PyTorch (CPU) and numpy, for the
# benchmarks' PyTorch peer (torch_step.py; the JMH subject `torch`), then prints what torch runs on.
#
#   benchmarks/peers/setup-torch.sh
#
# Environment:
#   PYTHON        the Python to build the venv from (default: python3; torch wants 3.10+)
#   TORCH_WHEELS  a directory of wheels to look in first (default: /opt/wheels when it exists), so an
#                 offline machine with a torch wheel there needs no network
#   TORCH_INDEX   an extra index URL, e.g. https://download.pytorch.org/whl/cpu for CPU-only wheels
#   TORCH_SPEC    what to install (default: torch)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"
wheels="${TORCH_WHEELS:-/opt/wheels}"

if [[ ! -x "$venv/bin/python" ]]; then
  "$python" -m venv "$venv"
fi
args=()
if [[ -d "$wheels" ]]; then
  args+=(--find-links "$wheels")
fi
if [[ -n "${TORCH_INDEX:-}" ]]; then
  args+=(--extra-index-url "$TORCH_INDEX")
fi
"$venv/bin/pip" install --quiet "${args[@]}" "${TORCH_SPEC:-torch}" numpy
echo "setup-torch.sh: $venv/bin/python has:"
"$venv/bin/python" "$here/torch_step.py" --info
