"""児童手当 writes: 認定請求 → 認定, 額改定, 消滅, and the clerks' queue of births.

Each service is one durable transaction that writes the history row (``JidoteateRireki``)
and the access-log row with it. Month rules are ``fukushi.rules.jidoteate``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import DateField, Value
from django.db.models.functions import Coalesce, Least
from django.utils import timezone

from fukushi.gyomu import JIDO_TEATE
from fukushi.models import (
    JidoteateJido,
    JidoteateJukyusha,
    JidoteateKouho,
    JidoteateRireki,
    JukyushaStatus,
    KouhoStatus,
    RirekiKind,
    ShometsuJiyu,
    ShotokuKubunChoice,
)
from fukushi.rules import jidoteate as rules
from juminkiroku.public import household_on, residents_among
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.labels import wareki_date, wareki_month
from tenants.zengin import Account, account_errors
from zeimu.public import person_kazei_many

SCREEN = "fukushi.jidoteate"


class JidoteateRefused(ValueError):
    """A write the rules refuse; ``errors`` maps a field to its Japanese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(" ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class JidoInput:
    birth_date: date
    atena_id: int | None = None
    kanshu: bool = False


def shotoku_nendo(day: date) -> int:
    """The 住民税 年度 whose 所得 (the year before) a 認定 on ``day`` reads: from June the
    current year's, before June the previous (児童手当の所得は6月分から前年所得)."""
    return day.year if day.month >= 6 else day.year - 1


def higher_income(atena_ids: Iterable[int], day: date) -> int | None:
    """The one of ``atena_ids`` with the strictly highest 合計所得金額 of the 年度 that
    applies on ``day`` (zeimu.public); None on a tie or when nobody is assessed (the
    clerk chooses: 生計を維持する程度の高い者)."""
    ids = list(dict.fromkeys(atena_ids))
    kazei = person_kazei_many(ids, shotoku_nendo(day))
    ranked = sorted(((k.gokei_shotoku, a) for a, k in kazei.items()), reverse=True)
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[0][0] == ranked[1][0]:
        return None
    return ranked[0][1]


def sokyu_mark(jukyusha_id: int, month: date) -> None:
    """Mark the 受給者 for 遡及 from ``month``: the next payment run compares what is due
    from that month with what 確定 runs paid (``fukushi.services.jidoteate_shiharai``).
    One UPDATE keeping the earliest month marked."""
    m = rules.month_start(month)
    JidoteateJukyusha.objects.filter(pk=jukyusha_id).update(
        sokyu_from=Least(
            Coalesce("sokyu_from", Value(m, output_field=DateField())),
            Value(m, output_field=DateField()),
        ),
        sokyu_marked_at=timezone.now(),
    )


def _number(row: JidoteateJukyusha) -> str:
    return f"{row.pk:010d}"


def koza_problems(account: Account | None, *, koumuin: bool) -> dict[str, str]:
    if koumuin:
        return {}
    if account is None:
        return {"koza": "振込先の口座を入力してください（公務員は所属庁から支給されます）。"}
    return {f"koza_{f}": m for f, m in account_errors(account)}


@transaction.atomic(durable=True)
def nintei_register(
    *,
    atena_id: int,
    seikyu_date: date,
    jiyu_date: date | None,
    children: list[JidoInput],
    actor: Actor,
    other_parent_atena_id: int | None = None,
    koumuin: bool = False,
    shotoku_kubun: str = ShotokuKubunChoice.IKA,
    account: Account | None = None,
    kouho_id: int | None = None,
) -> JidoteateJukyusha:
    """認定請求 received and 認定: paid from ``rules.shikyu_start`` (the month after the 請求,
    or the 15日特例). The 受給者 is the parent with the higher 所得: refused when the other
    parent given has a higher 合計所得金額 (a tie or no assessment: the clerk's choice)."""
    errors: dict[str, str] = {}
    if not residents_among([atena_id], seikyu_date):
        errors["atena"] = "請求者は請求日にこの町の住民ではありません。"
    if not children:
        errors["jido"] = "児童を1人以上入力してください。"
    if jiyu_date is not None and jiyu_date > seikyu_date:
        errors["jiyu_date"] = "出生日・転出予定日が請求日より後です。"
    if other_parent_atena_id is not None and other_parent_atena_id != atena_id:
        higher = higher_income([atena_id, other_parent_atena_id], seikyu_date)
        if higher == other_parent_atena_id:
            errors["atena"] = (
                "もう一方の親の所得が高いため、その方が受給者（生計を維持する程度の高い者）です。"
            )
    errors.update(koza_problems(account, koumuin=koumuin))
    start = rules.shikyu_start(seikyu_date=seikyu_date, jiyu_date=jiyu_date)
    try:
        seido = rules.seido_of(start)
    except rules.SeidoMissing as exc:
        raise JidoteateRefused({"seikyu_date": str(exc)}) from exc
    kids = [rules.Child(c.birth_date, c.kanshu, i) for i, c in enumerate(children)]
    if children and not any(rules.paid(seido, k, start) for k in kids):
        errors["jido"] = "支給開始月に支給の対象となる児童（高校生年代まで）がいません。"
    if JidoteateJukyusha.objects.filter(atena_id=atena_id, status=JukyushaStatus.NINTEI).exists():
        errors["atena"] = (
            "この方は既に児童手当の認定を受けています（額改定で児童を加えてください）。"
        )
    if errors:
        raise JidoteateRefused(errors)
    a = account if not koumuin else None
    row = JidoteateJukyusha.objects.create(
        atena_id=atena_id,
        jukyusha_no=f"tmp{atena_id}"[:10],
        status=JukyushaStatus.NINTEI,
        seikyu_date=seikyu_date,
        jiyu_date=jiyu_date,
        nintei_date=seikyu_date,
        shikyu_start=start,
        koumuin=koumuin,
        shotoku_kubun=shotoku_kubun,
        kinyu_kikan=a.kinyu_kikan if a else "",
        shiten=a.shiten if a else "",
        yokin_shumoku=a.yokin_shumoku if a else "",
        koza_bango=a.koza_bango if a else "",
        meigi_kana=a.meigi_kana if a else "",
    )
    row.jukyusha_no = _number(row)
    row.save(update_fields=["jukyusha_no"])
    JidoteateJido.objects.bulk_create(
        JidoteateJido(
            jukyusha=row,
            atena_id=c.atena_id,
            birth_date=c.birth_date,
            kanshu=c.kanshu,
            start_month=start,
        )
        for c in children
    )
    tokurei = (
        jiyu_date is not None
        and rules.month_start(jiyu_date) != rules.month_start(seikyu_date)
        and start == rules.add_months(rules.month_start(jiyu_date), 1)
    )
    JidoteateRireki.objects.create(
        jukyusha=row,
        kind=RirekiKind.NINTEI,
        effective_month=start,
        jiyu="認定請求（15日特例）" if tokurei else "認定請求（請求の翌月分から）",
        actor=actor.username,
    )
    # a 認定 decided after payment months have passed: the next run pays them (遡及)
    sokyu_mark(row.pk, start)
    if kouho_id is not None:
        JidoteateKouho.objects.filter(pk=kouho_id).update(status=KouhoStatus.SEIKYU)
    access_record(
        action=AccessAction.CREATE,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateJukyusha",
        record_id=row.pk,
        detail={"atena_ids": [atena_id, *[c.atena_id for c in children if c.atena_id]]},
    )
    return row


@transaction.atomic(durable=True)
def gaku_kaitei(
    *,
    jukyusha_id: int,
    actor: Actor,
    todoke_date: date,
    jiyu_date: date | None = None,
    add: list[JidoInput] = (),  # type: ignore[assignment]
    remove_jido_ids: list[int] = (),  # type: ignore[assignment]
    kanshu_set: dict[int, bool] | None = None,
) -> JidoteateRireki:
    """額改定: a child added (増額: from the month after the 届出, 15日特例 as for a 請求,
    第9条), a child removed (減額: from the month after the 事由, ``jiyu_date``), or the
    監護相当 of a 大学生年代 child changed (from the month after the 届出)."""
    row = JidoteateJukyusha.objects.select_for_update().get(pk=jukyusha_id)
    if row.status != JukyushaStatus.NINTEI:
        raise JidoteateRefused({"jukyusha": "消滅した認定は額改定できません。"})
    if not add and not remove_jido_ids and not kanshu_set:
        raise JidoteateRefused(
            {"jido": "加える児童・除く児童・監護相当の変更のいずれかを入力してください。"}
        )
    zo = rules.shikyu_start(seikyu_date=todoke_date, jiyu_date=jiyu_date)
    zo = max(zo, row.shikyu_start)
    gen = rules.shometsu_month(jiyu_date=jiyu_date or todoke_date)
    gen = max(gen, row.shikyu_start)
    JidoteateJido.objects.bulk_create(
        JidoteateJido(
            jukyusha=row,
            atena_id=c.atena_id,
            birth_date=c.birth_date,
            kanshu=c.kanshu,
            start_month=zo,
        )
        for c in add
    )
    removed = JidoteateJido.objects.filter(
        jukyusha=row, pk__in=list(remove_jido_ids), end_month__isnull=True
    ).update(end_month=gen)
    if len(list(remove_jido_ids)) != removed:
        raise JidoteateRefused({"jido": "除く児童がこの認定の児童ではありません。"})
    for jido_id, kanshu in (kanshu_set or {}).items():
        old = JidoteateJido.objects.filter(jukyusha=row, pk=jido_id, end_month__isnull=True).first()
        if old is None or old.kanshu == kanshu:
            continue
        # the counted range changes from the month after the 届出: close and reopen
        old.end_month = zo
        old.save(update_fields=["end_month"])
        JidoteateJido.objects.create(
            jukyusha=row,
            atena_id=old.atena_id,
            birth_date=old.birth_date,
            kanshu=kanshu,
            start_month=zo,
        )
    parts = []
    if add:
        parts.append(f"児童を{len(list(add))}人追加（{wareki_month(zo)}分から）")
    if remove_jido_ids:
        parts.append(f"児童を{removed}人除外（{wareki_month(gen)}分から）")
    if kanshu_set:
        parts.append("監護相当・生計費の負担の変更")
    rireki = JidoteateRireki.objects.create(
        jukyusha=row,
        kind=RirekiKind.KAITEI,
        effective_month=zo if add or kanshu_set else gen,
        jiyu="、".join(parts),
        actor=actor.username,
    )
    # a 届出 entered late reaches months already paid: 差額 or 返還・調整 in the next run
    sokyu_mark(
        row.pk, min([*([zo] if add or kanshu_set else []), *([gen] if remove_jido_ids else [])])
    )
    _logged_update(row, actor)
    return rireki


def _logged_update(row: JidoteateJukyusha, actor: Actor) -> None:
    """The access-log row of a clerk's change to one 受給者 (額改定, 消滅)."""
    access_record(
        action=AccessAction.UPDATE,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateJukyusha",
        record_id=row.pk,
        detail={"atena_ids": [row.atena_id]},
    )


def _shometsu(
    row: JidoteateJukyusha,
    *,
    jiyu: str,
    jiyu_date: date,
    actor: Actor,
    source_key: str | None,
    ido_id: int | None,
) -> JidoteateRireki | None:
    if row.status != JukyushaStatus.NINTEI:
        return None
    end = max(rules.shometsu_month(jiyu_date=jiyu_date), row.shikyu_start)
    row.status = JukyushaStatus.SHOMETSU
    row.shikyu_end = end
    row.shometsu_jiyu = jiyu
    row.save(update_fields=["status", "shikyu_end", "shometsu_jiyu"])
    sokyu_mark(row.pk, end)  # months paid after the end: a 返還・調整 in the next run
    return JidoteateRireki.objects.create(
        jukyusha=row,
        kind=RirekiKind.SHOMETSU,
        effective_month=end,
        jiyu=(
            f"{ShometsuJiyu(jiyu).label}（{wareki_date(jiyu_date)}）: "
            f"{wareki_month(end)}分から支給しない"
        ),
        source_key=source_key,
        ido_id=ido_id,
        actor=actor.username,
    )


@transaction.atomic(durable=True)
def shometsu_register(
    *, jukyusha_id: int, jiyu: str, jiyu_date: date, actor: Actor
) -> JidoteateRireki:
    """消滅 entered by a clerk (消滅届 or 職権): not paid from the month after ``jiyu_date``."""
    if jiyu not in ShometsuJiyu.values:
        raise JidoteateRefused({"jiyu": "消滅事由を選んでください。"})
    row = JidoteateJukyusha.objects.select_for_update().get(pk=jukyusha_id)
    rireki = _shometsu(
        row, jiyu=jiyu, jiyu_date=jiyu_date, actor=actor, source_key=None, ido_id=None
    )
    if rireki is None:
        raise JidoteateRefused({"jukyusha": "この認定は既に消滅しています。"})
    _logged_update(row, actor)
    return rireki


def person_left(
    *,
    atena_ids: Iterable[int],
    jiyu: str,
    jiyu_date: date,
    actor: Actor,
    event_id: int,
    ido_id: int,
) -> list[int]:
    """A 転出 or 死亡 from the registry (runs in the delivery's transaction): a 受給者 who
    left → 消滅 from the month after ``jiyu_date``; a child who left → removed from the
    month after (減額), and the 認定 消滅 when no child is left. Keyed on the outbox id and
    the person, so a second delivery changes nothing. Returns the 受給者 ids changed."""
    ids = list(dict.fromkeys(atena_ids))
    changed: list[int] = []
    end = rules.shometsu_month(jiyu_date=jiyu_date)
    for row in JidoteateJukyusha.objects.select_for_update().filter(
        atena_id__in=ids, status=JukyushaStatus.NINTEI
    ):
        key = f"event:{event_id}:{row.atena_id}"
        if JidoteateRireki.objects.filter(source_key=key).exists():
            continue
        if _shometsu(
            row, jiyu=jiyu, jiyu_date=jiyu_date, actor=actor, source_key=key, ido_id=ido_id
        ):
            changed.append(row.pk)
    kids = list(
        JidoteateJido.objects.select_related("jukyusha").filter(
            atena_id__in=ids,
            end_month__isnull=True,
            jukyusha__status=JukyushaStatus.NINTEI,
        )
    )
    for kid in kids:
        row = kid.jukyusha
        key = f"event:{event_id}:{kid.atena_id}:jido:{row.pk}"
        if JidoteateRireki.objects.filter(source_key=key).exists():
            continue
        kid.end_month = max(end, kid.start_month)
        kid.save(update_fields=["end_month"])
        sokyu_mark(row.pk, kid.end_month)
        left = JidoteateJido.objects.filter(jukyusha=row, end_month__isnull=True)
        seido = rules.seido_of(end)
        still = [
            k for k in left if rules.paid(seido, rules.Child(k.birth_date, k.kanshu, k.pk), end)
        ]
        if not still:
            try:
                with transaction.atomic():
                    _shometsu(
                        row,
                        jiyu=ShometsuJiyu.JIDO_NASHI,
                        jiyu_date=jiyu_date,
                        actor=actor,
                        source_key=key,
                        ido_id=ido_id,
                    )
            except IntegrityError:  # pragma: no cover - the key is checked above
                continue
        else:
            JidoteateRireki.objects.create(
                jukyusha=row,
                kind=RirekiKind.KAITEI,
                effective_month=end,
                jiyu=(
                    f"児童の{'死亡' if jiyu == ShometsuJiyu.SHIBO else '転出'}により減額"
                    f"（{wareki_month(end)}分から）"
                ),
                source_key=key,
                ido_id=ido_id,
                actor=actor.username,
            )
        changed.append(row.pk)
    if changed:
        access_record(
            action=AccessAction.UPDATE,
            actor=actor,
            gyomu=JIDO_TEATE,
            screen="fukushi.jidoteate.renkei",
            record_type="fukushi.JidoteateJukyusha",
            record_count=len(changed),
            detail={"atena_ids": ids, "ido_id": ido_id},
        )
    return changed


def shussei_kouho(
    *,
    atena_ids: Iterable[int],
    setai_id: int,
    birth_date: date,
    ido_id: int,
    event_id: int,
    actor: Actor,
) -> list[JidoteateKouho]:
    """A birth: one task in the clerks' queue per newborn, with the household member who
    already receives 児童手当 (a 額改定) or else the adult with the higher 所得 as the
    suggested 受給者 (None: a tie or nobody assessed). Keyed on the outbox id and child."""
    members = household_on(setai_id, birth_date)
    newborn = set(atena_ids)
    adults = [
        m.atena_id
        for m in members
        if m.atena_id not in newborn and age_on(m.birth_date, birth_date) >= 18
    ]
    existing = (
        JidoteateJukyusha.objects.filter(atena_id__in=adults, status=JukyushaStatus.NINTEI)
        .order_by("id")
        .first()
    )
    suggested = existing.atena_id if existing else higher_income(adults, birth_date)
    born = residents_among(newborn, birth_date)
    out = []
    for child in sorted(newborn):
        key = f"event:{event_id}:{child}"
        kouho, created = JidoteateKouho.objects.get_or_create(
            source_key=key,
            defaults={
                "child_atena_id": child,
                "setai_id": setai_id,
                "birth_date": born[child].birth_date if child in born else birth_date,
                "ido_id": ido_id,
                "suggested_atena_id": suggested,
                "existing_jukyusha": existing,
            },
        )
        if created:
            out.append(kouho)
    if out:
        access_record(
            action=AccessAction.READ,
            actor=actor,
            gyomu=JIDO_TEATE,
            screen="fukushi.jidoteate.renkei",
            record_type="atena",
            record_count=len(members),
            detail={"atena_ids": [m.atena_id for m in members], "ido_id": ido_id},
        )
    return out


@transaction.atomic(durable=True)
def kouho_torisage(*, kouho_id: int, actor: Actor) -> None:
    """The clerk closes a task that needs nothing (e.g. the family claims elsewhere)."""
    n = JidoteateKouho.objects.filter(pk=kouho_id, status=KouhoStatus.MISHORI).update(
        status=KouhoStatus.TORISAGE
    )
    if not n:
        raise JidoteateRefused({"kouho": "この処理待ちは既に処理されています。"})
    access_record(
        action=AccessAction.UPDATE,
        actor=actor,
        gyomu=JIDO_TEATE,
        screen=SCREEN,
        record_type="fukushi.JidoteateKouho",
        record_id=kouho_id,
    )
