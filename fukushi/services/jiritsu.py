"""自立支援給付 writes (障害者総合支援法第19条〜第22条): 申請 → 障害支援区分の認定 → 支給決定
(services and 支給量, 支給決定期間, 利用者負担上限月額) → 変更・更新・取消 or 却下.

Every write is one durable transaction that changes the ``JiritsuKettei``, adds its
``JiritsuRireki`` row (who, when, reason, before → after; never edited) and writes the access-log
row. The 負担上限月額 is judged from zeimu's public face (市町村民税 課税/非課税, 所得割 of 本人
and 配偶者) and fukushi's own 生活保護 records (``fukushi.public.hihogosha_on``); every figure
used is kept on the decision (``futan_konkyo``) and shown. Refused input raises
``JiritsuRefused`` with Japanese messages and writes nothing.

障害児 (18歳未満) are refused here: their 障害児通所支援 (児童福祉法) is fukushi/services/tsusho.py.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import (
    JiritsuJotai,
    JiritsuKettei,
    JiritsuRireki,
    JiritsuService,
    JiritsuShuryoJiyu,
    ShienKubunNintei,
)
from fukushi.public import hihogosha_on
from fukushi.rules.jiritsu import (
    SHIEN_KUBUN,
    Futan,
    Setaiin,
    futan_kubun,
    shien_kubun_errors,
    shikyu_ryo_errors,
)
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of, format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "JiritsuRefused",
    "KetteiInput",
    "futan_hantei",
    "jiritsu_henko",
    "jiritsu_kettei",
    "jiritsu_koshin",
    "jiritsu_kyakka",
    "jiritsu_nintei",
    "jiritsu_shinsei",
    "jiritsu_shojo_apply",
    "jiritsu_torikeshi",
    "service_kinds",
    "services_words",
    "setaiin_of",
    "tani_words",
]

RECORD_TYPE = "fukushi.JiritsuKettei"
SCREEN_EVENT = "fukushi.jiritsu_renkei"
SYSTEM_ACTOR_NAME = "system:fukushi_jiritsu"
P = "fukushi.jiritsu."
SEINEN = 18


class JiritsuRefused(Exception):
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
        raise JiritsuRefused(
            [
                (
                    "",
                    f"「{key}」の値が{nendo}年度について登録されていません（設定画面で設定してください）。",
                )
            ]
        ) from exc


def service_kinds(day: date) -> dict[str, dict[str, Any]]:
    """code → {name, tani (jikan/nichi), kaigo, nyusho} (法第5条第1項の名称)."""
    return {str(k): dict(v) for k, v in dict(param("service", day)).items()}


def tani_words(tani: str) -> str:
    return "時間/月" if tani == "jikan" else "日/月"


def services_words(services: dict[str, int], day: date) -> str:
    kinds = service_kinds(day)
    out = []
    for c, n in services.items():
        spec = kinds.get(c, {})
        out.append(f"{spec.get('name', c)} {n}{tani_words(str(spec.get('tani')))}")
    return "、".join(out)


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def _add_months_end(start: date, months: int) -> date:
    """The last day of the month ``months - 1`` after ``start``'s month (36 → 3 years)."""
    m = start.month - 1 + months - 1
    return _month_end(date(start.year + m // 12, m % 12 + 1, 1))


def kazei_nendo(day: date) -> int:
    """The 年度 of the 市町村民税 used for ``day``: from the 見直し月 (7月) the current 年度,
    before it (4月〜6月) the previous one (the current 年度's 住民税 is not yet decided)."""
    kirikae = int(param("kirikae_tsuki", day))
    nendo = fiscal_year_of(day)
    return nendo if not (4 <= day.month < kirikae) else nendo - 1


def setaiin_of(
    atena_id: int, haigusha_atena_id: int | None, day: date
) -> tuple[int, list[Setaiin]]:
    """(年度, members) of the 世帯 (本人 and 配偶者) read from zeimu's public face."""
    nendo = kazei_nendo(day)
    ids = [atena_id] + ([haigusha_atena_id] if haigusha_atena_id else [])
    kazei = zeimu_public.person_kazei_many(ids, nendo)
    out: list[Setaiin] = []
    for zokugara, a in zip(("本人", "配偶者"), ids, strict=False):
        k = kazei.get(a)
        if k is None or k.jokyo is zeimu_public.KazeiJokyo.MISHINKOKU:
            out.append(Setaiin(zokugara, None, 0))
        else:
            out.append(
                Setaiin(
                    zokugara,
                    k.jokyo
                    in (zeimu_public.KazeiJokyo.KAZEI, zeimu_public.KazeiJokyo.KINTOWARI_NOMI),
                    int(k.shotokuwari_shichoson),
                )
            )
    return nendo, out


def futan_hantei(*, atena_id: int, haigusha_atena_id: int | None, day: date, nyusho: bool) -> Futan:
    """The 障害福祉サービス 負担上限月額 of ``atena_id`` on ``day`` with its figures."""
    hihogo = atena_id in hihogosha_on([atena_id], day)
    nendo, members = setaiin_of(atena_id, haigusha_atena_id, day)
    try:
        f = futan_kubun(
            hihogo=hihogo,
            members=members,
            nyusho=nyusho,
            jogen={str(k): int(v) for k, v in dict(param("futan_jogen", day)).items()},
            ippan1_miman=int(param("ippan1_shotokuwari", day)),
        )
    except ValueError as exc:
        raise JiritsuRefused([("", f"{nendo}年度の{exc}（税務で確かめてください）")]) from exc
    if hihogo:
        return f
    return Futan(f.kubun, f.jogen, (f"{nendo}年度の市町村民税", *f.riyu))


def _log(actor: Actor, action: str, k: JiritsuKettei, screen: str, **detail: Any) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHOGAISHA_FUKUSHI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=k.pk,
        detail={"atena_ids": [k.atena_id], **detail},
    )


def _rireki(
    k: JiritsuKettei, kind: str, day: date, naiyo: str, actor: Actor, riyu: str = ""
) -> None:
    JiritsuRireki.objects.create(
        kettei=k,
        kind=kind,
        jiyu_date=day,
        riyu=riyu.strip()[:200],
        naiyo=naiyo[:600],
        created_by=actor.username,
    )


def _person_errors(atena_id: int, day: date) -> list[tuple[str, str]]:
    p = juminkiroku_public.person_identity(atena_id)
    if p is None:
        return [("atena_no", "その方は住民記録にいません。")]
    if _age(p.birth_date, day) < SEINEN:
        return [
            (
                "atena_no",
                "18歳未満の方（障害児）の児童発達支援・放課後等デイサービスなどは「障害児通所支援の支給申請の受付」の画面で受け付けてください。",
            )
        ]
    return []


def jiritsu_shinsei(
    *, atena_id: int, shinsei_date: date, haigusha_atena_id: int | None, actor: Actor
) -> JiritsuKettei:
    """申請 (法第20条第1項): one open 申請 or 支給決定 per person."""
    errors = _person_errors(atena_id, shinsei_date)
    if haigusha_atena_id is not None and (
        haigusha_atena_id == atena_id
        or juminkiroku_public.person_identity(haigusha_atena_id) is None
    ):
        errors.append(("haigusha_atena_no", "配偶者の宛名番号が正しくありません。"))
    with transaction.atomic(durable=True):
        if JiritsuKettei.objects.filter(
            atena_id=atena_id, jotai__in=[JiritsuJotai.SHINSEI, JiritsuJotai.YUKO]
        ).exists():
            errors.append(("atena_no", "この方には申請中または有効な支給決定がすでにあります。"))
        if errors:
            raise JiritsuRefused(errors)
        k = JiritsuKettei.objects.create(
            atena_id=atena_id,
            jukyusha_bango=f"T{atena_id}"[-10:],
            shinsei_date=shinsei_date,
            haigusha_atena_id=haigusha_atena_id,
            jotai=JiritsuJotai.SHINSEI,
            created_by=actor.username,
        )
        k.jukyusha_bango = f"{k.pk:010d}"
        k.save(update_fields=["jukyusha_bango"])
        _rireki(k, "shinsei", shinsei_date, "支給申請の受付", actor)
        _log(actor, AccessAction.CREATE, k, "fukushi.jiritsu_shinsei", kind="shinsei")
    return k


def _get(pk: int, *states: str) -> JiritsuKettei:
    k = JiritsuKettei.objects.select_for_update().filter(pk=pk).first()
    if k is None:
        raise JiritsuRefused([("", "その支給決定は見つかりません。")])
    if k.jotai not in states:
        raise JiritsuRefused(
            [("", f"この支給決定は「{k.get_jotai_display()}」のため処理できません。")]
        )
    return k


def _not_before_last(k: JiritsuKettei, day: date) -> None:
    last = k.rireki.order_by("-jiyu_date", "-id").first()
    if last is not None and day < last.jiyu_date:
        raise JiritsuRefused([("jiyu_date", "直前の履歴の日付より前の日付です。")])


def jiritsu_nintei(*, pk: int, kubun: str, nintei_date: date, actor: Actor) -> ShienKubunNintei:
    """障害支援区分の認定 (法第21条) from ``nintei_date`` for the town's 有効期間 (months, to the
    month end). A new 認定 (区分変更 or 更新) replaces the decision's link; the old one stays."""
    months = int(param("nintei_yuko_tsuki", nintei_date))
    shuryo = _add_months_end(nintei_date, months)
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.SHINSEI, JiritsuJotai.YUKO)
        _not_before_last(k, nintei_date)
        errors = shien_kubun_errors(kubun, nintei_date, shuryo)
        if errors:
            raise JiritsuRefused(errors)
        mae = k.nintei
        n = ShienKubunNintei.objects.create(
            atena_id=k.atena_id,
            kubun=kubun,
            nintei_date=nintei_date,
            yuko_kaishi=nintei_date,
            yuko_shuryo=shuryo,
            created_by=actor.username,
        )
        k.nintei = n
        k.save(update_fields=["nintei", "updated_at"])
        before = f"{SHIEN_KUBUN[mae.kubun]} → " if mae else ""
        _rireki(
            k,
            "nintei",
            nintei_date,
            f"障害支援区分の認定：{before}{SHIEN_KUBUN[kubun]}"
            f"（有効期間 {format_wareki(nintei_date)}から{format_wareki(shuryo)}まで）",
            actor,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_nintei", kind="nintei")
    return n


@dataclass(frozen=True)
class KetteiInput:
    kettei_date: date
    kaishi: date
    shuryo: date
    services: dict[str, int]


def _kettei_errors(
    k: JiritsuKettei, data: KetteiInput, kinds: dict[str, dict[str, Any]]
) -> list[tuple[str, str]]:
    errors = shikyu_ryo_errors(data.services, kinds)
    if data.shuryo < data.kaishi:
        errors.append(("kikan_shuryo", "支給決定期間の終了日が開始日より前です。"))
    if data.kettei_date < k.shinsei_date:
        errors.append(("kettei_date", "決定日が申請日より前です。"))
    kaigo = [c for c in data.services if kinds.get(c, {}).get("kaigo")]
    if kaigo:
        n = k.nintei
        if n is None:
            errors.append(("services", "介護給付の支給決定には障害支援区分の認定が要ります。"))
        elif n.kubun == "0":
            errors.append(("services", "障害支援区分が非該当のため介護給付は支給決定できません。"))
        elif not (n.yuko_kaishi <= data.kaishi and data.shuryo <= n.yuko_shuryo):
            errors.append(
                (
                    "kikan_shuryo",
                    "介護給付の支給決定期間が障害支援区分の有効期間（"
                    f"{format_wareki(n.yuko_kaishi)}から{format_wareki(n.yuko_shuryo)}まで）の外です。",
                )
            )
    return errors


def _set_services(k: JiritsuKettei, services: dict[str, int]) -> None:
    k.services.all().delete()
    JiritsuService.objects.bulk_create(
        [JiritsuService(kettei=k, service=c, shikyu_ryo=n) for c, n in services.items()]
    )


def _current(k: JiritsuKettei) -> dict[str, int]:
    return {s.service: s.shikyu_ryo for s in k.services.order_by("id")}


def _apply_futan(k: JiritsuKettei, day: date, services: dict[str, int]) -> Futan:
    kinds = service_kinds(day)
    nyusho = any(kinds.get(c, {}).get("nyusho") for c in services)
    f = futan_hantei(
        atena_id=k.atena_id, haigusha_atena_id=k.haigusha_atena_id, day=day, nyusho=nyusho
    )
    k.futan_kubun = f.kubun
    k.futan_jogen = f.jogen
    k.futan_konkyo = list(f.riyu)
    return f


def jiritsu_kettei(*, pk: int, data: KetteiInput, actor: Actor) -> JiritsuKettei:
    """支給決定 (法第22条): the services with their 支給量, the 支給決定期間 and the 負担上限月額
    judged on the period's first day."""
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.SHINSEI)
        kinds = service_kinds(data.kaishi)
        errors = _kettei_errors(k, data, kinds)
        if errors:
            raise JiritsuRefused(errors)
        f = _apply_futan(k, data.kaishi, data.services)
        k.kettei_date = data.kettei_date
        k.kikan_kaishi = data.kaishi
        k.kikan_shuryo = data.shuryo
        k.jotai = JiritsuJotai.YUKO
        k.save()
        _set_services(k, data.services)
        _rireki(
            k,
            "kettei",
            data.kettei_date,
            f"支給決定：{services_words(data.services, data.kaishi)}（"
            f"{format_wareki(data.kaishi)}から{format_wareki(data.shuryo)}まで）、"
            f"負担上限月額 {f.jogen:,}円（{f.label}）",
            actor,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_kettei", kind="kettei")
    return k


def jiritsu_kyakka(*, pk: int, day: date, riyu: str, actor: Actor) -> JiritsuKettei:
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.SHINSEI)
        _not_before_last(k, day)
        if not riyu.strip():
            raise JiritsuRefused([("riyu", "却下の理由を入力してください。")])
        k.jotai = JiritsuJotai.KYAKKA
        k.save(update_fields=["jotai", "updated_at"])
        _rireki(k, "kyakka", day, "申請の却下", actor, riyu)
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_kettei", kind="kyakka")
    return k


