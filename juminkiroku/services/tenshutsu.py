"""転出 in two phases, and the 転入通知 received (標準仕様書 1.1.5, 4.0.3, 4.1.3.x).

- The 本登録 of a 転出 (S01) or 国外転出 (S02) whose 転出予定日 is after the day of the
  本登録 (``is_yotei``) changes nothing in the registry: ``apply_yotei`` writes one
  ``Tenshutsu`` row per person (the 予定) and the person stays a 住民 — searchable and
  certifiable with the remaining household members and their 続柄 (1.1.5). The 本登録
  publishes its usual event (``TENSHUTSU_YOTEI`` / ``KOKUGAI_TENSHUTSU``).
- The person becomes a 除票 on the earlier of the 転出予定日 and the 転入日 of a 転入通知
  (1.1.5): ``tenshutsu_kakutei_due`` (the daily job; catches up missed days) or
  ``receive_tennyu_tsuchi``. ``_kakutei`` closes the current version and opens the 除票
  version from that date, written by the 転出's own 異動 so that its 取消 undoes it like
  any 消除, and publishes ``TENSHUTSU_KAKUTEI`` once per person.
- A 転出 whose 予定日 is the day of the 本登録 or earlier (a 転出 entered late, by 職権
  when the 届出 came more than 14 days after the 転出: 4.1.3.0.1) becomes a 除票 at the
  本登録 (``apply_ido``) and ``after_honroku`` publishes ``TENSHUTSU_KAKUTEI`` at once.
- 取消 of a 転出 works before the 確定 (the 予定 is withdrawn; nothing else to undo) and
  after it (the 除票 version is superseded by ``apply_torikeshi``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from juminkiroku import events
from juminkiroku.codes import (
    IDO_GROUP_OF,
    SHOJO_JOTAI,
    AtenaKubun,
    IdoGroup,
    IdoJiyu,
    JuminJotai,
    Zokugara,
)
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    Ido,
    RenkeiChange,
    TennyuTsuchi,
    Tenshutsu,
    TenshutsuStatus,
)
from juminkiroku.models.tenshutsu import TennyuTsuchiSource
from juminkiroku.services.ido.apply import Applied, _snapshot, _write_atena
from juminkiroku.services.ido.fields import GYOMU, IdoError
from juminkiroku.services.ido.publish import kind_payload
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.checkdigits import normalise_postal_code
from tenants.events.services import event_publish
from tenants.text import text_problem

TENSHUTSU_JIYU = (IdoJiyu.TENSHUTSU.value, IdoJiyu.KOKUGAI_TENSHUTSU.value)

# 住民基本台帳法 第24条: the 転出届 is made before the 転出 or within 14 days after it;
# later, the 転出 is entered by 職権 (標準仕様書 4.1.3.0.1) and the certificate is the
# 転出証明書に準ずる証明書 (4.1.3.0.3).
TODOKE_LIMIT_DAYS = 14

SYSTEM_ACTOR = Actor(user_id=None, username="system:tenshutsu_kakutei")

# The same per-schema advisory lock as 本登録 (services.ido.review), so the feed's seq
# commits in order when the daily job writes a 除票.
_HONROKU_LOCK_KEY = 0x4A554D494E


class TenshutsuError(IdoError):
    """A refused 転出 step; the message is for the clerk."""


def is_yotei(ido: Ido, today: date | None = None) -> bool:
    """Whether this 転出 leaves the person on the registry until its 転出予定日."""
    return ido.jiyu in TENSHUTSU_JIYU and ido.ido_date > (today or timezone.localdate())


def is_shokken(*, ido_date: date, todoke_date: date | None) -> bool:
    """届出 more than 14 days after the 転出: entered by 職権 (標準仕様書 4.1.3.0.1)."""
    return todoke_date is not None and (todoke_date - ido_date).days > TODOKE_LIMIT_DAYS


def _current_version(atena: Atena) -> AtenaRireki | None:
    return (
        AtenaRireki.objects.select_for_update()
        .filter(atena=atena, valid_to__isnull=True, superseded=False)
        .first()
    )


def _fields(ido: Ido, atena_id: int) -> dict[str, Any]:
    for person in ido.payload.get("persons", []):
        if person.get("atena_id") == atena_id:
            return dict(person.get("fields", {}))
    return {}


def refuse_while_yotei(ido: Ido) -> None:
    """A 消除 (or another 転出) of a person whose 転出 is still to come is refused: the
    予定 must be cancelled first, or it would turn a 除票 into a 除票 again."""
    if IDO_GROUP_OF.get(ido.jiyu) != IdoGroup.SHOJO:
        return
    ids = [p["atena_id"] for p in ido.payload.get("persons", []) if p.get("atena_id")]
    if Tenshutsu.objects.filter(atena_id__in=ids, status=TenshutsuStatus.YOTEI).exists():
        raise TenshutsuError(
            "転出予定の方が含まれています。先にその転出を取り消すか、転出予定日を待ってください。"
        )


def apply_yotei(ido: Ido) -> list[Applied]:
    """本登録 of a 転出 with a future 転出予定日: the 予定 only (the registry is unchanged)."""
    refuse_while_yotei(ido)
    touched: list[Applied] = []
    shokken = is_shokken(ido_date=ido.ido_date, todoke_date=ido.todoke_date)
    for person in ido.payload["persons"]:
        atena = Atena.objects.select_for_update().get(pk=person["atena_id"])
        if atena.kubun != AtenaKubun.JUTOSHA or atena.jotai != JuminJotai.JUMIN:
            raise TenshutsuError("住民ではない（除票・住登外の）方の転出はできません。")
        fields = person.get("fields", {})
        Tenshutsu.objects.create(
            ido=ido,
            atena=atena,
            jiyu=ido.jiyu,
            yotei_date=ido.ido_date,
            todoke_date=ido.todoke_date,
            shokken=shokken,
            yotei_jusho=fields.get("tenshutsu_saki_jusho") or "",
            yotei_postal_code=fields.get("tenshutsu_saki_postal_code") or "",
        )
        current = _current_version(atena)
        values = _snapshot(atena)
        touched.append(Applied(atena.pk, current.pk if current else None, values, values))
    return touched


def _kakutei_payload(t: Tenshutsu, setai_id: int | None) -> events.TenshutsuKakuteiPayload:
    assert t.shojo_date is not None
    return events.TenshutsuKakuteiPayload(
        ido_id=t.ido_id,
        jiyu=t.jiyu,
        shojo_date=t.shojo_date,
        yotei_date=t.yotei_date,
        atena_ids=(t.atena_id,),
        setai_ids=(setai_id,) if setai_id else (),
    )


def after_honroku(*, ido: Ido, applied: list[Applied], acting_user_id: int | None) -> None:
    """After the 本登録 of a 転出 dated today or earlier (already a 除票 by ``apply_ido``):
    record the 確定 and publish ``TENSHUTSU_KAKUTEI`` (inside the 本登録's transaction)."""
    if ido.jiyu not in TENSHUTSU_JIYU or is_yotei(ido):
        return
    shokken = is_shokken(ido_date=ido.ido_date, todoke_date=ido.todoke_date)
    for a in applied:
        fields = _fields(ido, a.atena_id)
        t = Tenshutsu.objects.create(
            ido=ido,
            atena_id=a.atena_id,
            jiyu=ido.jiyu,
            status=TenshutsuStatus.KAKUTEI,
            yotei_date=ido.ido_date,
            todoke_date=ido.todoke_date,
            shokken=shokken,
            yotei_jusho=fields.get("tenshutsu_saki_jusho") or "",
            yotei_postal_code=fields.get("tenshutsu_saki_postal_code") or "",
            shojo_date=ido.ido_date,
            kakutei_at=timezone.now(),
            johyo_rireki_id=a.rireki_id,
        )
        setai_id = (a.before or {}).get("setai_id")
        event_publish(
            event=events.TENSHUTSU_KAKUTEI,
            payload=_kakutei_payload(t, setai_id),
            acting_user_id=acting_user_id,
        )


def yotei_torikeshi(ido: Ido) -> list[Applied]:
    """The 本登録 of a 取消 of a 転出: its 予定/確定 rows are withdrawn. Returns the
    persons whose 転出 was still a 予定 (their registry rows were never changed)."""
    target = ido.cancels
    if target is None or target.jiyu not in TENSHUTSU_JIYU:
        return []
    touched: list[Applied] = []
    for t in (
        Tenshutsu.objects.select_for_update()
        .filter(ido=target)
        .exclude(status=TenshutsuStatus.TORIKESHI)
    ):
        if t.status == TenshutsuStatus.YOTEI:
            atena = Atena.objects.get(pk=t.atena_id)
            current = AtenaRireki.objects.filter(
                atena=atena, valid_to__isnull=True, superseded=False
            ).first()
            values = _snapshot(atena)
            touched.append(Applied(atena.pk, current.pk if current else None, values, values))
        t.status = TenshutsuStatus.TORIKESHI
        t.save(update_fields=["status"])
    return touched


def yotei_atena_ids(target: Ido) -> list[int]:
    """Persons of a 転出 still 予定 (for the 取消's targets)."""
    return list(
        Tenshutsu.objects.filter(ido=target, status=TenshutsuStatus.YOTEI).values_list(
            "atena_id", flat=True
        )
    )


def _kakutei(t: Tenshutsu, shojo_date: date, actor: Actor) -> None:
    """Turn the 予定 ``t`` into a 除票 from ``shojo_date`` (caller holds the transaction,
    the advisory lock and the row lock on ``t``)."""
    atena = Atena.objects.select_for_update().get(pk=t.atena_id)
    if atena.kubun != AtenaKubun.JUTOSHA or atena.jotai != JuminJotai.JUMIN:
        raise TenshutsuError("転出者が住民ではなくなっています。転出を確定できません。")
    current = _current_version(atena)
    if current is None:
        raise TenshutsuError("転出者の住民票が見つかりません。")
    if shojo_date < current.valid_from:
        raise TenshutsuError(
            "除票となる日が、その後に本登録された異動の日より前です。後の異動を先に取り消してください。"
        )
    ido = Ido.objects.get(pk=t.ido_id)
    before = _snapshot(atena)
    values = dict(before)
    values.update(
        jotai=SHOJO_JOTAI[t.jiyu],
        shojo_date=shojo_date,
        shojo_jiyu=t.jiyu,
        tenshutsu_saki_jusho=t.yotei_jusho,
        tenshutsu_saki_postal_code=t.yotei_postal_code,
        todoke_date=t.todoke_date or before.get("todoke_date"),
    )
    current.valid_to = shojo_date
    current.closed_by = ido
    current.save(update_fields=["valid_to", "closed_by"])
    johyo = AtenaRireki.objects.create(
        atena=atena, valid_from=shojo_date, valid_to=None, ido=ido, **values
    )
    _write_atena(atena, values)
    t.status = TenshutsuStatus.KAKUTEI
    t.shojo_date = shojo_date
    t.kakutei_at = timezone.now()
    t.johyo_rireki = johyo
    t.save(update_fields=["status", "shojo_date", "kakutei_at", "johyo_rireki"])
    RenkeiChange.objects.create(
        atena=atena, ido=ido, rireki=johyo, jiyu=t.jiyu, ido_date=shojo_date
    )
    access_record(
        actor=actor,
        action=AccessAction.UPDATE,
        gyomu=GYOMU,
        screen="転出確定（除票）",
        record_type="tenshutsu",
        record_id=t.pk,
        detail={"ido_id": t.ido_id, "atena_ids": [atena.pk]},
    )
    event_publish(
        event=events.TENSHUTSU_KAKUTEI,
        payload=_kakutei_payload(t, before.get("setai_id")),
        acting_user_id=actor.user_id,
    )
    if before.get("zokugara") == Zokugara.HONNIN:
        _setainushi_left_behind(ido, before.get("setai_id"), shojo_date, actor)


def _setainushi_left_behind(ido: Ido, setai_id: int | None, day: date, actor: Actor) -> None:
    """標準仕様書 4.0.4 at the 転出確定: the one member the leaving 世帯主 left behind (decided
    at 仮登録, ``payload["setainushi_shokken"]``) becomes 世帯主 from the 除票 date, with its
    own 世帯主変更 event. If that member is no longer a resident of the same household the
    household is left without a 世帯主 (listed by juminkiroku.selectors.setainushi)."""
    touched: list[Applied] = []
    for atena_id in ido.payload.get("setainushi_shokken", []):
        atena = Atena.objects.select_for_update().get(pk=atena_id)
        current = _current_version(atena)
        if (
            atena.jotai != JuminJotai.JUMIN
            or atena.kubun != AtenaKubun.JUTOSHA
            or atena.setai_id != setai_id
            or current is None
            or current.valid_from > day
        ):
            continue
        before = _snapshot(atena)
        values = {**before, "zokugara": Zokugara.HONNIN, "setai_order": 1}
        current.valid_to = day
        current.closed_by = ido
        current.save(update_fields=["valid_to", "closed_by"])
        rireki = AtenaRireki.objects.create(
            atena=atena, valid_from=day, valid_to=None, ido=ido, **values
        )
        _write_atena(atena, values)
        RenkeiChange.objects.create(
            atena=atena, ido=ido, rireki=rireki, jiyu=ido.jiyu, ido_date=day
        )
        touched.append(Applied(atena.pk, rireki.pk, before, values))
    if touched:
        event_publish(
            event=events.SETAINUSHI_HENKO,
            payload=kind_payload(events.SETAINUSHI_HENKO, ido, touched),
            acting_user_id=actor.user_id,
        )


def _correct_shojo_date(t: Tenshutsu, shojo_date: date, actor: Actor) -> bool:
    """A 転入通知 whose 転入日 is before the day the 転出 became a 除票 (the daily job ran
    on the 転出予定日 before the 通知 came): the 除票 is from the earlier day (1.1.5).

    Versions are never edited: the 除票 version and the version it closed are superseded
    and written again with the earlier boundary. Not done (returns False, the clerk sees
    ``date_differs``) when a later 異動 stands on the 除票 or the earlier day falls before
    the version the 転出 closed (a 転居 in between): those need a 職権修正.
    """
    if t.johyo_rireki_id is None:
        return False
    johyo = AtenaRireki.objects.select_for_update().get(pk=t.johyo_rireki_id)
    prior = (
        AtenaRireki.objects.select_for_update()
        .filter(atena_id=t.atena_id, closed_by_id=t.ido_id, superseded=False)
        .order_by("-valid_from", "-id")
        .first()
    )
    if (
        johyo.superseded
        or johyo.valid_to is not None
        or prior is None
        or shojo_date < prior.valid_from
    ):
        return False
    ido = Ido.objects.get(pk=t.ido_id)
    for version in (johyo, prior):
        version.superseded = True
        version.superseded_by = ido
        version.save(update_fields=["superseded", "superseded_by"])
    AtenaRireki.objects.create(
        atena_id=t.atena_id,
        valid_from=prior.valid_from,
        valid_to=shojo_date,
        ido_id=prior.ido_id,
        closed_by=ido,
        **_snapshot(prior),
    )
    values = _snapshot(johyo)
    values["shojo_date"] = shojo_date
    new_johyo = AtenaRireki.objects.create(
        atena_id=t.atena_id, valid_from=shojo_date, valid_to=None, ido=ido, **values
    )
    atena = Atena.objects.select_for_update().get(pk=t.atena_id)
    before = _snapshot(atena)
    _write_atena(atena, values)
    t.shojo_date = shojo_date
    t.johyo_rireki = new_johyo
    t.save(update_fields=["shojo_date", "johyo_rireki"])
    RenkeiChange.objects.create(
        atena=atena, ido=ido, rireki=new_johyo, jiyu=t.jiyu, ido_date=shojo_date
    )
    # The 除票 date changed: 転出確定 again with the corrected date (subscribers such as
    # 国保・介護 take the latest shojo_date for the person and this 異動).
    event_publish(
        event=events.TENSHUTSU_KAKUTEI,
        payload=_kakutei_payload(t, before.get("setai_id")),
        acting_user_id=actor.user_id,
    )
    return True


def _lock() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_HONROKU_LOCK_KEY])


