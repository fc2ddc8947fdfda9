"""高額障害福祉サービス等給付費 (障害者総合支援法第76条の2; SG-87): a 支給決定障害者 applies
for one month; the 利用者負担 of the 世帯 — the 申請者 and the 配偶者 — is summed over their
障害福祉サービス and 補装具費 (``fukushi.rules.kogaku``) and what exceeds the 基準額
(``fukushi.kogaku.kijungaku``) is decided, then paid in a run with its 全銀 総合振込 file, and
the 決定通知書 printed (``fukushi.printjobs_kogaku``).

Each 利用者負担 comes from a record of the town, checked against it:

- 障害福祉サービス: a ``JiritsuKettei`` of the person valid in the month. The figure is the
  month's 上限額管理結果 (the sum after 管理) when there is one; otherwise the figure on the
  receipt the 申請者 brings, which may not exceed the decision's 負担上限月額 for the month;
- 補装具費: a decided ``YoguKyufu`` (補装具) of the person decided in the month; its 利用者負担額.

What this version refuses, because the rule could not be confirmed (未確認, fukushi/params/
kogaku.yaml): a 世帯 whose decisions are not of a 課税世帯 (一般), any 障害児通所支援 (the 基準額
of a child's 世帯 is the higher 上限 of the certificates in one guide; not confirmed), and
介護保険's 利用者負担 (kaigo's public face offers none: not merged). Every write is one durable
transaction with its access-log row; a refusal writes nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models.jiritsu import JiritsuKettei, YoguJotai, YoguKind, YoguKyufu
from fukushi.models.jogen_kanri import JogenKanriKekka, JogenKanriMeisai, JogenSeido
from fukushi.models.kogaku import KogakuJotai, KogakuMeisai, KogakuShiharai, KogakuShinsei
from fukushi.rules.jiritsu import IPPAN, IPPAN1, IPPAN2
from fukushi.rules.kogaku import HOSOGU, KUBUN_LABELS, SERVICE, TSUSHO, Futan, kogaku_santei
from fukushi.services.furikomi import seal_run
from fukushi.services.jogen_kanri import JogenRefused, Jukyusha, nengetsu
from juminkiroku.public import households_of
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.params.settable import unset_message
from tenants.wareki import fiscal_year_of, format_wareki

__all__ = [
    "KogakuRefused",
    "ShinseiLine",
    "kogaku_furikomi_file",
    "kogaku_kettei",
    "kogaku_shiharai",
    "kogaku_shinsei",
]

KEY = "fukushi.kogaku.kijungaku"
RECORD_TYPE = "fukushi.KogakuShinsei"
#: the 課税世帯 (一般) 区分 of the decisions whose 基準額 is held (fukushi/params/kogaku.yaml)
KAZEI = {IPPAN1, IPPAN2, IPPAN}
#: 続柄 to the 世帯主 that make a 配偶者 (妻・夫, 未届 included): 住民記録システム標準仕様書 1.1.11
HAIGUSHA = {"02", "03", "22", "23"}
JIRITSU, YOGU = "fukushi.JiritsuKettei", "fukushi.YoguKyufu"
_NONE = Futan(0, SERVICE, 0, "")


class KogakuRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


@dataclasses.dataclass(frozen=True)
class ShinseiLine:
    """One 利用者負担 the 申請者 claims: of what (``kubun``), the town's record, and — for a
    障害福祉サービス month without an 上限額管理結果 — the figure on the receipt."""

    kubun: str
    record_id: int
    gaku: int | None = None


def _month_end(ym: date) -> date:
    return date(ym.year + ym.month // 12, ym.month % 12 + 1, 1) - timedelta(days=1)


def _log(
    action: str, actor: Actor, s: KogakuShinsei, atena_ids: list[int], purpose: str = "", **kw: Any
) -> None:
    access_record(
        actor=actor,
        action=action,
        purpose=purpose[:200],
        gyomu=SHOGAISHA_FUKUSHI,
        screen="fukushi.kogaku",
        record_type=RECORD_TYPE,
        record_id=s.pk,
        detail={"atena_ids": sorted(set(atena_ids)), **kw},
    )


def _spouses(shinseisha: int, ym: date) -> set[int]:
    """The 申請者 and, living with them at the month's end, their 配偶者 (one of the two is
    the 世帯主, the other's 続柄 妻・夫)."""
    members = households_of([shinseisha], _month_end(ym)).get(shinseisha, [])
    me = next((m for m in members if m.atena_id == shinseisha), None)
    if me is None:
        return set()
    out = {shinseisha}
    for m in members:
        if m.atena_id == shinseisha:
            continue
        if (me.is_setainushi and m.zokugara in HAIGUSHA) or (
            m.is_setainushi and me.zokugara in HAIGUSHA
        ):
            out.add(m.atena_id)
    return out


