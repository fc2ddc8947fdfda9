"""後期高齢者医療保険料 into the 収納 ledger (issue 15 item 5; 高齢者の医療の確保に関する法律
第107条: the 市町村 collects the premium the 広域連合 assessed), through
``zeimu.public.chotei_post_many``.

The premium is owed by the 被保険者 (同法第108条第1項; the 世帯主's and spouse's 連帯納付義務,
第108条第2項・第3項, are not modelled), so each 期別 is posted under the insured person:

- 普通徴収: key ``koki:<年度>:<宛名 id>:futsu:<期>``, 期 as the 広域連合 numbered it, posted
  on every import of its 保険料データ (当初 and each 更正) from the import job's chunk, in its
  transaction. A 更正 states each 期's amount as it now stands (the ledger writes the
  difference as a 増額・減額更正 entry, never an edit); a 期 the new version no longer has
  (e.g. a month moved to 特別徴収) is stated 0. Posting the same version again writes
  nothing (the ref names the version: ``koki_hokenryo:<保険料 id>:futsu:<期>``).
- 特別徴収 (the pension months: 仮徴収 4・6・8月, 本徴収 10・12・2月, ``koki_iryo.yaml``): key
  ``koki:<年度>:<宛名 id>:tokucho:<月>``, ledger 期 100 + 期, named 特別徴収・仮徴収／本徴収.
  Like 国保税 and 介護保険料 (kokuho.services.fuka_chotei, kaigo.services.fuka_tokucho_kekka)
  these reach the ledger when the pension insurer's 特別徴収結果 reports the month withheld
  (``kokuho.services.koki_tokucho_kekka``), not on import: a 期別 the insurer withholds is
  not the payer's to pay by 納付書, so the ledger's 納付書 and 督促 (which take every 期別
  with a balance past its 納期限) must not see it before. A later 更正 restates a month
  already posted (0 when the new version has no such month: what was withheld then stays
  on the 期別 as 過誤納, for 充当 or 還付).

Catch-up (:func:`koki_chotei_catchup`, job ``koki_chotei_catchup`` and the command of the
same name): 普通徴収 期別 of current rows that never reached the ledger — imported before
this posting existed, or whose post was rolled back — are posted as the import would have.

The 期別 rows keep the ledger's 納付番号 (``KokiKibetsu.nofu_bango``), which the 納付書
(``kokuho.forms.koki_nofusho``) prints; a 期 of a new version posted under the same key
keeps the same number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from django.db.models import QuerySet

from kokuho.gyomu import KOKI_IRYO
from kokuho.models import ChoshuHoho, KokiHokenryo, KokiKibetsu
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import param_value
from zeimu.public import ChoteiItem, Zeimoku, chotei_post_many

#: the ledger's 期 of a 特別徴収 期: 100 + the 広域連合's 期 (the 納付書 job, whose 期 runs
#: 1–12, never selects them)
TOKUCHO_KI = 100
REASON = "後期高齢者医療保険料（広域連合の賦課: 高齢者の医療の確保に関する法律第104条・第107条）"


def futsu_key(nendo: int, atena_id: int, ki: int) -> str:
    return f"koki:{nendo}:{atena_id}:futsu:{ki}"


def tokucho_key(nendo: int, atena_id: int, month: int) -> str:
    return f"koki:{nendo}:{atena_id}:tokucho:{month}"


def key_of(h: KokiHokenryo, k: KokiKibetsu) -> str:
    if k.choshu_hoho == ChoshuHoho.TOKUBETSU:
        return tokucho_key(h.nendo, h.atena_id, k.nokigen.month)
    return futsu_key(h.nendo, h.atena_id, k.ki)


def tokucho_kind(nendo: int, month: int) -> str:
    """仮徴収 or 本徴収 for a pension month (the params of ``nendo``); 特別徴収 for another."""
    if month in param_value("koki.tokubetsu_choshu.kari_months", nendo):
        return "仮徴収"
    if month in param_value("koki.tokubetsu_choshu.hon_months", nendo):
        return "本徴収"
    return "特別徴収"


def ki_label(nendo: int, k: KokiKibetsu) -> str:
    if k.choshu_hoho == ChoshuHoho.TOKUBETSU:
        return f"特徴{tokucho_kind(nendo, k.nokigen.month)}（{k.nokigen.month}月）"
    return f"第{k.ki}期"


def item_of(h: KokiHokenryo, k: KokiKibetsu, *, amount: int | None = None, on: date) -> ChoteiItem:
    """The ledger item of the 期別 ``k`` of ``h`` (its amount, or ``amount``)."""
    tokucho = k.choshu_hoho == ChoshuHoho.TOKUBETSU
    part = f"tokucho:{k.nokigen.month}" if tokucho else f"futsu:{k.ki}"
    return ChoteiItem(
        zeimoku=Zeimoku.KOKI,
        key=key_of(h, k),
        atena_id=h.atena_id,
        nendo=h.nendo,
        ki=TOKUCHO_KI + k.ki if tokucho else k.ki,
        ki_label=ki_label(h.nendo, k),
        nouki=k.nokigen,
        amount=k.chotei_gaku if amount is None else amount,
        ref=f"koki_hokenryo:{h.pk}:{part}",
        on=on,
        reason=REASON,
    )


@dataclasses.dataclass(frozen=True)
class ChoteiCount:
    posted: int = 0  # 期別 stated
    written: int = 0  # of which the ledger wrote an entry (当初, 増額, 減額)


def koki_chotei_post(
    rows: Iterable[KokiHokenryo], before: dict[int, KokiHokenryo], *, on: date, actor: Actor
) -> ChoteiCount:
    """Post the current 保険料 ``rows`` (with their 期別) to the ledger; ``before`` maps a
    row's id to the version it replaced (its 期別 loaded). See the module's docstring.
    Stores each posted 期別's 納付番号 on the row; all or nothing (the ledger's refusal,
    ``ShunoRefused``, propagates)."""
    rows = list(rows)
    items: list[ChoteiItem] = []
    targets: list[KokiKibetsu | None] = []
    for h in rows:
        now = list(h.kibetsu.all())
        old = before.get(h.pk)
        old_kibetsu = list(old.kibetsu.all()) if old is not None else []
        posted_before = {key_of(old, k): k for k in old_kibetsu if k.nofu_bango} if old else {}
        keys_now = set()
        for k in now:
            key = key_of(h, k)
            keys_now.add(key)
            if k.choshu_hoho == ChoshuHoho.FUTSU or key in posted_before:
                items.append(item_of(h, k, on=on))
                targets.append(k)
        for key, k in posted_before.items():
            if key not in keys_now:
                # a 期 the new version no longer has: stated 0 under this version's ref
                assert old is not None
                item = item_of(old, k, amount=0, on=on)
                ref = item.ref.replace(f"koki_hokenryo:{old.pk}:", f"koki_hokenryo:{h.pk}:zero:")
                items.append(dataclasses.replace(item, ref=ref))
                targets.append(None)
    if not items:
        return ChoteiCount()
    posted = chotei_post_many(items, actor=actor)
    changed: list[KokiKibetsu] = []
    for target, p in zip(targets, posted, strict=True):
        if target is not None and target.nofu_bango != p.nofu_bango:
            target.nofu_bango = p.nofu_bango
            changed.append(target)
    KokiKibetsu.objects.bulk_update(changed, ["nofu_bango"], batch_size=2000)
    return ChoteiCount(posted=len(items), written=sum(1 for p in posted if p.written))


# --- catch-up: 期別 imported before the ledger posting existed, or whose posting failed ----

CATCHUP_JOB = "koki_chotei_catchup"
CATCHUP_SCREEN = "kokuho.koki_chotei_catchup"
#: 保険料 rows per chunk of the catch-up job (each with ≈1–12 普通徴収 期別)
CATCHUP_CHUNK = 2000


def _catchup_qs(first_id: int | None = None, last_id: int | None = None) -> QuerySet[KokiHokenryo]:
    qs = KokiHokenryo.objects.filter(
        is_current=True,
        kibetsu__choshu_hoho=ChoshuHoho.FUTSU,
        kibetsu__nofu_bango="",
    )
    if first_id is not None:
        qs = qs.filter(pk__gte=first_id)
    if last_id is not None:
        qs = qs.filter(pk__lte=last_id)
    return qs


def catchup_ids() -> list[int]:
    """The current 保険料 rows with a 普通徴収 期別 not on the ledger (no 納付番号: never
    posted, or its post was rolled back), ascending; one query."""
    return list(_catchup_qs().values_list("pk", flat=True).distinct().order_by("pk"))


def koki_chotei_catchup(
    *, on: date, actor: Actor, first_id: int | None = None, last_id: int | None = None
) -> ChoteiCount:
    """Post to the ledger every current 保険料 row in [first_id, last_id] (open ends when
    None) that has a 普通徴収 期別 without its 納付番号, as the import would have
    (``koki_chotei_post``): the version it replaced, when that one had 期別 on the ledger,
    is passed as ``before`` so that a 期 the new version dropped is stated 0. Idempotent: a
    posted 期別 gets its 納付番号 and is not selected again, and the ledger writes nothing
    for a ref it holds. Set-based: three queries to select, one round to post. One
    access-log row names the persons whose 期別 were posted."""
    from django.db import transaction

    with transaction.atomic():
        ids = list(
            _catchup_qs(first_id, last_id).values_list("pk", flat=True).distinct().order_by("pk")
        )
        if not ids:
            return ChoteiCount()
        # locked, so that two runs at once post each row once (the second finds it posted)
        list(KokiHokenryo.objects.filter(pk__in=ids).select_for_update().values_list("pk"))
        rows = list(
            _catchup_qs(first_id, last_id)
            .filter(pk__in=ids)
            .distinct()
            .order_by("pk")
            .prefetch_related("kibetsu")
        )
        if not rows:
            return ChoteiCount()
        # the latest earlier version of each (person, 年度) that reached the ledger
        earlier = (
            KokiHokenryo.objects.filter(
                is_current=False,
                atena_id__in={h.atena_id for h in rows},
                nendo__in={h.nendo for h in rows},
            )
            .filter(kibetsu__nofu_bango__gt="")  # at least one 期別 on the ledger
            .distinct()
            .prefetch_related("kibetsu")
            .order_by("pk")
        )
        latest: dict[tuple[int, int], KokiHokenryo] = {}
        for old in earlier:
            latest[(old.atena_id, old.nendo)] = old  # ascending: the last one wins
        before = {
            h.pk: latest[(h.atena_id, h.nendo)]
            for h in rows
            if (h.atena_id, h.nendo) in latest and latest[(h.atena_id, h.nendo)].pk < h.pk
        }
        count = koki_chotei_post(rows, before, on=on, actor=actor)
        access_record(
            actor=actor,
            action=AccessAction.UPDATE,
            gyomu=KOKI_IRYO,
            screen=CATCHUP_SCREEN,
            record_type="kokuho.KokiHokenryo",
            record_count=len(rows),
            detail={
                "atena_ids": sorted({h.atena_id for h in rows}),
                "posted": count.posted,
                "written": count.written,
            },
        )
        return count
