"""縮退: text for an output that cannot carry IVS (CSV for Excel, a printer's resident
fonts), reduced to the characters of JIS X 0213.

Each character with its variation selector (if any) is taken in turn:

1. no selector and the character is in JIS X 0213 → kept as it is;
2. otherwise its MJ character (by the exact sequence, else by the bare character) gives
   the MJ縮退マップ's candidates in the order of its rules; the first candidate JIS X 0213
   holds is written (``kouho`` counts them: more than one means a person might choose
   otherwise, and the result says so);
3. no candidate, but the bare character is in JIS X 0213 → the selector is dropped;
4. nothing fits → the character is kept and listed in ``nokori`` (the caller decides:
   ``tenants.csvout`` refuses it in cp932, a printer shows it as 〓).

JIS X 0213 membership is Python's ``euc_jis_2004`` codec (JIS X 0213:2004, planes 1 and
2). The reduction loses information on purpose; it is for outputs, never for stored data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from migration_io.gaiji.mjtable import graphemes, is_selector, mj_table


def in_jisx0213(text: str) -> bool:
    try:
        text.encode("euc_jis_2004")
    except UnicodeEncodeError:
        return False
    return True


@dataclass(frozen=True)
class Henkan:
    """One reduced character: where, what, to what, by which MJ character."""

    index: int  # position among the characters of the text (selectors joined), from 0
    moto: str
    saki: str
    mj: str  # "" when only the selector was dropped
    kouho: int  # candidates the map gave (0: none)


@dataclass(frozen=True)
class ShukutaiResult:
    text: str
    henkan: list[Henkan] = field(default_factory=list)
    nokori: list[str] = field(default_factory=list)  # characters nothing could reduce

    @property
    def changed(self) -> bool:
        return bool(self.henkan)


def _reduce(seq: str) -> tuple[str, str, int] | None:
    base = seq[0]
    table = mj_table()
    row = table.of_moji(seq) or (table.of_moji(base) if len(seq) > 1 else None)
    if row is None and not in_jisx0213(base):
        row = table.of_moji(base)
    if row is not None and row.shukutai:
        fits = [c for c in row.shukutai if in_jisx0213(c)]
        if fits:
            return fits[0], row.mj, len(row.shukutai)
    if in_jisx0213(base):
        return base, "", 0
    return None


def shukutai(text: str) -> ShukutaiResult:
    out: list[str] = []
    henkan: list[Henkan] = []
    nokori: list[str] = []
    for index, seq in enumerate(graphemes(text)):
        if len(seq) == 1 and (is_selector(seq) or in_jisx0213(seq)):
            out.append("" if is_selector(seq) else seq)
            continue
        reduced = _reduce(seq)
        if reduced is None:
            out.append(seq)
            nokori.append(seq)
            continue
        saki, mj, kouho = reduced
        out.append(saki)
        henkan.append(Henkan(index=index, moto=seq, saki=saki, mj=mj, kouho=kouho))
    return ShukutaiResult(text="".join(out), henkan=henkan, nokori=nokori)


def shukutai_text(text: str) -> str:
    """The reduced text (what cannot be reduced is kept): the ``fold`` to give
    ``tenants.csvout`` for a CSV meant for Excel or a printer without MJ fonts."""
    if text.isascii() or in_jisx0213(text):  # no selector, nothing outside JIS X 0213
        return text
    return shukutai(text).text
