#!/usr/bin/env python3
"""The cost model of docs/spark.md: Spark steps per second for Nabla's sync and average modes.

Run it to regenerate the tables in docs/spark.md (python3 docs/spark-cost-model.py). Every input is a
named constant below, with where it comes from: measured on this project's machine (2 cores, local
mode, benchmarks/notes-spark.md), Spark's own rules (source files named), or an assumption.
"""

# --- Measured (benchmarks/notes-spark.md, 2026-12-02, 2 cores shared with another engineer's runs) ----
# Effective arithmetic of one executor with 2 cores (the cpu backend), counted as 6 * P flops per row
# (forward 2P, backward 4P; the first layer's backward needs no input gradient, so the true count is
# lower, which only rescales F): one machine, 2 threads, 784-128-10 at batch 512, third epoch:
# 228,790 rows/s -> 6 * 101,770 * 228,790.
F = 6 * 101_770 * 228_790       # flop/s per executor (~140 GFLOP/s, float32, AVX-512)
# A one-stage job in local mode (driver and executors in one JVM, nothing on the wire): fixed part and
# part per task, a least-squares line through JobScaling's empty tasks over 1..128 cached partitions
# (6.4 ms at 1, 79 ms at 128).
L0 = 0.0090                     # s per job
C_TASK = 0.00062                # s per task (launch, run, result, events; on the driver's 2 shared cores)
# Result handling in the driver, from JobScaling with 795 KB results (1.34 ms per task instead of 0.62):
# 0.72 ms per 795 KB, i.e. ~1.1 GB/s of partial sums deserialised and merged.
RESULT_BYTES_PER_S = 795 * 1024 / 0.00072

# --- Assumed for a real cluster ------------------------------------------------------------------------
RTT = 0.0005                    # s, one network round trip in a data centre
# A cluster job pays L0, a few round trips (task launch, result, block fetches) and the driver's
# serial per-task work (serialise, launch, handle the result and its events): E * C_TASK.

# --- Spark's rules ---------------------------------------------------------------------------------------
BLOCK = 4 << 20                 # spark.broadcast.blockSize: TorrentBroadcast's piece size
DEPTH = 2                       # treeAggregate's default depth (RDD.treeAggregate, core/.../rdd/RDD.scala)


def tree(e, depth=DEPTH):
    """Spark's treeAggregate rule: scale = max(ceil(e^(1/depth)), 2); while e > scale + ceil(e/scale): e //= scale.
    Returns the fan-in of each level, the driver's last."""
    import math
    scale = max(math.ceil(e ** (1.0 / depth)), 2)
    levels = []
    n = e
    while depth > 1 and n > scale + math.ceil(n / scale):
        levels.append(math.ceil(n / (n // scale)))  # partials each reducer fetches
        n //= scale
    levels.append(n)  # the driver fetches n partials
    return levels


def step_time(p, e, w_bytes, rows_per_executor, mode="sync", k=1, dtype_bytes=4):
    """Seconds per SGD step for p parameters on e executors, network w_bytes/s, b rows per executor per step."""
    levels = tree(e)
    # Down: the weights (average: and momentum) once per job. A broadcast of one piece (<= 4 MB) is
    # fetched from the driver by every executor at once (TorrentBroadcast only spreads pieces that
    # peers already hold): driver-bound. Many pieces: peers serve each other; bound by one copy plus the
    # first piece to every executor.
    down_bytes = dtype_bytes * p * (2 if mode == "average" else 1)
    if down_bytes <= BLOCK:
        t_down = e * down_bytes / w_bytes
    else:
        t_down = down_bytes / w_bytes + e * BLOCK / w_bytes
    # Up: float64 partial sums (average: weights and momentum), through the tree's levels; each
    # level's reducer (the driver last) fetches its fan-in of vectors.
    up_bytes = 8 * p * (2 if mode == "average" else 1)
    # each level's reducer fetches f vectors over its link and merges them (the driver: at
    # RESULT_BYTES_PER_S, measured)
    t_up = sum(f * up_bytes / w_bytes for f in levels) + levels[-1] * up_bytes / RESULT_BYTES_PER_S
    stages = len(levels)  # one stage per level
    t_sched = stages * (L0 + 4 * RTT) + e * C_TASK + (len(levels) - 1) * (e // 2) * C_TASK
    t_compute = k * rows_per_executor * 6 * p / F
    return (t_sched + t_down + t_up + t_compute) / k


def params(layers):
    return sum(layers[i] * layers[i + 1] + layers[i + 1] for i in range(len(layers) - 1))


def bytes_per_step(p, mode="sync", k=1, dtype_bytes=4):
    """Bytes one executor receives and sends per SGD step (average: per round, divided by K)."""
    down = dtype_bytes * p * (2 if mode == "average" else 1)
    up = 8 * p * (2 if mode == "average" else 1)
    return down / k, up / k


def break_even(p, e, w_bytes, mode="sync", k=1):
    """Smallest rows per executor per step at which the step's compute is at least its overhead."""
    b = 1
    while b < 1 << 24:
        total = step_time(p, e, w_bytes, b, mode, k)
        compute = b * 6 * p / F
        if compute >= total - compute:
            return b
        b *= 2
    return None


if __name__ == "__main__":
    nets = {"784-128-10": [784, 128, 10], "784-1024-1024-10": [784, 1024, 1024, 10],
            "784-4096-4096-10": [784, 4096, 4096, 10]}
    for name, layers in nets.items():
        p = params(layers)
        down, up = bytes_per_step(p)
        adown, aup = bytes_per_step(p, "average", 8)
        print(f"\n{name}: {p:,} parameters. Per step and executor: sync {down / 1e6:.2f} MB down (float32 weights), "
              f"{up / 1e6:.2f} MB up (float64 sums); average K=8 (with momentum) {adown / 1e6:.2f} MB down, "
              f"{aup / 1e6:.2f} MB up\n")
        print("| executors | network | rows per executor per step | sync steps/s | average K=8 steps/s | "
              "one executor, same global batch, steps/s |")
        print("| --- | --- | --- | --- | --- | --- |")
        for e in (10, 100, 1000):
            for gbps in (10, 100):
                w = gbps * 1e9 / 8
                for b in (128, 4096):
                    s = 1 / step_time(p, e, w, b, "sync")
                    a = 1 / step_time(p, e, w, b, "average", 8)
                    alone = F / (6 * p * b * e)  # the same global batch on one executor
                    print(f"| {e} | {gbps} Gb/s | {b} | {s:,.1f} | {a:,.1f} | {alone:,.2f} |")
    print("\nRows per executor per step from which compute is at least half the step (sync / average K=8):\n")
    print("| network | executors | 784-128-10 | 784-1024-1024-10 | 784-4096-4096-10 |")
    print("| --- | --- | --- | --- | --- |")
    for gbps in (10, 100):
        w = gbps * 1e9 / 8
        for e in (10, 100, 1000):
            cells = []
            for layers in nets.values():
                p = params(layers)
                cells.append(f"{break_even(p, e, w):,} / {break_even(p, e, w, 'average', 8):,}")
            print(f"| {gbps} Gb/s | {e} | " + " | ".join(cells) + " |")
