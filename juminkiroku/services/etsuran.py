"""住民基本台帳の一部の写しの閲覧 (標準仕様書 9.5; 住民基本台帳法 第11条・第11条の2).

The request is recorded (請求者, 利用の目的, the part of the registry asked for), decided by
a member of staff other than the one who received it, and only an approved request is
output: the 閲覧用写し as PDF or CSV with 氏名・生年月日・性別・住所 only (法第11条第1項 names
these four items), never a person under an active DV等支援措置 (9.5's example condition
"支援対象者を除く" is always applied), in 住所順 or the standard's other example, ランダム順位.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from juminkiroku.codes import AtenaKubun, JuminJotai, Sex
from juminkiroku.forms.shomei import wareki
from juminkiroku.gyomu import JUMINKIROKU
from juminkiroku.models import Atena, EtsuranSeikyu, ShienSochi
from juminkiroku.models.etsuran import EtsuranJunjo, EtsuranSeikyushaKubun, EtsuranStatus
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import DEFAULT_ENCODING, CsvEncodingError, content_type, csv_bytes
from tenants.pdf import render_pdf
from tenants.selectors.current import current_municipality
from tenants.text import text_problem

GYOMU = JUMINKIROKU
# A PDF is rendered in the request by WeasyPrint (≈20 pages/s here, 40 persons a page):
# 4,000 persons are ≈100 pages, some 5–10 s. A larger part goes out as CSV (9.5 allows
# "PDF又はCSV形式") or is split by address.
PDF_MAX_ROWS = 4000
CSV_HEADER = ("番号", "氏名", "生年月日", "性別", "住所")
ROWS_PER_PAGE = 40


class EtsuranError(Exception):
    """A refused request, decision or output; the message is for the clerk."""


class EtsuranNotFound(EtsuranError):
    pass


@dataclass(frozen=True)
class EtsuranRow:
    no: int
    shimei: str
    birth: str
    sex: str
    address: str


def _who(actor: Actor) -> str:
    return actor.username or f"api:{actor.api_client}"


def _check_text(values: dict[str, str]) -> None:
    for label, value in values.items():
        problem = text_problem(value, label=label)
        if problem is not None:
            raise EtsuranError(problem)


def etsuran_request_create(
    *,
    seikyusha_kubun: str,
    seikyusha_shimei: str,
    seikyusha_jusho: str,
    mokuteki: str,
    jusho_prefix: str,
    birth_from: date | None,
    birth_to: date | None,
    sex: str,
    junjo: str,
    actor: Actor,
) -> EtsuranSeikyu:
    """Record a 閲覧 request (受付). Nothing is output until another clerk approves it."""
    texts = {
        "請求者": seikyusha_shimei.strip(),
        "請求者の住所・所在地": seikyusha_jusho.strip(),
        "利用の目的": mokuteki.strip(),
        "対象の住所": jusho_prefix.strip(),
    }
    _check_text(texts)
    missing = [label for label, value in texts.items() if not value]
    if missing:
        raise EtsuranError("、".join(missing) + "を入力してください。")
    if seikyusha_kubun not in EtsuranSeikyushaKubun.values:
        raise EtsuranError("請求者の区分を選択してください。")
    if sex and sex not in Sex.values:
        raise EtsuranError("性別の指定が正しくありません。")
    if junjo not in EtsuranJunjo.values:
        raise EtsuranError("並び順を選択してください。")
    if birth_from and birth_to and birth_from > birth_to:
        raise EtsuranError("生年月日の範囲は、開始日を終了日以前にしてください。")
    with transaction.atomic(durable=True):
        seikyu = EtsuranSeikyu.objects.create(
            seikyusha_kubun=seikyusha_kubun,
            seikyusha_shimei=texts["請求者"][:100],
            seikyusha_jusho=texts["請求者の住所・所在地"][:200],
            mokuteki=texts["利用の目的"][:400],
            jusho_prefix=texts["対象の住所"][:200],
            birth_from=birth_from,
            birth_to=birth_to,
            sex=sex,
            junjo=junjo,
            random_seed=secrets.randbits(62),
            entered_by_id=actor.user_id,
            entered_by=_who(actor),
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=GYOMU,
            screen="閲覧の請求の受付",
            record_type="etsuran_seikyu",
            record_id=seikyu.pk,
        )
    return seikyu


def etsuran_decide(*, seikyu_id: int, approve: bool, note: str, actor: Actor) -> EtsuranSeikyu:
    """承認 or 不承認 of a request, by someone other than the clerk who received it."""
    _check_text({"審査の理由": note})
    if not approve and not note.strip():
        raise EtsuranError("不承認の理由を入力してください。")
    with transaction.atomic(durable=True):
        seikyu = EtsuranSeikyu.objects.select_for_update().filter(pk=seikyu_id).first()
        if seikyu is None:
            raise EtsuranNotFound("指定された閲覧の請求が見つかりません。")
        if seikyu.status != EtsuranStatus.SHINSEI:
            raise EtsuranError("この請求は既に審査済みです。")
        if actor.user_id is not None and actor.user_id == seikyu.entered_by_id:
            raise EtsuranError("請求を受け付けた職員は、その請求を審査できません。")
        seikyu.status = EtsuranStatus.SHONIN if approve else EtsuranStatus.KYAKKA
        seikyu.decided_by_id = actor.user_id
        seikyu.decided_by = _who(actor)
        seikyu.decided_at = timezone.now()
        seikyu.decision_note = note.strip()[:200]
        seikyu.save(
            update_fields=["status", "decided_by_id", "decided_by", "decided_at", "decision_note"]
        )
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=GYOMU,
            screen="閲覧の請求の審査",
            record_type="etsuran_seikyu",
            record_id=seikyu.pk,
            detail={"approved": approve},
        )
    return seikyu


def _persons(seikyu: EtsuranSeikyu, today: date) -> list[Atena]:
    qs = Atena.objects.filter(
        kubun=AtenaKubun.JUTOSHA,
        jotai=JuminJotai.JUMIN,
        jusho__startswith=seikyu.jusho_prefix,
    ).exclude(
        pk__in=ShienSochi.objects.filter(
            start_date__lte=today, end_date__gte=today, ended_at__isnull=True
        ).values("atena_id")
    )
    if seikyu.birth_from:
        qs = qs.filter(birth_date__gte=seikyu.birth_from)
    if seikyu.birth_to:
        qs = qs.filter(birth_date__lte=seikyu.birth_to)
    if seikyu.sex:
        qs = qs.filter(sex=seikyu.sex)
    qs = qs.only("id", "shimei", "birth_date", "sex", "jusho", "banchi")
    if seikyu.junjo == EtsuranJunjo.RANDOM:
        persons = list(qs.order_by("id"))
        # Seeded by the request's own secret seed, so that printing it again gives the
        # same list and nobody can work the order out from what they know.
        random.Random(seikyu.random_seed).shuffle(persons)  # noqa: S311 (order, not a secret)
        return persons
    # 住所順: the town's address code (its 町名 order), then the address as written.
    return list(qs.order_by("jusho_code", "jusho", "banchi", "kana_key", "id"))


def etsuran_rows(persons: list[Atena]) -> list[EtsuranRow]:
    """The 閲覧用写し's lines: 氏名, 生年月日, 性別, 住所 (no 方書, 世帯, 続柄 or number)."""
    sex = dict(Sex.choices)
    return [
        EtsuranRow(
            no=i,
            shimei=p.shimei,
            birth=wareki(p.birth_date),
            sex=str(sex.get(p.sex, "")),
            address=f"{p.jusho}{p.banchi}",
        )
        for i, p in enumerate(persons, start=1)
    ]


