"""予防接種の記録 (issue 21 item 4): record a dose, cancel one (取消; history kept), read a
person's history, and the due / overdue list of the town's residents on a reference date.

Every read or write of a person's record writes the access-log row with the purpose the
clerk entered (要配慮個人情報, like 生活保護: fukushi/services/seiho.py); a list read writes one
row with its count. Checks (``fukushi.rules.yobo_sesshu.record_errors``) answer in Japanese
and name no person.

The schedule is the one in force in the 年度 of the 接種日 (a record) or of the reference
date (a list): ``fukushi.kenko.yobo_sesshu.teiki`` in fukushi/params/yobo_sesshu.yaml.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from fukushi.gyomu import KENKO_KANRI
from fukushi.models import SesshuKubun, YoboSesshu
from fukushi.rules.yobo_sesshu import (
    STATUS_LABELS,
    Status,
    Vaccine,
    due_for,
    fiscal_year,
    record_errors,
    schedule_of,
)
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value

PARAM = "fukushi.kenko.yobo_sesshu.teiki"
RECORD_TYPE = "fukushi.YoboSesshu"
SCREEN = "fukushi.yobo_sesshu"
SCREEN_LIST = "fukushi.yobo_sesshu_taisho"
#: 期限切れ is listed for this many days after a dose's window closed (older ones are not
#: a task for the town any more; a screen choice, not law)
KIGEN_GIRE_DAYS = 365


class YoboRefused(Exception):
    """A record the checks refuse; nothing was written. ``messages`` are for the clerk."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def schedule(nendo: int) -> dict[str, Vaccine]:
    """The 定期接種 schedule in force in 年度 ``nendo`` (LookupError when none is loaded)."""
    return schedule_of(param_value(PARAM, nendo))


def _given(atena_id: int, vaccine: Vaccine) -> dict[int, date]:
    return dict(
        YoboSesshu.objects.filter(
            atena_id=atena_id, vaccine=vaccine.code, torikeshi_at__isnull=True
        ).values_list("dose_no", "sesshu_date")
    )


@transaction.atomic
def sesshu_record(
    *,
    atena_id: int,
    vaccine: str,
    dose_no: int | None,
    sesshu_date: date,
    kubun: str,
    lot_no: str = "",
    iryo_kikan: str = "",
    actor: Actor,
    purpose: str,
) -> YoboSesshu:
    """Record one dose (``dose_no`` None for a yearly vaccine: the next number)."""
    person = person_identities([atena_id]).get(atena_id)
    if person is None:
        raise YoboRefused(["宛名番号の住民が見つかりません。"])
    if kubun not in SesshuKubun.values:
        raise YoboRefused(["定期・任意の区分が正しくありません。"])
    try:
        table = schedule(fiscal_year(sesshu_date))
    except LookupError:
        raise YoboRefused(["接種日の年度の定期接種のスケジュールが登録されていません。"]) from None
    v = table.get(vaccine)
    if v is None:
        raise YoboRefused(["接種日の年度の定期接種にないワクチンです。"])
    if v.sex == "F" and person.sex != "女" and kubun == SesshuKubun.TEIKI:
        raise YoboRefused([f"{v.name}の定期接種の対象は女子です。"])
    # lock the person's rows of this vaccine: two clerks recording at once see each other
    list(YoboSesshu.objects.select_for_update().filter(atena_id=atena_id, vaccine=v.code))
    given = _given(atena_id, v)
    if v.annual:
        dose_no = (max(given) if given else 0) + 1
    elif dose_no is None:
        raise YoboRefused(["何回目の接種かを入力してください。"])
    errors = record_errors(
        v, dose_no, sesshu_date, person.birth_date, given, teiki=kubun == SesshuKubun.TEIKI
    )
    if errors:
        raise YoboRefused(errors)
    try:
        with transaction.atomic():
            row = YoboSesshu.objects.create(
                atena_id=atena_id,
                vaccine=v.code,
                dose_no=dose_no,
                sesshu_date=sesshu_date,
                kubun=kubun,
                lot_no=lot_no,
                iryo_kikan=iryo_kikan,
                created_by=actor.username,
            )
    except IntegrityError:
        raise YoboRefused([f"{v.name}のその回は既に記録があります。"]) from None
    access_record(
        action=AccessAction.CREATE,
        actor=actor,
        gyomu=KENKO_KANRI,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=row.pk,
        purpose=purpose,
    )
    return row


