"""無作為抽出 (標準仕様書 9.6): residents drawn at random by 性別, 生年月日, 地区 and
日本人・外国人, up to a number, for surveys and their 宛名シール.

Only current residents (住登者, 住民状態 住民) are drawn. A person or household under an
active 照会抑止 (error) and a person with an active 支援措置 are never drawn: the list and
the labels go to survey staff and printers, and the standard's 抑止 and 支援措置 keep
such addresses from them (3.1, 3.4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Random
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, JuminJotai, YokushiLevel, YokushiProcess
from juminkiroku.models import Atena, ShienSochi, Yokushi
from juminkiroku.selectors.yokushi import active_yokushi_q

MAX_DRAW = 5000


@dataclass(frozen=True)
class Chushutsu:
    """The criteria of one draw; ``None`` or "" leaves a criterion out."""

    count: int
    sex: str = ""
    birth_from: date | None = None
    birth_to: date | None = None
    chiku_code: str = ""
    shubetsu: str = ""


def candidates(c: Chushutsu) -> QuerySet[Atena]:
    """Every resident who meets the criteria and may be drawn."""
    today = timezone.localdate()
    qs = Atena.objects.filter(kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN)
    if c.sex:
        qs = qs.filter(sex=c.sex)
    if c.birth_from:
        qs = qs.filter(birth_date__gte=c.birth_from)
    if c.birth_to:
        qs = qs.filter(birth_date__lte=c.birth_to)
    if c.chiku_code:
        qs = qs.filter(chiku_code=c.chiku_code)
    if c.shubetsu:
        qs = qs.filter(shubetsu=c.shubetsu)
    locked = Yokushi.objects.filter(
        active_yokushi_q(),
        Q(atena_id=OuterRef("pk")) | Q(setai_id=OuterRef("setai_id")),
        process=YokushiProcess.SHOKAI,
        level=YokushiLevel.ERROR,
    )
    shien = ShienSochi.objects.filter(
        atena_id=OuterRef("pk"), start_date__lte=today, end_date__gte=today, ended_at__isnull=True
    )
    return qs.filter(~Exists(locked), ~Exists(shien))


def draw(c: Chushutsu) -> list[Atena]:
    """Up to ``c.count`` residents drawn at random (fewer when fewer qualify), listed in
    宛名番号 order."""
    if not 1 <= c.count <= MAX_DRAW:
        raise ValueError("count out of range")
    ids = list(candidates(c).order_by(Random()).values_list("pk", flat=True)[: c.count])
    return list(Atena.objects.filter(pk__in=ids).order_by("atena_no"))


def drawn_again(ids: list[int]) -> list[Atena]:
    """The persons of an earlier draw (for its labels or CSV) who may still be drawn."""
    if len(ids) > MAX_DRAW:
        raise ValueError("too many ids")
    return list(candidates(Chushutsu(count=1)).filter(pk__in=ids).order_by("atena_no"))
