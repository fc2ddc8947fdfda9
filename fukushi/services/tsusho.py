"""障害児通所支援 writes (児童福祉法第21条の5の5〜第21条の5の8): the 保護者's 申請 for a child under
18 → 給付決定 (services and 支給量 日/月, 給付決定期間, 利用者負担上限月額, 無償化の対象期間) →
変更・更新・取消 or 却下.

Every write is one durable transaction that changes the ``TsushoKettei``, adds its
``TsushoRireki`` row (who, when, reason, before → after; never edited) and writes the access-log
row. The 負担上限月額 is judged on the 保護者の属する世帯 (the registry's household of the 保護者
on the period's first day) from zeimu's public face (the same face 自立支援給付 reads) and
fukushi's own 生活保護 records; every figure used is kept on the decision. Refused input raises
``TsushoRefused`` with Japanese messages and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.tsusho import (
    TsushoJotai,
    TsushoKettei,
    TsushoRireki,
    TsushoService,
    TsushoShuryoJiyu,
)
from fukushi.public import hihogosha_on
from fukushi.rules.tsusho import (
    Futan,
    Setaiin,
    futan_kubun,
    mushoka_from,
    seinen_kikan,
    shikyu_ryo_errors,
)
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of, format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "KetteiInput",
    "TsushoRefused",
    "futan_hantei",
    "futan_on",
    "mushoka_of",
    "seinen_cut",
    "service_kinds",
    "services_words",
    "tsusho_henko",
    "tsusho_hogosha_apply",
    "tsusho_kakunin",
    "tsusho_kettei",
    "tsusho_koshin",
    "tsusho_kyakka",
    "tsusho_shinsei",
    "tsusho_shojo_apply",
    "tsusho_torikeshi",
]

RECORD_TYPE = "fukushi.TsushoKettei"
SCREEN_EVENT = "fukushi.tsusho_renkei"
SYSTEM_ACTOR_NAME = "system:fukushi_tsusho"
P = "fukushi.tsusho."
SEINEN = 18


class TsushoRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def param(name: str, day: date) -> Any:
    key = f"{P}{name}"
    nendo = fiscal_year_of(day)
    try:
        return param_value(key, nendo)
    except ParameterMissing as exc:
        raise TsushoRefused(
            [
                (
                    "",
                    f"「{key}」の値が{nendo}年度について登録されていません（設定画面で設定してください）。",
                )
            ]
        ) from exc


def service_kinds(day: date) -> dict[str, dict[str, Any]]:
    """code → {name, mushoka} (児童福祉法第6条の2の2の名称)."""
    return {str(k): dict(v) for k, v in dict(param("service", day)).items()}


def services_words(services: dict[str, int], day: date) -> str:
    kinds = service_kinds(day)
    return "、".join(f"{kinds.get(c, {}).get('name', c)} {n}日/月" for c, n in services.items())


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def kazei_nendo(day: date) -> int:
    """The 年度 of the 市町村民税 used for ``day``: from the 見直し月 (7月) the current 年度,
    before it (4月〜6月) the previous one."""
    kirikae = int(param("kirikae_tsuki", day))
    nendo = fiscal_year_of(day)
    return nendo if not (4 <= day.month < kirikae) else nendo - 1


def setaiin_of(hogosha_atena_id: int, day: date) -> tuple[int, list[Setaiin]]:
    """(年度, members) of the 保護者の属する世帯 on ``day``: every member of the 保護者's
    household in the registry, with the 市町村民税 of the 年度 from zeimu's public face. A member
    under 18 with no assessment counts as having no income; an adult with none is unknown."""
    nendo = kazei_nendo(day)
    members = juminkiroku_public.households_of([hogosha_atena_id], day).get(hogosha_atena_id, [])
    ids = [m.atena_id for m in members] or [hogosha_atena_id]
    if hogosha_atena_id not in ids:
        ids.insert(0, hogosha_atena_id)
    births = {m.atena_id: m.birth_date for m in members}
    kazei = zeimu_public.person_kazei_many(ids, nendo)
    out: list[Setaiin] = []
    n = 0
    for a in ids:
        if a == hogosha_atena_id:
            label = "保護者"
        else:
            n += 1
            label = f"世帯員{n}"
        k = kazei.get(a)
        if k is None or k.jokyo is zeimu_public.KazeiJokyo.MISHINKOKU:
            b = births.get(a)
            if k is None and b is not None and _age(b, day) < SEINEN:
                out.append(Setaiin(f"{label}（18歳未満・課税の記録なし）", False, 0))
            else:
                out.append(Setaiin(label, None, 0))
        else:
            out.append(
                Setaiin(
                    label,
                    k.jokyo
                    in (zeimu_public.KazeiJokyo.KAZEI, zeimu_public.KazeiJokyo.KINTOWARI_NOMI),
                    int(k.shotokuwari_shichoson),
                )
            )
    return nendo, out


def futan_hantei(*, hogosha_atena_id: int, day: date) -> Futan:
    """The 障害児通所支援 負担上限月額 of the 保護者の世帯 on ``day`` with its figures."""
    hihogo = hogosha_atena_id in hihogosha_on([hogosha_atena_id], day)
    members: list[Setaiin] = []
    if hihogo:
        nendo = kazei_nendo(day)
    else:
        nendo, members = setaiin_of(hogosha_atena_id, day)
    try:
        f = futan_kubun(
            hihogo=hihogo,
            members=members,
            jogen={str(k): int(v) for k, v in dict(param("futan_jogen", day)).items()},
            ippan1_miman=int(param("ippan1_shotokuwari", day)),
        )
    except ValueError as exc:
        raise TsushoRefused([("", f"{nendo}年度の{exc}（税務で確かめてください）")]) from exc
    if hihogo:
        return f
    return Futan(f.kubun, f.jogen, (f"{nendo}年度の市町村民税（保護者の属する世帯）", *f.riyu))


def mushoka_of(birth: date, day: date) -> tuple[date, date] | None:
    """The child's 無償化 period when the 無償化 is in force (its 施行日 is a parameter); the
    period starts no earlier than the 施行日. None before the law."""
    try:
        shiko = date.fromisoformat(str(param_value(f"{P}mushoka_shiko", fiscal_year_of(day))))
    except ParameterMissing:
        return None
    return mushoka_from(birth, shiko)


def futan_on(k: TsushoKettei, day: date) -> int | None:
    """The 負担上限月額 that applies to a use on ``day``: 0 within the 無償化 period when every
    service of the decision is one the 無償化 covers, else the decided 上限月額."""
    if k.futan_jogen is None:
        return None
    if k.mushoka_kaishi and k.mushoka_shuryo and k.mushoka_kaishi <= day <= k.mushoka_shuryo:
        return 0
    return k.futan_jogen


def _log(actor: Actor, action: str, k: TsushoKettei, screen: str, **detail: Any) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHOGAISHA_FUKUSHI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=k.pk,
        detail={"atena_ids": [k.atena_id, k.hogosha_atena_id], **detail},
    )


def _rireki(
    k: TsushoKettei, kind: str, day: date, naiyo: str, actor: Actor, riyu: str = ""
) -> None:
    TsushoRireki.objects.create(
        kettei=k,
        kind=kind,
        jiyu_date=day,
        riyu=riyu.strip()[:200],
        naiyo=naiyo[:600],
        created_by=actor.username,
    )


def tsusho_shinsei(
    *, atena_id: int, hogosha_atena_id: int, shinsei_date: date, actor: Actor
) -> TsushoKettei:
    """申請 (法第21条の5の6第1項) by the 保護者 for a child under 18: one open 申請 or 支給決定
    per child."""
    errors: list[tuple[str, str]] = []
    child = juminkiroku_public.person_identity(atena_id)
    if child is None:
        errors.append(("atena_no", "その障害児の方は住民記録にいません。"))
    elif _age(child.birth_date, shinsei_date) >= SEINEN:
        errors.append(
            (
                "atena_no",
                "18歳以上の方は障害児通所支援の対象ではありません（障害福祉サービスの支給申請の画面で受け付けてください）。",
            )
        )
    if hogosha_atena_id == atena_id or juminkiroku_public.person_identity(hogosha_atena_id) is None:
        errors.append(("hogosha_atena_no", "保護者の宛名番号が正しくありません。"))
    with transaction.atomic(durable=True):
        if TsushoKettei.objects.filter(
            atena_id=atena_id, jotai__in=[TsushoJotai.SHINSEI, TsushoJotai.YUKO]
        ).exists():
            errors.append(
                ("atena_no", "この障害児には申請中または有効な支給決定がすでにあります。")
            )
        if errors:
            raise TsushoRefused(errors)
        k = TsushoKettei.objects.create(
            atena_id=atena_id,
            hogosha_atena_id=hogosha_atena_id,
            jukyusha_bango=f"J{atena_id}"[-10:],
            shinsei_date=shinsei_date,
            jotai=TsushoJotai.SHINSEI,
            created_by=actor.username,
        )
        k.jukyusha_bango = f"{k.pk:010d}"
        k.save(update_fields=["jukyusha_bango"])
        _rireki(k, "shinsei", shinsei_date, "障害児通所給付費の支給申請の受付", actor)
        _log(actor, AccessAction.CREATE, k, "fukushi.tsusho_shinsei", kind="shinsei")
    return k


def _get(pk: int, *states: str) -> TsushoKettei:
    k = TsushoKettei.objects.select_for_update().filter(pk=pk).first()
    if k is None:
        raise TsushoRefused([("", "その支給決定は見つかりません。")])
    if k.jotai not in states:
        raise TsushoRefused(
            [("", f"この支給決定は「{k.get_jotai_display()}」のため処理できません。")]
        )
    return k


def _not_before_last(k: TsushoKettei, day: date) -> None:
    last = k.rireki.order_by("-jiyu_date", "-id").first()
    if last is not None and day < last.jiyu_date:
        raise TsushoRefused([("jiyu_date", "直前の履歴の日付より前の日付です。")])


@dataclass(frozen=True)
class KetteiInput:
    kettei_date: date
    kaishi: date
    shuryo: date
    services: dict[str, int]


def seinen_cut(atena_id: int, shuryo: date) -> tuple[date, str]:
    """(end of the period, words for the history): the asked end, cut to the day before the
    child's 18th birthday (``fukushi.rules.tsusho.seinen_kikan``)."""
    child = juminkiroku_public.person_identity(atena_id)
    if child is None:
        return shuryo, ""
    cut = seinen_kikan(child.birth_date, shuryo, SEINEN)
    if cut == shuryo:
        return shuryo, ""
    return cut, (
        f"（18歳に達する日（誕生日の前日）の{format_wareki(cut)}までに短縮。"
        f"申請された終了日は{format_wareki(shuryo)}）"
    )


