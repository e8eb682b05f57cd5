#!/usr/bin/env python3
"""PyTorch eager as a peer of Nabla's SGD-step benchmark.

The same step as dev.nabla.bench.SgdStep: a dense network with a sigmoid on every layer
(torch.nn.Linear, weight [out, in] as in Nabla), forward, mse = 1/(2B) sum (a - y)^2, backward,
plain SGD (torch.optim.SGD, lr 0.01, no momentum), on one batch resident in memory. The weights
(Xavier uniform, zero biases) and the batch (uniform [0, 1)) are Nabla's numbers: java.util's
SplittableRandom(42) is reproduced here, so the first step's loss equals Nabla's.

Modes:
  torch_step.py --info                      torch's version, threads and BLAS / oneDNN path, as JSON
  torch_step.py --layers mnist --batch 128 [--dtype float32] [--threads N] [--warmup S]
                [--rounds R] [--round-seconds S] [--clock wall|thread] [--json]
                                            times the step: median samples/s of R rounds (per
                                            second of this thread's CPU time with --clock thread)
  torch_step.py --serve --layers ... --batch ... [--dtype] [--threads]
                                            steps on request, for the JMH peer (TorchStep.java):
                                            prints one JSON line (the configuration), then for each
                                            byte 's' read from stdin runs a step and writes its loss
                                            as 8 little-endian bytes; 'q' or end of input quits.

Threads: --threads N calls torch.set_num_threads(N); by default torch's own default (one per core).
"""
import argparse
import json
import os
import platform
import re
import statistics
import struct
import sys
import time

NAMED = {
    "tiny": [1, 1, 1],
    "mnist": [784, 256, 256, 10],
    "wide": [1024, 4096, 4096, 1024],
}
SEED = 42
LEARNING_RATE = 0.01
GOLDEN_GAMMA = 0x9E3779B97F4A7C15


def parse_layers(text):
    if text.lower() in NAMED:
        return list(NAMED[text.lower()])
    return [int(s) for s in text.replace(",", "-").split("-") if s.strip()]


class SplittableRandom:
    """java.util.SplittableRandom(seed).nextDouble(), vectorised with numpy's wrapping uint64."""

    def __init__(self, seed):
        self.seed = seed & 0xFFFFFFFFFFFFFFFF

    def next_doubles(self, n):
        import numpy as np
        with np.errstate(over="ignore"):
            steps = np.arange(1, n + 1, dtype=np.uint64)
            z = np.uint64(self.seed) + steps * np.uint64(GOLDEN_GAMMA)
            z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
            z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
            z = z ^ (z >> np.uint64(31))
        self.seed = (self.seed + n * GOLDEN_GAMMA) & 0xFFFFFFFFFFFFFFFF
        return (z >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def nabla_data(sizes, batch):
    """Nabla's Parameters.xavierUniform(42, sizes) and SyntheticBatch.of(workload), as numpy float64."""
    import numpy as np
    rng = SplittableRandom(SEED)
    weights = []
    for l in range(len(sizes) - 1):
        s = (6.0 / (sizes[l] + sizes[l + 1])) ** 0.5
        w = (2 * rng.next_doubles(sizes[l + 1] * sizes[l]) - 1) * s
        weights.append(w.reshape(sizes[l + 1], sizes[l]))
    rng = SplittableRandom(SEED)
    # SyntheticBatch rounds each draw to float32 before the backend sees it.
    x = rng.next_doubles(batch * sizes[0]).astype(np.float32).reshape(batch, sizes[0])
    y = rng.next_doubles(batch * sizes[-1]).astype(np.float32).reshape(batch, sizes[-1])
    return weights, x, y


def info():
    import torch
    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "mkldnn_available": bool(torch.backends.mkldnn.is_available()),
        "mkl_available": bool(torch.backends.mkl.is_available()),
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "blas": blas_info(torch),
        "parallel": torch.__config__.parallel_info().strip().splitlines()[-1],
        "env": {k: os.environ[k] for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ},
    }


def blas_info(torch):
    """BLAS_INFO of torch's build settings (mkl, openblas...), with MKL's version when it is MKL."""
    config = torch.__config__.show()
    match = re.search(r"BLAS_INFO=([^,\s]+)", config)
    blas = match.group(1) if match else "unknown"
    mkl = re.search(r"Math Kernel Library Version ([^ ]+)", config)
    if blas == "mkl" and mkl:
        blas += " " + mkl.group(1)
    dnn = re.search(r"MKL-DNN (v[^ ]+)", config)
    if dnn:
        blas += ", oneDNN " + dnn.group(1)
    return blas


