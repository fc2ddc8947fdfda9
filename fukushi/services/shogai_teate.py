"""特別障害者手当・障害児福祉手当・特別児童扶養手当 case work (issue 21 item 1) around the pure
rules ``fukushi.rules.shogai_teate``: the 認定請求, the 認定 (支給 from the month after the
請求) or the 却下 with its reason, the 資格喪失 (死亡・転出 from the registry's events, exactly
once; 施設入所・3月を超える入院 entered by the clerk), the 所得制限 of each 所得制限年度 recorded
with its figures, and the payment run with its 全銀 総合振込 file.

Every write is one durable transaction with its history row (``ShogaiTeateRireki``: who,
when, what) and its access-log row. Refusals are Japanese; nothing is written when refused.

所得 (施行令の所得): each person's 給与所得・公的年金等に係る雑所得・その他の所得 of the 前年
from ``zeimu.public`` (住民税 of the 所得制限年度's 年度), less the 社会保険料相当額 8万円
(``fukushi.teate.shotoku_kojo``) for the 特別児童扶養手当's 本人 and every 配偶者・扶養義務者,
less the 諸控除 the clerk entered for the 本人 (``kojo_gaku``; for 特別障害者手当・障害児福祉手当
the 本人's 社会保険料 is the real amount, entered there). The 配偶者 and 扶養義務者 are the
members of the 受給資格者's household on the month's first day (spouse by the 続柄 to the
世帯主; 直系血族・兄弟姉妹 by ``fukushi.rules.fuyoteate_gimusha.kankei``); their 扶養親族等の数
is not in 税務's public face and counts as 0 (the lowest limit: a 停止 found so is one to
check, the screen shows the figures). Not applied (unconfirmed): a 10万円 控除 of 給与所得・
公的年金等 such as 児童扶養手当 has, and 諸控除 of a 配偶者・扶養義務者.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from fukushi.gyomu import SHOGAISHA_FUKUSHI
from fukushi.models import (
    ShogaiTeate,
    ShogaiTeateJotai,
    ShogaiTeateKind,
    ShogaiTeateRireki,
    ShogaiTeateShiharai,
    ShogaiTeateShiharaiTsuki,
    ShogaiTeateShikkakuJiyu,
    ShogaiTeateShotoku,
)
from fukushi.rules.fuyoteate_gimusha import kankei
from fukushi.rules.shogai_teate import (
    SEIJIN_NENREI,
    Shotokusha,
    TeateHantei,
    TeateInput,
    shotoku_nendo,
    teate_hantei,
    teate_parameters_from_lookup,
)
from fukushi.services.furikomi import seal_run
from juminkiroku import public as juminkiroku_public
from tenants import zengin
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.age import age_on
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import format_wareki
from zeimu import public as zeimu_public

__all__ = [
    "SHIHARAI_TSUKI",
    "Hantei",
    "SeikyuInput",
    "ShiharaiOutcome",
    "TeateRefused",
    "add_months",
    "shiharai_file",
    "shiharai_months",
    "shiharai_run",
    "teate_hantei_of",
    "teate_kyakka",
    "teate_nintei",
    "teate_seikyu",
    "teate_shojo_apply",
    "teate_soshitsu",
    "wareki_month",
]

RECORD_TYPE = "fukushi.ShogaiTeate"
SCREEN = "fukushi.shogai_teate"
SCREEN_EVENT = "fukushi.shogai_teate_renkei"
SYSTEM_ACTOR_NAME = "system:fukushi_shogai_teate"
K = ShogaiTeateKind

#: 支払期月 and the months each pays. 特別障害者手当・障害児福祉手当 (法第19条の2・第26条の5):
#: 2月(11〜1月分)・5月(2〜4月分)・8月(5〜7月分)・11月(8〜10月分) — 水戸市
#: https://www.city.mito.lg.jp/site/syogai-teate/5083.html . 特別児童扶養手当 (法第5条の2第3項):
#: 4月(12〜3月分)・8月(4〜7月分)・11月(8〜11月分: 11月分までを11月に) — 別海町
#: https://betsukai.jp/kurashi/birth/teate_1/about_tokujifu/ , 滝川市
#: https://www.city.takikawa.lg.jp/page/2026.html . The law's text itself was not read.
SHIHARAI_TSUKI: dict[str, dict[int, tuple[int, ...]]] = {
    K.TOKUBETSU_SHOGAISHA: {2: (-3, -2, -1), 5: (-3, -2, -1), 8: (-3, -2, -1), 11: (-3, -2, -1)},
    K.SHOGAIJI_FUKUSHI: {2: (-3, -2, -1), 5: (-3, -2, -1), 8: (-3, -2, -1), 11: (-3, -2, -1)},
    K.TOKUBETSU_JIDO_FUYO: {4: (-4, -3, -2, -1), 8: (-4, -3, -2, -1), 11: (-3, -2, -1, 0)},
}
#: 続柄 codes (to the 世帯主) of a spouse: 妻, 夫, 妻（未届）, 夫（未届）
HAIGUSHA = frozenset({"02", "03", "22", "23"})
SETAINUSHI = "01"


class TeateRefused(Exception):
    """A write the rules refuse; ``errors`` are (field, Japanese message)."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(m for _, m in errors))
        self.errors = errors


