"""The fork server's preload: what the pool's fork server does once, before it forks workers.

Imported by ``multiprocessing``'s fork server only (``LocalExecutor`` names it in
``set_forkserver_preload``). Importing this module is its whole job, and it acts only
in the process ``LocalExecutor`` announced: the one whose parent's pid is in
``SOCSIM_SWEEP_PID`` while it starts the server (so importing it anywhere else does
nothing). There it

* asks Linux to kill the fork server when the sweep's process dies (the workers it
  forks are killed in turn when it dies: ``LocalExecutor`` arms them the same way);
* loads the compiled kernels a run uses (``warm_kernels``), so each forked worker
  starts with them instead of loading Numba's cache on its first chunk.
"""
from __future__ import annotations

import os
import sys

from simulation.runner.lifeline import SWEEP_PID, arm_parent_death_signal
from simulation.runner.timeline import mark
from simulation.runner.warm import warm_kernels

if "multiprocessing.forkserver" in sys.modules and os.environ.get(SWEEP_PID) == str(os.getppid()):
    arm_parent_death_signal(expected_parent=os.getppid())
    mark("forkserver warm")
    warm_kernels()
    mark("forkserver warmed")
