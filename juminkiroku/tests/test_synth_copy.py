"""The loader's COPY streams, pinned: what ``residents_load`` sends to the server for a
fixed town, table by table, must not change when the loader is made faster (issue 23).

No database: the loader's row producer is run against a recording stand-in for the
psycopg cursor, with fixed id bases, 異動 id and time stamp. The digests were taken from
the loader before the issue-23 work (commit d7cff63): the same seed gives the same rows,
byte for byte, in the same order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from juminkiroku.synth.bulk import Clock
from juminkiroku.synth.generate import town_generator, town_info
from juminkiroku.synth.load import _copy_all

ON = date(2025, 10, 1)
NOW = "2025-10-01T09:00:00+09:00"

# table: (rows, md5 of the COPY text in order), seed 5, 3,000 residents, bases 10/20/30.
PINNED = {
    "juminkiroku_atena": (3036, "df0a71f98238562f7cf7e26dd86570bd"),
    "juminkiroku_atenarireki": (3060, "8518b998d3564e33e6cbfb99270d6f5e"),
    "juminkiroku_setai": (1354, "3b56bef495082a437f553e399c511d77"),
}


class _Recorder:
    """Stands in for the psycopg cursor: keeps what each COPY ... FROM STDIN received."""

    def __init__(self) -> None:
        self.data: dict[str, list[bytes]] = {}

    @contextmanager
    def copy(self, statement: Any, **_kwargs: Any) -> Iterator[Any]:
        table = next(t for t in PINNED if f"'{t}'" in repr(statement))
        chunks = self.data.setdefault(table, [])

        class _Copy:
            def write(self, data: str | bytes) -> None:
                chunks.append(data.encode() if isinstance(data, str) else bytes(data))

        yield _Copy()


def _streams(
    population: int, seed: int, *, fork: bool = False
) -> tuple[dict[str, tuple[int, str]], tuple[int, int, int, int]]:
    """Per table (rows, md5); and (宛名 rows counted, 住登外, 除票, 支援措置)."""
    town = town_info(dantai_code="143014", prefecture="神奈川県", name="葉山町")
    gen = town_generator(population=population, seed=seed, on=ON, town=town)
    recorder = _Recorder()
    bases = {"juminkiroku_atena": 10, "juminkiroku_atenarireki": 20, "juminkiroku_setai": 30}
    clock = Clock()
    counts = _copy_all(
        recorder, schema="s", gen=gen, bases=bases, ido_id=7, now=NOW, clock=clock, fork=fork
    )
    out = {}
    for table, chunks in recorder.data.items():
        text = b"".join(chunks)
        out[table] = (text.count(b"\n"), hashlib.md5(text).hexdigest())
    return out, (counts["juminkiroku_atena"], counts["jutogai"], gen.johyo_count, len(gen.shien))


def test_copy_streams_are_pinned() -> None:
    assert _streams(3000, 5) == (PINNED, (3036, 6, 30, 1))


def test_a_child_process_generating_sends_the_same_streams() -> None:
    """The fork path (used from 20,000 residents): same rows, same order per table, and
    the generator's state the loader reads afterwards (除票 count, 支援措置) comes back."""
    assert _streams(3000, 5, fork=True) == (PINNED, (3036, 6, 30, 1))


class _Failing(_Recorder):
    """A server that refuses the second block of rows it is sent."""

    writes = 0

    @contextmanager
    def copy(self, statement: Any, **_kwargs: Any) -> Iterator[Any]:
        recorder = self

        class _Copy:
            def write(self, data: str | bytes) -> None:
                recorder.writes += 1
                if recorder.writes == 2:
                    raise RuntimeError("refused by the server")

        yield _Copy()


def test_an_error_from_the_server_reaches_the_caller() -> None:
    import pytest

    town = town_info(dantai_code="143014", prefecture="神奈川県", name="葉山町")
    gen = town_generator(population=3000, seed=5, on=ON, town=town)
    bases = dict.fromkeys(PINNED, 0)
    with pytest.raises(RuntimeError, match="refused"):
        _copy_all(_Failing(), schema="s", gen=gen, bases=bases, ido_id=7, now=NOW, clock=Clock())


def test_an_error_while_generating_ends_the_copy_with_that_error() -> None:
    """The COPY under way is ended with the error (psycopg then sends CopyFail), never
    completed with part of the rows."""
    import pytest

    endings: list[type[BaseException] | None] = []

    class _Watching(_Recorder):
        @contextmanager
        def copy(self, statement: Any, **_kwargs: Any) -> Iterator[Any]:
            try:
                with super().copy(statement) as copy:
                    yield copy
            except BaseException as exc:
                endings.append(type(exc))
                raise
            endings.append(None)

    town = town_info(dantai_code="143014", prefecture="神奈川県", name="葉山町")
    gen = town_generator(population=3000, seed=5, on=ON, town=town)

    def broken() -> list[dict[str, Any]]:
        raise ValueError("generator broke")

    gen.jutogai_persons = broken  # type: ignore[method-assign]
    bases = dict.fromkeys(PINNED, 0)
    with pytest.raises(ValueError, match="generator broke"):
        _copy_all(_Watching(), schema="s", gen=gen, bases=bases, ido_id=7, now=NOW, clock=Clock())
    assert endings == [ValueError]


def test_the_childs_error_or_the_servers_reaches_the_caller_with_fork() -> None:
    import pytest

    from juminkiroku.synth.load import SynthLoadError

    town = town_info(dantai_code="143014", prefecture="神奈川県", name="葉山町")
    gen = town_generator(population=3000, seed=5, on=ON, town=town)

    def broken() -> list[dict[str, Any]]:
        raise ValueError("generator broke")

    gen.jutogai_persons = broken  # type: ignore[method-assign]
    bases = dict.fromkeys(PINNED, 0)
    with pytest.raises(SynthLoadError, match="generator broke"):
        _copy_all(
            _Recorder(),
            schema="s",
            gen=gen,
            bases=bases,
            ido_id=7,
            now=NOW,
            clock=Clock(),
            fork=True,
        )
    gen = town_generator(population=3000, seed=5, on=ON, town=town)
    with pytest.raises(RuntimeError, match="refused"):
        _copy_all(
            _Failing(),
            schema="s",
            gen=gen,
            bases=bases,
            ido_id=7,
            now=NOW,
            clock=Clock(),
            fork=True,
        )
