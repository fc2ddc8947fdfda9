"""障害児通所支援: the 多子軽減 of a child before 就学 and the 放課後等デイサービス extension to
満20歳, on an 有効 給付決定 (fukushi.services.tsusho).

- ``tsusho_tashi_nintei``: the clerk enters the 兄・姉 (how many share the household's living;
  how many of them are before 就学 and attend a 保育所・幼稚園等 or use 障害児通所支援: the
  registry does not know who attends what), the rule (``fukushi.rules.tsusho.tashi_keigen``)
  judges 第N子 with the 保護者の世帯's 市町村民税所得割の合算額 (zeimu's public face, the same
  members as the 負担上限), and the decision keeps 第N子, the share of the 総費用 and the
  figures used, with a history row. ``futan_of`` is a month's 利用者負担 from the 総費用.
- ``tsusho_enchou``: the town decides a child of 18 or more still needs the
  放課後等デイサービス (「引き続き…受けなければその福祉を損なうおそれがある」, article 未確認)
  and is at a school of 学校教育法第1条 (not a 幼稚園 or 大学): the next period from the day
  after the current one, cut to the day before the 20th birthday; the reason is kept on the
  decision and in the history. Only a decision whose services are all 放課後等デイサービス.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from fukushi.models import TsushoJotai, TsushoKettei
from fukushi.rules.tsusho import enchou_kikan, mushoka_kikan, riyosha_futan, tashi_keigen
from fukushi.services.tsusho import (
    TsushoRefused,
    _current,
    _get,
    _log,
    _not_before_last,
    _rireki,
    futan_on,
    param,
    service_kinds,
    setaiin_of,
)
from juminkiroku import public as juminkiroku_public
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor
from tenants.wareki import format_wareki

#: the service the 満20歳 extension applies to (fukushi/params/tsusho.yaml ``service``)
HOKAGO_DAY = "hokago_day"


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def tsusho_tashi_nintei(
    *, pk: int, day: date, ani_ane: int, ani_ane_shugakumae: int, actor: Actor
) -> TsushoKettei:
    """Judge the 多子軽減 of an 有効 decision from ``day`` (see the module)."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO)
        _not_before_last(k, day)
        child = juminkiroku_public.person_identity(k.atena_id)
        if child is None:
            raise TsushoRefused([("", "障害児の住民記録が見つかりません。")])
        spec = dict(param("tashi_keigen", day))
        nendo, members = setaiin_of(k.hogosha_atena_id, day)
        shotokuwari = sum(m.shotokuwari for m in members)
        try:
            t = tashi_keigen(
                shugakumae=day <= mushoka_kikan(child.birth_date)[1],
                shotokuwari=shotokuwari,
                ani_ane=ani_ane,
                ani_ane_shugakumae=ani_ane_shugakumae,
                kijun=int(spec["kijun_shotokuwari"]),
                ritsu={int(n): int(r) for n, r in dict(spec["ritsu"]).items()},
            )
        except ValueError as exc:
            raise TsushoRefused([("ani_ane", str(exc))]) from exc
        mae = (k.tashi_dai, k.futan_ritsu)
        k.tashi_dai, k.futan_ritsu = t.dai, t.ritsu
        k.tashi_konkyo = [f"{nendo}年度の市町村民税（保護者の属する世帯）", *t.riyu]
        k.save(update_fields=["tashi_dai", "futan_ritsu", "tashi_konkyo", "updated_at"])
        _rireki(
            k,
            "tashi",
            day,
            f"多子軽減：第{mae[0]}子（総費用の{mae[1]}％） → 第{t.dai}子（総費用の{t.ritsu}％）"
            f"、兄・姉 {ani_ane}人（うち就学前で通園・通所 {ani_ane_shugakumae}人）",
            actor,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="tashi")
    return k


def futan_of(k: TsushoKettei, day: date, sohiyo: int) -> int | None:
    """The 利用者負担 of a month's use costing ``sohiyo`` (総費用): 0 within the 無償化, else the
    decision's share of it up to the 負担上限月額. None before a decision."""
    jogen = futan_on(k, day)
    if jogen is None:
        return None
    return riyosha_futan(sohiyo=sohiyo, ritsu=k.futan_ritsu, jogen=jogen)


def tsusho_enchou(
    *, pk: int, day: date, shuryo: date, riyu: str, zaigaku: bool, actor: Actor
) -> TsushoKettei:
    """The town extends an 有効 放課後等デイサービス decision past 18 (see the module).
    ``TsushoRefused`` writes nothing."""
    with transaction.atomic(durable=True):
        k = _get(pk, TsushoJotai.YUKO)
        _not_before_last(k, day)
        assert k.kikan_shuryo is not None and k.kikan_kaishi is not None
        errors: list[tuple[str, str]] = []
        services = _current(k)
        if set(services) != {HOKAGO_DAY}:
            errors.append(
                ("", "満20歳までの延長は放課後等デイサービスだけの給付決定に限られます。")
            )
        if not riyu.strip():
            errors.append(
                ("riyu", "引き続き放課後等デイサービスが必要と認める理由を入力してください。")
            )
        if not zaigaku:
            errors.append(
                (
                    "zaigaku",
                    "学校教育法第1条の学校（幼稚園・大学を除く）に在学していることを確認してください。",
                )
            )
        kaishi = date.fromordinal(k.kikan_shuryo.toordinal() + 1)
        nenrei = int(param("enchou_nenrei", kaishi))
        child = juminkiroku_public.person_identity(k.atena_id)
        if child is None:
            errors.append(("", "障害児の住民記録が見つかりません。"))
        elif _age(child.birth_date, kaishi) >= nenrei:
            errors.append(("shuryo", f"延長の開始日に満{nenrei}歳以上です。"))
        if shuryo < kaishi:
            errors.append(("shuryo", "延長の終了日が開始日より前です。"))
        if errors:
            raise TsushoRefused(errors)
        assert child is not None
        end = enchou_kikan(child.birth_date, shuryo, nenrei)
        cut = (
            f"（満{nenrei}歳に達する日の前日の{format_wareki(end)}までに短縮。"
            f"求めた終了日は{format_wareki(shuryo)}）"
            if end != shuryo
            else ""
        )
        mae = f"{format_wareki(k.kikan_kaishi)}から{format_wareki(k.kikan_shuryo)}まで"
        kinds = service_kinds(kaishi)
        k.kikan_kaishi, k.kikan_shuryo, k.kettei_date = kaishi, end, day
        k.enchou_riyu = riyu.strip()[:200]
        k.save()
        _rireki(
            k,
            "enchou",
            day,
            f"満{nenrei}歳までの延長：{kinds.get(HOKAGO_DAY, {}).get('name', HOKAGO_DAY)}、"
            f"給付決定期間 {mae} → {format_wareki(kaishi)}から{format_wareki(end)}まで{cut}",
            actor,
            riyu,
        )
        _log(actor, AccessAction.UPDATE, k, "fukushi.tsusho_kettei", kind="enchou")
    return k