def _service(line: ShinseiLine, ym: date, no: int) -> tuple[Futan, str, list[str]]:
    k = JiritsuKettei.objects.filter(pk=line.record_id).first()
    if k is None:
        return _NONE, "", [f"{no}件目：障害福祉サービスの支給決定が見つかりません。"]
    errors: list[str] = []
    j = Jukyusha(JogenSeido.JIRITSU, k)
    if not j.in_period(ym):
        errors.append(f"{no}件目：{nengetsu(ym)}は支給決定期間に含まれていません。")
    if k.futan_kubun not in KAZEI:
        errors.append(
            f"{no}件目：市町村民税課税世帯（一般）でない世帯の基準額は確認できていないため、"
            "この申請は受け付けられません。"
        )
    if errors:
        return Futan(k.atena_id, SERVICE, 0, ""), "", errors
    kekka = JogenKanriKekka.objects.filter(
        seido=JogenSeido.JIRITSU, kettei_id=k.pk, teikyo_ym=ym
    ).first()
    label = f"障害福祉サービス（受給者証番号 {k.jukyusha_bango}）"
    if kekka is not None:
        total = (
            JogenKanriMeisai.objects.filter(kekka_ref=kekka).aggregate(s=Sum("futan_kettei"))["s"]
            or 0
        )
        if line.gaku is not None and line.gaku != total:
            return Futan(k.atena_id, SERVICE, 0, ""), "", [
                f"{no}件目：利用者負担額 {line.gaku:,}円が{nengetsu(ym)}の上限額管理結果の"
                f"合計 {total:,}円と合いません。"
            ]  # fmt: skip
        return Futan(k.atena_id, SERVICE, total, f"{label} 上限額管理結果"), JIRITSU, []
    if line.gaku is None:
        return Futan(k.atena_id, SERVICE, 0, ""), "", [
            f"{no}件目：{nengetsu(ym)}の上限額管理結果がないため、"
            "領収書の利用者負担額を入力してください。"
        ]  # fmt: skip
    try:
        jogen, _, _ = j.month_terms(ym)
    except JogenRefused as exc:
        return Futan(k.atena_id, SERVICE, 0, ""), "", [f"{no}件目：{m}" for _, m in exc.errors]
    if not 0 <= line.gaku <= jogen:
        return Futan(k.atena_id, SERVICE, 0, ""), "", [
            f"{no}件目：利用者負担額 {line.gaku:,}円が負担上限月額 {jogen:,}円を超えています。"
        ]  # fmt: skip
    return Futan(k.atena_id, SERVICE, line.gaku, f"{label} 領収書"), JIRITSU, []


def _hosogu(line: ShinseiLine, ym: date, no: int) -> tuple[Futan, str, list[str]]:
    y = YoguKyufu.objects.filter(
        pk=line.record_id, kind=YoguKind.HOSOGU, jotai__in=[YoguJotai.KETTEI, YoguJotai.SHIHARAI]
    ).first()
    if y is None or y.kettei_date is None or y.kettei_date.replace(day=1) != ym:
        return Futan(0, HOSOGU, 0, ""), "", [
            f"{no}件目：{nengetsu(ym)}に支給決定した補装具費が見つかりません。"
        ]  # fmt: skip
    if y.futan_kubun not in KAZEI:
        return Futan(y.atena_id, HOSOGU, 0, ""), "", [
            f"{no}件目：市町村民税課税世帯（一般）でない世帯の基準額は確認できていないため、"
            "この申請は受け付けられません。"
        ]  # fmt: skip
    if line.gaku is not None and line.gaku != y.futan_gaku:
        return Futan(y.atena_id, HOSOGU, 0, ""), "", [
            f"{no}件目：利用者負担額 {line.gaku:,}円が補装具費の決定の利用者負担額"
            f" {y.futan_gaku:,}円と合いません。"
        ]  # fmt: skip
    return Futan(y.atena_id, HOSOGU, y.futan_gaku, f"補装具費（{y.hinmoku}）"), YOGU, []