def _first(d: date) -> date:
    return d.replace(day=1)


def add_months(d: date, n: int) -> date:
    m = d.year * 12 + d.month - 1 + n
    return date(m // 12, m % 12 + 1, 1)


def wareki_month(d: date) -> str:
    return format_wareki(d).split("月")[0] + "月"


def shiharai_months(teate: str, shiharai_tsuki: date) -> list[date]:
    """The months the 支払月 pays for ``teate`` (empty when it is not one of its months)."""
    offsets = SHIHARAI_TSUKI[teate].get(shiharai_tsuki.month, ())
    return [add_months(_first(shiharai_tsuki), o) for o in offsets]


def _rireki(t: ShogaiTeate, kind: str, naiyo: str, actor: Actor, ido_id: int | None = None) -> None:
    ShogaiTeateRireki.objects.create(
        teate=t, kind=kind, naiyo=naiyo[:300], ido_id=ido_id, created_by=actor.username
    )


def _log(actor: Actor, action: str, t: ShogaiTeate, screen: str, **detail: Any) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=SHOGAISHA_FUKUSHI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=t.pk,
        detail={"atena_ids": sorted({t.atena_id, t.taisho_atena_id}), **detail},
    )


# --- 認定請求・認定・却下・喪失 ----------------------------------------------------------------


@dataclass(frozen=True)
class SeikyuInput:
    teate: str
    atena_id: int
    #: the person with the disability; the same as ``atena_id`` except for 特別児童扶養手当
    taisho_atena_id: int
    seikyu_date: date
    account: zengin.Account
    fuyo_su: int = 0
    rojin_su: int = 0
    tokutei_su: int = 0
    kojo_gaku: int = 0
    shogai_nenkin: bool = False


def teate_seikyu(data: SeikyuInput, *, actor: Actor) -> ShogaiTeate:
    """認定請求の受付 (法第5条・第19条・第26条の4で準用): the case waits for the 認定."""
    errors: list[tuple[str, str]] = []
    if data.teate not in K.values:
        raise TeateRefused([("teate", "手当の種類を選んでください。")])
    label = K(data.teate).label
    people = juminkiroku_public.person_identities({data.atena_id, data.taisho_atena_id})
    taisho = people.get(data.taisho_atena_id)
    if data.atena_id not in people:
        errors.append(("atena_no", "請求者は住民記録にいません。"))
    if taisho is None:
        errors.append(("taisho_no", "対象の方は住民記録にいません。"))
    if data.teate == K.TOKUBETSU_JIDO_FUYO:
        if data.taisho_atena_id == data.atena_id:
            errors.append(("taisho_no", "特別児童扶養手当は、児童の父母・養育者が請求します。"))
    elif data.taisho_atena_id != data.atena_id:
        errors.append(("taisho_no", f"{label}は、障害のある方ご本人が請求します。"))
    if taisho is not None:
        age = age_on(taisho.birth_date, data.seikyu_date)
        if data.teate == K.TOKUBETSU_SHOGAISHA and age < SEIJIN_NENREI:
            msg = f"{SEIJIN_NENREI}歳未満の方は特別障害者手当の対象ではありません。"
            errors.append(("seikyu_date", msg))
        if data.teate != K.TOKUBETSU_SHOGAISHA and age >= SEIJIN_NENREI:
            msg = f"{SEIJIN_NENREI}歳以上の方は{label}の対象ではありません。"
            errors.append(("seikyu_date", msg))
    if data.rojin_su + data.tokutei_su > data.fuyo_su:
        errors.append(("fuyo_su", "老人・特定扶養親族等の数が扶養親族等の数を超えています。"))
    errors.extend(zengin.account_errors(data.account))
    with transaction.atomic(durable=True):
        if ShogaiTeate.objects.filter(
            teate=data.teate,
            taisho_atena_id=data.taisho_atena_id,
            jotai__in=[ShogaiTeateJotai.SEIKYU, ShogaiTeateJotai.NINTEI],
        ).exists():
            errors.append(("teate", f"この方の{label}は、すでに請求中か認定されています。"))
        if errors:
            raise TeateRefused(errors)
        a = data.account
        t = ShogaiTeate.objects.create(
            teate=data.teate,
            atena_id=data.atena_id,
            taisho_atena_id=data.taisho_atena_id,
            seikyu_date=data.seikyu_date,
            jotai=ShogaiTeateJotai.SEIKYU,
            fuyo_su=data.fuyo_su,
            rojin_su=data.rojin_su,
            tokutei_su=data.tokutei_su,
            kojo_gaku=data.kojo_gaku,
            shogai_nenkin=data.shogai_nenkin,
            kinyu_kikan=a.kinyu_kikan,
            shiten=a.shiten,
            yokin_shumoku=a.yokin_shumoku,
            koza_bango=a.koza_bango,
            meigi_kana=a.meigi_kana,
            created_by=actor.username,
        )
        _rireki(t, "seikyu", f"認定請求の受付（{format_wareki(data.seikyu_date)}）", actor)
        _log(actor, AccessAction.CREATE, t, SCREEN, kind="seikyu")
    return t


