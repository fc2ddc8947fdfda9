"""市町村通知 (入管法 第61条の8の2; 標準仕様書 4.5.7) queued from the 本登録 of 異動.

``shichoson_collect`` puts every version of a 外国人住民's 住民票 written by a 本登録
異動 into the queue once, in the order the versions were written, so the 異動 keep their
order when they are sent. A 転出 writes its 除票 version on the 転出予定日
(juminkiroku.services.tenshutsu), so a 転出予定者 is queued on that day (4.5.7). The
sending itself (法務省仕様 online or media) is not built here (docs/standard/nyukan.md).
"""

from __future__ import annotations

from django.db import transaction

from juminkiroku.codes import IdoJiyu, IdoStatus, JuminShubetsu
from juminkiroku.models import AtenaRireki
from juminkiroku.models.nyukan import ShichosonTsuchi, ShichosonTsuchiKubun
from juminkiroku.services.ido.fields import GYOMU
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record

# 異動 that set a 住居地: the 住基法 届出 is also the 入管法 住居地届出 (入管法 第19条の9
# 第3項 and 第61条の8の2), so they go as 「住基法・入管法」; the others as 「住基法」.
JUKYOCHI_IDO = frozenset(
    {
        IdoJiyu.TENNYU.value,
        IdoJiyu.KOKUGAI_TENNYU.value,
        IdoJiyu.HO30_46_TENNYU.value,
        IdoJiyu.HO30_47_TODOKE.value,
        IdoJiyu.TENKYO.value,
    }
)


def tsuchi_kubun(jiyu: str) -> str:
    return ShichosonTsuchiKubun.BOTH if jiyu in JUKYOCHI_IDO else ShichosonTsuchiKubun.JUKI


def shichoson_collect(*, actor: Actor) -> int:
    """Queue the 市町村通知 of 本登録 異動 of 外国人住民 not queued yet; returns how many."""
    queued = ShichosonTsuchi.objects.values_list("ido_id", "atena_id")
    seen = set(queued)
    versions = (
        AtenaRireki.objects.filter(
            shubetsu=JuminShubetsu.GAIKOKUJIN,
            ido__status__in=(IdoStatus.HON, IdoStatus.TORIKESHI),
        )
        .select_related("ido")
        .order_by("id")
    )
    new: list[ShichosonTsuchi] = []
    for version in versions:
        key = (version.ido_id, version.atena_id)
        if key in seen:
            continue
        seen.add(key)
        new.append(
            ShichosonTsuchi(
                ido_id=version.ido_id,
                atena_id=version.atena_id,
                kubun=tsuchi_kubun(version.ido.jiyu),
            )
        )
    with transaction.atomic():
        ShichosonTsuchi.objects.bulk_create(new)
        access_record(
            actor=actor,
            action=AccessAction.JOB,
            gyomu=GYOMU,
            screen="市町村通知作成",
            record_type="shichoson_tsuchi",
            record_count=len(new),
        )
    return len(new)
