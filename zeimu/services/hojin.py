"""法人住民税 and 事業所税: the writes (corporations, offices, 申告) and the posting of each
申告's tax to the 収納 ledger.

Each write is one durable transaction with an access-log row (who, what). A 申告 is
computed by the pure rules (``zeimu.rules.hojin`` / ``jigyosho``) from what the clerk
entered, stored with every figure, and its tax stated on the ledger's 期別 through
``zeimu.public.chotei_post_many`` in the same transaction:

- 法人住民税: per corporation and 事業年度 two 期別, 予定申告 (期1) and 確定申告 (期2), keyed
  ``hojin:<法人 id>:<終了日>:<yotei|kakutei>``. A 確定申告 states its 合計 less the 予定's on
  期2; a 修正申告 restates期2 the same way, so the ledger writes the difference (増額・減額
  更正). When the year's tax is below the 予定's, 期1 is restated to the year's tax and 期2
  to 0: what was paid on 期1 beyond it shows as 過誤納.
- 事業所税: one 期別 per corporation and 事業年度 (``jigyosho:<法人 id>:<終了日>``).

The ledger carries these 期別 under the corporation's 法人番号 (a corporation is not in
the person index). 延滞金 follows from the ledger's own rule on the 納期限 posted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.wareki import fiscal_year_of
from zeimu.gyomu import HOJIN_JUMINZEI, JIGYOSHOZEI
from zeimu.models import Hojin, HojinJimusho, HojinShinkoku, JigyoshoShinkoku, ShinkokuKubun
from zeimu.models.shuno import Kibetsu, Zeimoku
from zeimu.rules.hojin import (
    HojinParams,
    HojinRefused,
    ShinkokuInput,
    ShinkokuResult,
    add_months,
    hojin_bango_problem,
    kaishi_nendo,
    params_for,
    shinkoku_compute,
)
from zeimu.rules.jigyosho import JigyoshoInput, JigyoshoParams, JigyoshoResult, jigyosho_compute
from zeimu.services.shuno import ChoteiItem, ShunoRefused, balances, chotei_post_many

__all__ = [
    "HojinRefused",
    "hojin_jimusho_register",
    "hojin_kibetsu",
    "hojin_params",
    "hojin_register",
    "hojin_shinkoku_enter",
    "hojin_shinkoku_preview",
    "jigyosho_levied",
    "jigyosho_params",
    "jigyosho_shinkoku_enter",
    "meisho_key",
    "office_period",
    "shinkoku_input",
    "shisan_compute",
]


def meisho_key(text: str) -> str:
    """The search key of a corporation's name: spaces (half and full width) removed."""
    return "".join(text.split()).replace("\u3000", "")


def hojin_params(kaishi: date) -> HojinParams:
    """The values of the 年度 in which a 事業年度 begins (the town's 条例 values win)."""
    return params_for(kaishi_nendo(kaishi), param_value)


def jigyosho_params(on: date) -> JigyoshoParams:
    try:
        return JigyoshoParams.build(fiscal_year_of(on), param_value)
    except LookupError as e:
        raise HojinRefused("この年度の事業所税の値が登録されていません。") from e


def jigyosho_levied(on: date) -> bool:
    """Whether this town levies 事業所税 (a 指定都市等: its 条例 value, 0 elsewhere)."""
    try:
        return int(param_value("zeimu.jigyosho.kazei_dantai", fiscal_year_of(on))) == 1
    except LookupError:
        return False


# --- corporations and offices -------------------------------------------------------------


def hojin_register(
    *,
    hojin_bango: str,
    meisho: str,
    shozaichi: str,
    kessan_tsuki: int,
    actor: Actor,
    meisho_kana: str = "",
    postal_code: str = "",
    shihon: int | None = None,
) -> Hojin:
    problem = hojin_bango_problem(hojin_bango)
    if problem:
        raise HojinRefused(problem)
    if not 1 <= kessan_tsuki <= 12:
        raise HojinRefused("事業年度の終了月は1から12の月で入力してください。")
    if shihon is not None and shihon < 0:
        raise HojinRefused("資本金等の額に負の値は指定できません。")
    if not meisho.strip() or not shozaichi.strip():
        raise HojinRefused("名称と本店所在地を入力してください。")
    with transaction.atomic(durable=True):
        if Hojin.objects.filter(hojin_bango=hojin_bango).exists():
            raise HojinRefused("この法人番号の法人はすでに登録されています。")
        hojin = Hojin.objects.create(
            hojin_bango=hojin_bango,
            meisho=meisho,
            meisho_kana=meisho_kana,
            postal_code=postal_code,
            shozaichi=shozaichi,
            kessan_tsuki=kessan_tsuki,
            shihon=shihon,
            meisho_key=meisho_key(meisho),
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=HOJIN_JUMINZEI,
            screen="zeimu.hojin_register",
            record_type="zeimu.Hojin",
            record_id=hojin.pk,
        )
    return hojin


