"""Synthetic 課税資料 for the demo and the benchmarks (fictitious; COPY into the town)."""

from zeimu.synth.kazei import tax_data_load

__all__ = ["tax_data_load"]
