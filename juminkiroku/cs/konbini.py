"""コンビニ交付: certificates for the 証明書交付センター (標準仕様書 7.2.5).

The centre holds the requests made at a store's terminal with a マイナンバーカード: the
利用者証明用電子証明書's シリアル番号 (verified by the centre through 公的個人認証), the
certificate and the number of copies. ``konbini_kofu_round`` takes the town's new requests,
finds the person by the シリアル番号 the town obtained from the CS (7.1.2.4), and issues
the certificate through the counter's own path (juminkiroku.services.shomei: 発行番号,
交付履歴, 発行抑止) — refusing, with the reason, a person under 支援措置 or with a 発行
アラート (no clerk is there to check) — then returns the PDF or the refusal to the centre.

Each request is answered once: its outcome is stored (``CsKofu``, keyed by the request
number) before the reply is sent, and a reply that fails is sent again by the next round
from what was stored; the PDF is dropped once the centre has it.

The interface (広域交付システムインタフェース仕様書, J-LIS) is not public: the exchange is ours,
like the CS's (docs/standard/jukinet.md), and is verified against the simulator only.
"""

from __future__ import annotations

import base64
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, JuminJotai, Seikyusha, ShomeiKind, ShomeiLayout
from juminkiroku.cs.client import CsError, cs_call
from juminkiroku.cs.common import SYSTEM_ACTOR, note_error, renkei_row, shichoson_code
from juminkiroku.models import Atena, CsKofu, CsYokyu
from juminkiroku.models.cs import KofuStatus, YokyuKind, YokyuStatus
from tenants.accesslog.services import Actor

KONBINI_ACTOR = replace(SYSTEM_ACTOR, api_client="証明書交付センター")
KINDS = {ShomeiKind.JUMINHYO.value}  # 住民票の写し; 印鑑登録証明書 would need the card's 印鑑
MAX_COPIES = 5


def _person_by_serial(serial: str) -> Atena | None:
    row = (
        CsYokyu.objects.filter(kind=YokyuKind.SERIAL, status=YokyuStatus.DONE, result=serial)
        .order_by("-id")
        .first()
    )
    if row is None:
        return None
    return Atena.objects.filter(
        pk=row.atena_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
    ).first()


def _answer(request: dict[str, object]) -> CsKofu:
    """Issue or refuse one request; the outcome stored (not yet sent)."""
    from juminkiroku.services.shomei import ShomeiError, shomei_issue, shomei_precheck

    no = int(str(request["request_no"]))
    kind = str(request.get("kind", ""))
    layout = str(request.get("layout", ""))
    try:
        copies = int(str(request.get("copies", 1)))
    except ValueError:
        copies = 0

    def refuse(reason: str, atena: Atena | None = None) -> CsKofu:
        with transaction.atomic(durable=True):
            row, _ = CsKofu.objects.get_or_create(
                request_no=no,
                defaults={
                    "atena": atena,
                    "kind": kind[:10],
                    "status": KofuStatus.REFUSED,
                    "reason": reason,
                },
            )
        return row

    if kind not in KINDS:
        return refuse("この証明書はコンビニ交付の対象ではありません。")
    if layout not in ShomeiLayout.values or not 1 <= copies <= MAX_COPIES:
        return refuse("様式または通数が正しくありません。")
    person = _person_by_serial(str(request.get("serial", "")))
    if person is None:
        return refuse("電子証明書に該当する住民がいません。窓口で請求してください。")
    ids = [person.pk]
    if layout == ShomeiLayout.RENKI and person.setai_id:
        ids = list(
            Atena.objects.filter(
                setai_id=person.setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
            )
            .order_by("setai_order", "pk")
            .values_list("pk", flat=True)
        )
    try:
        check = shomei_precheck(kind=kind, atena_ids=ids, setai_id=None, seikyusha=Seikyusha.HONNIN)
        if check.codes:  # 支援措置 or a 発行アラート: a clerk must see the request
            return refuse("窓口での確認が必要なため、コンビニ交付できません。", person)
        kofu, pdf = shomei_issue(
            kind=kind,
            layout=layout,
            atena_ids=ids,
            setai_id=None,
            items=None,
            copies=copies,
            seikyusha=Seikyusha.HONNIN,
            actor=KONBINI_ACTOR,
        )
    except ShomeiError as exc:
        return refuse(str(exc)[:200], person)
    with transaction.atomic(durable=True):
        row, _ = CsKofu.objects.get_or_create(
            request_no=no,
            defaults={
                "atena": person,
                "kind": kind,
                "status": KofuStatus.ISSUED,
                "hakko_no": kofu.hakko_no,
                "pdf": pdf,
            },
        )
    return row


def _reply(row: CsKofu) -> bool:
    body: dict[str, object] = {"shichoson_code": shichoson_code(), "request_no": row.request_no}
    if row.status == KofuStatus.ISSUED:
        body.update(
            result="ok", hakko_no=row.hakko_no, pdf=base64.b64encode(bytes(row.pdf)).decode()
        )
    else:
        body.update(result="ng", reason=row.reason)
    try:
        cs_call("/v1/kofu/result", body)
    except CsError as exc:
        with transaction.atomic(durable=True):
            note_error(f"証明書交付センターへの返送: {exc}")
        return False
    done = KofuStatus.DELIVERED if row.status == KofuStatus.ISSUED else KofuStatus.REFUSAL_SENT
    with transaction.atomic(durable=True):
        CsKofu.objects.filter(pk=row.pk).update(status=done, pdf=b"", delivered_at=timezone.now())
    return True


def konbini_kofu_round(*, actor: Actor = KONBINI_ACTOR) -> dict[str, int]:
    """Answer the centre's new requests and re-send the replies that did not get through."""
    counts = {"issued": 0, "refused": 0, "replied": 0}
    try:
        answer = cs_call(
            "/v1/kofu/requests",
            {"shichoson_code": shichoson_code(), "after": renkei_row(lock=False).kofu_after},
        )
    except CsError as exc:
        with transaction.atomic(durable=True):
            note_error(f"証明書交付センター: {exc}")
        answer = {"requests": []}
    for request in answer.get("requests", []):
        no = int(request["request_no"])
        if not CsKofu.objects.filter(request_no=no).exists():
            row = _answer(request)
            counts["issued" if row.status == KofuStatus.ISSUED else "refused"] += 1
        with transaction.atomic(durable=True):
            link = renkei_row(lock=True)
            if no > link.kofu_after:
                link.kofu_after = no
                link.save(update_fields=["kofu_after"])
    for row in CsKofu.objects.filter(status__in=[KofuStatus.ISSUED, KofuStatus.REFUSED]).order_by(
        "request_no"
    ):
        counts["replied"] += int(_reply(row))
    return counts
