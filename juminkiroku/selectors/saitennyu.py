"""再転入者 (標準仕様書 4.1.1.2): the persons a 記載 may be about who are already on file.

A person who once lived in the town (a 除票) or whom the town knows without a 住民票 (a
住登外者) keeps their 宛名 when they come (back): the 転入 names that 宛名 instead of
creating a new one, and takes in what was on file (``PersonFields``), corrected as needed.

Two kinds of match, as 4.1.1.2 says:

- ``NUMBER``: the same 個人番号, 住民票コード or 在留カード等番号. The person is the same;
  a new 宛名 is refused (「新規入力を抑止」).
- ``SANJOHO``: the same 3情報 (氏名 — by its reading or its kanji —, 性別 and 生年月日).
  Possibly the same person: the clerk is alerted and decides.

Residents (住民状態 住民) are never candidates: a 記載 of a resident is refused anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from juminkiroku.codes import AtenaKubun, JuminJotai
from juminkiroku.models import Atena
from juminkiroku.rules.kana import kana_key, name_key

NUMBER = "number"
SANJOHO = "sanjoho"
MATCH_LABELS = {
    NUMBER: "個人番号・住民票コード・在留カード等番号が一致",
    SANJOHO: "氏名・性別・生年月日が一致",
}
# Enough for any real case; a longer list means the criteria are too loose to help.
MAX_CANDIDATES = 20


@dataclass(frozen=True)
class SaitennyuCandidate:
    atena_id: int
    atena_no: str
    match: str  # NUMBER or SANJOHO
    match_label: str
    jotai: str
    jotai_label: str
    shimei: str
    shimei_kana: str
    birth_date: date
    sex: str
    jusho: str
    shojo_date: date | None


def saitennyu_candidates(
    *,
    shimei: str = "",
    shimei_kana: str = "",
    birth_date: date | None = None,
    sex: str = "",
    juminhyo_code: str = "",
    kojin_bango: str = "",
    zairyu_card_no: str = "",
) -> list[SaitennyuCandidate]:
    """The 除票 and 住登外 宛名 matching a person about to be entered, number matches first."""
    former = Atena.objects.filter(
        Q(kubun=AtenaKubun.JUTOGAI) | ~Q(jotai=JuminJotai.JUMIN)
    ).order_by("id")
    by_number = Q(pk__in=[])
    for name, value in (
        ("kojin_bango", kojin_bango),
        ("juminhyo_code", juminhyo_code),
        ("zairyu_card_no", zairyu_card_no),
    ):
        if value.strip():
            by_number |= Q(**{name: value.strip()})
    by_sanjoho = Q(pk__in=[])
    keys = Q(pk__in=[])
    if shimei_kana.strip():
        keys |= Q(kana_key=kana_key(shimei_kana))
    if shimei.strip():
        keys |= Q(name_key=name_key(shimei))
    if birth_date is not None and sex:
        by_sanjoho = keys & Q(birth_date=birth_date, sex=sex)
    found: dict[int, SaitennyuCandidate] = {}
    for match, condition in ((NUMBER, by_number), (SANJOHO, by_sanjoho)):
        for a in former.filter(condition)[:MAX_CANDIDATES]:
            if a.pk in found:
                continue
            found[a.pk] = SaitennyuCandidate(
                atena_id=a.pk,
                atena_no=a.atena_no,
                match=match,
                match_label=MATCH_LABELS[match],
                jotai=a.jotai,
                jotai_label=a.get_jotai_display(),
                shimei=a.shimei,
                shimei_kana=a.shimei_kana,
                birth_date=a.birth_date,
                sex=a.sex,
                jusho=a.jusho,
                shojo_date=a.shojo_date,
            )
    if len(found) < MAX_CANDIDATES:
        for c in _moved_candidates(
            kana=shimei_kana, name=shimei, birth_date=birth_date, sex=sex, code=juminhyo_code
        ):
            found.setdefault(c.atena_id, c)
    return list(found.values())[:MAX_CANDIDATES]


def _moved_candidates(
    *, kana: str, name: str, birth_date: date | None, sex: str, code: str
) -> list[SaitennyuCandidate]:
    """除票 moved to the 除票用データベース (標準仕様書 9.3): their 宛名 is kept, cleared, and
    the archive keeps the 住民票コード and the 3情報 keys (個人番号 and 在留カード等番号 are in
    the snapshot only)."""
    from juminkiroku.models import JohyoArchive
    from juminkiroku.selectors.johyo import restore_many

    by_number = Q(juminhyo_code=code.strip()) if code.strip() else Q(pk__in=[])
    keys = Q(pk__in=[])
    if kana.strip():
        keys |= Q(kana_key=kana_key(kana))
    if name.strip():
        keys |= Q(name_key=name_key(name))
    by_sanjoho = keys & Q(birth_date=birth_date, sex=sex) if birth_date and sex else Q(pk__in=[])
    out: list[SaitennyuCandidate] = []
    for match, condition in ((NUMBER, by_number), (SANJOHO, by_sanjoho)):
        ids = list(
            JohyoArchive.objects.filter(condition)
            .order_by("atena_id")
            .values_list("atena_id", flat=True)[:MAX_CANDIDATES]
        )
        restored = restore_many(ids)
        for pk in ids:
            # a 再転入 already made makes the 宛名 a resident again: no longer a candidate
            if (
                pk not in restored
                or not Atena.objects.filter(pk=pk, jotai=JuminJotai.IKOZUMI).exists()
            ):
                continue
            a = restored[pk].atena
            out.append(
                SaitennyuCandidate(
                    atena_id=pk,
                    atena_no=a.atena_no,
                    match=match,
                    match_label=MATCH_LABELS[match],
                    jotai=a.jotai,
                    jotai_label=a.get_jotai_display() + "（除票用データベース）",
                    shimei=a.shimei,
                    shimei_kana=a.shimei_kana,
                    birth_date=a.birth_date,
                    sex=a.sex,
                    jusho=a.jusho,
                    shojo_date=a.shojo_date,
                )
            )
    return out
