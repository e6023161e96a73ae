"""Scanning ads in worker processes gives exactly what one process gives."""

from __future__ import annotations

import sys

import pandas as pd
import pytest

from adcensus import parallel
from adcensus.dedupe import dedupe


def _square_sum(data: list[int], start: int, stop: int) -> int:
    return sum(x * x for x in data[start:stop])


def test_map_chunks_keeps_order_and_reports_rows_done():
    data = list(range(103))
    inline = list(parallel.map_chunks(_square_sum, data, len(data), workers=1, chunk=10))
    assert [done for done, _ in inline] == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 103]
    assert sum(r for _, r in inline) == sum(x * x for x in data)
    if sys.platform.startswith("linux"):
        forked = list(parallel.map_chunks(_square_sum, data, len(data), workers=2, chunk=10))
        assert forked == inline


def test_worker_count_uses_one_process_for_small_files():
    assert parallel.worker_count(1_000) == 1
    assert parallel.worker_count(10**6, workers=1) == 1


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_dedupe_with_workers_equals_dedupe_in_one_process(monkeypatch, sample_dir):
    monkeypatch.setattr(parallel, "MIN_ROWS_PER_WORKER", 100)
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 97)
    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    assert parallel.worker_count(699) == 2
    one = dedupe([sample_dir / "ads.csv"], workers=1)
    two = dedupe([sample_dir / "ads.csv"], workers=2)
    pd.testing.assert_frame_equal(one.ads, two.ads)
    pd.testing.assert_frame_equal(one.pairs, two.pairs)
    assert one.summary == two.summary


def test_the_sample_runs_in_several_chunks_when_asked(monkeypatch, sample_dir):
    seen: list[int] = []
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 97)
    dedupe(
        [sample_dir / "ads.csv"], progress=lambda stage, done=None, total=None: seen.append(done)
    )
    assert [d for d in seen if d is not None][:8] == [97, 194, 291, 388, 485, 582, 679, 699]