def _open(pk: int, jotai: str) -> ShogaiTeate:
    t = ShogaiTeate.objects.select_for_update().filter(pk=pk).first()
    if t is None:
        raise TeateRefused([("", "その手当の記録は見つかりません。")])
    if t.jotai != jotai:
        msg = f"この手当は{t.get_jotai_display()}のため、この処理はできません。"
        raise TeateRefused([("", msg)])
    return t


def teate_nintei(
    *,
    pk: int,
    kettei_date: date,
    shogai_teido: str,
    shindansho_date: date,
    sainintei_date: date | None,
    kyu: str = "",
    actor: Actor,
) -> ShogaiTeate:
    """認定: 支給 from the month after the 認定請求 (法第5条の2第1項・第26条の5で準用). The
    障害の程度 (its words, the 診断書's date, the 再認定's time) is the 認定's fact."""
    with transaction.atomic(durable=True):
        t = _open(pk, ShogaiTeateJotai.SEIKYU)
        errors: list[tuple[str, str]] = []
        if kettei_date < t.seikyu_date:
            errors.append(("kettei_date", "認定の日が認定請求日より前です。"))
        if not shogai_teido.strip():
            errors.append(("shogai_teido", "障害の程度（認定の内容）を入力してください。"))
        if shindansho_date > kettei_date:
            errors.append(("shindansho_date", "診断書の作成日が認定の日より後です。"))
        if sainintei_date is not None and sainintei_date <= kettei_date:
            errors.append(("sainintei_date", "再認定の時期は認定の日より後にしてください。"))
        if t.teate == K.TOKUBETSU_JIDO_FUYO and kyu not in ("1", "2"):
            errors.append(("kyu", "特別児童扶養手当の障害の等級（1級・2級）を選んでください。"))
        if errors:
            raise TeateRefused(errors)
        t.jotai = ShogaiTeateJotai.NINTEI
        t.kettei_date = kettei_date
        t.shogai_teido = shogai_teido.strip()[:200]
        t.shindansho_date = shindansho_date
        t.sainintei_date = sainintei_date
        t.kyu = kyu if t.teate == K.TOKUBETSU_JIDO_FUYO else ""
        t.shikyu_kaishi = add_months(_first(t.seikyu_date), 1)
        t.shosho_bango = f"{t.pk:08d}"
        t.save()
        kyu_words = f"、{kyu}級" if t.kyu else ""
        _rireki(
            t,
            "nintei",
            f"認定（{format_wareki(kettei_date)}、{wareki_month(t.shikyu_kaishi)}分から"
            f"{kyu_words}）：{t.shogai_teido}",
            actor,
        )
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="nintei")
    return t