@dataclass(frozen=True)
class KakuteiResult:
    done: list[int]
    refused: dict[int, str]


def tenshutsu_kakutei_due(
    *, today: date | None = None, actor: Actor = SYSTEM_ACTOR
) -> KakuteiResult:
    """The daily job: every 予定 whose 転出予定日 has come becomes a 除票 from that date.

    Idempotent (a 確定 row is skipped) and catching up (any 予定 on or before ``today``,
    however many days were missed). Each person in their own transaction, so one refusal
    (e.g. a later 異動 dated before the 予定日) leaves the others done.
    """
    today = today or timezone.localdate()
    due = list(
        Tenshutsu.objects.filter(status=TenshutsuStatus.YOTEI, yotei_date__lte=today)
        .order_by("yotei_date", "id")
        .values_list("pk", flat=True)
    )
    result = KakuteiResult(done=[], refused={})
    for pk in due:
        try:
            with transaction.atomic(durable=True):
                _lock()
                t = Tenshutsu.objects.select_for_update().get(pk=pk)
                if t.status != TenshutsuStatus.YOTEI:
                    continue
                _kakutei(t, t.yotei_date, actor)
        except TenshutsuError as exc:
            result.refused[pk] = str(exc)
        else:
            result.done.append(pk)
    return result


# --- 転入通知 (標準仕様書 4.1.3.1.1 - 4.1.3.1.3) ---------------------------------------