def _kettei_errors(
    k: TsushoKettei, data: KetteiInput, kinds: dict[str, dict[str, Any]]
) -> list[tuple[str, str]]:
    errors = shikyu_ryo_errors(data.services, kinds)
    if data.shuryo < data.kaishi:
        errors.append(("shuryo", "給付決定期間の終了日が開始日より前です。"))
    if data.kettei_date < k.shinsei_date:
        errors.append(("kettei_date", "決定日が申請日より前です。"))
    child = juminkiroku_public.person_identity(k.atena_id)
    if child is not None and _age(child.birth_date, data.kaishi) >= SEINEN:
        errors.append(("kaishi", "給付決定期間の開始日に18歳以上です。"))
    return errors


def _set_services(k: TsushoKettei, services: dict[str, int]) -> None:
    k.services.all().delete()
    TsushoService.objects.bulk_create(
        [TsushoService(kettei=k, service=c, shikyu_ryo=n) for c, n in services.items()]
    )


def _current(k: TsushoKettei) -> dict[str, int]:
    return {s.service: s.shikyu_ryo for s in k.services.order_by("id")}


def _apply_futan(k: TsushoKettei, day: date, services: dict[str, int]) -> Futan:
    f = futan_hantei(hogosha_atena_id=k.hogosha_atena_id, day=day)
    k.futan_kubun = f.kubun
    k.futan_jogen = f.jogen
    riyu = list(f.riyu)
    kinds = service_kinds(day)
    child = juminkiroku_public.person_identity(k.atena_id)
    m = mushoka_of(child.birth_date, day) if child is not None else None
    covered = all(kinds.get(c, {}).get("mushoka") for c in services)
    if m is not None and covered:
        k.mushoka_kaishi, k.mushoka_shuryo = m
        riyu.append(
            f"就学前の無償化の対象期間 {format_wareki(m[0])}から{format_wareki(m[1])}まで"
            "（満3歳になって初めての4月1日から3年間。この間の利用者負担は0円）"
        )
    else:
        k.mushoka_kaishi = k.mushoka_shuryo = None
        if m is not None:
            riyu.append("放課後等デイサービスを含むため就学前の無償化の対象外")
    k.futan_konkyo = riyu
    return f