def jiritsu_henko(
    *, pk: int, day: date, services: dict[str, int], riyu: str, actor: Actor
) -> JiritsuKettei:
    """変更 (法第24条): new services or 支給量 from ``day``; the 負担上限 is judged again (a
    move into グループホーム makes a 課税世帯 一般2)."""
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.YUKO)
        _not_before_last(k, day)
        assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
        kinds = service_kinds(day)
        errors = _kettei_errors(
            k, KetteiInput(day, max(day, k.kikan_kaishi), k.kikan_shuryo, services), kinds
        )
        mae = _current(k)
        if services == mae:
            errors.append(("services", "サービスも支給量も変わっていません。"))
        if not riyu.strip():
            errors.append(("riyu", "変更の理由を入力してください。"))
        if not (k.kikan_kaishi <= day <= k.kikan_shuryo):
            errors.append(("jiyu_date", "変更日が支給決定期間の外です。"))
        if errors:
            raise JiritsuRefused(errors)
        jogen_mae = k.futan_jogen
        f = _apply_futan(k, day, services)
        k.save()
        _set_services(k, services)
        _rireki(
            k,
            "henko",
            day,
            f"変更：{services_words(mae, day)} → {services_words(services, day)}、"
            f"負担上限月額 {jogen_mae or 0:,}円 → {f.jogen:,}円",
            actor,
            riyu,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_kettei", kind="henko")
    return k


def jiritsu_koshin(*, pk: int, day: date, shuryo: date, riyu: str, actor: Actor) -> JiritsuKettei:
    """更新: the next 支給決定期間 from the day after the current one ends to ``shuryo``, the same
    services; the 負担上限 judged again on its first day. The old period stays in the history."""
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.YUKO)
        _not_before_last(k, day)
        assert k.kikan_shuryo is not None and k.kikan_kaishi is not None
        kaishi = date.fromordinal(k.kikan_shuryo.toordinal() + 1)
        services = _current(k)
        errors = _kettei_errors(
            k, KetteiInput(day, kaishi, shuryo, services), service_kinds(kaishi)
        )
        if errors:
            raise JiritsuRefused(errors)
        mae = f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで"
        jogen_mae = k.futan_jogen
        f = _apply_futan(k, kaishi, services)
        k.kikan_kaishi = kaishi
        k.kikan_shuryo = shuryo
        k.kettei_date = day
        k.save()
        _rireki(
            k,
            "koshin",
            day,
            f"更新：支給決定期間 {mae} → {format_wareki(kaishi)}から{format_wareki(shuryo)}まで、"
            f"負担上限月額 {jogen_mae or 0:,}円 → {f.jogen:,}円（{f.label}）",
            actor,
            riyu,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_kettei", kind="koshin")
    return k


def jiritsu_torikeshi(*, pk: int, day: date, riyu: str, actor: Actor) -> JiritsuKettei:
    """取消 (法第25条): the decision ends on ``day``."""
    with transaction.atomic(durable=True):
        k = _get(pk, JiritsuJotai.YUKO)
        _not_before_last(k, day)
        if not riyu.strip():
            raise JiritsuRefused([("riyu", "取消の理由を入力してください。")])
        k.jotai = JiritsuJotai.TORIKESHI
        k.save(update_fields=["jotai", "updated_at"])
        _rireki(k, "torikeshi", day, f"支給決定の取消（{format_wareki(day)}）", actor, riyu)
        _log(actor, AccessAction.UPDATE, k, "fukushi.jiritsu_kettei", kind="torikeshi")
    return k


def jiritsu_shojo_apply(*, atena_ids: Iterable[int], day: date, cause: str, ido_id: int) -> int:
    """A death (``cause`` "shibo", ``day`` the day of death) or 転出確定 ("tenshutsu", ``day``
    the 除票 date) in the registry, in the delivery's transaction: each open 申請 or 支給決定 of
    the persons ends (状態「終了」), a 支給決定 valid to ``day`` (its 支給決定期間 shortened to
    ``day``; a period not yet begun is left as decided and the history says nothing is paid).
    Exactly once: the history row is keyed on the 異動 (unique with the decision) and the
    decision is no longer open after it, so a redelivery writes nothing.

    居住地特例 (障害者総合支援法第19条第3項): a person who moves to a 施設入所支援 or
    共同生活援助 in another town stays this town's 支給決定. So a 転出 of a person whose valid
    decision holds a 入所・居住系 service (``nyusho`` in the service table) is not ended: one
    history row (keyed on the 異動) asks the clerk to judge it, who ends it by 取消 if the 特例
    does not apply. Returns the decisions and 申請 ended."""
    ids = list(atena_ids)
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    jiyu = JiritsuShuryoJiyu(cause)
    changed = 0
    rows = JiritsuKettei.objects.select_for_update().filter(
        atena_id__in=ids, jotai__in=[JiritsuJotai.SHINSEI, JiritsuJotai.YUKO]
    )
    for k in rows.order_by("pk"):
        if k.rireki.filter(ido_id=ido_id).exists():
            continue
        ido_words = f"{jiyu.label}（住民記録の異動、{format_wareki(day)}）"
        if k.jotai == JiritsuJotai.YUKO and jiyu is JiritsuShuryoJiyu.TENSHUTSU:
            kinds = service_kinds(day)
            nyusho = [
                str(kinds.get(c, {}).get("name", c))
                for c in _current(k)
                if kinds.get(c, {}).get("nyusho")
            ]
            if nyusho:
                JiritsuRireki.objects.create(
                    kettei=k, kind="kakunin", jiyu_date=day, ido_id=ido_id,
                    naiyo=f"{ido_words}：{'、'.join(nyusho)}の支給決定のため自動では終了していません。"
                    "居住地特例（障害者総合支援法第19条第3項）に当たるか確かめ、"
                    "当たらなければ取消してください。",
                    created_by=actor.username,
                )  # fmt: skip
                _log(actor, AccessAction.UPDATE, k, SCREEN_EVENT, kind="kakunin", ido_id=ido_id)
                continue
        if k.jotai == JiritsuJotai.SHINSEI:
            naiyo = f"申請の終了：{ido_words}"
        else:
            assert k.kikan_kaishi is not None and k.kikan_shuryo is not None
            mae = f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで"
            if day < k.kikan_kaishi:
                naiyo = f"支給決定の終了：{ido_words}。支給決定期間（{mae}）の開始前のため支給なし"
            elif day < k.kikan_shuryo:
                naiyo = (
                    f"支給決定の終了：{ido_words}。支給決定期間 {mae} → "
                    f"{format_wareki(k.kikan_kaishi)}から{format_wareki(day)}まで"
                )
                k.kikan_shuryo = day
            else:
                naiyo = f"支給決定の終了：{ido_words}。支給決定期間（{mae}）は終了済み"
        k.jotai = JiritsuJotai.SHURYO
        k.shuryo_jiyu = jiyu
        k.save(update_fields=["jotai", "shuryo_jiyu", "kikan_shuryo", "updated_at"])
        JiritsuRireki.objects.create(
            kettei=k, kind="shuryo", jiyu_date=day, ido_id=ido_id, naiyo=naiyo[:600],
            created_by=actor.username,
        )  # fmt: skip
        _log(actor, AccessAction.UPDATE, k, SCREEN_EVENT, kind=cause, ido_id=ido_id)
        changed += 1
    return changed
