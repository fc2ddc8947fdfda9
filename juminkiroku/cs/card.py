"""Card-related requests to the CS (標準仕様書 7.1.1.4, 7.1.2.2, 7.1.2.4).

* 送付先情報 (7.1.1.4): made with every 異動 that gives a new address (juminkiroku.cs.soshin)
  and for each 更新対象者 the CS sends (juminkiroku.cs.jushin); ``sofusaki_set`` records a
  居所 that replaces the address as the 送付先; the history of what was sent is
  ``sofusaki_history``.
* 符号の取得要求 (7.1.2.2) and 利用者証明用電子証明書のシリアル番号 (7.1.2.4): answered at once
  by the CS; each request is kept (``CsYokyu``) with its outcome, so the clerk sees whether
  it went through.
* 稼働状況 (7.1.2.4): ``cs_status`` asks the CS, with a short timeout.
"""

from __future__ import annotations

from django.db import transaction

from juminkiroku.codes import AtenaKubun
from juminkiroku.cs.client import CsError, CsRejected, cs_call
from juminkiroku.cs.common import shichoson_code
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena, CsSoshin, CsYokyu, Sofusaki
from juminkiroku.models.cs import SoshinKind, YokyuKind, YokyuStatus
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import normalise_postal_code
from tenants.text import text_problem


class CardError(Exception):
    """A refused request (Japanese message)."""


def _resident(atena_id: int) -> Atena:
    atena = Atena.objects.filter(pk=atena_id, kubun=AtenaKubun.JUTOSHA).first()
    if atena is None:
        raise CardError("該当する住民がいません。")
    if not atena.juminhyo_code:
        raise CardError("住民票コードが未付番のため、CSに要求できません。")
    return atena


def _yokyu(kind: str, path: str, answer_key: str, atena_id: int, actor: Actor) -> CsYokyu:
    atena = _resident(atena_id)
    status, result, reason = YokyuStatus.DONE, "", ""
    try:
        answer = cs_call(
            path, {"shichoson_code": shichoson_code(), "juminhyo_code": atena.juminhyo_code}
        )
        result = str(answer.get(answer_key, ""))[:40]
    except CsRejected as exc:
        status, reason = YokyuStatus.ERROR, f"{exc.reason}（{exc.code}）"
    except CsError as exc:
        status, reason = YokyuStatus.ERROR, str(exc)
    with transaction.atomic(durable=True):
        row = CsYokyu.objects.create(
            kind=kind, atena=atena, status=status, result=result, reason=reason[:200]
        )
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUKINET_RENKEI,
            screen=YokyuKind(kind).label,
            record_type="atena",
            record_id=atena.pk,
            detail={"cs_yokyu_id": row.pk, "status": status},
        )
    return row


def fugo_request(*, atena_id: int, actor: Actor) -> CsYokyu:
    """符号の取得要求 (7.1.2.2); the 符号 goes to the 中間サーバ, we keep the 処理番号."""
    return _yokyu(YokyuKind.FUGO, "/v1/fugo", "shori_no", atena_id, actor)


def card_serial_request(*, atena_id: int, actor: Actor) -> CsYokyu:
    """利用者証明用電子証明書のシリアル番号の取得 (7.1.2.4)."""
    return _yokyu(YokyuKind.SERIAL, "/v1/card-serial", "serial", atena_id, actor)


def cs_status() -> str:
    """稼働状況 (7.1.2.4) in words: the CS's own answer, or why there is none."""
    try:
        answer = cs_call("/v1/status", {"shichoson_code": shichoson_code()}, timeout=2)
    except CsError as exc:
        return str(exc)
    return str(answer.get("status", ""))[:40] or "応答の内容が読み取れません。"


def sofusaki_set(
    *, atena_id: int, jusho: str, postal_code: str, katagaki: str, actor: Actor
) -> Sofusaki:
    """Set a 居所 as the person's 送付先 (sent with the next 送付先情報). Empty 住所 clears it."""
    atena = Atena.objects.filter(pk=atena_id, kubun=AtenaKubun.JUTOSHA).first()
    if atena is None:
        raise CardError("該当する住民がいません。")
    for value, label in ((jusho, "送付先住所"), (postal_code, "郵便番号"), (katagaki, "方書")):
        problem = text_problem(value, label=label)
        if problem is not None:
            raise CardError(problem)
    jusho, katagaki = jusho.strip(), katagaki.strip()
    if not jusho:
        raise CardError("送付先住所（居所）を入力してください。")
    if len(jusho) > 200 or len(katagaki) > 120:
        raise CardError("送付先住所は200文字、方書は120文字以内で入力してください。")
    postal = ""
    if postal_code.strip():
        try:
            postal = normalise_postal_code(postal_code)
        except ValueError:
            raise CardError("郵便番号は7桁の数字で入力してください。") from None
    with transaction.atomic(durable=True):
        row, _ = Sofusaki.objects.update_or_create(
            atena=atena, defaults={"jusho": jusho, "postal_code": postal, "katagaki": katagaki}
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="送付先（居所）の設定",
            record_type="atena",
            record_id=atena.pk,
        )
    return row


def sofusaki_history(*, atena_id: int) -> list[CsSoshin]:
    """送付先情報のCS送信履歴 (7.1.1.4) of one person, newest first."""
    return list(
        CsSoshin.objects.filter(atena_id=atena_id, kind=SoshinKind.SOFUSAKI).order_by("-id")
    )