def _mushoka_words(k: TsushoKettei) -> str:
    if k.mushoka_kaishi and k.mushoka_shuryo:
        return (
            f"、無償化の対象期間 {format_wareki(k.mushoka_kaishi)}から"
            f"{format_wareki(k.mushoka_shuryo)}まで"
        )
    return ""


def tsusho_kettei(*, pk: int, data: KetteiInput, actor: Actor) -> TsushoKettei:
    """給付決定 (法第21条の5の7): services with 支給量, 給付決定期間 and the 負担上限月額 judged on
    the period's first day."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.SHINSEI)
        kinds = service_kinds(data.kaishi)
        errors = _kettei_errors(k, data, kinds)
        if errors:
            raise TsushoRefused(errors)
        f = _apply_futan(k, data.kaishi, data.services)
        shuryo, cut = seinen_cut(k.atena_id, data.shuryo)
        k.kettei_date = data.kettei_date
        k.kikan_kaishi = data.kaishi
        k.kikan_shuryo = shuryo
        k.jotai = TsushoJotai.YUKO
        k.save()
        _set_services(k, data.services)
        _rireki(
            k,
            "kettei",
            data.kettei_date,
            f"給付決定：{services_words(data.services, data.kaishi)}（"
            f"{format_wareki(data.kaishi)}から{format_wareki(shuryo)}まで{cut}）、"
            f"負担上限月額 {f.jogen:,}円（{f.label}）{_mushoka_words(k)}",
            actor,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="kettei")
    return k


def tsusho_kyakka(*, pk: int, day: date, riyu: str, actor: Actor) -> TsushoKettei:
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.SHINSEI)
        _not_before_last(k, day)
        if not riyu.strip():
            raise TsushoRefused([("riyu", "却下の理由を入力してください。")])
        k.jotai = TsushoJotai.KYAKKA
        k.save(update_fields=["jotai", "updated_at"])
        _rireki(k, "kyakka", day, "申請の却下", actor, riyu)
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="kyakka")
    return k


def tsusho_henko(
    *, pk: int, day: date, services: dict[str, int], riyu: str, actor: Actor
) -> TsushoKettei:
    """変更 (法第21条の5の8): new services or 支給量 from ``day``; the 負担上限 judged again."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO)
        _not_before_last(k, day)
        assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
        errors = _kettei_errors(
            k,
            KetteiInput(day, max(day, k.kikan_kaishi), k.kikan_shuryo, services),
            service_kinds(day),
        )
        mae = _current(k)
        if services == mae:
            errors.append(("services", "サービスも支給量も変わっていません。"))
        if not riyu.strip():
            errors.append(("riyu", "変更の理由を入力してください。"))
        if not (k.kikan_kaishi <= day <= k.kikan_shuryo):
            errors.append(("kettei_date", "変更日が給付決定期間の外です。"))
        if errors:
            raise TsushoRefused(errors)
        jogen_mae = k.futan_jogen
        f = _apply_futan(k, day, services)
        k.save()
        _set_services(k, services)
        _rireki(
            k,
            "henko",
            day,
            f"変更：{services_words(mae, day)} → {services_words(services, day)}、"
            f"負担上限月額 {jogen_mae or 0:,}円 → {f.jogen:,}円{_mushoka_words(k)}",
            actor,
            riyu,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="henko")
    return k


