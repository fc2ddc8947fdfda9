"""後期高齢者医療, the town's part: 資格 (75歳到達, 障害認定, 転入, 死亡・転出), the
changes owed to the 広域連合 (``KokiIdo``) and the 異動 file that sends them.

Writes:

- :func:`koki_shikaku_due` — the daily job beside 国保's 75歳到達
  (``kokuho.services.koki.koki_ido_due``, same beat task): every resident whose 75th
  birthday has come and who has no 後期 資格 gets one from that birthday, if they lived
  here on it (one who came later got it from the 転入 event). Idempotent and catching up.
- :func:`koki_shogai_nintei` — a 障害認定 of the 広域連合 for someone aged 65–74, entered
  at the counter: 後期 資格 from the 認定日, and 国保 ends that day (国民健康保険法第6条
  第8号), through 国保's own services, with its history.
- The registry's events (``kokuho.subscribers_koki``) call :func:`shutoku_on_tennyu`,
  :func:`soshitsu_on_shojo`, :func:`ido_on_change`, :func:`ido_on_torikeshi` inside the
  delivery's transaction.
- :func:`koki_ido_file_make` — the 異動 file: every change not yet sent, in the order they
  happened, under the town's next 連番, in one durable transaction (the rows are locked,
  so two clerks pressing at once make one file and one refusal; a change is in exactly
  one file). Layout: ``docs/standard/koki.md`` (ours: the 広域連合's own interface
  specification was not found).

Each change writes its ``KokiIdo`` row (``source_key`` unique: written once, whatever the
redeliveries) and an access-log row in the same transaction.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from juminkiroku.public import address_blocks, person_identities, residents_among, residents_on
from kokuho.gyomu import KOKI_IRYO
from kokuho.models import (
    CauseKind,
    KokiIdo,
    KokiIdoFile,
    KokiIdoKind,
    KokiShikaku,
    KokiShutokuJiyu,
    KokiSoshitsuJiyu,
    SoshitsuJiyu,
)
from kokuho.rules.koki_iryo import koki_soshitsu_date, nenrei_koki_date, shogai_nintei_problem
from kokuho.services.koki import tokutei_if_household_stays
from kokuho.services.shikaku import Cause, open_shikaku, soshitsu
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import CsvWriter, check_encoding
from tenants.selectors.current import current_municipality

RECORD_TYPE = "kokuho.KokiShikaku"
FILE_RECORD_TYPE = "kokuho.KokiIdoFile"
SYSTEM_ACTOR_NAME = "system:kokuho_koki_iryo"
SCREEN_JOB = "kokuho.koki_shikaku_due"
SCREEN_EVENT = "kokuho.koki_renkei"
SCREEN_SHOGAI = "kokuho.koki_shogai"
SCREEN_FILE = "kokuho.koki_ido_file"
#: where the 異動 files are kept (the town's own media folder)
FILE_DIR = "koki/ido"


class KokiRefused(ValueError):
    """Refused by the rules; the message is Japanese and names no person."""


def _system() -> Actor:
    return Actor(user_id=None, username=SYSTEM_ACTOR_NAME)


def _log(actor: Actor, action: str, screen: str, shikaku: KokiShikaku, detail: dict) -> None:
    access_record(
        actor=actor,
        action=action,
        gyomu=KOKI_IRYO,
        screen=screen,
        record_type=RECORD_TYPE,
        record_id=shikaku.pk,
        detail={"atena_ids": [shikaku.atena_id], **detail},
    )


def ido_record(
    *,
    atena_id: int,
    kind: str,
    day: date,
    source_key: str,
    jiyu: str = "",
    ido_id: int | None = None,
) -> KokiIdo | None:
    """One change owed to the 広域連合, written once per ``source_key`` (None when it was
    written already)."""
    row, created = KokiIdo.objects.get_or_create(
        source_key=source_key,
        defaults={
            "atena_id": atena_id,
            "kind": kind,
            "effective_date": day,
            "jiyu": jiyu[:40],
            "ido_id": ido_id,
        },
    )
    return row if created else None


def open_koki(atena_id: int) -> KokiShikaku | None:
    return (
        KokiShikaku.objects.select_for_update()
        .filter(atena_id=atena_id, soshitsu_date__isnull=True)
        .first()
    )


def _shutoku(
    *,
    atena_id: int,
    day: date,
    jiyu: str,
    actor: Actor,
    screen: str,
    nintei_date: date | None = None,
    todoke_date: date | None = None,
    ido_id: int | None = None,
    source_key: str = "",
) -> KokiShikaku:
    shikaku = KokiShikaku.objects.create(
        atena_id=atena_id,
        shutoku_date=day,
        shutoku_jiyu=jiyu,
        shutoku_ido_id=ido_id,
        nintei_date=nintei_date,
        todoke_date=todoke_date,
        created_by=actor.username,
    )
    ido_record(
        atena_id=atena_id,
        kind=KokiIdoKind.SHUTOKU,
        day=day,
        source_key=source_key or f"shikaku:{shikaku.pk}:shutoku",
        jiyu=KokiShutokuJiyu(jiyu).label,
        ido_id=ido_id,
    )
    _log(actor, AccessAction.CREATE, screen, shikaku, {"kind": "shutoku", "jiyu": jiyu})
    return shikaku


# --- 75歳到達 (daily) ------------------------------------------------------------------


@dataclass
class DueResult:
    acquired: list[int] = field(default_factory=list)  # 宛名 ids
    not_here: list[int] = field(default_factory=list)  # 75 before they lived here


def koki_shikaku_due(*, today: date, actor: Actor | None = None) -> DueResult:
    """後期 資格 from the 75th birthday for every resident who has reached it and has no
    後期 資格 yet. One registry query for the residents, one per distinct birthday among
    those found (after the first run: the few who turned 75 since), one transaction."""
    actor = actor or _system()
    result = DueResult()
    with transaction.atomic(durable=True):
        have = set(KokiShikaku.objects.values_list("atena_id", flat=True))
        due: dict[date, list[int]] = {}
        for r in residents_on(today):
            if r.atena_id in have:
                continue
            day = nenrei_koki_date(r.birth_date, today)
            if day <= today:
                due.setdefault(day, []).append(r.atena_id)
        for day, ids in sorted(due.items()):
            here = residents_among(ids, day)
            for atena_id in ids:
                if atena_id not in here:
                    result.not_here.append(atena_id)
                    continue
                _shutoku(
                    atena_id=atena_id,
                    day=day,
                    jiyu=KokiShutokuJiyu.NENREI,
                    actor=actor,
                    screen=SCREEN_JOB,
                )
                result.acquired.append(atena_id)
    return result


# --- 障害認定 (counter) --------------------------------------------------------------------


def koki_shogai_nintei(
    *, atena_id: int, nintei_date: date, shinsei_date: date, actor: Actor
) -> KokiShikaku:
    """The 広域連合 certified a 障害 (高齢者の医療の確保に関する法律第50条第2号): 後期 資格
    from ``nintei_date``; 国保 ends that day, and the person may become a 特定同一世帯所属者
    of the household left in 国保."""
    if shinsei_date > nintei_date:
        raise KokiRefused("申請日が認定日より後です。")
    with transaction.atomic(durable=True):
        resident = residents_among([atena_id], nintei_date).get(atena_id)
        if resident is None:
            raise KokiRefused("認定日に町の住民ではありません。")
        problem = shogai_nintei_problem(resident.birth_date, nintei_date)
        if problem:
            raise KokiRefused(problem)
        if open_koki(atena_id) is not None:
            raise KokiRefused("既に後期高齢者医療の被保険者です。")
        shikaku = _shutoku(
            atena_id=atena_id,
            day=nintei_date,
            jiyu=KokiShutokuJiyu.SHOGAI,
            actor=actor,
            screen=SCREEN_SHOGAI,
            nintei_date=nintei_date,
            todoke_date=shinsei_date,
        )
        kokuho = open_shikaku(atena_id)
        if kokuho is not None:
            cause = Cause(
                kind=CauseKind.TODOKE, actor=actor, todoke_date=shinsei_date, screen=SCREEN_SHOGAI
            )
            soshitsu(shikaku=kokuho, day=nintei_date, jiyu=SoshitsuJiyu.KOKI_SHOGAI, cause=cause)
            tokutei_if_household_stays(atena_id=atena_id, day=nintei_date, cause=cause)
        return shikaku


# --- from the registry's events (inside the delivery's transaction) -----------------------


def _event_key(event_id: int, atena_id: int) -> str:
    return f"event:{event_id}:{atena_id}"


def shutoku_on_tennyu(
    *, atena_ids: Iterable[int], day: date, ido_id: int, event_id: int
) -> list[int]:
    """転入 of someone 75 or older: 後期 資格 from the 転入日 (同法第52条第1号). A 障害認定
    from another 広域連合 is not known here: entered by the clerk (障害認定)."""
    made: list[int] = []
    ids = list(dict.fromkeys(atena_ids))
    residents = residents_among(ids, day)
    for atena_id in ids:
        r = residents.get(atena_id)
        if r is None or nenrei_koki_date(r.birth_date, day) > day:
            continue
        if KokiShikaku.objects.filter(atena_id=atena_id, shutoku_ido_id=ido_id).exists():
            continue  # delivered again
        if open_koki(atena_id) is not None:
            continue
        _shutoku(
            atena_id=atena_id,
            day=day,
            jiyu=KokiShutokuJiyu.TENNYU,
            actor=_system(),
            screen=SCREEN_EVENT,
            ido_id=ido_id,
            source_key=_event_key(event_id, atena_id),
        )
        made.append(atena_id)
    return made


def soshitsu_on_shojo(
    *, atena_ids: Iterable[int], jiyu_date: date, jiyu: str, ido_id: int, event_id: int
) -> list[int]:
    """死亡・転出確定・職権消除: 後期 資格 ends the day after (同法第53条第1項). A 転出確定
    republished with another date moves the 喪失日 and tells the 広域連合 again."""
    day = koki_soshitsu_date(jiyu_date)
    ended: list[int] = []
    for atena_id in dict.fromkeys(atena_ids):
        earlier = (
            KokiShikaku.objects.select_for_update()
            .filter(atena_id=atena_id, soshitsu_ido_id=ido_id)
            .first()
        )
        target = earlier or open_koki(atena_id)
        if target is None or (earlier is not None and earlier.soshitsu_date == day):
            continue
        target.soshitsu_date = max(day, target.shutoku_date)
        target.soshitsu_jiyu = jiyu
        target.soshitsu_ido_id = ido_id
        target.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id"])
        ido_record(
            atena_id=atena_id,
            kind=KokiIdoKind.SOSHITSU,
            day=target.soshitsu_date,
            source_key=_event_key(event_id, atena_id),
            jiyu=KokiSoshitsuJiyu(jiyu).label + ("（喪失日の変更）" if earlier else ""),
            ido_id=ido_id,
        )
        _log(_system(), AccessAction.UPDATE, SCREEN_EVENT, target, {"kind": "soshitsu"})
        ended.append(atena_id)
    return ended


def insured_koki_on(atena_ids: Iterable[int], day: date) -> set[int]:
    """Who of ``atena_ids`` holds 後期 資格 on ``day`` (one query)."""
    ids = list(set(atena_ids))
    if not ids:
        return set()
    return set(
        KokiShikaku.objects.filter(atena_id__in=ids, shutoku_date__lte=day)
        .exclude(soshitsu_date__lte=day)
        .values_list("atena_id", flat=True)
    )


def ido_on_change(
    *, atena_ids: Iterable[int], day: date, kind: str, ido_id: int, event_id: int
) -> list[int]:
    """A change of a registry item (住所, 氏名, 生年月日, 性別, 世帯) of an insured person:
    one row for the 広域連合 per person and event."""
    told: list[int] = []
    for atena_id in sorted(insured_koki_on(atena_ids, day)):
        if ido_record(
            atena_id=atena_id,
            kind=kind,
            day=day,
            source_key=_event_key(event_id, atena_id),
            jiyu=KokiIdoKind(kind).label,
            ido_id=ido_id,
        ):
            told.append(atena_id)
    return told


def ido_on_torikeshi(
    *, atena_ids: Iterable[int], cancelled_ido_id: int, day: date, ido_id: int, event_id: int
) -> list[int]:
    """取消 of a registry 異動: a 喪失 it caused is undone, a 取得 it caused is cancelled,
    and the 広域連合 is told for everyone it had been told about for that 異動."""
    ids = list(dict.fromkeys(atena_ids))
    told_before = set(
        KokiIdo.objects.filter(atena_id__in=ids, ido_id=cancelled_ido_id).values_list(
            "atena_id", flat=True
        )
    )
    for s in KokiShikaku.objects.select_for_update().filter(
        atena_id__in=ids, soshitsu_ido_id=cancelled_ido_id
    ):
        if not KokiShikaku.objects.filter(atena_id=s.atena_id, soshitsu_date__isnull=True).exists():
            s.soshitsu_date, s.soshitsu_jiyu, s.soshitsu_ido_id = None, "", None
            s.save(update_fields=["soshitsu_date", "soshitsu_jiyu", "soshitsu_ido_id"])
            _log(_system(), AccessAction.UPDATE, SCREEN_EVENT, s, {"kind": "soshitsu_torikeshi"})
    for s in KokiShikaku.objects.select_for_update().filter(
        atena_id__in=ids, shutoku_ido_id=cancelled_ido_id, soshitsu_date__isnull=True
    ):
        s.soshitsu_date, s.soshitsu_jiyu = s.shutoku_date, KokiSoshitsuJiyu.TORIKESHI
        s.save(update_fields=["soshitsu_date", "soshitsu_jiyu"])
        _log(_system(), AccessAction.UPDATE, SCREEN_EVENT, s, {"kind": "shutoku_torikeshi"})
    told: list[int] = []
    for atena_id in sorted(told_before):
        if ido_record(
            atena_id=atena_id,
            kind=KokiIdoKind.TORIKESHI,
            day=day,
            source_key=_event_key(event_id, atena_id),
            jiyu=f"異動ID {cancelled_ido_id} の取消",
            ido_id=ido_id,
        ):
            told.append(atena_id)
    return told


# --- the 異動 file ---------------------------------------------------------------------

#: the layout (ours; docs/standard/koki.md): one header line, one row per change
IDO_FILE_HEADER = [
    "レコード番号",
    "市町村コード",
    "ファイル連番",
    "異動区分",
    "異動区分名",
    "異動日",
    "事由",
    "宛名番号",
    "被保険者番号",
    "氏名",
    "氏名カナ",
    "生年月日",
    "性別",
    "郵便番号",
    "住所",
    "方書",
    "資格取得日",
    "取得事由",
    "資格喪失日",
    "喪失事由",
]
#: the code of each kind in the file (異動区分)
IDO_KUBUN = {
    KokiIdoKind.SHUTOKU: "01",
    KokiIdoKind.SOSHITSU: "02",
    KokiIdoKind.JUSHO: "11",
    KokiIdoKind.SHIMEI: "12",
    KokiIdoKind.SEINENGAPPI: "13",
    KokiIdoKind.SEIBETSU: "14",
    KokiIdoKind.SETAI: "15",
    KokiIdoKind.TORIKESHI: "91",
}


def unsent_count() -> int:
    return KokiIdo.objects.filter(file__isnull=True).count()


def koki_ido_file_make(*, actor: Actor, encoding: str) -> KokiIdoFile:
    """Every change not yet sent, in one file under the next 連番 (KokiRefused when there
    is none; CsvEncodingError, nothing written, for a name cp932 cannot hold)."""
    encoding = check_encoding(encoding)
    with transaction.atomic(durable=True):
        # locked: a second clerk at the same moment waits, then finds them sent
        rows = list(KokiIdo.objects.select_for_update().filter(file__isnull=True).order_by("id"))
        if not rows:
            raise KokiRefused("広域連合へ送る異動はありません。")
        seq = int(KokiIdoFile.objects.aggregate(m=Max("seq"))["m"] or 0) + 1
        ids = sorted({r.atena_id for r in rows})
        persons = person_identities(ids)
        blocks = address_blocks(ids)
        periods: dict[int, KokiShikaku] = {}
        for period in KokiShikaku.objects.filter(atena_id__in=ids).order_by("shutoku_date", "id"):
            periods[period.atena_id] = period  # the latest period of each person
        dantai = current_municipality().dantai_code
        out = io.BytesIO()
        writer = CsvWriter(out, encoding=encoding, headings=IDO_FILE_HEADER)
        writer.writerow(IDO_FILE_HEADER)
        for n, r in enumerate(rows, start=1):
            p = persons.get(r.atena_id)
            b = blocks.get(r.atena_id)
            s = periods.get(r.atena_id)
            writer.writerow(
                [
                    n,
                    dantai,
                    seq,
                    IDO_KUBUN[KokiIdoKind(r.kind)],
                    r.get_kind_display(),
                    r.effective_date,
                    r.jiyu,
                    p.atena_no if p else "",
                    s.hihokensha_bango if s else "",
                    p.shimei if p else "",
                    p.shimei_kana if p else "",
                    p.birth_date if p else None,
                    p.sex if p else "",
                    b.postal_code if b else "",
                    b.jusho if b else "",
                    b.katagaki if b else "",
                    s.shutoku_date if s else None,
                    s.get_shutoku_jiyu_display() if s else "",
                    s.soshitsu_date if s else None,
                    s.get_soshitsu_jiyu_display() if s and s.soshitsu_jiyu else "",
                ]
            )
        content = out.getvalue()
        path = f"{FILE_DIR}/koki_ido_{seq:06d}.csv"
        if default_storage.exists(path):  # left by a transaction that rolled back
            default_storage.delete(path)
        saved = default_storage.save(path, ContentFile(content))
        try:
            made = KokiIdoFile.objects.create(
                seq=seq,
                rows=len(rows),
                path=saved,
                encoding=encoding,
                sha256=hashlib.sha256(content).hexdigest(),
                created_by=actor.username,
            )
            KokiIdo.objects.filter(pk__in=[r.pk for r in rows]).update(file=made)
            access_record(
                actor=actor,
                action=AccessAction.EXPORT,
                gyomu=KOKI_IRYO,
                screen=SCREEN_FILE,
                record_type=FILE_RECORD_TYPE,
                record_id=made.pk,
                record_count=len(ids),
                detail={"atena_ids": ids, "seq": seq, "rows": len(rows)},
            )
        except BaseException:
            default_storage.delete(saved)
            raise
    return made
