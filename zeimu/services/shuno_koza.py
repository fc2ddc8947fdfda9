"""口座振替 (issue 18 item 4): registrations, the 依頼 file, 再振替 and 不能通知.

- **Registrations** (``koza_toroku_register`` / ``koza_toroku_stop``): from the paper
  依頼書 (screen) or the bank's 口座振替受付結果 (``koza_uketsuke_import``, the CSV of
  ``zeimu.rules.shuno_koza.UKETSUKE_COLUMNS``: all lines or none, every bad line reported by
  line and field). A new account for the same 税目 stops the open one the day before.
- **依頼** (``koza_irai_targets`` / ``koza_irai_write``): the 期別 of one 納期限 with a balance
  above zero on the 引落日 and a registration open on it, one file per 引落銀行 (全銀協 format,
  ``irai_file``); the 顧客番号 is the 期別's 納付番号, so ``koza_kekka_import`` matches the
  bank's result to the 期別. A 再振替 file (the town's ``zeimu.shuno.koza.saifurikae_nissu``
  days after the 納期限; 0 = none) holds the 期別 of the first 依頼 still unpaid.
- **不能通知** (``koza_funo_notices``): one notice per 振替不能 line of a result file.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q

from juminkiroku.public import address_blocks, atena_number_index
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.printing.engine import render
from tenants.text import text_problem
from tenants.wareki import fiscal_year_of, format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, postal, yen
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import (
    Kibetsu,
    KozaIrai,
    KozaIraiRow,
    KozaToroku,
    Nofu,
    NofuChannel,
    NofuStatus,
    TorokuSource,
    Zeimoku,
)
from zeimu.rules.shuno_koza import (
    UKETSUKE_COLUMNS,
    Account,
    IraiLine,
    account_errors,
    irai_file,
)
from zeimu.services.shuno import ShunoRefused, balances

_K = "zeimu.shuno.koza."
TEMPLATE = "zeimu/shuno_kanpu_tsuchi.typ"  # the 収納 notices' one A4 layout
FIELD_LABELS = {
    "kinyu_kikan": "金融機関コード",
    "shiten": "支店コード",
    "yokin_shumoku": "預金種目",
    "koza_bango": "口座番号",
    "meigi_kana": "口座名義",
}


def _who(actor: Actor) -> str:
    return actor.username or actor.api_client or "system"


def account_of(t: KozaToroku) -> Account:
    return Account(t.kinyu_kikan, t.shiten, t.yokin_shumoku, t.koza_bango, t.meigi_kana)


def _register(
    *, atena_id: int, zeimoku: str, account: Account, kaishi_date: date, source: str, who: str
) -> KozaToroku:
    current = (
        KozaToroku.objects.select_for_update()
        .filter(atena_id=atena_id, zeimoku=zeimoku, teishi_date__isnull=True)
        .first()
    )
    if current is not None:
        if current.kaishi_date >= kaishi_date:
            raise ShunoRefused("振替開始日は、いまの登録の開始日より後の日にしてください。")
        current.teishi_date = kaishi_date - timedelta(days=1)
        current.teishi_reason = "口座の変更"
        current.save(update_fields=["teishi_date", "teishi_reason"])
    return KozaToroku.objects.create(
        atena_id=atena_id,
        zeimoku=zeimoku,
        kinyu_kikan=account.kinyu_kikan,
        shiten=account.shiten,
        yokin_shumoku=account.yokin_shumoku,
        koza_bango=account.koza_bango,
        meigi_kana=account.meigi_kana,
        kaishi_date=kaishi_date,
        source=source,
        created_by=who,
    )


def koza_toroku_register(
    *, atena_id: int, zeimoku: str, account: Account, kaishi_date: date, actor: Actor
) -> KozaToroku:
    """A registration from the paper 口座振替依頼書."""
    if zeimoku not in Zeimoku.values:
        raise ShunoRefused("税目が正しくありません。")
    errors = account_errors(account)
    if errors:
        raise ShunoRefused(errors[0][1])
    with transaction.atomic():
        t = _register(
            atena_id=atena_id,
            zeimoku=zeimoku,
            account=account,
            kaishi_date=kaishi_date,
            source=TorokuSource.PAPER,
            who=_who(actor),
        )
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="口座振替の登録",
            record_type="atena",
            record_id=atena_id,
            detail={"koza_toroku_id": t.pk},
        )
    return t


def koza_toroku_stop(*, toroku_id: int, teishi_date: date, reason: str, actor: Actor) -> KozaToroku:
    problem = text_problem(reason, label="停止の理由")
    if problem:
        raise ShunoRefused(problem)
    with transaction.atomic():
        t = KozaToroku.objects.select_for_update().filter(pk=toroku_id).first()
        if t is None:
            raise ShunoRefused("この口座振替の登録はありません。")
        if t.teishi_date is not None:
            raise ShunoRefused("この登録は停止済みです。")
        if teishi_date < t.kaishi_date:
            raise ShunoRefused("停止日は振替開始日以後の日にしてください。")
        t.teishi_date, t.teishi_reason = teishi_date, reason[:100]
        t.save(update_fields=["teishi_date", "teishi_reason"])
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=SHUNO_KANRI,
            screen="口座振替の停止",
            record_type="atena",
            record_id=t.atena_id,
            detail={"koza_toroku_id": t.pk},
        )
    return t


# --- 口座振替受付結果 -------------------------------------------------------------------------


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str


@dataclass
class UketsukeResult:
    registered: int = 0
    skipped: int = 0  # 受付結果 not 0: not registered by the bank
    errors: list[LineError] = field(default_factory=list)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp932")


def koza_uketsuke_import(*, data: bytes, actor: Actor) -> UketsukeResult:
    """The bank's 口座振替受付結果 (CSV, ``UKETSUKE_COLUMNS``): every line or none. A line
    in error is reported by line and field and nothing is registered."""
    result = UketsukeResult()
    try:
        text = _decode(data)
    except UnicodeDecodeError:
        result.errors.append(LineError(1, "", "文字コードが UTF-8 でも cp932 でもありません。"))
        return result
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or [c.strip() for c in rows[0]] != UKETSUKE_COLUMNS:
        result.errors.append(
            LineError(1, "", "1行目は見出し（" + "、".join(UKETSUKE_COLUMNS) + "）です。")
        )
        return result
    index = atena_number_index()
    labels = {z.label: z.value for z in Zeimoku}
    todo: list[tuple[int, int, str, Account, date]] = []
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(UKETSUKE_COLUMNS):
            result.errors.append(
                LineError(n, "", f"項目の数が{len(UKETSUKE_COLUMNS)}ではありません。")
            )
            continue
        bad = [
            (UKETSUKE_COLUMNS[i], p)
            for i, c in enumerate(row)
            if (p := text_problem(c, label=UKETSUKE_COLUMNS[i]))
        ]
        if bad:
            result.errors.extend(LineError(n, f, m) for f, m in bad)
            continue
        no, zei, bank, branch, shumoku, number, meigi, kaishi, kekka = (c.strip() for c in row)
        if kekka != "0":
            result.skipped += 1
            continue
        line_errors: list[LineError] = []
        atena_id = index.get(no)
        if atena_id is None:
            line_errors.append(LineError(n, "宛名番号", "この宛名番号の方はいません。"))
        zeimoku = labels.get(zei, zei if zei in Zeimoku.values else "")
        if not zeimoku:
            line_errors.append(LineError(n, "税目", f"「{zei}」は税目ではありません。"))
        account = Account(bank, branch, shumoku, number, meigi)
        line_errors.extend(LineError(n, FIELD_LABELS[f], m) for f, m in account_errors(account))
        try:
            start = date.fromisoformat(kaishi)
        except ValueError:
            line_errors.append(LineError(n, "振替開始日", "日付は YYYY-MM-DD で記入してください。"))
        if line_errors:
            result.errors.extend(line_errors)
            continue
        assert atena_id is not None
        todo.append((n, atena_id, zeimoku, account, start))
    if result.errors:
        return result
    who = _who(actor)
    with transaction.atomic():
        for n, atena_id, zeimoku, account, start in todo:
            try:
                with transaction.atomic():
                    _register(
                        atena_id=atena_id, zeimoku=zeimoku, account=account, kaishi_date=start,
                        source=TorokuSource.UKETSUKE, who=who,
                    )  # fmt: skip
            except ShunoRefused as exc:
                result.errors.append(LineError(n, "振替開始日", str(exc)))
        if result.errors:
            transaction.set_rollback(True)
            return result
        result.registered = len(todo)
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="口座振替受付結果の取込",
            record_type="atena",
            record_count=len(todo),
            detail={"atena_ids": sorted({a for _, a, _, _, _ in todo})},
        )
    return result


# --- 依頼 -----------------------------------------------------------------------------------


def saifurikae_date(nouki: date) -> date | None:
    """The town's 再振替日 for a 納期限, or None when the town does not 再振替."""
    days = int(param_value(_K + "saifurikae_nissu", fiscal_year_of(nouki)))
    return nouki + timedelta(days=days) if days > 0 else None