def teate_kyakka(*, pk: int, kettei_date: date, riyu: str, actor: Actor) -> ShogaiTeate:
    """却下 of the 請求, with its reason (it is printed on the 却下通知書)."""
    with transaction.atomic(durable=True):
        t = _open(pk, ShogaiTeateJotai.SEIKYU)
        errors: list[tuple[str, str]] = []
        if not riyu.strip():
            errors.append(("riyu", "却下の理由を入力してください。"))
        if kettei_date < t.seikyu_date:
            errors.append(("kettei_date", "却下の日が認定請求日より前です。"))
        if errors:
            raise TeateRefused(errors)
        t.jotai = ShogaiTeateJotai.KYAKKA
        t.kettei_date = kettei_date
        t.kyakka_riyu = riyu.strip()[:200]
        t.save(update_fields=["jotai", "kettei_date", "kyakka_riyu", "updated_at"])
        _rireki(t, "kyakka", f"却下（{format_wareki(kettei_date)}）：{t.kyakka_riyu}", actor)
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="kyakka")
    return t


def _end(t: ShogaiTeate, jiyu: str, day: date) -> None:
    assert t.shikyu_kaishi is not None
    t.jotai = ShogaiTeateJotai.SHIKKAKU
    t.shikkaku_jiyu = jiyu
    t.shikkaku_date = day
    # 支給は事由の生じた月まで (法第5条の2第1項の準用); never before the first month
    t.shikyu_shuryo = max(_first(day), add_months(t.shikyu_kaishi, -1))
    t.save()


def teate_soshitsu(*, pk: int, jiyu: str, day: date, riyu: str, actor: Actor) -> ShogaiTeate:
    """資格喪失 entered by the clerk: 施設入所, 継続して3月を超える入院 (特別障害者手当 only),
    or another reason (障害の程度の非該当 …) with its words; 支給 ends with the month of ``day``."""
    allowed = {ShogaiTeateShikkakuJiyu.SHISETSU, ShogaiTeateShikkakuJiyu.SONOTA}
    with transaction.atomic(durable=True):
        t = _open(pk, ShogaiTeateJotai.NINTEI)
        if t.teate == K.TOKUBETSU_SHOGAISHA:
            allowed.add(ShogaiTeateShikkakuJiyu.NYUIN)
        errors: list[tuple[str, str]] = []
        if jiyu not in allowed:
            errors.append(("jiyu", f"{t.get_teate_display()}では選べない喪失事由です。"))
        if jiyu == ShogaiTeateShikkakuJiyu.SONOTA and not riyu.strip():
            errors.append(("riyu", "喪失の理由を入力してください。"))
        if t.kettei_date is not None and day < t.seikyu_date:
            errors.append(("day", "喪失事由の日が認定請求日より前です。"))
        if errors:
            raise TeateRefused(errors)
        _end(t, jiyu, day)
        words = ShogaiTeateShikkakuJiyu(jiyu).label
        assert t.shikyu_shuryo is not None
        _rireki(
            t,
            "soshitsu",
            f"資格喪失：{words}（{format_wareki(day)}）{wareki_month(t.shikyu_shuryo)}分で支給終了"
            + (f"。{riyu.strip()}" if riyu.strip() else ""),
            actor,
        )
        _log(actor, AccessAction.UPDATE, t, SCREEN, kind="soshitsu")
    return t


def teate_shojo_apply(*, atena_ids: Iterable[int], day: date, cause: str, ido_id: int) -> int:
    """A death (``cause`` "shibo") or 転出確定 ("tenshutsu") in the registry, in the
    delivery's transaction: each 認定 whose 受給資格者 or 対象者 is among the persons ends with
    the month of ``day``. Exactly once: the history row is keyed on the 異動 and the case is
    no longer 認定 after it, so a redelivery writes nothing. Returns the cases ended."""
    ids = list(atena_ids)
    actor = Actor(user_id=None, username=SYSTEM_ACTOR_NAME)
    jiyu = ShogaiTeateShikkakuJiyu(cause)
    changed = 0
    rows = ShogaiTeate.objects.select_for_update().filter(
        models.Q(atena_id__in=ids) | models.Q(taisho_atena_id__in=ids),
        jotai=ShogaiTeateJotai.NINTEI,
    )
    for t in rows.order_by("pk"):
        if t.rireki.filter(ido_id=ido_id).exists():
            continue
        _end(t, jiyu, day)
        who = "対象の児童の" if t.taisho_atena_id in ids and t.atena_id not in ids else ""
        assert t.shikyu_shuryo is not None
        _rireki(
            t,
            "soshitsu",
            f"資格喪失：{who}{jiyu.label}（住民記録の異動、{format_wareki(day)}）"
            f"{wareki_month(t.shikyu_shuryo)}分で支給終了",
            actor,
            ido_id=ido_id,
        )
        _log(actor, AccessAction.UPDATE, t, SCREEN_EVENT, kind=cause, ido_id=ido_id)
        changed += 1
    return changed


