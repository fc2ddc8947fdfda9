"""利用者負担の上限額管理 (SG-83〜): a month's 負担上限月額 allocated among the 事業所 a 受給者
used. Pure functions; the 上限 and the share of the 総費用 arrive as arguments (the service
reads them from the decision: the 就学前の無償化 (SG-73) makes the 上限 0, the 多子軽減 (SG-80)
lowers the share).

The steps, as the 上限額管理結果票 has them (its three 管理結果 are in
``fukushi.models.JogenKanriKubun``):

1. each 事業所's 利用者負担額 is first brought within the 受給者's own rules: the 総費用額 × the
   share (1円未満切捨て), at most the 上限 (``fukushi.rules.tsusho.riyosha_futan``); a figure the
   事業所 entered is kept when lower;
2. 合計 ≤ 上限 → 結果2 (no adjustment); the 管理事業所's own 利用者負担額 ≥ 上限 → 結果1 (the
   管理事業所 takes the whole 上限, the others 0); else → 結果3;
3. the 上限 is filled 管理事業所 first, then the other 事業所 in the order of their 事業所番号.

The 管理事業所 first is what every guide read says (管理結果1 「管理事業所で利用者負担額を充当」);
the order among the other 事業所 is ours: the 通知 (「介護給付費等に係る支給決定事務等について」
「障害児通所給付費に係る通所給付決定事務等について」, 事務処理要領) was not read (未確認).
"""

from __future__ import annotations

from dataclasses import dataclass

from fukushi.rules.tsusho import riyosha_futan

__all__ = ["Getsugaku", "Haibun", "Kanri", "jogen_kanri", "jogen_kanri_errors"]

JUTO, IKA, CHOSEI = 1, 2, 3


@dataclass(frozen=True)
class Getsugaku:
    """One 事業所's month as reported: 総費用額 and (optionally) its 利用者負担額."""

    bango: str
    mei: str
    sohiyo: int
    futan: int | None = None


@dataclass(frozen=True)
class Haibun:
    bango: str
    mei: str
    kanri: bool
    sohiyo: int
    nyuryoku: int | None
    santei: int
    kettei: int


@dataclass(frozen=True)
class Kanri:
    kekka: int
    jogen: int
    rows: tuple[Haibun, ...]
    riyu: tuple[str, ...]

    @property
    def gokei_sohiyo(self) -> int:
        return sum(r.sohiyo for r in self.rows)

    @property
    def gokei_santei(self) -> int:
        return sum(r.santei for r in self.rows)

    @property
    def gokei_kettei(self) -> int:
        return sum(r.kettei for r in self.rows)


def jogen_kanri_errors(rows: list[Getsugaku], kanri_bango: str) -> list[tuple[str, str]]:
    """Refusals in Japanese: 事業所番号 10 digits, once each; amounts 0 or more; the 利用者負担額
    not above the 総費用額; the 管理事業所 among the rows."""
    errors: list[tuple[str, str]] = []
    if not rows:
        return [("rows", "事業所の総費用額を1件以上入力してください。")]
    seen: set[str] = set()
    for r in rows:
        if len(r.bango) != 10 or not r.bango.isdigit():
            errors.append(("rows", f"事業所番号「{r.bango}」は10桁の数字にしてください。"))
        elif r.bango in seen:
            errors.append(("rows", f"事業所番号{r.bango}が2回あります。"))
        seen.add(r.bango)
        if not r.mei.strip():
            errors.append(("rows", f"事業所番号{r.bango}の事業所名を入力してください。"))
        if r.sohiyo < 0 or (r.futan is not None and r.futan < 0):
            errors.append(("rows", f"事業所番号{r.bango}の金額は0円以上にしてください。"))
        elif r.futan is not None and r.futan > r.sohiyo:
            errors.append(("rows", f"事業所番号{r.bango}の利用者負担額が総費用額を超えています。"))
    if kanri_bango not in seen:
        errors.append(
            (
                "rows",
                f"上限額管理事業所（事業所番号{kanri_bango}）の行がありません"
                "（その月に提供がなければ総費用額0円で入力してください）。",
            )
        )
    return errors


def jogen_kanri(*, jogen: int, ritsu: int, kanri_bango: str, rows: list[Getsugaku]) -> Kanri:
    """The month's 上限額管理 (see the module). Raises ValueError when ``jogen_kanri_errors``
    finds anything."""
    errors = jogen_kanri_errors(rows, kanri_bango)
    if errors:
        raise ValueError("；".join(m for _, m in errors))
    ordered = sorted(rows, key=lambda r: (r.bango != kanri_bango, r.bango))
    riyu = [f"負担上限月額 {jogen:,}円", f"利用者負担は総費用額の{ritsu}％（負担上限月額まで）"]
    santei: list[int] = []
    for r in ordered:
        s = riyosha_futan(sohiyo=r.sohiyo, ritsu=ritsu, jogen=jogen)
        if r.futan is not None and r.futan < s:
            s = r.futan
        elif r.futan is not None and r.futan > s:
            riyu.append(
                f"{r.mei}: 申出の利用者負担額 {r.futan:,}円を{s:,}円とした"
                f"（総費用額 {r.sohiyo:,}円の{ritsu}％、負担上限月額まで）"
            )
        santei.append(s)
    total = sum(santei)
    if total <= jogen:
        kekka = IKA
        kettei = list(santei)
        riyu.append(f"利用者負担額の合算額 {total:,}円 ≦ 負担上限月額 {jogen:,}円")
    else:
        kekka = JUTO if santei[0] >= jogen else CHOSEI
        nokori = jogen
        kettei = []
        for s in santei:
            k = min(s, nokori)
            kettei.append(k)
            nokori -= k
        riyu.append(
            f"利用者負担額の合算額 {total:,}円 ＞ 負担上限月額 {jogen:,}円: "
            "上限額管理事業所から順に負担上限月額まで充当"
        )
    out = tuple(
        Haibun(r.bango, r.mei, r.bango == kanri_bango, r.sohiyo, r.futan, s, k)
        for r, s, k in zip(ordered, santei, kettei, strict=True)
    )
    return Kanri(kekka, jogen, out, tuple(riyu))
