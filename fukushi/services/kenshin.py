"""健診の受診記録 (issue 21 item 4: がん検診・特定健康診査): record a 受診 with its 結果区分,
enter the 精密検査 follow-up of a 要精密検査, cancel a record (取消; history kept), read a
person's history, and the 対象者・未受診者 list of a 年度.

要配慮個人情報 (健康診断等の結果): the wall of ``fukushi.grants_kenko.KENKO_KIROKU`` like
予防接種 (fukushi/services/yobo_sesshu.py); every write and every read of a person's records
writes the access-log row with the clerk's purpose; a list read, one row with its count.

Who is 対象: fukushi/params/kenshin.yaml (指針 for the がん検診; 高齢者の医療の確保に関する法律
第20条 for the 特定健康診査, whose 対象 are the town's 国保 被保険者 on the reference date).

国保 資格: fukushi sits below kokuho (the layers of docs/architecture.md) and cannot import
``kokuho.public.hihokensha_on``. It asks the platform's 他業務 lookup instead
(``tenants.tagyo.tagyo_lookup``, kind 国保, provided by kokuho): each person's latest 国保
period (取得日・喪失日). A person counts as insured on a day when that latest period covers
it. An earlier period (insured, left, insured again later) is not seen: for a reference date
before the latest 取得 the person is not counted (docs/standard/kenko_kanri.md says so). A
town that does not use 国保 has no provider: nobody is 対象 for the 特定健康診査 and a 受診
of it is refused.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from fukushi.gyomu import KENKO_KANRI
from fukushi.models import KekkaKubun, KenshinJushin, SeimitsuKekka
from fukushi.rules.kenshin import (
    TOKUTEI,
    Kenshin,
    Method,
    gan_table_of,
    is_due,
    jushin_errors,
    methods_for,
    nendo_age,
    nendo_of,
    tokutei_of,
)
from juminkiroku.public import person_identities, residents_on
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from tenants.tagyo import KOKUHO, tagyo_lookup

PARAM_GAN = "fukushi.kenko.kenshin.gan"
PARAM_TOKUTEI = "fukushi.kenko.kenshin.tokutei"
#: the town parameters a method may ask for (``town_param`` in the YAML)
TOWN_PARAMS = ("fukushi.kenko.kenshin.shikei_hpv",)
RECORD_TYPE = "fukushi.KenshinJushin"
SCREEN = "fukushi.kenshin"
SCREEN_PERSON = "fukushi.kenshin_person"
SCREEN_LIST = "fukushi.kenshin_taisho"


class KenshinRefused(Exception):
    """A record the checks refuse; nothing was written. ``messages`` are for the clerk."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__(" ".join(messages))
        self.messages = messages


def table(nendo: int) -> dict[str, Kenshin]:
    """The 検診 of 年度 ``nendo``: the がん検診 by code and the 特定健康診査 (LookupError
    when the 年度's values are not loaded)."""
    out = gan_table_of(param_value(PARAM_GAN, nendo))
    out[TOKUTEI] = tokutei_of(param_value(PARAM_TOKUTEI, nendo))
    return out


def adopted(nendo: int) -> set[str]:
    """The town parameters (``town_param``) this town set to 1 for ``nendo``."""
    out = set()
    for key in TOWN_PARAMS:
        try:
            if int(param_value(key, nendo)) == 1:
                out.add(key)
        except LookupError:
            continue  # a 年度 before the method existed
    return out


def kokuho_on(atena_ids: list[int] | dict[int, date], day: date) -> set[int]:
    """Which of ``atena_ids`` hold 国保 on ``day`` by their latest period (see the module
    docstring); empty where the town has no 国保."""
    found = tagyo_lookup(list(atena_ids), kinds=[KOKUHO]).get(KOKUHO, {})
    return {
        a
        for a, st in found.items()
        if st.shutoku_date is not None
        and st.shutoku_date <= day
        and (st.soshitsu_date is None or st.soshitsu_date > day)
    }