def tsusho_koshin(*, pk: int, day: date, shuryo: date, riyu: str, actor: Actor) -> TsushoKettei:
    """更新: the next 給付決定期間 from the day after the current one ends to ``shuryo``, the same
    services; the 負担上限 and 無償化 judged again on its first day."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO)
        _not_before_last(k, day)
        assert k.kikan_shuryo is not None and k.kikan_kaishi is not None
        kaishi = date.fromordinal(k.kikan_shuryo.toordinal() + 1)
        services = _current(k)
        errors = _kettei_errors(
            k, KetteiInput(day, kaishi, shuryo, services), service_kinds(kaishi)
        )
        if errors:
            raise TsushoRefused(errors)
        mae = f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで"
        jogen_mae = k.futan_jogen
        f = _apply_futan(k, kaishi, services)
        shuryo, cut = seinen_cut(k.atena_id, shuryo)
        k.kikan_kaishi = kaishi
        k.kikan_shuryo = shuryo
        k.kettei_date = day
        k.save()
        _rireki(
            k,
            "koshin",
            day,
            f"更新：給付決定期間 {mae} → {format_wareki(kaishi)}から{format_wareki(shuryo)}まで"
            f"{cut}、"
            f"負担上限月額 {jogen_mae or 0:,}円 → {f.jogen:,}円（{f.label}）{_mushoka_words(k)}",
            actor,
            riyu,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="koshin")
    return k


def tsusho_torikeshi(*, pk: int, day: date, riyu: str, actor: Actor) -> TsushoKettei:
    """取消 (法第21条の5の9): the decision ends on ``day``."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO)
        _not_before_last(k, day)
        if not riyu.strip():
            raise TsushoRefused([("riyu", "取消の理由を入力してください。")])
        k.jotai = TsushoJotai.TORIKESHI
        k.save(update_fields=["jotai", "updated_at"])
        _rireki(k, "torikeshi", day, f"給付決定の取消（{format_wareki(day)}）", actor, riyu)
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="torikeshi")
    return k


