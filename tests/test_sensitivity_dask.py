"""Weight draws and sweeps on a real `dask.distributed` LocalCluster (two in-process workers,
so two HiGHS instances re-solve at once in one process): the same tables as the local run
with the same seed, for an LP plan and for a MIP plan's fixed selection."""

from __future__ import annotations

import pandas as pd
import pytest

import kcopt
from kcopt.analysis.sensitivity import run_sensitivity
from kcopt.analysis.sensitivity.engine import _chunks

distributed = pytest.importorskip("distributed", reason="the dev extra installs dask")

DEMO = kcopt.demo_scenario_path()


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as c:
        yield c


@pytest.mark.parametrize("scenario", ["demo.yaml", "demo-mip.yaml"])
def test_local_cluster_gives_the_local_answer(cluster, scenario: str) -> None:
    result = kcopt.run(DEMO.with_name(scenario)).result
    options = {"draws": 40, "seed": 11, "sweep_points": 3, "grid": 2, "margins": 0}
    local = run_sensitivity(result, **options)
    with distributed.Client(cluster) as client, distributed.get_task_stream(client) as stream:
        on_dask = run_sensitivity(result, scheduler=cluster.scheduler_address, **options)
    # the re-solves really ran on the cluster, on both its workers
    chunks = [t for t in stream.data if "_run_chunk" in str(t.get("key"))]
    assert len(chunks) >= 8 and len({t["worker"] for t in chunks}) == 2
    assert on_dask.settings["failed_draws"] == 0
    for name, table in local.tables().items():
        pd.testing.assert_frame_equal(table, on_dask.tables()[name], obj=name)


def test_work_is_cut_for_every_worker() -> None:
    chunks = _chunks(list(range(40)), 2)
    assert [x for c in chunks for x in c] == list(range(40))  # in order, each point once
    assert len(chunks) == 8