def itakusha(on: date) -> tuple[str, str]:
    """(委託者コード, 委託者名) of the town; a Japanese ValueError when not set."""
    fy = fiscal_year_of(on)

    def text(key: str) -> str:
        try:
            return str(param_value(_K + key, fy) or "")
        except (ParameterMissing, LookupError):
            return ""

    code, name = text("itakusha_code"), text("itakusha_mei")
    if not (len(code) == 10 and code.isascii() and code.isdigit()):
        raise ValueError(
            "口座振替の委託者コード（10桁）が設定されていません"
            "（設定 > 条例で定める値 で設定してください）。"
        )
    return code, name


@dataclass(frozen=True)
class Target:
    kibetsu_id: int
    toroku_id: int
    bank: str
    amount: int


def koza_irai_targets(*, nouki: date, furikae_date: date, saifurikae: bool) -> list[Target]:
    """The 期別 to request on ``furikae_date``: 納期限 ``nouki``, balance above zero on the
    day, a registration of the taxpayer and 税目 open on the day; for a 再振替, only those
    of a first 依頼 of the 納期限 that the bank answered 振替不能. Set-based: three queries
    whatever the number."""
    kibs = Kibetsu.objects.filter(nouki=nouki)
    if saifurikae:
        # requested on the 納期限 and answered 振替不能 by the bank's result file (a 期別
        # whose result is not imported yet is not requested again)
        kibs = kibs.filter(
            pk__in=KozaIraiRow.objects.filter(irai__nouki=nouki, irai__saifurikae=False).values(
                "kibetsu_id"
            ),
            nofu_bango__in=Nofu.objects.filter(
                channel=NofuChannel.KOZA, status=NofuStatus.FUNO, shuno_date=nouki
            ).values("nofu_bango"),
        )
    pairs = list(kibs.order_by("atena_id", "pk").values_list("pk", "atena_id", "zeimoku"))
    open_on = Q(kaishi_date__lte=furikae_date) & (
        Q(teishi_date__isnull=True) | Q(teishi_date__gte=furikae_date)
    )
    toroku = {
        (a, z): (pk, bank)
        for pk, a, z, bank in KozaToroku.objects.filter(
            open_on, atena_id__in={a for _, a, _ in pairs}
        ).values_list("pk", "atena_id", "zeimoku", "kinyu_kikan")
    }
    with_toroku = [(k, toroku[(a, z)]) for k, a, z in pairs if (a, z) in toroku]
    bal = balances([k for k, _ in with_toroku], on=furikae_date)
    return [Target(k, t[0], t[1], bal[k].zan) for k, t in with_toroku if bal[k].zan > 0]


