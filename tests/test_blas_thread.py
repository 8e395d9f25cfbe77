"""`import kcopt` before NumPy: OpenBLAS gets one thread unless the planner chose (docs/api.md,
"One BLAS thread"). A dot of two plan-sized vectors is otherwise OpenBLAS's threaded dot, whose
worker spins ~50 ms of CPU on another core after each one."""

from __future__ import annotations

import os
import subprocess
import sys

PROBE = ("import kcopt, os, time, numpy as np\n"
         "a = np.random.default_rng(0).random(20000)\n"
         "float(a @ a); time.sleep(0.05)\n"
         "c = time.process_time(); [float(a @ a) for _ in range(20)]; time.sleep(0.2)\n"
         "print(os.environ.get('OPENBLAS_NUM_THREADS'), time.process_time() - c)\n")


def _probe(**env: str) -> tuple[str, float]:
    base = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run([sys.executable, "-c", PROBE], env={**base, **env},
                         capture_output=True, text=True, check=True, timeout=120).stdout.split()
    return out[0], float(out[1])


def test_importing_kcopt_first_gives_openblas_one_thread_and_no_spinning_worker() -> None:
    value, cpu = _probe()
    assert value == "1"
    # twenty dots of 20,000 numbers and a 0.2 s pause: microseconds of work, no spinning worker
    assert cpu < 0.03, cpu


def test_a_thread_count_the_planner_set_is_kept() -> None:
    value, _ = _probe(OPENBLAS_NUM_THREADS="2")
    assert value == "2"
