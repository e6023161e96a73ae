"""Scanning ads in worker processes gives exactly what one process gives."""

from __future__ import annotations

import io
import os
import signal
import sys

import pandas as pd
import pytest
from rich.console import Console

from adcensus import parallel
from adcensus.dedupe import dedupe
from adcensus.errors import AdcensusError
from adcensus.outputs import write_outputs


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


def test_every_stage_reports_how_far_it_got(tmp_path, sample_dir):
    calls: list[tuple[str, int | None, int | None]] = []

    def record(stage: str, done: int | None = None, total: int | None = None) -> None:
        calls.append((stage, done, total))

    result = dedupe([sample_dir / "ads.csv"], progress=record)
    write_outputs(result, tmp_path / "out", progress=record)
    finished = {stage for stage, done, total in calls if done is not None and done == total}
    assert finished == {"phones", "text", "block", "compare", "cluster", "write"}
    rows = len(result.ads) + len(result.persons) + len(result.pairs)
    assert ("write", rows, rows) in calls


def test_the_terminal_reporter_draws_every_stage_with_its_rate(monkeypatch):
    from adcensus.cli import base

    screen = io.StringIO()
    console = Console(file=screen, force_terminal=True, width=120)
    monkeypatch.setattr(base, "err_console", console)
    reporter = base.progress_bar()
    report = next(reporter)
    report("read")
    report("phones", 0, 1000)
    report("phones", 1000, 1000)
    report("text")
    report("write", 10, 20)
    with pytest.raises(StopIteration):
        next(reporter)
    shown = screen.getvalue()
    for label in ("Reading ads", "Finding phone numbers", "Folding text", "Writing outputs"):
        assert label in shown
    assert "ads/s" in shown


def _die_on_second_chunk(data: list[int], start: int, stop: int) -> int:
    if start == 10:
        os.kill(os.getpid(), signal.SIGKILL)  # as the system's out-of-memory killer would
    return stop - start


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers fork on Linux only")
def test_a_worker_killed_midway_is_a_clear_error_not_a_hang():
    data = list(range(40))
    with pytest.raises(AdcensusError, match="worker process stopped"):
        list(parallel.map_chunks(_die_on_second_chunk, data, len(data), workers=2, chunk=10))
