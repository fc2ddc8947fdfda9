"""bench.common.pool_timeline: where a pool's wall went, worker by worker."""

from __future__ import annotations

from bench.common import pool_timeline


def _chunk(pid: int, start: float, end: float, *, cpu: float = 0.0) -> dict[str, object]:
    return {"pid": pid, "init": (100.1, 100.3), "start": start, "end": end, "cpu": cpu,
            "server": cpu / 2}  # fmt: skip


def test_busy_idle_and_the_tail_of_two_workers() -> None:
    # given: a pool started at 100.0 and closed at 110.0; worker 7 ran 100.5–103 and
    # 103–108 (busy 7.5 s), worker 8 ran 100.6–104 and 105–109.5 (busy 7.9 s, 1 s between)
    entries = [
        _chunk(8, 105.0, 109.5, cpu=4.0), _chunk(7, 100.5, 103.0, cpu=2.0),
        _chunk(7, 103.0, 108.0, cpu=5.0), _chunk(8, 100.6, 104.0, cpu=3.0),
    ]  # fmt: skip
    # when
    t = pool_timeline(100.0, 110.0, entries)
    # then
    assert t["wall"] == 10.0
    first, second = t["processes"]
    assert (first["pid"], first["chunks"], first["busy"], first["idle"]) == (7, 2, 7.5, 2.5)
    assert first["setup"] == [0.1, 0.3] and first["first_chunk"] == [0.5, 3.0]
    assert first["last_chunk_end"] == 8.0 and first["cpu_python"] == 7.0
    assert first["cpu_server"] == 3.5
    assert (second["pid"], second["busy"], second["idle"]) == (8, 7.9, 2.1)
    assert second["last_chunk_end"] == 9.5
    # the first worker had nothing left 1.5 s before the second ended; the pool closed
    # 0.5 s after the last chunk
    assert t["tail"] == 1.5 and t["after_last_chunk"] == 0.5


def test_no_chunks() -> None:
    t = pool_timeline(5.0, 5.25, [])
    assert t == {"wall": 0.25, "processes": [], "tail": 0.0, "after_last_chunk": 0.0}