def hojin_jimusho_register(
    *,
    hojin: Hojin,
    meisho: str,
    shozaichi: str,
    kaisetsu_date: date,
    juugyosha: int,
    actor: Actor,
    haishi_date: date | None = None,
) -> HojinJimusho:
    if haishi_date is not None and haishi_date <= kaisetsu_date:
        raise HojinRefused("廃止日は開設日より後の日にしてください。")
    if juugyosha < 0:
        raise HojinRefused("従業者数に負の値は指定できません。")
    with transaction.atomic(durable=True):
        j = HojinJimusho.objects.create(
            hojin=hojin,
            meisho=meisho,
            shozaichi=shozaichi,
            kaisetsu_date=kaisetsu_date,
            haishi_date=haishi_date,
            juugyosha=juugyosha,
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=HOJIN_JUMINZEI,
            screen="zeimu.hojin_jimusho",
            record_type="zeimu.Hojin",
            record_id=hojin.pk,
            detail={"jimusho_id": j.pk},
        )
    return j


# --- 法人住民税の申告 -----------------------------------------------------------------------


@dataclass(frozen=True)
class ShinkokuEntry:
    """What the clerk entered, as ``ShinkokuInput`` takes it, plus the 申告's own facts."""

    kubun: str
    juri_date: date
    inp: ShinkokuInput


def _period(hojin: Hojin, kaishi: date, shuryo: date) -> list[HojinShinkoku]:
    return list(
        HojinShinkoku.objects.filter(hojin=hojin, kaishi=kaishi, shuryo=shuryo).order_by("pk")
    )


def _latest_kakutei(rows: list[HojinShinkoku]) -> HojinShinkoku | None:
    final = [r for r in rows if r.kubun != ShinkokuKubun.YOTEI]
    return final[-1] if final else None


def _check_against_file(kubun: str, inp: ShinkokuInput, rows: list[HojinShinkoku]) -> None:
    """The 申告's place among the period's 申告 on file (raises HojinRefused)."""
    yotei = [r for r in rows if r.kubun == ShinkokuKubun.YOTEI]
    last = _latest_kakutei(rows)
    if kubun == ShinkokuKubun.YOTEI:
        if yotei:
            raise HojinRefused("この事業年度の予定申告はすでに登録されています。")
        if last is not None:
            raise HojinRefused("確定申告の後に予定申告は登録できません。")
    elif kubun == ShinkokuKubun.KAKUTEI:
        if last is not None:
            raise HojinRefused(
                "この事業年度の確定申告はすでに登録されています。修正申告として入力してください。"
            )
        paid = yotei[0].gokei if yotei else 0
        if inp.kinofu != paid:
            raise HojinRefused(
                f"既納付額は予定申告の税額（{paid:,}円）と同じ額を入力してください。"
            )
    else:
        if last is None:
            raise HojinRefused("修正する確定申告がありません。先に確定申告を登録してください。")
        if inp.kinofu != last.gokei:
            raise HojinRefused(
                f"修正申告の既納付額は修正前の申告の税額（{last.gokei:,}円）を入力してください。"
            )


def hojin_shinkoku_preview(*, hojin: Hojin, kubun: str, inp: ShinkokuInput) -> ShinkokuResult:
    """The computation of a 申告 as it would be entered, saving nothing."""
    _check_against_file(kubun, inp, _period(hojin, inp.kaishi, inp.shuryo))
    return shinkoku_compute(inp, hojin_params(inp.kaishi))


def _key(hojin: Hojin, shuryo: date, which: str) -> str:
    return f"hojin:{hojin.pk}:{shuryo.isoformat()}:{which}"


