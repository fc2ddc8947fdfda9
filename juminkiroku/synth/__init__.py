"""Realistic synthetic residents for demos, tests and benchmarks (issue item 13).

``juminkiroku.synth.generate`` builds the rows in Python, deterministic by seed;
``residents_load`` writes them into the current town's schema with PostgreSQL COPY.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from juminkiroku.synth.load import LoadResult, SynthLoadError, residents_load

__all__ = ["LoadResult", "SynthLoadError", "residents_load"]


def __getattr__(name: str) -> Any:
    # Lazy: the loader imports the models, which need the app registry ready.
    if name in __all__:
        from juminkiroku.synth import load

        return getattr(load, name)
    raise AttributeError(name)
