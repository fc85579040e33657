#!/usr/bin/env python3
"""How long the suite took: the run time of every job (grid and final) of the sweeps committed under
results/, summed from a provpt daemon's job events (state/jobs.db, SQLite), per sweep kind and part.

    scripts/suite-time.py [JOBS_DB]     (default: .provpt/jobs.db)

A job's run time is the time from each 'running' event to the event that ended it. A stretch ended by a
requeue (the daemon stopped with the job running, and requeued it when it started again) is not counted:
its end is the restart, not the moment the process stopped, so it would add the daemon's downtime; the
resumed stretch counts, so an interrupted job is undercounted by the epochs it ran before the stop, and the
number of such stretches is printed. The suite's daemon runs two jobs at a time with one TensorFlow thread each,
so the machine's wall time is about half the job-hours printed, and their sum is the CPU time."""
import collections
import datetime
import glob
import json
import sqlite3
import sys

db = sys.argv[1] if len(sys.argv) > 1 else '.provpt/jobs.db'
sweeps = {}
for report in glob.glob('results/*/*/report.json'):
    sweeps[json.load(open(report))['sweep_id']] = report.split('/')[2]
jobs = sqlite3.connect('file:' + db + '?mode=ro', uri=True)
when = lambda s: datetime.datetime.fromisoformat(s.replace('Z', '+00:00'))
seconds = collections.Counter()
runs = collections.Counter()
interrupted = 0
for job, key in jobs.execute("SELECT id, submit_key FROM jobs WHERE state = 'done' AND submit_key LIKE 'sweep-%'"):
    sweep, run = key[len('sweep-'):].split('/', 1)
    if sweep not in sweeps:
        continue
    variant = run.rsplit('-seed', 1)[0]
    part = ('grid' if variant.startswith('grid')
            else 'Tab. 1 finals' if variant in ('final', 'vpt-deep', 'pro-vpt')
            else 'ablations and settings')
    started = None
    for state, at in jobs.execute('SELECT state, at FROM job_events WHERE job_id = ? ORDER BY seq', (job,)):
        if state == 'running':
            started = when(at)
        elif state == 'queued' and started is not None:
            interrupted += 1
            started = None
        elif started is not None:
            seconds[(sweeps[sweep], part)] += (when(at) - started).total_seconds()
            started = None
    runs[(sweeps[sweep], part)] += 1
print('| sweep kind | part | runs | job-hours |')
print('|---|---|---|---|')
for kind, part in sorted(seconds):
    print(f'| {kind} | {part} | {runs[(kind, part)]} | {seconds[(kind, part)] / 3600:.2f} |')
tab1 = sum(s for (kind, part), s in seconds.items() if part != 'ablations and settings')
print(f'\nTab. 1 (grids and finals): {tab1 / 3600:.2f} job-hours; everything: '
      f'{sum(seconds.values()) / 3600:.2f} job-hours over {sum(runs.values())} runs; {interrupted} stretch(es) '
      'ended by a daemon stop not counted')