def koza_irai_write(
    *,
    nouki: date,
    furikae_date: date,
    bank: str,
    saifurikae: bool,
    kibetsu_ids: Sequence[int],
    job_id: int | None,
    actor: Actor,
) -> tuple[KozaIrai, bytes]:
    """Write the 依頼 of one bank (its rows, the file's bytes). A second call for the same
    job (a chunk run again) replaces its rows; a 依頼 of the same day and bank made by
    another job is refused (a bank gets one file per 引落日)."""
    code, name = itakusha(furikae_date)
    with transaction.atomic():
        irai = (
            KozaIrai.objects.select_for_update()
            .filter(furikae_date=furikae_date, kinyu_kikan=bank, saifurikae=saifurikae)
            .first()
        )
        if irai is not None and (job_id is None or irai.job_id != job_id):
            raise ShunoRefused(
                f"{format_wareki(furikae_date)}の金融機関{bank}への口座振替依頼は作成済みです。"
            )
        if irai is None:
            sai = "_sai" if saifurikae else ""
            irai = KozaIrai.objects.create(
                furikae_date=furikae_date, nouki=nouki, kinyu_kikan=bank, saifurikae=saifurikae,
                job_id=job_id, created_by=_who(actor),
                file_name=f"koza_irai_{furikae_date:%Y%m%d}_{bank}{sai}.txt",
            )  # fmt: skip
        irai.rows.all().delete()
        wanted = set(kibetsu_ids)
        targets = [
            t
            for t in koza_irai_targets(
                nouki=nouki, furikae_date=furikae_date, saifurikae=saifurikae
            )
            if t.bank == bank and t.kibetsu_id in wanted
        ]
        toroku = KozaToroku.objects.in_bulk([t.toroku_id for t in targets])
        numbers = dict(
            Kibetsu.objects.filter(pk__in=[t.kibetsu_id for t in targets]).values_list(
                "pk", "nofu_bango"
            )
        )
        KozaIraiRow.objects.bulk_create(
            KozaIraiRow(irai=irai, kibetsu_id=t.kibetsu_id, toroku_id=t.toroku_id,
                        amount=t.amount, line_no=i + 2)
            for i, t in enumerate(targets)
        )  # fmt: skip
        data = irai_file(
            itakusha_code=code,
            itakusha_mei=name,
            furikae_date=furikae_date,
            bank=bank,
            lines=[
                IraiLine(account_of(toroku[t.toroku_id]), t.amount, numbers[t.kibetsu_id])
                for t in targets
            ],
        )
        irai.lines, irai.amount = len(targets), sum(t.amount for t in targets)
        irai.save(update_fields=["lines", "amount"])
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=SHUNO_KANRI,
            screen="口座振替依頼の作成",
            record_type="zeimu.KozaIrai",
            record_id=irai.pk,
            record_count=len(targets),
        )
    return irai, data