class Step:
    """The network, optimizer and resident batch of one workload."""

    def __init__(self, sizes, batch, dtype):
        import torch
        weights, x, y = nabla_data(sizes, batch)
        tdtype = torch.float64 if dtype == "float64" else torch.float32
        self.layers = []
        for w in weights:
            lin = torch.nn.Linear(w.shape[1], w.shape[0], dtype=tdtype)
            with torch.no_grad():
                lin.weight.copy_(torch.from_numpy(w))
                lin.bias.zero_()
            self.layers.append(lin)
        self.model = torch.nn.Sequential(*[m for lin in self.layers for m in (lin, torch.nn.Sigmoid())])
        self.optimizer = torch.optim.SGD(self.model.parameters(), lr=LEARNING_RATE, momentum=0)
        self.x = torch.from_numpy(x).to(tdtype)
        self.y = torch.from_numpy(y).to(tdtype)
        self.scale = 1.0 / (2 * batch)
        self.mse = torch.nn.functional.mse_loss

    def run(self):
        self.optimizer.zero_grad(set_to_none=True)
        a = self.model(self.x)
        loss = self.mse(a, self.y, reduction="sum") * self.scale
        loss.backward()
        self.optimizer.step()
        return loss


def time_step(step, batch, warmup, rounds, round_seconds, clock=time.perf_counter):
    deadline = time.perf_counter() + warmup
    steps = 0
    while steps < 2 or time.perf_counter() < deadline:
        step.run()
        steps += 1
    rates = []
    total_steps = 0
    for _ in range(rounds):
        start = clock()
        n = 0
        while True:
            loss = step.run()
            n += 1
            elapsed = clock() - start
            if elapsed >= round_seconds:
                break
        rates.append(n * batch / elapsed)
        total_steps += n
    return {
        "samples_per_s": statistics.median(rates),
        "slowest": min(rates),
        "fastest": max(rates),
        "rounds": [round(r, 1) for r in rates],
        "steps": total_steps,
        "last_loss": float(loss.item()),
    }


def serve(step):
    stdin = sys.stdin.buffer
    stdout = sys.stdout.buffer
    while True:
        command = stdin.read(1)
        if command == b"s":
            stdout.write(struct.pack("<d", float(step.run().item())))
            stdout.flush()
        elif command in (b"q", b""):
            return
        else:
            raise SystemExit("torch_step.py --serve: unknown command %r" % command)


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--info", action="store_true")
    p.add_argument("--serve", action="store_true")
    p.add_argument("--layers", default="mnist")
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    p.add_argument("--threads", type=int, default=0, help="torch.set_num_threads; 0: torch's default")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--round-seconds", type=float, default=1.0)
    p.add_argument("--json", action="store_true")
    p.add_argument("--clock", choices=("wall", "thread"), default="wall",
                   help="wall: samples per second; thread: samples per CPU-second of this thread "
                        "(with --threads 1 all of torch's work runs on it; robust to other load)")
    args = p.parse_args(argv)
    import torch
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    if args.info:
        print(json.dumps(info()))
        return 0
    sizes = parse_layers(args.layers)
    step = Step(sizes, args.batch, args.dtype)
    config = dict(info(), layers="-".join(map(str, sizes)), batch=args.batch, dtype=args.dtype)
    if args.serve:
        first = float(step.run().item())  # the first step's loss: the caller checks it against Nabla's
        print(json.dumps(dict(config, first_loss=first)), flush=True)
        serve(step)
        return 0
    clock = time.thread_time if args.clock == "thread" else time.perf_counter
    result = time_step(step, args.batch, args.warmup, args.rounds, args.round_seconds, clock)
    result.update(config, clock=args.clock)
    if args.json:
        print(json.dumps(result))
    else:
        print("torch %s %s b%d %s, %d thread(s), BLAS %s, oneDNN %s: %.0f samples per %s second (rounds %s)" % (
            torch.__version__, result["layers"], args.batch, args.dtype, result["threads"], result["blas"],
            "yes" if result["mkldnn_available"] else "no", result["samples_per_s"],
            "CPU" if args.clock == "thread" else "wall",
            ", ".join("%.0f" % r for r in result["rounds"])))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