def kogaku_shinsei(
    *,
    shinseisha_atena_id: int,
    taisho: date,
    shinsei_date: date,
    lines: list[ShinseiLine],
    account: zengin.Account,
    actor: Actor,
    purpose: str = "",
) -> KogakuShinsei:
    """Receive an application for the month of ``taisho`` and calculate it (every figure in
    ``konkyo``); refused in Japanese, nothing written, when a line's record does not fit.
    ``purpose``: the 利用目的 the clerk gave (screen or ``X-Purpose``), kept on the log row."""
    ym = taisho.replace(day=1)
    errors: list[tuple[str, str]] = []
    if shinsei_date < _month_end(ym):
        errors.append(("shinsei_date", "申請日は対象年月の末日より後の日にしてください。"))
    if not lines:
        errors.append(("lines", "合算する利用者負担を1件以上入力してください。"))
    if len({(ln.kubun, ln.record_id) for ln in lines}) != len(lines):
        errors.append(("lines", "同じ記録が2回あります。"))
    errors += zengin.account_errors(account)
    try:
        kijungaku = int(param_value(KEY, fiscal_year_of(ym)))
    except ParameterMissing:
        errors.append(("", unset_message(KEY)))
        kijungaku = 0
    sewa = _spouses(shinseisha_atena_id, ym)
    if not sewa:
        errors.append(("shinseisha", f"申請者は{nengetsu(ym)}末に町に住んでいません。"))
    rows: list[tuple[Futan, str, int]] = []
    for no, line in enumerate(lines, start=1):
        if line.kubun == TSUSHO:
            errors.append(
                ("lines", f"{no}件目：障害児通所支援を含む世帯の基準額は確認できていないため、"
                          "この申請は受け付けられません。")
            )  # fmt: skip
            continue
        if line.kubun not in (SERVICE, HOSOGU):
            errors.append(("lines", f"{no}件目：区分が正しくありません。"))
            continue
        f, rtype, bad = (_service if line.kubun == SERVICE else _hosogu)(line, ym, no)
        errors += [("lines", m) for m in bad]
        if not bad and sewa and f.atena_id not in sewa:
            errors.append(
                ("lines", f"{no}件目：申請者本人又はその配偶者（{nengetsu(ym)}末に同じ世帯）の"
                          "記録ではありません。")
            )  # fmt: skip
        elif not bad:
            rows.append((f, rtype, line.record_id))
    if errors:
        raise KogakuRefused(errors)
    result = kogaku_santei(kijungaku=kijungaku, rows=[f for f, _, _ in rows])
    left_out = {id(f): why for f, why in result.jogai}
    a = account
    with transaction.atomic(durable=True):
        s = KogakuShinsei.objects.create(
            shinseisha_atena_id=shinseisha_atena_id,
            taisho_ym=ym,
            shinsei_date=shinsei_date,
            gassan=result.gassan,
            kijungaku=result.kijungaku,
            shikyu_gaku=result.shikyu,
            konkyo=[f"対象年月 {nengetsu(ym)}", *result.riyu],
            jotai=KogakuJotai.UKETSUKE,
            kinyu_kikan=a.kinyu_kikan,
            shiten=a.shiten,
            yokin_shumoku=a.yokin_shumoku,
            koza_bango=a.koza_bango,
            meigi_kana=a.meigi_kana,
            created_by=actor.username,
        )
        KogakuMeisai.objects.bulk_create(
            KogakuMeisai(
                shinsei=s,
                junban=n,
                atena_id=f.atena_id,
                kubun=f.kubun,
                record_type=rtype,
                record_id=rid,
                gaku=f.gaku,
                gassan=id(f) not in left_out,
                naiyo=(f"{f.label}（{left_out[id(f)]}）" if id(f) in left_out else f.label)[:300],
            )
            for n, (f, rtype, rid) in enumerate(rows, start=1)
        )
        who = [shinseisha_atena_id, *(f.atena_id for f, _, _ in rows)]
        _log(AccessAction.CREATE, actor, s, who, purpose)
    return s


