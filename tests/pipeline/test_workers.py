"""workers.fork_map / fork_iter: how every stage shares work out to forked processes."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from qa2anki import workers

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: work is never forked")


def test_forked_results_come_back_in_order_from_the_inherited_work():
    lookup = {n: n * n for n in range(5000)}  # never pickled: the workers inherit it

    def squares(chunk: list[int]) -> list[tuple[int, int]]:
        return [(os.getpid(), lookup[n]) for n in chunk]

    forked = workers.fork_map(squares, list(range(5000)), minimum=0, workers=2, least_chunk=100)
    assert [value for _, value in forked] == [n * n for n in range(5000)]
    assert os.getpid() not in {pid for pid, _ in forked}  # done by the workers, not here


def test_below_the_minimum_the_work_is_done_here():
    here = workers.fork_map(lambda chunk: [os.getpid() for _ in chunk], [1, 2, 3], minimum=4, workers=2)
    assert here == [os.getpid()] * 3


def test_results_stream_one_chunk_at_a_time_and_jobs_can_follow_each_other():
    stream: Iterator[int] = workers.fork_iter(lambda chunk: [n + 1 for n in chunk], list(range(10)),
                                              minimum=0, workers=2, chunk=1)
    assert next(stream) == 1  # the first result, before the rest is collected
    # the job was only set aside while its workers were forked: another can start meanwhile
    negated = workers.fork_map(lambda chunk: [-n for n in chunk], [1, 2], minimum=0, workers=2, chunk=1)
    assert negated == [-1, -2]
    assert list(stream) == list(range(2, 11))


def test_an_error_in_a_worker_reaches_the_caller():
    def fails(chunk: list[int]) -> list[int]:
        raise ValueError(f"bad input {chunk[0]}")

    with pytest.raises(ValueError, match="bad input 0"):
        workers.fork_map(fails, [0, 1, 2, 3], minimum=0, workers=2, chunk=1)
