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

The 期別 rows keep the ledger's 納付番号 (``KokiKibetsu.nofu_bango``), which the 納付書
(``kokuho.forms.koki_nofusho``) prints; a 期 of a new version posted under the same key
keeps the same number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date

from kokuho.models import ChoshuHoho, KokiHokenryo, KokiKibetsu
from tenants.accesslog.services import Actor
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