def hojin_shinkoku_enter(
    *, hojin: Hojin, kubun: str, juri_date: date, inp: ShinkokuInput, actor: Actor
) -> HojinShinkoku:
    """Validate, compute, store one 申告 and post its tax to the ledger (see the module
    docstring); all or nothing."""
    if kubun not in ShinkokuKubun.values:
        raise HojinRefused("申告区分が正しくありません。")
    if inp.kind != kubun:
        raise HojinRefused("申告区分が正しくありません。")
    params = hojin_params(inp.kaishi)
    with transaction.atomic(durable=True):
        Hojin.objects.select_for_update().filter(pk=hojin.pk).first()
        rows = _period(hojin, inp.kaishi, inp.shuryo)
        _check_against_file(kubun, inp, rows)
        result = shinkoku_compute(inp, params)
        hzw = result.hojinzeiwari
        sk = HojinShinkoku.objects.create(
            hojin=hojin,
            kubun=kubun,
            shusei_of=_latest_kakutei(rows) if kubun == ShinkokuKubun.SHUSEI else None,
            juri_date=juri_date,
            kaishi=inp.kaishi,
            shuryo=inp.shuryo,
            shihon=inp.shihon,
            shihon_junbikin=inp.shihon_junbikin,
            juugyosha_town=inp.juugyosha_town,
            office_from=inp.office_from,
            office_to=inp.office_to,
            hojinzeigaku=inp.hojinzeigaku,
            juugyosha_all=inp.juugyosha_all,
            juugyosha_bunkatsu=inp.juugyosha_bunkatsu,
            zenki_hojinzeiwari=inp.zenki_hojinzeiwari,
            zenki_months=inp.zenki_months,
            kinofu=inp.kinofu,
            kintowari_nengaku=result.kintowari.nengaku,
            kintowari_months=result.kintowari.months,
            kintowari=result.kintowari.gaku,
            kazei_hyojun=hzw.kazei_hyojun if hzw else 0,
            hojinzeiwari_rate=hzw.rate if hzw else 0,
            hojinzeiwari=result.hojinzeiwari_gaku,
            gokei=result.gokei,
            sashihiki=result.sashihiki,
            nouki=result.nouki,
            lines=list(result.lines),
            created_by=actor.username or actor.api_client or "system",
        )
        sk.nofu_bango = _post(sk, rows, actor)
        sk.save(update_fields=["nofu_bango"])
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=HOJIN_JUMINZEI,
            screen="zeimu.hojin_shinkoku",
            record_type="zeimu.Hojin",
            record_id=hojin.pk,
            detail={"shinkoku_id": sk.pk, "kubun": kubun},
        )
    return sk


def _post(sk: HojinShinkoku, rows: list[HojinShinkoku], actor: Actor) -> str:
    """State the period's 期別 after ``sk`` on the ledger; the 納付番号 of ``sk``'s 期別."""
    nendo = fiscal_year_of(sk.shuryo)
    yotei = next((r for r in rows if r.kubun == ShinkokuKubun.YOTEI), None)

    def item(which: str, ki: int, label: str, nouki: date, amount: int) -> ChoteiItem:
        return ChoteiItem(
            zeimoku=Zeimoku.HOJINZEI.value,
            key=_key(sk.hojin, sk.shuryo, which),
            atena_id=None,
            hojin_bango=sk.hojin.hojin_bango,
            nendo=nendo,
            ki=ki,
            ki_label=label,
            nouki=nouki,
            amount=amount,
            ref=f"hojin_shinkoku:{sk.pk}:{which}",
            on=sk.juri_date,
            reason=sk.get_kubun_display(),
        )

    if sk.kubun == ShinkokuKubun.YOTEI:
        items = [item("yotei", 1, "予定申告", sk.nouki, sk.gokei)]
    else:
        yotei_amount = yotei.gokei if yotei else 0
        items = []
        if yotei is not None:
            items.append(item("yotei", 1, "予定申告", yotei.nouki, min(yotei_amount, sk.gokei)))
        items.append(item("kakutei", 2, "確定申告", sk.nouki, max(0, sk.gokei - yotei_amount)))
    try:
        posted = chotei_post_many(items, actor=actor)
    except ShunoRefused as e:
        raise HojinRefused(str(e)) from e
    return posted[-1].nofu_bango


