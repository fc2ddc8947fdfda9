"""特別徴収 payments into the 収納 ledger: the amounts a pension insurer withheld and paid
to the town (特別徴収結果の通知), posted by the module whose premium it is (介護保険料,
国保税) through ``zeimu.public.tokucho_nofu_post``.

The module reads the notice, matches each line to its person and states the 特別徴収 期別's
調定 (``chotei_post_many``, its own key); here each line becomes a payment of that 期別
(channel 特別徴収), or 要確認 when the key names no 期別. The file is kept as a
``ShunoFile`` under the hash the module gives: the same file a second time is refused whole
and nothing is written. One transaction with one access-log row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kibetsu, Nofu, NofuChannel, NofuStatus, Shuno, ShunoFile, ShunoKind
from zeimu.services.shuno import ShunoRefused
from zeimu.services.shuno_kesson import kesson_teisei


@dataclass(frozen=True)
class TokuchoNofu:
    """One withheld amount: the line of the notice, the poster's key of the 期別."""

    line: int
    key: str
    amount: int
    shuno_date: date
    note: str = ""


@dataclass(frozen=True)
class TokuchoPosted:
    file_id: int
    matched: int
    yokakunin: int
    amount: int


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def tokucho_nofu_post(
    *,
    zeimoku: str,
    name: str,
    sha256: str,
    items: Sequence[TokuchoNofu],
    errors: Sequence[dict[str, object]] = (),
    actor: Actor,
) -> TokuchoPosted:
    """Post the payments of one 特別徴収結果 file (see the module's docstring); raises
    ``ShunoRefused`` when the file was posted before or an amount is not positive."""
    if any(i.amount <= 0 for i in items):
        raise ShunoRefused("徴収済額は1円以上で指定してください。")
    who = _who(actor)
    with transaction.atomic():
        if ShunoFile.objects.filter(sha256=sha256).exists():
            raise ShunoRefused(
                "このファイルは取込済みです（同じ内容のファイルが既に取り込まれています）。"
            )
        f = ShunoFile.objects.create(
            channel=NofuChannel.TOKUCHO, name=name[:200], sha256=sha256, created_by=who
        )
        kib_of = dict(
            Kibetsu.objects.filter(zeimoku=zeimoku, key__in={i.key for i in items}).values_list(
                "key", "pk"
            )
        )
        matched = yokakunin = amount = 0
        for i in items:
            kib = kib_of.get(i.key)
            nofu = Nofu.objects.create(
                channel=NofuChannel.TOKUCHO,
                status=NofuStatus.KESHIKOMI if kib else NofuStatus.YOKAKUNIN,
                shuno_date=i.shuno_date,
                amount=i.amount,
                kibetsu_id=kib,
                file=f,
                line_no=i.line,
                note=i.note[:100],
                created_by=who,
            )
            amount += i.amount
            if kib is None:
                yokakunin += 1
                continue
            matched += 1
            Shuno.objects.create(
                kibetsu_id=kib,
                kind=ShunoKind.NOFU,
                amount=i.amount,
                on=i.shuno_date,
                nofu=nofu,
                created_by=who,
            )
        kesson_teisei([k for k in (kib_of.get(i.key) for i in items) if k], actor=actor)
        f.lines = len(items) + len(errors)
        f.matched, f.yokakunin, f.amount = matched, yokakunin, amount
        f.errors = list(errors)
        f.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="特別徴収結果の取込",
            record_type="zeimu.ShunoFile",
            record_id=f.pk,
            record_count=len(items),
            detail={"zeimoku": zeimoku, "matched": matched, "yokakunin": yokakunin},
        )
    return TokuchoPosted(f.pk, matched, yokakunin, amount)