def joken_text(seikyu: EtsuranSeikyu) -> list[str]:
    """The 抽出条件 in words, printed on the list."""
    out = [f"住所：{seikyu.jusho_prefix}（で始まる住所）"]
    if seikyu.birth_from or seikyu.birth_to:
        out.append(f"生年月日：{wareki(seikyu.birth_from)}から{wareki(seikyu.birth_to)}まで")
    if seikyu.sex:
        out.append(f"性別：{dict(Sex.choices)[seikyu.sex]}")
    out.append(f"並び順：{seikyu.get_junjo_display()}")
    out.append("支援措置の対象者を除く")
    return out


def etsuran_output(
    *, seikyu_id: int, fmt: str, actor: Actor, encoding: str = DEFAULT_ENCODING
) -> tuple[str, str, bytes, int]:
    """The 閲覧用写し of an approved request: (file name, content type, bytes, persons).
    The output is logged (印刷 / 抽出) with the persons' ids; refusals write nothing."""
    if fmt not in ("pdf", "csv"):
        raise EtsuranError("出力形式を選択してください。")
    seikyu = EtsuranSeikyu.objects.filter(pk=seikyu_id).first()
    if seikyu is None:
        raise EtsuranNotFound("指定された閲覧の請求が見つかりません。")
    if seikyu.status != EtsuranStatus.SHONIN:
        raise EtsuranError("承認された請求についてのみ閲覧用写しを作成できます。")
    today = timezone.localdate()
    persons = _persons(seikyu, today)
    rows = etsuran_rows(persons)
    if not rows:
        raise EtsuranError("抽出条件に当てはまる住民はいません。")
    if fmt == "pdf":
        if len(rows) > PDF_MAX_ROWS:
            raise EtsuranError(
                f"{len(rows):,}人はPDFで一度に作成できる人数（{PDF_MAX_ROWS:,}人）を超えます。"
                "CSVで出力するか、対象の住所を分けてください。"
            )
        pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)]
        rendered = render_pdf(
            "juminkiroku/etsuran/list.html",
            {
                "pages": pages,
                "town_name": current_municipality().name,
                "sakusei_date": wareki(today),
                "joken": joken_text(seikyu),
                "seikyu_no": seikyu.pk,
                "count": len(rows),
            },
        )
        content, ctype, name = rendered.pdf, "application/pdf", f"etsuran_{seikyu.pk}.pdf"
        action = AccessAction.PRINT
    else:
        try:
            content = csv_bytes(
                CSV_HEADER,
                ((r.no, r.shimei, r.birth, r.sex, r.address) for r in rows),
                encoding=encoding,
            )
        except CsvEncodingError as exc:
            raise EtsuranError(str(exc)) from exc
        ctype, name = content_type(encoding), f"etsuran_{seikyu.pk}.csv"
        action = AccessAction.EXPORT
    ids = [p.pk for p in persons]
    with transaction.atomic(durable=True):
        EtsuranSeikyu.objects.filter(pk=seikyu.pk).update(
            printed_count=len(ids), printed_at=timezone.now()
        )
        access_record(
            actor=actor,
            action=action,
            gyomu=GYOMU,
            screen="住民基本台帳の一部の写し（閲覧用）",
            record_type="etsuran_seikyu",
            record_id=seikyu.pk,
            record_count=len(ids),
            detail={"atena_ids": ids, "format": fmt},
        )
    return name, ctype, content, len(ids)