def _clean_text(value: str, *, key: str, label: str, required: bool, max_length: int) -> str:
    text = (value or "").strip()
    problem = text_problem(text, label=label)
    if problem is not None:
        raise TenshutsuError({key: [problem]})
    if required and not text:
        raise TenshutsuError({key: [f"{label}を入力してください。"]})
    if len(text) > max_length:
        raise TenshutsuError({key: [f"{label}は{max_length}文字以内で入力してください。"]})
    return text


def receive_tennyu_tsuchi(
    *,
    atena_id: int,
    tennyu_date: date,
    tennyu_jusho: str,
    tennyu_postal_code: str,
    source: str,
    received_on: date,
    actor: Actor,
) -> TennyuTsuchi:
    """Record a 転入通知 (from the CS or on paper) for a person who moved out.

    The 転出先住所（確定）, 転出年月日（確定） and 転入通知年月日 are kept beside the 予定
    items, never over them (4.1.3.1.1). A 転出 still 予定 becomes a 除票 now, from the
    earlier of its 転出予定日 and the 転入日 (1.1.5). A person removed by 職権消除 gets
    the 通知 recorded too (4.1.3.1.1, second paragraph). When the 転入日 differs from the
    予定日 the row says so (``date_differs``) for the clerk's screen.
    """
    if source not in TennyuTsuchiSource.values:
        raise TenshutsuError({"source": ["受信元が正しくありません。"]})
    today = timezone.localdate()
    if tennyu_date > today:
        raise TenshutsuError({"tennyu_date": ["転入日に未来の日付は指定できません。"]})
    if received_on > today or received_on < tennyu_date:
        raise TenshutsuError(
            {"received_on": ["転入通知年月日は転入日から今日までの日付にしてください。"]}
        )
    jusho = _clean_text(
        tennyu_jusho, key="tennyu_jusho", label="転入先住所", required=True, max_length=200
    )
    postal = (tennyu_postal_code or "").strip()
    if postal:
        try:
            postal = normalise_postal_code(postal)
        except ValueError as exc:
            raise TenshutsuError({"tennyu_postal_code": [str(exc).split(":")[0] + "。"]}) from exc
    with transaction.atomic(durable=True):
        _lock()
        atena = Atena.objects.select_for_update().filter(pk=atena_id).first()
        if atena is None or atena.kubun != AtenaKubun.JUTOSHA:
            raise TenshutsuError("指定された方が見つかりません。")
        t = (
            Tenshutsu.objects.select_for_update()
            .filter(atena=atena)
            .exclude(status=TenshutsuStatus.TORIKESHI)
            .order_by("-id")
            .first()
        )
        if t is None and atena.jotai != JuminJotai.SHOKKEN_SHOJO:
            raise TenshutsuError("この方の転出（又は職権消除）の記録がありません。")
        if t is not None and t.tsuchi_date is not None:
            raise TenshutsuError("この転出の転入通知は既に受理しています。")
        if t is not None and t.jiyu != IdoJiyu.TENSHUTSU:
            raise TenshutsuError("国外転出の方には転入通知はありません。")
        made_johyo = corrected = False
        if t is not None:
            if t.status == TenshutsuStatus.YOTEI:
                _kakutei(t, min(t.yotei_date, tennyu_date), actor)
                made_johyo = True
            elif t.shojo_date is not None and tennyu_date < t.shojo_date:
                corrected = _correct_shojo_date(t, tennyu_date, actor)
            t.kakutei_jusho = jusho
            t.kakutei_postal_code = postal
            t.kakutei_tenshutsu_date = tennyu_date
            t.tsuchi_date = received_on
            t.save(
                update_fields=[
                    "kakutei_jusho",
                    "kakutei_postal_code",
                    "kakutei_tenshutsu_date",
                    "tsuchi_date",
                ]
            )
        tsuchi = TennyuTsuchi.objects.create(
            atena=atena,
            tenshutsu=t,
            tennyu_date=tennyu_date,
            tennyu_jusho=jusho,
            tennyu_postal_code=postal,
            source=source,
            received_on=received_on,
            date_differs=t is not None and t.yotei_date != tennyu_date,
            made_johyo=made_johyo,
            shojo_corrected=corrected,
            recorded_by=actor.username or f"api:{actor.api_client}",
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="転入通知の受理",
            record_type="tennyu_tsuchi",
            record_id=tsuchi.pk,
            detail={"atena_ids": [atena.pk], "source": source},
        )
    return tsuchi


def mitchaku_cutoff(today: date, days: int) -> date:
    """転出 whose 除票 date is on or before this day and no 転入通知 came are 未着."""
    return today - timedelta(days=days)
