"""外字 → 文字情報基盤 (MJ): a town's private characters mapped to MJ, the import check,
and 縮退 to JIS X 0213 for outputs that cannot carry IVS (docs/migration.md 「外字」).

What other parts of migration_io call (import lazily: the MJ table is read on first use):

- ``gaiji_check(vendor=…)`` → ``GaijiCheck`` (``convert(text, where=…)``, ``finish()``
  raising ``GaijiUnmapped`` with the list), ``gaiji_convert`` for one text;
- ``shukutai(text)`` → ``ShukutaiResult`` (text, 変換, 残り), ``shukutai_text`` (the
  ``fold`` for ``tenants.csvout``), ``in_jisx0213``;
- ``mj_table()`` → ``MjTable`` (``get``, ``of_moji``, ``search``).
"""

from migration_io.gaiji.check import GaijiCheck, GaijiUnmapped, Miketsu, gaiji_check, gaiji_convert
from migration_io.gaiji.mjtable import MjMoji, MjTable, mj_table
from migration_io.gaiji.shukutai import ShukutaiResult, in_jisx0213, shukutai, shukutai_text

__all__ = [
    "GaijiCheck",
    "GaijiUnmapped",
    "Miketsu",
    "MjMoji",
    "MjTable",
    "ShukutaiResult",
    "gaiji_check",
    "gaiji_convert",
    "in_jisx0213",
    "mj_table",
    "shukutai",
    "shukutai_text",
]