def office_period(hojin: Hojin, kaishi: date, shuryo: date) -> tuple[date, date, int] | None:
    """From the offices on file: the first and last day the corporation had an office in
    the town within the period, and the 従業者数 of the offices open at its end (a closed
    office counts 0: 大和市「法人市民税の税額計算について」). ``None`` without an office in
    the period. A gap between two offices is counted as present (not modelled)."""
    offices = [
        j
        for j in hojin.jimusho.all()
        if j.kaisetsu_date <= shuryo and (j.haishi_date is None or j.haishi_date > kaishi)
    ]
    if not offices:
        return None
    start = max(kaishi, min(j.kaisetsu_date for j in offices))
    ends = [shuryo if j.haishi_date is None else j.haishi_date - timedelta(days=1) for j in offices]
    end = min(shuryo, max(ends))
    staff = sum(j.juugyosha for j in offices if j.haishi_date is None or j.haishi_date > shuryo)
    return start, end, staff


def shinkoku_input(kubun: str, data: dict[str, Any], hojin: Hojin | None = None) -> ShinkokuInput:
    """A ``ShinkokuInput`` from the cleaned fields of the form or the API. With ``hojin``,
    what was left blank of the period with an office and the 町内の従業者数 is taken from
    its offices on file (:func:`office_period`)."""
    bunkatsu = data.get("juugyosha_all") is not None
    kaishi, shuryo = data["kaishi"], data["shuryo"]
    found = office_period(hojin, kaishi, shuryo) if hojin is not None else None
    juugyosha_town = data.get("juugyosha_town")
    if juugyosha_town is None:
        if found is None:
            raise HojinRefused(
                "町内の従業者数を入力してください（事業年度中の事業所等が登録されていません）。"
            )
        juugyosha_town = found[2]
    data = {**data, "juugyosha_town": juugyosha_town}
    return ShinkokuInput(
        kind=kubun,
        kaishi=kaishi,
        shuryo=shuryo,
        shihon=data.get("shihon"),
        shihon_junbikin=data.get("shihon_junbikin"),
        juugyosha_town=juugyosha_town,
        office_from=data.get("office_from") or (found[0] if found else kaishi),
        office_to=data.get("office_to") or (found[1] if found else shuryo),
        hojinzeigaku=data.get("hojinzeigaku") or 0,
        juugyosha_all=data.get("juugyosha_all"),
        juugyosha_bunkatsu=(
            data.get("juugyosha_bunkatsu")
            if data.get("juugyosha_bunkatsu") is not None
            else (data["juugyosha_town"] if bunkatsu else None)
        ),
        zenki_hojinzeiwari=data.get("zenki_hojinzeiwari"),
        zenki_months=data.get("zenki_months"),
        kinofu=data.get("kinofu") or 0,
    )


# --- 収納状況 ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HojinKibetsu:
    zeimoku_label: str
    nendo: int
    ki_label: str
    nouki: date
    nofu_bango: str
    chotei: int
    shuno: int
    zan: int  # 未納 (> 0) or 過誤納 (< 0)


def hojin_kibetsu(hojin: Hojin) -> list[HojinKibetsu]:
    """The corporation's 期別 on the 収納 ledger (both taxes), oldest 納期限 first, with their
    調定, 収納 and balance today; three queries."""
    kibs = list(
        Kibetsu.objects.filter(hojin_bango=hojin.hojin_bango).order_by("nouki", "zeimoku", "ki")
    )
    bal = balances(k.pk for k in kibs)
    return [
        HojinKibetsu(
            zeimoku_label=k.get_zeimoku_display(),
            nendo=k.nendo,
            ki_label=k.ki_label,
            nouki=k.nouki,
            nofu_bango=k.nofu_bango,
            chotei=bal[k.pk].chotei,
            shuno=bal[k.pk].shuno,
            zan=bal[k.pk].zan,
        )
        for k in kibs
    ]


# --- 試算 ---------------------------------------------------------------------------------


