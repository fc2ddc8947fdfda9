"""通知書: 住民異動届受理通知 (標準仕様書 4.1.0.3), 職権記載等通知書 (4.2.0.1, 4.2.0.2) and the
notice of a 成年被後見人's 転出 to the town moved to (9.4).

Each is printed from a 本登録 異動, on the day or later, through the platform's one PDF
path (``tenants.pdf.render_pdf``); every print is a ``TsuchiHakko`` row and a PRINT row in
the access log in one transaction. Everything is checked before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from juminkiroku.codes import IDO_GROUP_OF, IdoGroup, IdoJiyu, IdoStatus
from juminkiroku.forms.shomei import wareki
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import (
    AtenaRireki,
    Ido,
    SeinenHikokennin,
    ShienSochi,
    ShokkenMoshide,
    TsuchiHakko,
)
from juminkiroku.models.tsuchi import TsuchiAtesaki, TsuchiKind
from juminkiroku.services.ninsho import NinshoError, certifier_for
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality
from tenants.text import text_problem

GYOMU = JUMINKIROKU

# 4.1.0.3: the notifications (転入届, 転居届, 転出届, 世帯変更届) whose receipt may be
# notified; 出生 and 国外転入 are named there for the case without a former address.
JURI_JIYU: frozenset[str] = frozenset(
    {
        IdoJiyu.TENNYU,
        IdoJiyu.KOKUGAI_TENNYU,
        IdoJiyu.SHUSSEI,
        IdoJiyu.TENKYO,
        IdoJiyu.TENSHUTSU,
        IdoJiyu.KOKUGAI_TENSHUTSU,
        IdoJiyu.SETAI_BUNRI,
        IdoJiyu.SETAI_GAPPEI,
        IdoJiyu.SETAI_HENKO,
        IdoJiyu.SETAINUSHI_HENKO,
    }
)
# 4.1.0.3: no former address (or none it is right to send to): the moved person, new address.
NO_FORMER_ADDRESS: frozenset[str] = frozenset({IdoJiyu.SHUSSEI, IdoJiyu.KOKUGAI_TENNYU})

# 4.2.0.1: 職権記載, 職権消除, 職権修正 (4.2.1–4.2.3).
SHOKKEN_JIYU: dict[str, str] = {
    IdoJiyu.SHOKKEN_KISAI: "職権記載",
    IdoJiyu.SHOKKEN_SHOJO: "職権消除",
    IdoJiyu.SHOKKEN_SHUSEI: "職権修正",
}
_GROUP_WORD = {IdoGroup.KISAI: "記載", IdoGroup.SHOJO: "消除", IdoGroup.SHUSEI: "修正"}


def shokken_kind(ido: Ido) -> str | None:
    """What a 職権記載等 did, in words, or None for a 異動 made on a 届出: a 職権 kind
    (4.2.0.1), or a 届出 kind done without a 届出 — no 届出日 — by 職権 (4.2.0.2)."""
    if ido.jiyu in SHOKKEN_JIYU:
        return SHOKKEN_JIYU[ido.jiyu]
    if ido.jiyu in JURI_JIYU and ido.todoke_date is None:
        return f"職権による{ido.get_jiyu_display()}"
    return None


def _shokken_word(ido: Ido) -> str:
    return _GROUP_WORD.get(IdoGroup(IDO_GROUP_OF[ido.jiyu]), "記載等")


# A bulk print covers at most one year of 異動日 (a screen's request, not a batch job).
BULK_MAX_DAYS = 366

TODOKENIN_MAX = 100


class TsuchiError(Exception):
    """A refused notice; the message is for the clerk."""


class TsuchiNotFound(TsuchiError):
    """The 異動 (or person) does not exist in this municipality."""


@dataclass(frozen=True)
class Atesaki:
    postal_code: str
    address: str
    katagaki: str
    name: str


@dataclass(frozen=True)
class NoticePage:
    atesaki: Atesaki
    rows: list[tuple[str, str]]
    body: str


def postal(code: str) -> str:
    return f"〒{code[:3]}-{code[3:]}" if len(code) == 7 else ""


def _address(v: AtenaRireki) -> str:
    return f"{v.jusho}{v.banchi}"


def _new_versions(ido: Ido) -> list[AtenaRireki]:
    """The versions the 異動 opened, one per person, in household order."""
    seen: dict[int, AtenaRireki] = {}
    versions = AtenaRireki.objects.filter(ido=ido).select_related("atena")
    for v in versions.order_by("setai_order", "atena_id", "id"):
        seen.setdefault(v.atena_id, v)
    return list(seen.values())


def _former_versions(ido: Ido) -> dict[int, AtenaRireki]:
    return {v.atena_id: v for v in AtenaRireki.objects.filter(closed_by=ido).order_by("id")}


def approved_ido(ido_id: int) -> Ido:
    ido = Ido.objects.filter(pk=ido_id).first()
    if ido is None:
        raise TsuchiNotFound("指定された異動が見つかりません。")
    if ido.status != IdoStatus.HON:
        raise TsuchiError("本登録された異動についてのみ通知書を発行できます。")
    return ido


def sender() -> tuple[str, str]:
    """(職名, 氏名) of the mayor (or 職務代理者) registered for today, as on certificates;
    a notice carries no 公印."""
    try:
        found = certifier_for(timezone.localdate(), koin=False)
    except NinshoError as exc:
        raise TsuchiError(str(exc)) from exc
    return found.shokumei, found.shimei


def _record(
    *,
    kind: str,
    ido: Ido,
    atena_ids: list[int],
    atesaki: str,
    todokenin: str,
    pages: int,
    actor: Actor,
    screen: str,
) -> TsuchiHakko:
    hakko = TsuchiHakko.objects.create(
        kind=kind,
        ido=ido,
        atena_ids=atena_ids,
        atesaki=atesaki,
        todokenin_shimei=todokenin,
        pages=pages,
        issued_by_id=actor.user_id,
        issued_by=actor.username or f"api:{actor.api_client}",
        terminal=actor.terminal,
    )
    access_record(
        actor=actor,
        action=AccessAction.PRINT,
        gyomu=GYOMU,
        screen=screen,
        record_type="ido",
        record_id=ido.pk,
        record_count=len(atena_ids),
        detail={"atena_ids": atena_ids, "tsuchi_id": hakko.pk, "pages": pages},
    )
    return hakko


def _render(title: str, pages: list[NoticePage], today: date) -> Any:
    shokumei, shimei = sender()
    return render_pdf(
        "juminkiroku/tsuchi/notice.html",
        {
            "title": title,
            "pages": pages,
            "town_name": current_municipality().name,
            "hakko_date": wareki(today),
            "shokumei": shokumei,
            "shimei": shimei,
        },
    )


# --- 住民異動届受理通知 (4.1.0.3) ----------------------------------------------------


def juri_tsuchi_issue(
    *, ido_id: int, todokenin_shimei: str, actor: Actor
) -> tuple[TsuchiHakko, bytes]:
    """住民異動届受理通知 of one approved 届出 異動: 届出日, 異動事由, 届出人氏名, 異動者氏名
    and that it was received, addressed to the 届出人 at the address before the move (the
    moved person at the new address after a 出生 or 国外転入). Printable any day after."""
    todokenin = todokenin_shimei.strip()
    problem = text_problem(todokenin, label="届出人氏名")
    if problem is not None:
        raise TsuchiError(problem)
    if not todokenin:
        raise TsuchiError("届出人氏名を入力してください。")
    if len(todokenin) > TODOKENIN_MAX:
        raise TsuchiError(f"届出人氏名は{TODOKENIN_MAX}文字以内で入力してください。")
    ido = approved_ido(ido_id)
    if ido.jiyu in JURI_JIYU and ido.todoke_date is None:
        raise TsuchiError("届出日のない（職権による）異動には受理通知を発行しません。")
    if ido.jiyu not in JURI_JIYU:
        raise TsuchiError(
            "受理通知は転入届・転居届・転出届・世帯変更届（出生・国外転入を含む）について発行します。"
        )
    new = _new_versions(ido)
    if not new:
        raise TsuchiError("この異動の対象者が見つかりません。")
    today = timezone.localdate()
    ids = [v.atena_id for v in new]
    if ShienSochi.objects.filter(
        atena_id__in=ids, start_date__lte=today, end_date__gte=today, ended_at__isnull=True
    ).exists():
        raise TsuchiError(
            "DV等支援措置の対象者が含まれているため、異動前住所あての受理通知は発行できません。"
        )
    first = new[0]
    if ido.jiyu in NO_FORMER_ADDRESS:
        atesaki_kind = TsuchiAtesaki.IDOSHA_GO
        atesaki = Atesaki(postal(first.postal_code), _address(first), first.katagaki, first.shimei)
    else:
        atesaki_kind = TsuchiAtesaki.TODOKENIN_MAE
        former = _former_versions(ido).get(first.atena_id)
        if former is not None:
            atesaki = Atesaki(
                postal(former.postal_code), _address(former), former.katagaki, todokenin
            )
        elif first.tennyu_mae_jusho:
            atesaki = Atesaki("", first.tennyu_mae_jusho, "", todokenin)
        else:
            raise TsuchiError("異動前の住所が記録されていないため、受理通知の宛先が定まりません。")
    rows = [
        ("届出日", wareki(ido.todoke_date) or "（届出日の記録なし）"),
        ("異動事由", ido.get_jiyu_display()),
        ("届出人氏名", todokenin),
        ("異動者氏名", "、".join(v.shimei for v in new)),
    ]
    body = "次の住民異動届を受理しましたので、お知らせします。"
    rendered = _render(TsuchiKind.JURI.label, [NoticePage(atesaki, rows, body)], today)
    with transaction.atomic(durable=True):
        hakko = _record(
            kind=TsuchiKind.JURI,
            ido=ido,
            atena_ids=ids,
            atesaki=atesaki_kind,
            todokenin=todokenin,
            pages=rendered.pages,
            actor=actor,
            screen="住民異動届受理通知の発行",
        )
    return hakko, rendered.pdf


# --- 職権記載等通知書 (4.2.0.1) ------------------------------------------------------


def _shokken_pages(ido: Ido) -> list[NoticePage]:
    what = shokken_kind(ido) or ""
    pages = []
    for v in _new_versions(ido):
        rows = [
            ("氏名", v.shimei),
            ("生年月日", wareki(v.birth_date)),
            ("処理の種類", what),
            ("異動日", wareki(ido.ido_date)),
            ("処理日", wareki(timezone.localdate(ido.approved_at)) if ido.approved_at else ""),
        ]
        if ido.note:
            rows.append(("事由", ido.note))
        body = (
            f"届出がなかったため、職権により次のとおり住民票の{_shokken_word(ido)}を行いましたので"
            "お知らせします。"
        )
        atesaki = Atesaki(postal(v.postal_code), _address(v), v.katagaki, v.shimei)
        pages.append(NoticePage(atesaki, rows, body))
    return pages


def shokken_tsuchi_issue(*, ido_ids: list[int], actor: Actor) -> tuple[list[TsuchiHakko], bytes]:
    """職権記載等通知書 for approved 職権記載・職権消除・職権修正: one page per person, sent to
    the person (4.2.0.1 "その旨を当該記載等に係る者に通知"), all in one PDF."""
    if not ido_ids:
        raise TsuchiError("通知書を発行する異動を指定してください。")
    idos = []
    for ido_id in dict.fromkeys(ido_ids):
        ido = approved_ido(ido_id)
        if shokken_kind(ido) is None:
            raise TsuchiError(
                "職権記載等通知書は職権記載・職権消除・職権修正（届出によらない異動を含む）"
                "について発行します。"
            )
        idos.append(ido)
    pages_of = [(ido, _shokken_pages(ido)) for ido in idos]
    all_pages = [p for _, ps in pages_of for p in ps]
    if not all_pages:
        raise TsuchiError("通知の対象者が見つかりません。")
    rendered = _render(TsuchiKind.SHOKKEN.label, all_pages, timezone.localdate())
    out = []
    with transaction.atomic(durable=True):
        for ido, ps in pages_of:
            ids = [v.atena_id for v in _new_versions(ido)]
            out.append(
                _record(
                    kind=TsuchiKind.SHOKKEN,
                    ido=ido,
                    atena_ids=ids,
                    atesaki=TsuchiAtesaki.KISAISHA,
                    todokenin="",
                    pages=len(ps),
                    actor=actor,
                    screen="職権記載等通知書の発行",
                )
            )
    return out, rendered.pdf


# Items of the 住民票 a 職権記録書 lists when they changed (the 住民票's items, in its order;
# numbers and internal keys are left to the 異動's screen).
KIROKU_FIELDS = (
    "shimei",
    "shimei_kana",
    "kyuuji",
    "tsusho",
    "birth_date",
    "sex",
    "postal_code",
    "jusho",
    "banchi",
    "katagaki",
    "zokugara",
    "honseki",
    "hittosha",
    "jumin_date",
    "jutei_date",
    "tennyu_mae_jusho",
    "tenshutsu_saki_jusho",
    "shojo_date",
)


def _shown(v: AtenaRireki | None, name: str) -> str:
    if v is None:
        return ""
    value = getattr(v, name)
    if isinstance(value, date):
        return wareki(value)
    display = getattr(v, f"get_{name}_display", None)
    return str(display()) if display is not None and value else str(value or "")


def shokken_kirokusho_issue(*, ido_id: int, actor: Actor) -> tuple[TsuchiHakko, bytes]:
    """職権記録書 (4.2.0.1): the record of what a 職権記載・消除・修正 wrote, with its 事由,
    each person's items before and after, who entered and who approved it."""
    ido = approved_ido(ido_id)
    if shokken_kind(ido) is None:
        raise TsuchiError("職権記録書は職権記載・職権消除・職権修正について作成します。")
    new = _new_versions(ido)
    former = _former_versions(ido)
    labels = {
        f: str(getattr(AtenaRireki._meta.get_field(f), "verbose_name", f)) for f in KIROKU_FIELDS
    }
    persons = []
    for v in new:
        before = former.get(v.atena_id)
        changes = [
            (labels[f], _shown(before, f), _shown(v, f))
            for f in KIROKU_FIELDS
            if _shown(before, f) != _shown(v, f)
        ]
        persons.append({"shimei": v.shimei, "atena_no": v.atena.atena_no, "changes": changes})
    shokumei, shimei = sender()
    today = timezone.localdate()
    rendered = render_pdf(
        "juminkiroku/tsuchi/kirokusho.html",
        {
            "title": TsuchiKind.KIROKUSHO.label,
            "town_name": current_municipality().name,
            "hakko_date": wareki(today),
            "rows": [
                ("異動番号", ido.ido_no),
                ("処理の種類", shokken_kind(ido) or ""),
                ("異動日", wareki(ido.ido_date)),
                ("事由", ido.note or "（記載なし）"),
                ("入力者", ido.entered_by),
                ("本登録者", ido.approved_by),
                (
                    "本登録日",
                    wareki(timezone.localdate(ido.approved_at)) if ido.approved_at else "",
                ),
            ],
            "persons": persons,
            "shokumei": shokumei,
            "shimei": shimei,
        },
    )
    ids = [v.atena_id for v in new]
    with transaction.atomic(durable=True):
        hakko = _record(
            kind=TsuchiKind.KIROKUSHO,
            ido=ido,
            atena_ids=ids,
            atesaki=TsuchiAtesaki.CHONAI,
            todokenin="",
            pages=rendered.pages,
            actor=actor,
            screen="職権記録書の作成",
        )
    return hakko, rendered.pdf


