"""児童手当: the 却下 of a 認定請求 (児童手当法第7条: the 市町村長 認定s a 受給資格; a 請求
without one is refused by a written decision, the 却下通知書 of
``fukushi.printjobs_jidoteate_kettei``).

One durable transaction writes the decision (``JidoteateKyakka``, never edited: it is its
own history row) and the access-log row.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import JidoteateKyakka, KyakkaRiyu
from fukushi.services.jidoteate import SCREEN, JidoteateRefused
from juminkiroku.public import person_identities
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.text import text_problem


@transaction.atomic(durable=True)
def seikyu_kyakka(
    *,
    atena_id: int,
    seikyu_date: date,
    kettei_date: date,
    riyu: str,
    actor: Actor,
    riyu_detail: str = "",
    jido_su: int = 0,
) -> JidoteateKyakka:
    """却下 of the 認定請求 of ``atena_id`` made on ``seikyu_date``, decided on
    ``kettei_date``, for ``riyu`` (a ``KyakkaRiyu``; その他 needs ``riyu_detail``)."""
    errors: dict[str, str] = {}
    if riyu not in KyakkaRiyu.values:
        errors["riyu"] = "却下の理由を選んでください。"
    elif riyu == KyakkaRiyu.SONOTA and not riyu_detail.strip():
        errors["riyu_detail"] = "理由が「その他」のときは、理由の補足を入力してください。"
    if kettei_date < seikyu_date:
        errors["kettei_date"] = "却下の決定日が認定請求日より前です。"
    if len(riyu_detail) > 200:
        errors["riyu_detail"] = "理由の補足は200文字以内で入力してください。"
    problem = text_problem(riyu_detail, label="理由の補足")
    if problem is not None:
        errors["riyu_detail"] = problem
    if not person_identities([atena_id]):
        errors["atena"] = "請求者が見つかりません。"
    if errors:
        raise JidoteateRefused(errors)
    row = JidoteateKyakka.objects.create(
        atena_id=atena_id,
        seikyu_date=seikyu_date,
        kettei_date=kettei_date,
        riyu=riyu,
        riyu_detail=riyu_detail.strip(),
        jido_su=jido_su,
        actor=actor.username,
    )
    access_record(
        action=AccessAction.CREATE,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateKyakka",
        record_id=row.pk,
        detail={"atena_ids": [atena_id]},
    )
    return row