@transaction.atomic
def sesshu_torikeshi(*, pk: int, riyu: str, actor: Actor, purpose: str) -> YoboSesshu:
    """Cancel a record (entered wrongly): it stays, marked 取消 with the reason."""
    row = YoboSesshu.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise YoboRefused(["記録が見つかりません。"])
    if row.torikeshi_at is not None:
        raise YoboRefused(["この記録は既に取り消されています。"])
    if not riyu.strip():
        raise YoboRefused(["取消の理由を入力してください。"])
    row.torikeshi_at = timezone.now()
    row.torikeshi_riyu = riyu.strip()
    row.save(update_fields=["torikeshi_at", "torikeshi_riyu"])
    access_record(
        action=AccessAction.UPDATE,
        actor=actor,
        gyomu=KENKO_KANRI,
        screen=SCREEN,
        record_type=RECORD_TYPE,
        record_id=row.pk,
        purpose=purpose,
    )
    return row


def sesshu_rows(atena_id: int) -> list[YoboSesshu]:
    """A person's records, cancelled ones too (history), newest first. Not logged: for a
    view whose access-log row its ``logs_reads`` declaration writes."""
    return list(YoboSesshu.objects.filter(atena_id=atena_id).order_by("-sesshu_date", "-id"))


def sesshu_history(*, atena_id: int, actor: Actor, purpose: str) -> list[YoboSesshu]:
    """A person's records (``sesshu_rows``), logged with the purpose (a caller without a
    request: a job, another service)."""
    rows = sesshu_rows(atena_id)
    access_record(
        action=AccessAction.READ,
        actor=actor,
        gyomu=KENKO_KANRI,
        screen="fukushi.yobo_sesshu_person",
        record_type=RECORD_TYPE,
        record_id=atena_id,
        purpose=purpose,
        record_count=len(rows),
    )
    return rows


# --- who is due ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueRow:
    atena_id: int
    birth_date: date
    vaccine: str
    vaccine_name: str
    dose_no: int
    dose_label: str
    status: Status
    first: date
    last: date | None

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def due_rows(
    on: date, *, vaccines: list[str] | None = None, statuses: list[str] | None = None
) -> list[DueRow]:
    """Residents on ``on`` due or overdue for a 定期接種 (the schedule of ``on``'s 年度),
    by vaccine and 宛名 id. A person who died or moved out is not a resident: not listed.
    Reads three sets (residents, their sexes where a vaccine asks, the records in force),
    no query per person. Not logged here: the caller logs with its purpose."""
    table = schedule(fiscal_year(on))
    wanted = [v for c, v in table.items() if vaccines is None or c in vaccines]
    people = {r.atena_id: r.birth_date for r in residents_on(on)}
    sexes: dict[int, str] = {}
    if any(v.sex for v in wanted):
        sexes = {k: p.sex for k, p in person_identities(people).items()}
    codes = {v.code for v in wanted} | {c for c, v in table.items() if v.also_counts}
    given: dict[tuple[int, str], dict[int, date]] = defaultdict(dict)
    annual: dict[tuple[int, str], list[date]] = defaultdict(list)
    # a child on 五種混合 takes its ヒブ with it: not listed for ヒブ on its own
    covered: set[tuple[int, str]] = set()
    for atena_id, code, no, day in YoboSesshu.objects.filter(
        vaccine__in=codes, torikeshi_at__isnull=True, atena_id__in=list(people)
    ).values_list("atena_id", "vaccine", "dose_no", "sesshu_date"):
        given[(atena_id, code)][no] = day
        annual[(atena_id, code)].append(day)
        also = table[code].also_counts if code in table else ""
        if also:  # 五種混合 counts as the ヒブ of the same 回
            given[(atena_id, also)].setdefault(no, day)
            covered.add((atena_id, also))
    rows: list[DueRow] = []
    for v in wanted:
        for atena_id, birth in people.items():
            d = due_for(
                v,
                birth,
                sexes.get(atena_id, ""),
                annual[(atena_id, v.code)] if v.annual else given[(atena_id, v.code)],
                on,
            )
            if d is None or (atena_id, v.code) in covered:
                continue
            if d.status == Status.KIGEN_GIRE and d.last and (on - d.last).days > KIGEN_GIRE_DAYS:
                continue
            if statuses and d.status.value not in statuses:
                continue
            rows.append(
                DueRow(
                    atena_id,
                    birth,
                    v.code,
                    v.name,
                    d.dose_no,
                    d.dose_label,
                    d.status,
                    d.first,
                    d.last,
                )
            )
    rows.sort(key=lambda r: (r.vaccine, r.atena_id))
    return rows