def shokken_idos_between(date_from: date, date_to: date) -> list[int]:
    """Approved 職権記載等 with an 異動日 in [date_from, date_to], oldest first."""
    if date_from > date_to:
        raise TsuchiError("期間の開始日は終了日以前の日付を指定してください。")
    if (date_to - date_from) > timedelta(days=BULK_MAX_DAYS):
        raise TsuchiError("一括発行の期間は1年以内で指定してください。")
    return list(
        Ido.objects.filter(
            Q(jiyu__in=list(SHOKKEN_JIYU)) | Q(jiyu__in=list(JURI_JIYU), todoke_date__isnull=True),
            status=IdoStatus.HON,
            ido_date__gte=date_from,
            ido_date__lte=date_to,
        )
        .order_by("ido_date", "id")
        .values_list("id", flat=True)
    )


def shokken_tsuchi_bulk(
    *, date_from: date, date_to: date, actor: Actor
) -> tuple[list[TsuchiHakko], bytes]:
    """Every 職権記載等通知書 of a period (by 異動日) in one PDF."""
    ids = shokken_idos_between(date_from, date_to)
    if not ids:
        raise TsuchiError("指定された期間に職権記載等の異動はありません。")
    return shokken_tsuchi_issue(ido_ids=ids, actor=actor)