# --- 所得制限 ---------------------------------------------------------------------------------


def _kojo(nen: int) -> int:
    try:
        return int(param_value("fukushi.teate.shotoku_kojo", nen))
    except ParameterMissing as exc:
        raise TeateRefused(
            [("", f"「fukushi.teate.shotoku_kojo」の値が{nen}年について登録されていません。")]
        ) from exc


def _shotoku(k: zeimu_public.PersonKazei | None, kojo: int) -> int:
    if k is None:
        return 0
    s = k.shotoku
    return max(0, s.kyuyo_shotoku + s.nenkin_shotoku + s.sonota_shotoku - kojo)


@dataclass(frozen=True)
class Hantei:
    """The rules' answer for one month with the persons compared, in words."""

    tsuki: date
    nen: int
    result: TeateHantei
    #: 配偶者・扶養義務者 with the way they were found (labels in the order of ``hikaku``)
    labels: tuple[str, ...]


def teate_hantei_of(t: ShogaiTeate, tsuki: date) -> Hantei:
    """支給 / 支給停止 / 対象外 of one month of the case (reads; writes nothing). Refused when
    the 受給資格者 has no assessment (or is 未申告) for the 所得制限年度."""
    tsuki = _first(tsuki)
    nen = shotoku_nendo(tsuki)
    kojo = _kojo(nen)
    honnin_k = zeimu_public.person_kazei(t.atena_id, nen)
    if honnin_k is None or honnin_k.jokyo is zeimu_public.KazeiJokyo.MISHINKOKU:
        raise TeateRefused(
            [("shotoku", f"{wareki_month(tsuki)}分の所得の判定に使う{nen}年度の住民税の資料"
              "（請求者の所得）がありません（未申告を含む）。")]
        )  # fmt: skip
    honnin_kojo = t.kojo_gaku + (kojo if t.teate == K.TOKUBETSU_JIDO_FUYO else 0)
    members = juminkiroku_public.households_of([t.atena_id], tsuki).get(t.atena_id, [])
    me = next((m for m in members if m.atena_id == t.atena_id), None)
    spouse: int | None = None
    gimusha: list[tuple[int, str]] = []
    if me is not None:
        for m in members:
            if m.atena_id in (t.atena_id, t.taisho_atena_id):
                continue
            if (me.zokugara == SETAINUSHI and m.zokugara in HAIGUSHA) or (
                me.zokugara in HAIGUSHA and m.zokugara == SETAINUSHI
            ):
                spouse = m.atena_id
                continue
            rel = kankei(me.zokugara, m.zokugara)
            if rel is not None:
                gimusha.append((m.atena_id, rel))
    kazei = zeimu_public.person_kazei_many(
        [*([spouse] if spouse else []), *(a for a, _ in gimusha)], nen
    )
    labels: list[str] = []
    haigusha = None
    if spouse is not None:
        haigusha = Shotokusha(shotoku=_shotoku(kazei.get(spouse), kojo), fuyo_su=0)
        labels.append("同居の配偶者" + ("" if spouse in kazei else "（所得の資料なし：0円）"))
    fuyo: list[Shotokusha] = []
    for a, rel in gimusha:
        fuyo.append(Shotokusha(shotoku=_shotoku(kazei.get(a), kojo), fuyo_su=0))
        labels.append(f"同居の{rel}" + ("" if a in kazei else "（所得の資料なし：0円）"))
    taisho = juminkiroku_public.person_identity(t.taisho_atena_id)
    if taisho is None:
        raise TeateRefused([("", "対象の方が住民記録にいません。")])
    inp = TeateInput(
        teate=t.teate,
        tsuki=tsuki,
        seinengappi=taisho.birth_date,
        honnin=Shotokusha(
            shotoku=_shotoku(honnin_k, honnin_kojo),
            fuyo_su=t.fuyo_su,
            rojin_su=t.rojin_su,
            tokutei_su=t.tokutei_su,
        ),
        haigusha=haigusha,
        fuyo_gimusha=tuple(fuyo),
        shogai_nenkin=t.shogai_nenkin,
        kyu=t.kyu or None,
    )
    try:
        p = teate_parameters_from_lookup(param_value, t.teate, tsuki)
    except ParameterMissing as exc:
        msg = f"{wareki_month(tsuki)}分の手当の額・限度額が登録されていません。"
        raise TeateRefused([("", msg)]) from exc
    return Hantei(tsuki, nen, teate_hantei(inp, p), tuple(labels))