def shisan_compute(d: dict[str, Any]) -> dict[str, Any]:
    """The 試算 of the screen and the API: 均等割 + 法人税割 for typed figures, saving
    nothing. Raises HojinRefused."""
    kaishi: date = d["kaishi"]
    shuryo: date = d["shuryo"]
    inp = ShinkokuInput(
        kind="kakutei",
        kaishi=kaishi,
        shuryo=shuryo,
        shihon=d.get("shihon"),
        juugyosha_town=d["juugyosha_town"],
        office_from=d.get("office_from") or kaishi,
        office_to=shuryo,
        hojinzeigaku=d.get("hojinzeigaku") or 0,
        juugyosha_all=d.get("juugyosha_all"),
        juugyosha_bunkatsu=d["juugyosha_town"] if d.get("juugyosha_all") else None,
    )
    r = shinkoku_compute(inp, hojin_params(kaishi))
    return {
        "kintowari_nengaku": r.kintowari.nengaku,
        "kintowari_months": r.kintowari.months,
        "kintowari": r.kintowari.gaku,
        "kazei_hyojun": r.hojinzeiwari.kazei_hyojun if r.hojinzeiwari else 0,
        "hojinzeiwari_rate_percent": (r.hojinzeiwari.rate / 1000) if r.hojinzeiwari else 0,
        "hojinzeiwari": r.hojinzeiwari_gaku,
        "gokei": r.gokei,
        "nouki": r.nouki,
        "lines": list(r.lines),
    }


# --- 事業所税の申告 -------------------------------------------------------------------------


def jigyosho_compute_for(*, shuryo: date, inp: JigyoshoInput) -> JigyoshoResult:
    return jigyosho_compute(inp, jigyosho_params(shuryo))


def jigyosho_shinkoku_enter(
    *,
    hojin: Hojin,
    juri_date: date,
    kaishi: date,
    shuryo: date,
    menseki: Decimal,
    hikazei_menseki: Decimal,
    juugyosha: int,
    kyuyo: int,
    actor: Actor,
) -> JigyoshoShinkoku:
    """A 事業所税 申告 (the first, or a 修正 of the period's last one) and its 期別."""
    if shuryo < kaishi:
        raise HojinRefused("事業年度の終了日は開始日より後の日にしてください。")
    params = jigyosho_params(shuryo)
    result = jigyosho_compute(
        JigyoshoInput(
            menseki=menseki, hikazei_menseki=hikazei_menseki, juugyosha=juugyosha, kyuyo=kyuyo
        ),
        params,
    )
    # 申告納付の期限: 事業年度終了の日から2月以内 (地方税法第701条の47第1項)
    kigen = int(param_value("zeimu.hojin.kigen", kaishi_nendo(kaishi))["kakutei"])
    nouki = add_months(shuryo + timedelta(days=1), kigen)
    with transaction.atomic(durable=True):
        Hojin.objects.select_for_update().filter(pk=hojin.pk).first()
        prev = (
            JigyoshoShinkoku.objects.filter(hojin=hojin, kaishi=kaishi, shuryo=shuryo)
            .order_by("-pk")
            .first()
        )
        sk = JigyoshoShinkoku.objects.create(
            hojin=hojin,
            shusei_of=prev,
            juri_date=juri_date,
            kaishi=kaishi,
            shuryo=shuryo,
            menseki=menseki,
            hikazei_menseki=hikazei_menseki,
            juugyosha=juugyosha,
            kyuyo=kyuyo,
            shisanwari=result.shisanwari,
            juugyoshawari=result.juugyoshawari,
            gokei=result.gokei,
            nouki=nouki,
            lines=list(result.lines),
            created_by=actor.username or actor.api_client or "system",
        )
        try:
            posted = chotei_post_many(
                [
                    ChoteiItem(
                        zeimoku=Zeimoku.JIGYOSHOZEI.value,
                        key=f"jigyosho:{hojin.pk}:{shuryo.isoformat()}",
                        atena_id=None,
                        hojin_bango=hojin.hojin_bango,
                        nendo=fiscal_year_of(shuryo),
                        ki=1,
                        ki_label="事業所税",
                        nouki=nouki,
                        amount=result.gokei,
                        ref=f"jigyosho_shinkoku:{sk.pk}",
                        on=juri_date,
                        reason="修正申告" if prev else "申告",
                    )
                ],
                actor=actor,
            )
        except ShunoRefused as e:
            raise HojinRefused(str(e)) from e
        sk.nofu_bango = posted[0].nofu_bango
        sk.save(update_fields=["nofu_bango"])
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=JIGYOSHOZEI,
            screen="zeimu.jigyosho_shinkoku",
            record_type="zeimu.Hojin",
            record_id=hojin.pk,
            detail={"jigyosho_shinkoku_id": sk.pk},
        )
    return sk
