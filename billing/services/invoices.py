"""請求書 (invoices): one member's share of one allocation run, with the payment schedule
the office chose (一括, 四半期 or 毎月).

Reads only: an invoice is derived from a stored run (its shares and snapshot), so the same
run, member and schedule always give the same invoice. Nothing is written here.

Due dates: 一括 the end of April of the fiscal year; 四半期 the end of the first month of
each quarter (4/30, 7/31, 10/31, 1/31); 毎月 the end of every month (April to March). A
due date on a closed day (土日・祝日・年末年始) moves to the next business day
(``tenants.holidays.next_business_day(d, inclusive=True)``). Amounts are split with
``billing.rules.split_installments`` (the odd yen go to the first installment, 第1期加算).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import models

from billing.models import AllocationRun, AllocationShare
from billing.rules import split_installments
from tenants.holidays import HolidayDataMissing, next_business_day
from tenants.models import Municipality
from tenants.wareki import format_nendo, format_wareki

DEFAULT_ISSUER_TITLE = "組合管理者"


class Schedule(models.TextChoices):
    LUMP = "lump", "一括"
    QUARTERLY = "quarterly", "四半期（4回）"
    MONTHLY = "monthly", "毎月（12回）"


# Months (1–12) whose last day is a due date, in fiscal-year order (April first).
_DUE_MONTHS: dict[str, tuple[int, ...]] = {
    Schedule.LUMP: (4,),
    Schedule.QUARTERLY: (4, 7, 10, 1),
    Schedule.MONTHLY: (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3),
}


class InvoiceError(ValueError):
    """The invoice cannot be made (message in Japanese, for the user)."""


@dataclass(frozen=True, slots=True)
class Installment:
    number: int
    due: date  # after moving off a closed day
    nominal_due: date  # the calendar due date before moving
    amount_yen: int

    @property
    def moved(self) -> bool:
        return self.due != self.nominal_due

    @property
    def due_wareki(self) -> str:
        return format_wareki(self.due)

    @property
    def nominal_due_wareki(self) -> str:
        return format_wareki(self.nominal_due)


@dataclass(frozen=True, slots=True)
class InvoiceLine:
    pool_name: str
    rule_description: str
    amount_yen: int


@dataclass(frozen=True, slots=True)
class Invoice:
    number: str
    run: AllocationRun
    member: Municipality
    issuer_name: str
    issuer_title: str
    addressee: str
    fiscal_year: int
    nendo: str  # 和暦年度, e.g. 令和7年度
    issued_on: date
    schedule: str
    schedule_label: str
    lines: tuple[InvoiceLine, ...]
    total_yen: int
    installments: tuple[Installment, ...]

    @property
    def issued_on_wareki(self) -> str:
        return format_wareki(self.issued_on)


def invoice_number(*, run: AllocationRun, dantai_code: str) -> str:
    """Deterministic: fiscal year, run id and the member's 団体コード (e.g. 2025-000012-143014).
    The schedule is not part of it: an invoice re-issued with another schedule replaces
    the earlier one for the same claim."""
    return f"{run.fiscal_year}-{run.pk:06d}-{dantai_code}"


def issuer_title() -> str:
    """The issuing officer's title: ``JC_BILLING_ISSUER_TITLE`` when set (the consortium
    record has no such field), else 組合管理者."""
    title = getattr(settings, "JC_BILLING_ISSUER_TITLE", "") or ""
    return str(title) or DEFAULT_ISSUER_TITLE


def addressee_of(member: Municipality) -> str:
    """The member's head: 団体名 + 長 (葉山町長), with the name when recorded."""
    head = f"{member.name}長"
    return f"{head}　{member.mayor_name}" if member.mayor_name else head


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def installment_schedule(
    *, total_yen: int, fiscal_year: int, schedule: str
) -> tuple[Installment, ...]:
    """The installments of ``total_yen`` for one fiscal year (pure but for the holiday
    table). Raises InvoiceError for an unknown schedule or a due date outside the
    holiday data."""
    if schedule not in _DUE_MONTHS:
        raise InvoiceError(f"支払方法の指定が正しくありません: {schedule}")
    months = _DUE_MONTHS[schedule]
    amounts = split_installments(total_yen, len(months), remainder="first")
    out: list[Installment] = []
    for number, (month, amount) in enumerate(zip(months, amounts, strict=True), start=1):
        nominal = _month_end(fiscal_year if month >= 4 else fiscal_year + 1, month)
        try:
            due = next_business_day(nominal, inclusive=True)
        except HolidayDataMissing as exc:
            raise InvoiceError(
                f"納期限（{format_wareki(nominal)}）の開庁日を判定できません。{exc}"
                "祝日データ（tenants/data/holidays.yaml）に該当年を追加してください。"
            ) from exc
        out.append(Installment(number=number, due=due, nominal_due=nominal, amount_yen=amount))
    return tuple(out)


def invoice_build(
    *,
    run: AllocationRun,
    member: Municipality,
    schedule: str = Schedule.LUMP,
    issued_on: date,
) -> Invoice:
    """One member's 請求書 for one run. Raises InvoiceError (Japanese) when the member has
    no share in the run, the total is negative, or a due date cannot be determined."""
    if member.consortium_id != run.consortium_id:
        raise InvoiceError("この按分結果の構成団体ではありません。")
    shares = list(
        AllocationShare.objects.filter(run=run, municipality=member)
        .order_by("id")
        .values_list("pool_name", "rule_description", "amount_yen")
    )
    if not shares:
        raise InvoiceError(f"{member.name}はこの按分結果に含まれていません。")
    lines = tuple(InvoiceLine(pool, rule, amount) for pool, rule, amount in shares)
    total = sum(line.amount_yen for line in lines)
    if total < 0:
        raise InvoiceError(f"{member.name}の負担額の合計が負のため請求書を作成できません。")
    installments = installment_schedule(
        total_yen=total, fiscal_year=run.fiscal_year, schedule=schedule
    )
    return Invoice(
        number=invoice_number(run=run, dantai_code=member.dantai_code),
        run=run,
        member=member,
        issuer_name=run.consortium.name,
        issuer_title=issuer_title(),
        addressee=addressee_of(member),
        fiscal_year=run.fiscal_year,
        nendo=format_nendo(run.fiscal_year),
        issued_on=issued_on,
        schedule=schedule,
        schedule_label=Schedule(schedule).label,
        lines=lines,
        total_yen=total,
        installments=installments,
    )