def _log(action: str, actor: Actor, purpose: str, record_id: int, screen: str = SCREEN) -> None:
    access_record(
        action=action,
        actor=actor,
        gyomu=KENKO_KANRI,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=record_id,
        purpose=purpose,
    )


@transaction.atomic
def jushin_record(
    *,
    atena_id: int,
    kenshin: str,
    method: str,
    jushin_date: date,
    kekka: str,
    iryo_kikan: str = "",
    actor: Actor,
    purpose: str,
    today: date | None = None,
) -> KenshinJushin:
    """Record one 受診 (its 結果区分 too)."""
    person = person_identities([atena_id]).get(atena_id)
    if person is None:
        raise KenshinRefused(["宛名番号の住民が見つかりません。"])
    if kekka not in KekkaKubun.values:
        raise KenshinRefused(["結果区分が正しくありません。"])
    nendo = nendo_of(jushin_date)
    try:
        kinds = table(nendo)
    except LookupError:
        raise KenshinRefused(["受診日の年度の検診の対象が登録されていません。"]) from None
    k = kinds.get(kenshin)
    if k is None:
        raise KenshinRefused(["検診の種類が正しくありません。"])
    errors = jushin_errors(
        k,
        method,
        jushin_date,
        person.birth_date,
        person.sex,
        adopted(nendo),
        today=today or timezone.localdate(),
    )
    if k.code == TOKUTEI and atena_id not in kokuho_on([atena_id], jushin_date):
        errors.append(
            "受診日に国民健康保険の被保険者ではありません（特定健康診査は国保の被保険者が対象）。"
        )
    if errors:
        raise KenshinRefused(errors)
    try:
        with transaction.atomic():
            row = KenshinJushin.objects.create(
                atena_id=atena_id,
                kenshin=k.code,
                method=method,
                jushin_date=jushin_date,
                kekka=kekka,
                iryo_kikan=iryo_kikan,
                created_by=actor.username,
            )
    except IntegrityError:
        raise KenshinRefused([f"同じ日の{k.name}の記録が既にあります。"]) from None
    _log(AccessAction.CREATE, actor, purpose, row.pk)
    return row


@transaction.atomic
def seimitsu_record(
    *,
    pk: int,
    seimitsu_date: date,
    kekka: str,
    iryo_kikan: str = "",
    actor: Actor,
    purpose: str,
) -> KenshinJushin:
    """Enter the 精密検査 follow-up of a 要精密検査 (again: the later entry replaces it, the
    access log keeps each one)."""
    row = KenshinJushin.objects.select_for_update().filter(pk=pk).first()
    if row is None or row.torikeshi_at is not None:
        raise KenshinRefused(["記録が見つかりません。"])
    errors = []
    if row.kekka != KekkaKubun.YO_SEIMITSU:
        errors.append("精密検査の結果は、結果区分が要精密検査の記録にだけ入力できます。")
    if kekka not in SeimitsuKekka.values:
        errors.append("精密検査の結果が正しくありません。")
    if seimitsu_date < row.jushin_date:
        errors.append("精密検査の受診日が検診の受診日より前です。")
    if errors:
        raise KenshinRefused(errors)
    row.seimitsu_date = seimitsu_date
    row.seimitsu_kekka = kekka
    row.seimitsu_kikan = iryo_kikan
    row.save(update_fields=["seimitsu_date", "seimitsu_kekka", "seimitsu_kikan"])
    _log(AccessAction.UPDATE, actor, purpose, row.pk)
    return row


@transaction.atomic
def jushin_torikeshi(*, pk: int, riyu: str, actor: Actor, purpose: str) -> KenshinJushin:
    """Cancel a record (entered wrongly): it stays, marked 取消 with the reason."""
    row = KenshinJushin.objects.select_for_update().filter(pk=pk).first()
    if row is None:
        raise KenshinRefused(["記録が見つかりません。"])
    if row.torikeshi_at is not None:
        raise KenshinRefused(["この記録は既に取り消されています。"])
    if not riyu.strip():
        raise KenshinRefused(["取消の理由を入力してください。"])
    row.torikeshi_at = timezone.now()
    row.torikeshi_riyu = riyu.strip()
    row.save(update_fields=["torikeshi_at", "torikeshi_riyu"])
    _log(AccessAction.UPDATE, actor, purpose, row.pk)
    return row