def kogaku_kettei(
    *, pk: int, shikyu: bool, kettei_date: date, riyu: str, actor: Actor, purpose: str = ""
) -> KogakuShinsei:
    """決定: 支給 (the calculated 支給額; a 0円 result cannot be 支給) or 却下 with its reason.
    Only an application just received."""
    with transaction.atomic(durable=True):
        s = KogakuShinsei.objects.select_for_update().filter(pk=pk).first()
        if s is None:
            raise KogakuRefused([("", "申請が見つかりません。")])
        errors: list[tuple[str, str]] = []
        if s.jotai != KogakuJotai.UKETSUKE:
            errors.append(("", "この申請はすでに決定しています。"))
        if kettei_date < s.shinsei_date:
            errors.append(("kettei_date", "決定日は申請日以後の日にしてください。"))
        if shikyu and s.shikyu_gaku == 0:
            errors.append(("shikyu", "支給額が0円のため支給決定できません（却下してください）。"))
        if not shikyu and not riyu.strip():
            errors.append(("riyu", "却下の理由を入力してください。"))
        if errors:
            raise KogakuRefused(errors)
        s.jotai = KogakuJotai.KETTEI if shikyu else KogakuJotai.KYAKKA
        s.kettei_date = kettei_date
        s.kyakka_riyu = "" if shikyu else riyu.strip()[:200]
        s.save(update_fields=["jotai", "kettei_date", "kyakka_riyu"])
        _log(AccessAction.UPDATE, actor, s, [s.shinseisha_atena_id], purpose, kettei=s.jotai)
    return s


def kogaku_shiharai(
    *, shiharai_date: date, irainin: zengin.Irainin, actor: Actor
) -> KogakuShiharai:
    """Pay every decided, unpaid application in one run (one 振込 line per application)."""
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise KogakuRefused(bad)
    with transaction.atomic(durable=True):
        ids = list(
            KogakuShinsei.objects.select_for_update()
            .filter(jotai=KogakuJotai.KETTEI, shiharai__isnull=True)
            .values_list("pk", flat=True)
        )
        if not ids:
            raise KogakuRefused(
                [("", "支払う高額障害福祉サービス等給付費（支給決定済）がありません。")]
            )
        run = KogakuShiharai.objects.create(
            shiharai_date=shiharai_date, kensu=0, gokei=0, irainin=dataclasses.asdict(irainin),
            furikomi_sha256="", created_by=actor.username,
        )  # fmt: skip
        KogakuShinsei.objects.filter(pk__in=ids).update(shiharai=run, jotai=KogakuJotai.SHIHARAI)
        seal_run(
            run,
            kogaku_furikomi_file,
            actor=actor,
            gyomu=SHOGAISHA_FUKUSHI,
            screen="fukushi.kogaku_shiharai",
            lines=_lines(run),
        )
    return run


def _lines(run: KogakuShiharai) -> list[zengin.FurikomiLine]:
    return [
        zengin.FurikomiLine(
            account=zengin.Account(s.kinyu_kikan, s.shiten, s.yokin_shumoku, s.koza_bango,
                                   s.meigi_kana),
            amount=s.shikyu_gaku,
            customer1=str(s.pk)[-10:],
        )
        for s in KogakuShinsei.objects.filter(shiharai=run).order_by("pk")
    ]  # fmt: skip


def kogaku_furikomi_file(run: KogakuShiharai) -> bytes:
    """The run's 全銀 総合振込 file: one line per application, 顧客コード1 = its number."""
    return zengin.sogo_furikomi_file(
        irainin=zengin.Irainin(**run.irainin), torikumi=run.shiharai_date, lines=_lines(run)
    )


def kettei_words(s: KogakuShinsei) -> str:
    if s.jotai == KogakuJotai.KYAKKA:
        return f"却下（{s.kyakka_riyu}）"
    if s.kettei_date is None:
        return ""
    return f"支給 {s.shikyu_gaku:,}円（{format_wareki(s.kettei_date)}決定）"


__all__ += ["KUBUN_LABELS", "kettei_words"]
