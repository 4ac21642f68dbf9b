#!/usr/bin/env python3
"""What this machine charges for the kernel work every message pays many times over, so load figures
from two machines can be compared (docs/benchmarks.md, "The machine"): a system call, a round trip
between two processes (two wake-ups, as each hop of a message between services costs), and the first
touch of memory. Run it on an idle machine; it takes a few seconds.

Usage: infra/bench/machine.py
"""
import mmap
import os
import time


def syscall_ns(n=200_000):
    # os.getppid is one system call; the loop's own cost is measured with a call that makes none
    t = time.perf_counter_ns()
    for _ in range(n):
        os.getppid()
    with_call = time.perf_counter_ns() - t
    t = time.perf_counter_ns()
    for _ in range(n):
        abs(1)
    without = time.perf_counter_ns() - t
    return max(0, with_call - without) / n


def round_trip_us(n=20_000):
    a_read, a_write = os.pipe()
    b_read, b_write = os.pipe()
    child = os.fork()
    if child == 0:
        for _ in range(n):
            os.read(a_read, 1)
            os.write(b_write, b"x")
        os._exit(0)
    t = time.perf_counter_ns()
    for _ in range(n):
        os.write(a_write, b"x")
        os.read(b_read, 1)
    elapsed = time.perf_counter_ns() - t
    os.waitpid(child, 0)
    return elapsed / n / 1000


def first_touch_s_per_gib(size=256 << 20):
    m = mmap.mmap(-1, size)
    t = time.perf_counter()
    for i in range(0, size, 4096):
        m[i] = 1
    elapsed = time.perf_counter() - t
    m.close()
    return elapsed * (1 << 30) / size


if __name__ == "__main__":
    print(
        "machine: %d cores; a system call %.0f ns, a round trip between two processes (pipe) %.1f us,"
        " first touch of memory %.2f s a GiB" % (os.cpu_count(), syscall_ns(), round_trip_us(), first_touch_s_per_gib())
    )
