"""Synthetic 課税資料 and 固定資産課税台帳 for the demo and the benchmarks (fictitious; bulk
loaded into the town)."""

from zeimu.synth.hojin import hojin_demo_load
from zeimu.synth.kazei import tax_data_load
from zeimu.synth.keijidosha import kei_ledger_load
from zeimu.synth.kotei import kotei_ledger_load
from zeimu.synth.kotei_shokyaku import kotei_shokyaku_load

__all__ = [
    "hojin_demo_load",
    "kei_ledger_load",
    "kotei_ledger_load",
    "kotei_shokyaku_load",
    "tax_data_load",
]
