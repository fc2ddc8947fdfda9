"""転出証明書 (住民基本台帳法 第24条, 同施行令 第23条; 標準仕様書 4.1.3.0.3).

- Issued from the 転出's screen right after its 本登録, the same day (the counter's one
  flow). A 転出 entered by 職権 because the 届出 came more than 14 days after the 転出
  (4.1.3.0.1) gets the 転出証明書に準ずる証明書 instead, marked as issued to be attached
  to the 転入届.
- 再交付 (lost certificate): a new 発行番号, marked 再交付, and the items **as at the first
  issue** (4.1.3.0.3; printing today's items is one of its 【実装しない機能】). The first
  issue stores the ids of the 住民票 versions it printed (versions are never edited:
  juminkiroku.models.atena), plus the 転出 row's 予定 items, which are never overwritten.
- Items (施行令 第23条, referring to 法 第7条): 氏名, 出生の年月日, 男女の別, 世帯主
  (or the 世帯主's 氏名 and 続柄), 戸籍の表示 (本籍・筆頭者; for a 外国人住民 the 国籍・地域
  and 在留 items of 法 第30条の45 instead), 住所 and the day it was set, 個人番号,
  住民票コード, 転出先 and 転出の予定年月日.
- 国外転出 has no 転出証明書 (the 転出証明書 goes with a 転入届 in another 市区町村).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import IdoJiyu, JuminJotai, JuminShubetsu, Zokugara
from juminkiroku.forms.fit import TextTooLong
from juminkiroku.forms.shomei import Ninsho, Row, _row, full_address, wareki
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, AtenaRireki, Tenshutsu, TenshutsuShomei, TenshutsuStatus
from juminkiroku.models.tenshutsu import TenshutsuShomeiKind
from juminkiroku.services.ninsho import ninshosha
from juminkiroku.services.numbering import next_hakko_no
from juminkiroku.services.shomei import ShomeiError, ShomeiNotFound, certifier_of, png_uri
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality

TEMPLATE = "juminkiroku/forms/tenshutsu_shomei.html"
NINSHO_TEXT = "上記のとおり転出の届出があったことを証明する。"
NINSHO_JUNZURU = (
    "上記のとおり転出したことを証明する。"
    "この証明書は、転入届に添付すべき書類として発行したものである。"
)


def _current(atena_id: int) -> AtenaRireki | None:
    """The version the certificate prints: the person's last version as a 住民 (a 除票
    version carries the same items; the 住所 is the one they left)."""
    return (
        AtenaRireki.objects.filter(atena_id=atena_id, superseded=False, jotai=JuminJotai.JUMIN)
        .order_by("-valid_from", "-id")
        .first()
    )


def _head_version(v: AtenaRireki) -> AtenaRireki | None:
    if v.zokugara == Zokugara.HONNIN or v.setai_id is None:
        return None
    head = (
        Atena.objects.filter(setai_id=v.setai_id, zokugara=Zokugara.HONNIN)
        .order_by("jotai", "id")
        .first()
    )
    return _current(head.pk) if head is not None else None


def shomei_rows(t: Tenshutsu, v: AtenaRireki, head: AtenaRireki | None) -> list[Row]:
    """The printed items, in the order of the form (施行令 第23条)."""
    rows: list[Row] = [_row("氏名", v.shimei, "name")]
    foreign = v.shubetsu == JuminShubetsu.GAIKOKUJIN
    if foreign and v.alpha_name:
        rows.append(_row("氏名（アルファベット）", v.alpha_name, "alpha"))
    if foreign and v.tsusho:
        rows.append(_row("通称", v.tsusho, "name"))
    rows.append(Row("生年月日", wareki(v.birth_date)))
    rows.append(Row("性別", v.get_sex_display()))
    if v.zokugara == Zokugara.HONNIN:
        rows.append(Row("世帯主", "本人（世帯主）"))
    else:
        rows.append(_row("世帯主", head.shimei if head else "", "name"))
        rows.append(Row("続柄", v.get_zokugara_display() if v.zokugara else ""))
    rows.append(_row("住所", full_address(v), "address"))
    if v.katagaki:
        rows.append(_row("方書", v.katagaki, "address"))
    rows.append(Row("住所を定めた日", wareki(v.jutei_date)))
    if foreign:
        rows.append(_row("国籍・地域", v.kokuseki, "short"))
        rows.append(_row("在留資格", v.zairyu_shikaku, "short"))
        rows.append(Row("在留期間の満了日", wareki(v.zairyu_kikan_to)))
        rows.append(Row("在留カード等番号", v.zairyu_card_no))
    else:
        rows.append(_row("本籍", v.honseki, "address"))
        rows.append(_row("筆頭者", v.hittosha, "name"))
    rows.append(Row("個人番号", v.kojin_bango))
    rows.append(Row("住民票コード", v.juminhyo_code))
    saki = t.yotei_jusho + (
        f"（〒{t.yotei_postal_code[:3]}-{t.yotei_postal_code[3:]}）" if t.yotei_postal_code else ""
    )
    rows.append(_row("転出先", saki, "address"))
    label = "転出年月日" if t.shokken else "転出の予定年月日"
    rows.append(Row(label, wareki(t.yotei_date)))
    if t.todoke_date:
        rows.append(Row("届出年月日", wareki(t.todoke_date)))
    return rows


def _render(t: Tenshutsu, kofu: TenshutsuShomei, first: TenshutsuShomei | None) -> bytes:
    v = AtenaRireki.objects.get(pk=kofu.items["rireki_id"])
    head_id = kofu.items.get("head_rireki_id")
    head = AtenaRireki.objects.get(pk=head_id) if head_id else None
    certifier = certifier_of(timezone.localdate())
    junzuru = kofu.kind == TenshutsuShomeiKind.JUNZURU
    issued = timezone.localdate(first.issued_at) if first else timezone.localdate()
    try:
        rows = shomei_rows(t, v, head)
    except TextTooLong as exc:
        raise ShomeiError(str(exc)) from exc
    context: dict[str, Any] = {
        "title": str(TenshutsuShomeiKind(kofu.kind).label),
        "town_name": current_municipality().name,
        "hakko_no": kofu.hakko_no,
        "rows": rows,
        "saikofu": first is not None,
        "first_issued": wareki(issued),
        "first_hakko_no": first.hakko_no if first else "",
        "ninsho": Ninsho(
            text=NINSHO_JUNZURU if junzuru else NINSHO_TEXT,
            date=wareki(timezone.localdate()),
            shokumei=certifier.shokumei,
            shimei=certifier.shimei,
            koin_uri=png_uri(certifier.koin_png) if certifier.koin_png else "",
            mongon=certifier.mongon,
        ),
    }
    return render_pdf(TEMPLATE, context).pdf


def _log(kofu: TenshutsuShomei, t: Tenshutsu, actor: Actor, screen: str) -> None:
    access_record(
        actor=actor,
        action=AccessAction.PRINT,
        gyomu=JUMINKIROKU,
        screen=screen,
        record_type="tenshutsu_shomei",
        record_id=kofu.pk,
        mynumber_viewed=True,
        detail={"hakko_no": kofu.hakko_no, "atena_ids": [t.atena_id], "kind": kofu.kind},
    )


def tenshutsu_shomei_issue(*, tenshutsu_id: int, actor: Actor) -> tuple[TenshutsuShomei, bytes]:
    """Issue the 転出証明書 (or 準ずる証明書) of one person's 転出, once; a second copy is
    a 再交付 (``tenshutsu_shomei_saikofu``)."""
    t = Tenshutsu.objects.filter(pk=tenshutsu_id).first()
    if t is None:
        raise ShomeiNotFound("転出が見つかりません。")
    if t.status == TenshutsuStatus.TORIKESHI:
        raise ShomeiError("取り消された転出の転出証明書は発行できません。")
    if t.jiyu != IdoJiyu.TENSHUTSU:
        raise ShomeiError("国外転出には転出証明書はありません。")
    if t.ido.payload.get("tokurei"):
        # 住基法 第24条の2: the 転出証明書情報 goes to the new town through the CS instead.
        raise ShomeiError(
            "特例転出（マイナンバーカードによる転出）には転出証明書を交付しません。"
            "転出証明書情報は住基ネットで転入地へ送られます。"
        )
    if TenshutsuShomei.objects.filter(tenshutsu=t).exists():
        raise ShomeiError("転出証明書は交付済みです。紛失等のときは再交付してください。")
    v = _current(t.atena_id)
    if v is None:
        raise ShomeiNotFound("転出者の住民票が見つかりません。")
    head = _head_version(v)
    kind = TenshutsuShomeiKind.JUNZURU if t.shokken else TenshutsuShomeiKind.SHOMEI
    today = timezone.localdate()
    # Checked before the number is drawn: the 認証者 must be set.
    certifier_of(today)
    kofu = TenshutsuShomei(
        tenshutsu=t,
        hakko_no=next_hakko_no(today),
        kind=kind,
        items={"rireki_id": v.pk, "head_rireki_id": head.pk if head else None},
        issued_by_id=actor.user_id,
        issued_by=actor.username or f"api:{actor.api_client}",
        terminal=actor.terminal,
    )
    pdf = _render(t, kofu, None)
    with transaction.atomic(durable=True):
        kofu.save()
        _log(kofu, t, actor, f"{kofu.get_kind_display()}発行")
    return kofu, pdf


def tenshutsu_shomei_saikofu(*, shomei_id: int, actor: Actor) -> tuple[TenshutsuShomei, bytes]:
    """再交付: a new 発行番号, marked 再交付, the items as at the first issue."""
    first = TenshutsuShomei.objects.select_related("tenshutsu").filter(pk=shomei_id).first()
    if first is None:
        raise ShomeiNotFound("転出証明書の交付記録が見つかりません。")
    while first.saikofu_of_id is not None:
        first = TenshutsuShomei.objects.select_related("tenshutsu").get(pk=first.saikofu_of_id)
    t = first.tenshutsu
    if t.status == TenshutsuStatus.TORIKESHI:
        raise ShomeiError("取り消された転出の転出証明書は再交付できません。")
    kofu = TenshutsuShomei(
        tenshutsu=t,
        hakko_no=next_hakko_no(timezone.localdate()),
        kind=first.kind,
        saikofu_of=first,
        items=dict(first.items),
        issued_by_id=actor.user_id,
        issued_by=actor.username or f"api:{actor.api_client}",
        terminal=actor.terminal,
    )
    pdf = _render(t, kofu, first)
    with transaction.atomic(durable=True):
        kofu.save()
        _log(kofu, t, actor, "転出証明書の再交付")
    return kofu, pdf


# --- 転入通知未着照会書 (標準仕様書 4.1.3.1.4) -------------------------------------------

SHOKAI_TEMPLATE = "juminkiroku/forms/tennyu_tsuchi_shokai.html"
SHOKAI_MAX = 200


@dataclass(frozen=True)
class ShokaiSheet:
    saki: str
    rows: list[Row]


def mitchaku_shokaisho(*, tenshutsu_ids: list[int], actor: Actor) -> bytes:
    """転入通知未着照会書: one page per 転出者 still without a 転入通知, addressed to the
    市区町村 of the 転出先住所（予定）, asking whether a 転入届 was made."""
    ids = list(dict.fromkeys(int(i) for i in tenshutsu_ids))
    if not ids:
        raise ShomeiError("照会する転出者を選択してください。")
    if len(ids) > SHOKAI_MAX:
        raise ShomeiError(f"照会書は一度に{SHOKAI_MAX}人までです。")
    found = {t.pk: t for t in Tenshutsu.objects.filter(pk__in=ids).select_related("atena")}
    if len(found) != len(ids):
        raise ShomeiNotFound("指定された転出が見つかりません。")
    sheets: list[ShokaiSheet] = []
    for pk in ids:
        t = found[pk]
        if t.jiyu != IdoJiyu.TENSHUTSU or t.status != TenshutsuStatus.KAKUTEI:
            raise ShomeiError("照会できるのは、除票となった国内転出の方だけです。")
        if t.tsuchi_date is not None:
            raise ShomeiError("転入通知を受理済みの方が含まれています。")
        v = _current(t.atena_id)
        a = t.atena
        rows = [
            _row("氏名", a.shimei, "name"),
            Row("生年月日", wareki(a.birth_date)),
            Row("性別", a.get_sex_display()),
            _row("転出前の住所", full_address(v) if v else full_address(a), "address"),
            _row("転出先住所（予定）", t.yotei_jusho, "address"),
            Row("転出予定年月日", wareki(t.yotei_date)),
            Row("届出年月日", wareki(t.todoke_date)),
        ]
        sheets.append(ShokaiSheet(saki=t.yotei_jusho, rows=rows))
    town = current_municipality()
    shokumei, shimei = ninshosha()
    context = {
        "title": "転入通知未着照会書",
        "town_name": town.name,
        "hakko_no": "",
        "sheets": sheets,
        "today": wareki(timezone.localdate()),
        "shokumei": shokumei,
        "shimei": shimei,
    }
    try:
        pdf = render_pdf(SHOKAI_TEMPLATE, context).pdf
    except TextTooLong as exc:
        raise ShomeiError(str(exc)) from exc
    access_record(
        actor=actor,
        action=AccessAction.PRINT,
        gyomu=JUMINKIROKU,
        screen="転入通知未着照会書",
        record_type="tenshutsu",
        record_id=ids[0],
        record_count=len(ids),
        detail={"atena_ids": [found[i].atena_id for i in ids]},
    )
    return pdf
