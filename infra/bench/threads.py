#!/usr/bin/env python3
"""Where a running load's wake-ups and CPU go, by process and by thread pool: reads every thread's
/proc/<pid>/task/<tid>/schedstat twice, SECONDS apart, and groups the threads by process (the six
services, the load generator, PostgreSQL, RabbitMQ, Redis) and by name with the digits taken out
("sms.dispatch-#", "ForkJoinPool-#-worker-#", "C# CompilerThread#"). Divided by the messages a second
the load was accepting, it prints each group's wake-ups (times a thread was put on a core) and CPU a
message. Run it while infra/load/run.sh is in its measured phase (docs/benchmarks.md, stop 33):

    python3 infra/bench/threads.py 30 200     # 30 s, the load at 200 messages a second

A thread started in between counts from its start; one that exited in between is not counted.
Groups under 0.3 wake-ups a message are left out of the first list and counted in the totals.
"""
import os
import re
import sys
import time


def process_name(pid):
    try:
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            args = [a.decode(errors='replace') for a in f.read().split(b'\0') if a]
    except OSError:
        return None
    line = ' '.join(args)
    service = re.search(r'([\w-]+-service|gateway)\.jar', line)
    if service:
        return service.group(1)
    if 'surefire' in line:
        return 'load generator'
    if 'beam.smp' in line:
        return 'rabbitmq'
    if args and args[0].startswith('postgres'):
        return 'postgresql'
    if args and 'redis-server' in args[0]:
        return 'redis'
    return None


def sample():
    threads = {}
    for pid in filter(str.isdigit, os.listdir('/proc')):
        process = process_name(pid)
        if process is None:
            continue
        try:
            tids = os.listdir(f'/proc/{pid}/task')
        except OSError:
            continue
        for tid in tids:
            try:
                with open(f'/proc/{pid}/task/{tid}/comm') as f:
                    name = f.read().strip()
                with open(f'/proc/{pid}/task/{tid}/schedstat') as f:
                    cpu_ns, _, runs = map(int, f.read().split())
            except (OSError, ValueError):
                continue  # exited meanwhile
            group = 'backends' if process == 'postgresql' else re.sub(r'\d+', '#', name)
            threads[tid] = (process, group, cpu_ns, runs)
    return threads


def main():
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 30
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 1
    before = sample()
    time.sleep(seconds)
    after = sample()
    groups = {}
    for tid, (process, group, cpu_ns, runs) in after.items():
        _, _, cpu0, runs0 = before.get(tid, (None, None, 0, 0))
        g = groups.setdefault((process, group), [0, 0, 0])
        g[0] += cpu_ns - cpu0
        g[1] += runs - runs0
        g[2] += 1
    per = seconds * rate
    totals = {}
    print(f'{"process":20} {"threads named":34} {"threads":>7} {"wake-ups":>9} {"CPU ms":>7}   (a message)')
    for (process, group), (cpu_ns, runs, n) in sorted(groups.items(), key=lambda kv: -kv[1][1]):
        t = totals.setdefault(process, [0, 0])
        t[0] += cpu_ns
        t[1] += runs
        if runs / per >= 0.3:
            print(f'{process:20} {group:34} {n:7d} {runs / per:9.2f} {cpu_ns / 1e6 / per:7.3f}')
    print()
    for process, (cpu_ns, runs) in sorted(totals.items(), key=lambda kv: -kv[1][1]):
        print(f'{process:20} {"(all threads)":34} {"":7} {runs / per:9.2f} {cpu_ns / 1e6 / per:7.3f}')


if __name__ == '__main__':
    main()