def tsusho_kakunin(*, pk: int, day: date, riyu: str, actor: Actor) -> TsushoKettei:
    """The clerk has judged the 保護者's 異動 flagged by ``tsusho_hogosha_apply`` and keeps the
    decision as it is: the flag is cleared, the history says why."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO, TsushoJotai.SHINSEI)
        if not k.yokakunin:
            raise TsushoRefused([("", "この支給決定には確認が必要な異動はありません。")])
        if not riyu.strip():
            raise TsushoRefused([("riyu", "確認の結果（理由）を入力してください。")])
        _not_before_last(k, day)
        mae = k.yokakunin
        k.yokakunin = ""
        k.save(update_fields=["yokakunin", "updated_at"])
        _rireki(k, "kakunin", day, f"保護者の異動を確認し継続：{mae}"[:600], actor, riyu)
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="kakunin")
    return k


def tsusho_shojo_apply(*, atena_ids: Iterable[int], day: date, cause: str, ido_id: int) -> int:
    """The child's death (``cause`` "shibo", ``day`` the day of death) or 転出確定 ("tenshutsu",
    ``day`` the 除票 date) in the registry, in the delivery's transaction: each open 申請 or
    給付決定 of the child ends (状態「終了」), a 給付決定 valid to ``day`` (its period cut to
    ``day``; a period not yet begun is left as decided and the history says nothing is paid). A
    障害児通所給付費 is decided by the town where the 保護者 lives (児童福祉法第21条の5の5第2項):
    a child who has left with the family is the new town's to decide on a new 申請.

    Exactly once: the history row is keyed on the 異動 (unique with the decision) and the
    decision is no longer open after it, so a redelivery writes nothing. Returns the count
    ended."""
    ids = list(atena_ids)
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    jiyu = TsushoShuryoJiyu(cause)
    changed = 0
    rows = TsushoKettei.objects.select_for_update().filter(
        atena_id__in=ids, jotai__in=[TsushoJotai.SHINSEI, TsushoJotai.YUKO]
    )
    for k in rows.order_by("pk"):
        if k.rireki.filter(ido_id=ido_id).exists():
            continue
        ido_words = f"障害児の{jiyu.label}（住民記録の異動、{format_wareki(day)}）"
        if k.jotai == TsushoJotai.SHINSEI:
            naiyo = f"申請の終了：{ido_words}"
        else:
            assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
            mae = f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで"
            if day < k.kikan_kaishi:
                naiyo = f"給付決定の終了：{ido_words}。給付決定期間（{mae}）の開始前のため支給なし"
            elif day < k.kikan_shuryo:
                naiyo = (
                    f"給付決定の終了：{ido_words}。給付決定期間 {mae} → "
                    f"{format_wareki(k.kikan_kaishi)}から{format_wareki(day)}まで"
                )
                k.kikan_shuryo = day
            else:
                naiyo = f"給付決定の終了：{ido_words}。給付決定期間（{mae}）は終了済み"
        k.jotai = TsushoJotai.SHURYO
        k.shuryo_jiyu = jiyu
        k.save(update_fields=["jotai", "shuryo_jiyu", "kikan_shuryo", "updated_at"])
        TsushoRireki.objects.create(
            kettei=k, kind="shuryo", jiyu_date=day, ido_id=ido_id, naiyo=naiyo[:600],
            created_by=actor.username,
        )  # fmt: skip
        _log(actor, AccessAction.UPDATE, k, SCREEN_EVENT, kind=cause, ido_id=ido_id)
        changed += 1
    return changed


def tsusho_hogosha_apply(*, atena_ids: Iterable[int], day: date, cause: str, ido_id: int) -> int:
    """The 保護者's death or 転出確定: open 申請 and 給付決定 whose 保護者 is among the persons
    are not ended (the child may stay here with another 保護者, or the family may have moved
    together, which the child's own 転出 then ends) but flagged for the clerk, who lists them
    on the search screen and either keeps the decision (``tsusho_kakunin``) or ends it (取消).
    A decision whose child is also among the persons is left to ``tsusho_shojo_apply``. Once
    per 異動 (the history row is keyed on it). Returns the count flagged."""
    ids = list(atena_ids)
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    label = TsushoShuryoJiyu(cause).label
    changed = 0
    rows = (
        TsushoKettei.objects.select_for_update()
        .filter(hogosha_atena_id__in=ids, jotai__in=[TsushoJotai.SHINSEI, TsushoJotai.YUKO])
        .exclude(atena_id__in=ids)
    )
    for k in rows.order_by("pk"):
        if k.rireki.filter(ido_id=ido_id).exists():
            continue
        words = f"保護者の{label}（住民記録の異動、{format_wareki(day)}）"
        k.yokakunin = words
        k.save(update_fields=["yokakunin", "updated_at"])
        TsushoRireki.objects.create(
            kettei=k, kind="kakunin", jiyu_date=day, ido_id=ido_id,
            naiyo=f"{words}：自動では終了していません。障害児の保護者と居住地を確かめ、"
            "継続するか取消してください。",
            created_by=actor.username,
        )  # fmt: skip
        _log(actor, AccessAction.UPDATE, k, SCREEN_EVENT, kind=f"hogosha_{cause}", ido_id=ido_id)
        changed += 1
    return changed