def _hikaku_json(h: Hantei) -> list[dict[str, Any]]:
    names = ["本人", *h.labels]
    return [
        {"dare": names[i] if i < len(names) else g.dare, "shotoku": g.shotoku,
         "gendogaku": g.gendogaku, "koeru": g.koeru}
        for i, g in enumerate(h.result.hikaku)
    ]  # fmt: skip


def _shotoku_record(t: ShogaiTeate, h: Hantei, actor: Actor) -> bool:
    """Record (or correct) the 所得制限 of the 所得制限年度 ``h.nen``; a history row when it is
    new or its result or figures changed. Returns whether anything was written."""
    if not h.result.hikaku:
        return False
    figures = _hikaku_json(h)
    kekka = h.result.kekka
    riyu = "、".join(h.result.riyu)[:300]
    row = ShogaiTeateShotoku.objects.filter(teate=t, nen=h.nen).first()
    if row is not None and (row.kekka, row.hikaku) == (kekka, figures):
        return False
    if row is None:
        row = ShogaiTeateShotoku(teate=t, nen=h.nen)
    row.kekka, row.hikaku, row.riyu, row.created_by = kekka, figures, riyu, actor.username
    row.save()
    _rireki(
        t,
        "shotoku",
        f"所得制限（{h.nen}年8月〜{h.nen + 1}年7月）：{kekka}。{riyu}",
        actor,
    )
    return True


# --- 支払 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ShiharaiOutcome:
    shiharai: ShogaiTeateShiharai
    #: (case id, reason) left out of the run
    refused: tuple[tuple[int, str], ...]
    #: cases the run's pre-step ended (the child reached 20): ``NenreiTaisho`` rows
    nenrei: tuple[Any, ...] = ()


def _due_months(t: ShogaiTeate, window: list[date], paid: set[date]) -> list[date]:
    """The window's months of the 支給 period and every earlier month of it not yet paid
    (a late 認定, a 所得 corrected since a 停止), never a month already paid."""
    assert t.shikyu_kaishi is not None
    last = window[-1]
    if t.shikyu_shuryo is not None:
        last = min(last, t.shikyu_shuryo)
    out: list[date] = []
    m = t.shikyu_kaishi
    while m <= last:
        if m not in paid:
            out.append(m)
        m = add_months(m, 1)
    return out