def jushin_rows(atena_id: int) -> list[KenshinJushin]:
    """A person's records, cancelled ones too (history), newest first. Not logged: for a
    view whose ``logs_reads`` declaration writes the access-log row."""
    return list(KenshinJushin.objects.filter(atena_id=atena_id).order_by("-jushin_date", "-id"))


def jushin_history(*, atena_id: int, actor: Actor, purpose: str) -> list[KenshinJushin]:
    """A person's records (``jushin_rows``), logged with the purpose."""
    rows = jushin_rows(atena_id)
    access_record(
        action=AccessAction.READ,
        actor=actor,
        gyomu=KENKO_KANRI,
        screen=SCREEN_PERSON,
        record_type=RECORD_TYPE,
        record_id=atena_id,
        purpose=purpose,
        record_count=len(rows),
    )
    return rows


# --- 対象者・未受診者 ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TaishoRow:
    atena_id: int
    birth_date: date
    age: int  # counted for the 年度 (its 3月31日)
    kenshin: str
    kenshin_name: str
    methods: tuple[Method, ...]
    jushin_date: date | None  # this 年度's 受診 in force, if any

    @property
    def method_names(self) -> str:
        return "・".join(m.name for m in self.methods)

    @property
    def jushin_label(self) -> str:
        return "受診済み" if self.jushin_date else "未受診"


def taisho_rows(
    on: date, *, kenshin: list[str] | None = None, mijushin_only: bool = False
) -> list[TaishoRow]:
    """Residents on ``on`` who are 対象 for a 検診 in ``on``'s 年度 (their age at the 年度's
    end, sex, the town's methods, the 受診間隔 since their last 受診 in an earlier 年度; for
    the 特定健康診査, 国保 on ``on``), with this 年度's 受診 if any (``mijushin_only``:
    only those without one). Four set reads, no query per person. Not logged here."""
    nendo = nendo_of(on)
    kinds = table(nendo)
    wanted = [k for c, k in kinds.items() if kenshin is None or c in kenshin]
    town = adopted(nendo)
    people = {r.atena_id: r.birth_date for r in residents_on(on)}
    sexes: dict[int, str] = {}
    if any(k.sex for k in wanted):
        sexes = {a: p.sex for a, p in person_identities(people).items()}
    kokuho: set[int] = set()
    if any(k.code == TOKUTEI for k in wanted):
        kokuho = kokuho_on(people, on)
    earlier: dict[tuple[int, str], list[int]] = defaultdict(list)
    this_year: dict[tuple[int, str], date] = {}
    for atena_id, code, day in KenshinJushin.objects.filter(
        kenshin__in=[k.code for k in wanted],
        torikeshi_at__isnull=True,
        jushin_date__lte=date(nendo + 1, 3, 31),
        atena_id__in=list(people),
    ).values_list("atena_id", "kenshin", "jushin_date"):
        n = nendo_of(day)
        if n == nendo:
            this_year[(atena_id, code)] = min(day, this_year.get((atena_id, code), day))
        else:
            earlier[(atena_id, code)].append(n)
    rows: list[TaishoRow] = []
    for k in wanted:
        for atena_id, birth in people.items():
            if k.code == TOKUTEI and atena_id not in kokuho:
                continue
            age = nendo_age(birth, nendo)
            methods = methods_for(k, age, sexes.get(atena_id, ""), town)
            if not is_due(methods, nendo, earlier[(atena_id, k.code)]):
                continue
            done = this_year.get((atena_id, k.code))
            if mijushin_only and done is not None:
                continue
            rows.append(TaishoRow(atena_id, birth, age, k.code, k.name, tuple(methods), done))
    rows.sort(key=lambda r: (r.kenshin, r.atena_id))
    return rows
