"""住民票コード and 個人番号 through the CS (標準仕様書 4.3.1, 4.3.2, 4.4, 7.1.2.1).

* 空き番: ``juminhyo_code_aki_fetch`` asks the CS for new codes and stores them;
  ``cs_soshin_make`` draws one at random for a 記載 without a code; ``aki_alert`` warns
  when fewer than the town's threshold are left (4.3.1).
* 変更・修正 (4.3.2): ``juminhyo_code_henko_enter`` enters a 職権修正 異動 (仮登録) with a new
  code — drawn from the 空き番 for a 変更 at the person's request, typed by the clerk for
  a 修正 — so the change is reviewed, kept in the history and sent to the CS by 本登録
  like any other change.
* 個人番号 (4.4 → 7.1.2.1): a 記載 without a number asks the CS to generate one with the
  本人確認情報 (juminkiroku.cs.soshin); ``kojin_bango_henko_enter`` asks the CS for a new
  number on a 変更請求 or 職権 change and enters it as a 職権修正 異動.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, IdoJiyu
from juminkiroku.cs.client import CsError, cs_call
from juminkiroku.cs.common import renkei_row, shichoson_code
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import Atena, Ido, JuminhyoCodeAki
from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import is_valid_juminhyo_code, is_valid_kojin_bango


class BangoError(Exception):
    """A refused request (Japanese message)."""


AKI_FETCH_MAX = 1000


def aki_count() -> int:
    return JuminhyoCodeAki.objects.filter(atena__isnull=True).count()


def aki_alert() -> str:
    """The warning the screens show when the 空き番 run low (4.3.1), else ""."""
    threshold = renkei_row(lock=False).aki_alert_threshold
    left = aki_count()
    if left < threshold:
        return (
            f"住民票コードの空き番が残り{left:,}件です（警告件数 {threshold:,}件）。"
            "CSから空き番を取得してください。"
        )
    return ""


def aki_threshold_set(*, threshold: int, actor: Actor) -> int:
    """The town's 空き番 warning threshold (4.3.1「市区町村が任意に設定した数」)."""
    if not 0 <= threshold <= 100_000:
        raise BangoError("警告件数は0件から100,000件までで指定してください。")
    with transaction.atomic(durable=True):
        link = renkei_row(lock=True)
        before = link.aki_alert_threshold
        link.aki_alert_threshold = threshold
        link.save(update_fields=["aki_alert_threshold"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=JUKINET_RENKEI,
            screen="住民票コード空き番の警告件数",
            record_type="juminhyo_code_aki",
            detail={"before": before, "after": threshold},
        )
    return threshold


def juminhyo_code_aki_fetch(*, count: int, actor: Actor) -> int:
    """Receive ``count`` 空き番 from the CS and store them; the number stored."""
    if not 1 <= count <= AKI_FETCH_MAX:
        raise BangoError(f"取得する件数は1件から{AKI_FETCH_MAX:,}件までで指定してください。")
    try:
        answer = cs_call(
            "/v1/juminhyo-code/aki", {"shichoson_code": shichoson_code(), "count": count}
        )
    except CsError as exc:
        raise BangoError(f"空き番を取得できませんでした: {exc}") from None
    codes = [str(c) for c in answer.get("codes", [])]
    bad = [c for c in codes if not is_valid_juminhyo_code(c)]
    if bad or len(codes) != count:
        raise BangoError("CSから受け取った空き番に誤りがあります。取り込みませんでした。")
    with transaction.atomic(durable=True):
        before = JuminhyoCodeAki.objects.count()
        JuminhyoCodeAki.objects.bulk_create(
            [JuminhyoCodeAki(code=c) for c in codes], ignore_conflicts=True
        )
        stored = JuminhyoCodeAki.objects.count() - before
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=JUKINET_RENKEI,
            screen="住民票コード空き番の取得",
            record_type="juminhyo_code_aki",
            record_count=max(stored, 1),
            detail={"requested": count, "stored": stored},
        )
    return stored


def _resident(atena_id: int) -> Atena:
    atena = Atena.objects.filter(pk=atena_id, kubun=AtenaKubun.JUTOSHA).first()
    if atena is None:
        raise BangoError("該当する住民がいません。")
    return atena


def juminhyo_code_henko_enter(*, atena_id: int, actor: Actor, new_code: str = "") -> Ido:
    """住民票コードの変更 (no ``new_code``: a 空き番 at random) or 修正 (the typed code),
    as a 職権修正 異動 in 仮登録 (4.3.2). The drawn code is given back if the entry fails."""
    atena = _resident(atena_id)
    if not atena.juminhyo_code:
        raise BangoError("住民票コードが未付番です。変更・修正ではなく付番の対象です。")
    new_code = new_code.strip()
    drawn = False
    if new_code:
        if not is_valid_juminhyo_code(new_code):
            raise BangoError("住民票コードの検査数字が一致しません（11桁）。")
        if new_code == atena.juminhyo_code:
            raise BangoError("現在の住民票コードと同じです。")
        if Atena.objects.filter(juminhyo_code=new_code).exclude(pk=atena.pk).exists():
            raise BangoError("その住民票コードは他の住民に記載されています。")
        note = "住民票コードの修正"
    else:
        with transaction.atomic(durable=True):
            aki = (
                JuminhyoCodeAki.objects.select_for_update(skip_locked=True)
                .filter(atena__isnull=True)
                .order_by("?")
                .first()
            )
            if aki is None:
                raise BangoError(
                    "住民票コードの空き番がありません。CSから空き番を取得してください。"
                )
            # The pool row records which person the code went to (4.3.1: a code is used
            # once); if the 仮登録 is later discarded the code stays used, never re-issued.
            aki.atena_id = atena.pk
            aki.save(update_fields=["atena"])
            new_code = aki.code
            drawn = True
        note = "住民票コードの変更（本人の請求）"
    try:
        return ido_enter(
            jiyu=IdoJiyu.SHOKKEN_SHUSEI,
            ido_date=timezone.localdate(),
            todoke_date=None,
            changes=[PersonChange(atena.pk, {"juminhyo_code": new_code})],
            note=note,
            actor=actor,
        )
    except IdoError:
        if drawn:
            with transaction.atomic(durable=True):
                JuminhyoCodeAki.objects.filter(code=new_code).update(atena=None)
        raise


def kojin_bango_henko_enter(*, atena_id: int, actor: Actor, reason: str) -> Ido:
    """個人番号の変更 (番号法 第7条第2項): ask the CS for a new number and enter it as a
    職権修正 異動 in 仮登録 (7.1.2.1). ``reason`` says why (請求 or 職権)."""
    atena = _resident(atena_id)
    if not atena.juminhyo_code:
        raise BangoError("住民票コードが未付番のため、個人番号の変更を要求できません。")
    try:
        answer = cs_call(
            "/v1/kojin-bango/henko",
            {"shichoson_code": shichoson_code(), "juminhyo_code": atena.juminhyo_code},
        )
    except CsError as exc:
        raise BangoError(f"個人番号の変更を要求できませんでした: {exc}") from None
    bango = str(answer.get("kojin_bango", ""))
    if not is_valid_kojin_bango(bango):
        raise BangoError("CSから受け取った個人番号の検査用数字が一致しません。")
    return ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=timezone.localdate(),
        todoke_date=None,
        changes=[PersonChange(atena.pk, {"kojin_bango": bango})],
        note=f"個人番号の変更（{reason}）",
        actor=actor,
    )