def shiharai_run(
    *, shiharai_tsuki: date, shiharai_date: date, irainin: zengin.Irainin, actor: Actor
) -> ShiharaiOutcome:
    """The payment of one 支払月 for every 手当 paid in it: each case whose 支給 period covers
    the months the 支払月 pays (``SHIHARAI_TSUKI``), each month judged by the rules with the
    所得 of its 所得制限年度 (recorded per year with the figures). One run per 支払月: a second
    is refused, and a month of a case is paid at most once (a unique row per case and month)."""
    shiharai_tsuki = _first(shiharai_tsuki)
    if not any(shiharai_tsuki.month in m for m in SHIHARAI_TSUKI.values()):
        raise TeateRefused([("shiharai_tsuki", "支払月は2・4・5・8・11月のいずれかです。")])
    bad = zengin.irainin_errors(irainin)
    if bad:
        raise TeateRefused(bad)
    if ShogaiTeateShiharai.objects.filter(shiharai_tsuki=shiharai_tsuki).exists():
        raise TeateRefused([("shiharai_tsuki", "この支払月の支払はすでに作成しています。")])
    # pre-step: a child who has reached 20 by the 支払日 (or today, if earlier) ends first,
    # with its history, so the run and the case agree on the last month paid
    # (imported here: that module builds on this one)
    from fukushi.services.shogai_teate_nenrei import teate_nenrei_shuryo

    nenrei = teate_nenrei_shuryo(kijun=min(shiharai_date, timezone.localdate()), actor=actor)
    kinds = [k for k, months in SHIHARAI_TSUKI.items() if shiharai_tsuki.month in months]
    cases = list(
        ShogaiTeate.objects.filter(
            teate__in=kinds,
            jotai__in=[ShogaiTeateJotai.NINTEI, ShogaiTeateJotai.SHIKKAKU],
            shikyu_kaishi__isnull=False,
        ).order_by("pk")
    )
    paid: dict[int, set[date]] = {}
    for teate_id, tsuki in ShogaiTeateShiharaiTsuki.objects.filter(
        teate__in=[t.pk for t in cases]
    ).values_list("teate_id", "tsuki"):
        paid.setdefault(teate_id, set()).add(tsuki)
    lines: list[tuple[ShogaiTeate, list[tuple[date, int]], list[Hantei]]] = []
    refused: list[tuple[int, str]] = []
    for t in cases:
        window = shiharai_months(t.teate, shiharai_tsuki)
        months = _due_months(t, window, paid.get(t.pk, set()))
        if not months:
            continue
        try:
            judged = [teate_hantei_of(t, m) for m in months]
        except TeateRefused as exc:
            refused.append((t.pk, str(exc)))
            continue
        amounts = [(h.tsuki, h.result.getsugaku) for h in judged if h.result.shikyu]
        lines.append((t, amounts, judged))
    with transaction.atomic(durable=True):
        if (
            ShogaiTeateShiharai.objects.select_for_update()
            .filter(shiharai_tsuki=shiharai_tsuki)
            .exists()
        ):
            raise TeateRefused([("shiharai_tsuki", "この支払月の支払はすでに作成しています。")])
        paying = [(t, a) for t, a, _ in lines if a]
        run = ShogaiTeateShiharai.objects.create(
            shiharai_tsuki=shiharai_tsuki,
            shiharai_date=shiharai_date,
            kensu=len(paying),
            gokei=sum(g for _, a in paying for _, g in a),
            irainin=dataclasses.asdict(irainin),
            furikomi_sha256="",
            created_by=actor.username,
        )
        ShogaiTeateShiharaiTsuki.objects.bulk_create(
            ShogaiTeateShiharaiTsuki(shiharai=run, teate=t, tsuki=m, gaku=g)
            for t, a in paying
            for m, g in a
        )
        for t, amounts, judged in lines:
            seen: set[int] = set()
            for h in judged:
                if h.nen not in seen:
                    seen.add(h.nen)
                    _shotoku_record(t, h, actor)
            if amounts:
                months_words = "・".join(wareki_month(m) for m, _ in amounts)
                _rireki(
                    t,
                    "shiharai",
                    f"{wareki_month(shiharai_tsuki)}支払 {sum(g for _, g in amounts):,}円"
                    f"（{months_words}分）",
                    actor,
                )
        seal_run(
            run,
            shiharai_file,
            actor=actor,
            gyomu=SHOGAISHA_FUKUSHI,
            screen="fukushi.shogai_teate_shiharai",
            count=len(lines),
        )
    return ShiharaiOutcome(shiharai=run, refused=tuple(refused), nenrei=tuple(nenrei))


def shiharai_file(run: ShogaiTeateShiharai) -> bytes:
    """The run's 全銀 総合振込 file (種別21): one line per case (its months summed), 顧客コード1
    = 証書番号, the 依頼人 as the run recorded it (the same bytes every time)."""
    irainin = zengin.Irainin(**run.irainin)
    totals: dict[int, int] = {}
    for teate_id, gaku in run.tsuki.values_list("teate_id", "gaku"):
        totals[teate_id] = totals.get(teate_id, 0) + gaku
    cases = ShogaiTeate.objects.filter(pk__in=list(totals)).order_by("shosho_bango")
    return zengin.sogo_furikomi_file(
        irainin=irainin,
        torikumi=run.shiharai_date,
        lines=(
            zengin.FurikomiLine(
                account=zengin.Account(
                    t.kinyu_kikan, t.shiten, t.yokin_shumoku, t.koza_bango, t.meigi_kana
                ),
                amount=totals[t.pk],
                customer1=t.shosho_bango,
            )
            for t in cases
        ),
    )
