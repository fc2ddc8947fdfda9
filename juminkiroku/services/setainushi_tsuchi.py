"""世帯主変更依頼通知書 and 世帯主変更通知書 (標準仕様書 4.0.5).

A household left without a 世帯主 (4.0.4: the 世帯主 left and two or more remain) either
gets one by 職権 — a 世帯主変更 異動, after which the 世帯主変更通知書 is printed — or is
asked to name one: the 世帯主変更依頼通知書, with the 対象者リスト of every household
asked. Both go to the remaining member first in the household's order (5.2; the order
is kept when the 世帯主 is removed, so it is the order "before"). The standard lets a
一般市区町村 choose whether to build this; we do, since 4.0.4 leaves such households.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, IdoJiyu, JuminJotai, Zokugara
from juminkiroku.forms.shomei import wareki
from juminkiroku.models import Atena, AtenaRireki, Setai, TsuchiHakko
from juminkiroku.models.tsuchi import TsuchiAtesaki, TsuchiKind
from juminkiroku.selectors.setainushi import setainushi_fuzai
from juminkiroku.services.tsuchi import (
    GYOMU,
    Atesaki,
    NoticePage,
    TsuchiError,
    approved_ido,
    postal,
    sender,
)
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality


@dataclass(frozen=True)
class FuzaiSetai:
    setai_id: int
    setai_no: str
    members: list[Atena]  # residents in 世帯内の並び順; the first gets the notice
    former_head: Atena | None


def setainushi_fuzai_setai(*, setai_ids: list[int] | None = None) -> list[FuzaiSetai]:
    """Households with residents and no resident 世帯主 (4.0.4's
    ``selectors.setainushi.setainushi_fuzai``), with their members and the 世帯主 removed
    last, by 世帯番号."""
    found = setainushi_fuzai(setai_ids=setai_ids)
    ids = [s.setai_id for s in found]
    persons = Atena.objects.in_bulk([i for s in found for i in s.member_ids])
    former: dict[int, Atena] = {}
    for a in (
        Atena.objects.filter(setai_id__in=ids, zokugara=Zokugara.HONNIN)
        .exclude(jotai=JuminJotai.JUMIN)
        .order_by("shojo_date", "id")
    ):
        assert a.setai_id is not None
        former[a.setai_id] = a  # the latest one removed wins
    numbers = dict(Setai.objects.filter(pk__in=ids).values_list("id", "setai_no"))
    out = [
        FuzaiSetai(
            setai_id=s.setai_id,
            setai_no=numbers[s.setai_id],
            members=[persons[i] for i in s.member_ids],
            former_head=former.get(s.setai_id),
        )
        for s in found
    ]
    return sorted(out, key=lambda f: f.setai_no)


def _address(a: Atena) -> str:
    return f"{a.jusho}{a.banchi}"


def setainushi_irai_issue(*, setai_ids: list[int], actor: Actor) -> tuple[list[TsuchiHakko], bytes]:
    """世帯主変更依頼通知書 of the households chosen, one page each, then the 対象者リスト."""
    if not setai_ids:
        raise TsuchiError("通知する世帯を選んでください。")
    chosen = setainushi_fuzai_setai(setai_ids=list(dict.fromkeys(setai_ids)))
    if len(chosen) != len(set(setai_ids)):
        raise TsuchiError("世帯主のいる世帯、または見つからない世帯が含まれています。")
    pages = []
    for f in chosen:
        first = f.members[0]
        rows = [
            ("住所", _address(first)),
            ("世帯員", "、".join(m.shimei for m in f.members)),
        ]
        if f.former_head is not None:
            rows.append(("前の世帯主", f.former_head.shimei))
            if f.former_head.shojo_date:
                rows.append(("世帯主が消除された日", wareki(f.former_head.shojo_date)))
        body = (
            "あなたの世帯は世帯主が不在となっています。世帯主を定めて、"
            "世帯主変更の届出をしてください。"
        )
        pages.append(
            NoticePage(
                Atesaki(postal(first.postal_code), _address(first), first.katagaki, first.shimei),
                rows,
                body,
            )
        )
    today = timezone.localdate()
    shokumei, shimei = sender()
    rendered = render_pdf(
        "juminkiroku/tsuchi/irai.html",
        {
            "title": TsuchiKind.IRAI.label,
            "pages": pages,
            "town_name": current_municipality().name,
            "hakko_date": wareki(today),
            "shokumei": shokumei,
            "shimei": shimei,
            "list_rows": [
                (f.setai_no, f.members[0].shimei, _address(f.members[0]), len(f.members))
                for f in chosen
            ],
        },
    )
    out = []
    with transaction.atomic(durable=True):
        for f in chosen:
            ids = [m.pk for m in f.members]
            hakko = TsuchiHakko.objects.create(
                kind=TsuchiKind.IRAI,
                setai_id=f.setai_id,
                atena_ids=ids,
                atesaki=TsuchiAtesaki.SETAIIN,
                pages=1,
                issued_by_id=actor.user_id,
                issued_by=actor.username or f"api:{actor.api_client}",
                terminal=actor.terminal,
            )
            out.append(hakko)
            access_record(
                actor=actor,
                action=AccessAction.PRINT,
                gyomu=GYOMU,
                screen="世帯主変更依頼通知書の発行",
                record_type="setai",
                record_id=f.setai_id,
                record_count=len(ids),
                detail={"atena_ids": ids, "tsuchi_id": hakko.pk},
            )
    return out, rendered.pdf


def setainushi_henko_tsuchi_issue(*, ido_id: int, actor: Actor) -> tuple[TsuchiHakko, bytes]:
    """世帯主変更通知書 after a 世帯主変更 the town made by 職権 (4.0.5), to the household's
    first member in its order."""
    ido = approved_ido(ido_id)
    if ido.jiyu != IdoJiyu.SETAINUSHI_HENKO:
        raise TsuchiError("世帯主変更通知書は世帯主変更の異動について発行します。")
    versions = list(AtenaRireki.objects.filter(ido=ido).order_by("setai_order", "id"))
    head = next((v for v in versions if v.zokugara == Zokugara.HONNIN), None)
    if head is None or head.setai_id is None:
        raise TsuchiError("この異動で定められた世帯主が見つかりません。")
    first = (
        Atena.objects.filter(
            setai_id=head.setai_id, kubun=AtenaKubun.JUTOSHA, jotai=JuminJotai.JUMIN
        )
        .order_by("setai_order", "id")
        .first()
    )
    if first is None:
        raise TsuchiError("この世帯に住民がいません。")
    rows = [
        ("住所", _address(first)),
        ("新しい世帯主", head.shimei),
        ("世帯主を定めた日", wareki(ido.ido_date)),
    ]
    body = (
        "世帯主が不在となっていたため、職権により次のとおり世帯主を定めましたのでお知らせします。"
    )
    page = NoticePage(
        Atesaki(postal(first.postal_code), _address(first), first.katagaki, first.shimei),
        rows,
        body,
    )
    today = timezone.localdate()
    shokumei, shimei = sender()
    rendered = render_pdf(
        "juminkiroku/tsuchi/notice.html",
        {
            "title": TsuchiKind.HENKO.label,
            "pages": [page],
            "town_name": current_municipality().name,
            "hakko_date": wareki(today),
            "shokumei": shokumei,
            "shimei": shimei,
        },
    )
    ids = [v.atena_id for v in versions]
    with transaction.atomic(durable=True):
        hakko = TsuchiHakko.objects.create(
            kind=TsuchiKind.HENKO,
            ido=ido,
            setai_id=head.setai_id,
            atena_ids=ids,
            atesaki=TsuchiAtesaki.SETAIIN,
            pages=rendered.pages,
            issued_by_id=actor.user_id,
            issued_by=actor.username or f"api:{actor.api_client}",
            terminal=actor.terminal,
        )
        access_record(
            actor=actor,
            action=AccessAction.PRINT,
            gyomu=GYOMU,
            screen="世帯主変更通知書の発行",
            record_type="ido",
            record_id=ido.pk,
            record_count=len(ids),
            detail={"atena_ids": ids, "tsuchi_id": hakko.pk},
        )
    return hakko, rendered.pdf