def irai_banks(targets: Sequence[Target]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for t in targets:
        out[t.bank].append(t.kibetsu_id)
    return dict(sorted(out.items()))


# --- 不能通知 --------------------------------------------------------------------------------


def koza_funo_notices(file_id: int, *, hakko_date: date) -> list[Notice]:
    """口座振替不能通知: one per 振替不能 line of a result file whose 顧客番号 names a 期別."""
    funo = list(Nofu.objects.filter(file_id=file_id, status=NofuStatus.FUNO).order_by("line_no"))
    kibs = {
        k.nofu_bango: k for k in Kibetsu.objects.filter(nofu_bango__in=[n.nofu_bango for n in funo])
    }
    # a person's 期別 only: a corporation (法人番号) has no 口座振替 registration here
    rows = [
        (n, kibs[n.nofu_bango], kibs[n.nofu_bango].atena_id)
        for n in funo
        if n.nofu_bango in kibs and kibs[n.nofu_bango].atena_id is not None
    ]
    blocks = address_blocks(a for _, _, a in rows if a is not None)
    out: list[Notice] = []
    for n, k, atena_id in rows:
        assert atena_id is not None
        b = blocks[atena_id]
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "bango": f"F{n.file_id}-{n.line_no}",
            "hakko": format_wareki(hakko_date),
            "rows": [
                ["税目", k.get_zeimoku_display()],
                ["年度・期別", f"{format_nendo(k.nendo)} {k.ki_label}"],
                ["納期限", format_wareki(k.nouki)],
                ["振替日", format_wareki(n.shuno_date)],
                ["振替できなかった金額", yen(n.amount) + "円"],
                ["理由", n.note or "振替不能"],
                ["納付番号", k.nofu_bango],
            ],
        }
        out.append(Notice(item=item, csv=[], atena_ids=[atena_id]))
    return out


def koza_funo_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """口座振替不能通知 (one A4 page each), on the shared print path."""
    return render(
        TEMPLATE,
        common={
            "title": "口座振替不能のお知らせ",
            "issuer": issuer.title,
            "lead": (
                "下記の税額は、指定の預金口座から振替できませんでした。同封の納付書で納期限"
                "（過ぎているときはお早めに）までに納付してください。"
            ),
            "note": (
                "納期限を過ぎると、地方税法の規定により延滞金が加算されることがあります。"
                "口座の残高不足のほか、口座の解約・名義の変更でも振替できません。"
                "既に納付された場合は行き違いですのでご容赦ください。"
            ),
            "contact": f"お問い合わせ　{issuer.name}役場 税務担当（収納）",
        },
        items=[n.item for n in notices],
    )