# --- 成年被後見人 (9.4) ---------------------------------------------------------------


def koken_set(*, atena_id: int, kaishi_date: date, note: str, actor: Actor) -> SeinenHikokennin:
    """Record a person as 成年被後見人 (9.4 "成年被後見人の設定ができること")."""
    from juminkiroku.models import Atena

    problem = text_problem(note, label="備考")
    if problem is not None:
        raise TsuchiError(problem)
    if kaishi_date > timezone.localdate():
        raise TsuchiError("審判の確定日に未来の日付は指定できません。")
    with transaction.atomic(durable=True):
        if not Atena.objects.filter(pk=atena_id).exists():
            raise TsuchiNotFound("指定された宛名が見つかりません。")
        if SeinenHikokennin.objects.filter(atena_id=atena_id, ended_at__isnull=True).exists():
            raise TsuchiError("この方は既に成年被後見人として設定されています。")
        row = SeinenHikokennin.objects.create(
            atena_id=atena_id,
            kaishi_date=kaishi_date,
            note=note.strip()[:200],
            created_by=actor.username or f"api:{actor.api_client}",
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="成年被後見人の設定",
            record_type="atena",
            record_id=atena_id,
        )
    return row


def koken_end(*, atena_id: int, actor: Actor) -> SeinenHikokennin:
    """End the setting (後見の終了); the row stays."""
    with transaction.atomic(durable=True):
        row = (
            SeinenHikokennin.objects.select_for_update()
            .filter(atena_id=atena_id, ended_at__isnull=True)
            .first()
        )
        if row is None:
            raise TsuchiNotFound("この方は成年被後見人として設定されていません。")
        row.ended_at = timezone.now()
        row.ended_by = actor.username or f"api:{actor.api_client}"
        row.save(update_fields=["ended_at", "ended_by"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="成年被後見人の設定の解除",
            record_type="atena",
            record_id=atena_id,
        )
    return row


def koken_tsuchi_issue(*, ido_id: int, actor: Actor) -> tuple[TsuchiHakko, bytes]:
    """The notice to the town moved to of a 成年被後見人's 転出 (9.4): one page per such
    person of an approved 転出, addressed to the 市区町村長 of the 転出先."""
    ido = approved_ido(ido_id)
    if ido.jiyu != IdoJiyu.TENSHUTSU:
        raise TsuchiError("成年被後見人の通知書は転出（国内）について作成します。")
    new = _new_versions(ido)
    koken = set(
        SeinenHikokennin.objects.filter(
            atena_id__in=[v.atena_id for v in new], ended_at__isnull=True
        ).values_list("atena_id", flat=True)
    )
    targets = [v for v in new if v.atena_id in koken]
    if not targets:
        raise TsuchiError("この転出には成年被後見人として設定された方がいません。")
    former = _former_versions(ido)
    pages = []
    for v in targets:
        before = former.get(v.atena_id)
        rows = [
            ("氏名", v.shimei),
            ("生年月日", wareki(v.birth_date)),
            ("転出前の住所", _address(before) if before is not None else ""),
            ("転出先の住所", v.tenshutsu_saki_jusho),
            ("転出予定日", wareki(ido.ido_date)),
        ]
        body = "次の成年被後見人の方が転出しましたので、お知らせします。"
        to = Atesaki("", v.tenshutsu_saki_jusho, "", "転入地の市区町村長")
        pages.append(NoticePage(to, rows, body))
    rendered = _render(TsuchiKind.KOKEN.label, pages, timezone.localdate())
    with transaction.atomic(durable=True):
        hakko = _record(
            kind=TsuchiKind.KOKEN,
            ido=ido,
            atena_ids=[v.atena_id for v in targets],
            atesaki=TsuchiAtesaki.TENNYUCHI,
            todokenin="",
            pages=rendered.pages,
            actor=actor,
            screen="成年被後見人の転出通知書の発行",
        )
    return hakko, rendered.pdf


# --- 申出を受けた職権記載等 (4.2.0.5) --------------------------------------------------


def shokken_moshide_record(*, ido_id: int, moshide_date: date, actor: Actor) -> ShokkenMoshide:
    """Mark a 職権記載・消除・修正 (仮登録 or 本登録) as made on a 申出, with its 申出日."""
    if moshide_date > timezone.localdate():
        raise TsuchiError("申出日に未来の日付は指定できません。")
    with transaction.atomic(durable=True):
        ido = Ido.objects.select_for_update().filter(pk=ido_id).first()
        if ido is None:
            raise TsuchiNotFound("指定された異動が見つかりません。")
        if shokken_kind(ido) is None:
            raise TsuchiError("申出の記録は職権記載・職権消除・職権修正について行います。")
        if ido.status not in (IdoStatus.KARI, IdoStatus.HON):
            raise TsuchiError("差し戻された異動や取り消された異動には申出を記録できません。")
        if ShokkenMoshide.objects.filter(ido=ido).exists():
            raise TsuchiError("この異動には既に申出が記録されています。")
        row = ShokkenMoshide.objects.create(
            ido=ido,
            moshide_date=moshide_date,
            created_by=actor.username or f"api:{actor.api_client}",
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="職権記載等の申出の記録",
            record_type="ido",
            record_id=ido.pk,
        )
    return row
