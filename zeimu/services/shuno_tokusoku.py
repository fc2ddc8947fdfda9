"""督促 (issue 18 item 6): find every 期別 still unpaid after its 納期限 with no 督促 yet,
write one ``Tokusoku`` per 期別, and the 督促状's data for the shared print path.

- Who: a 期別 whose 納期限 is before the 発付日 and whose balance on the 発付日 is above zero
  (``zeimu.services.shuno.balances``), with no 督促 (one per 期別: the OneToOne makes a
  second write a no-op, so a chunk run again or a second job writes nothing twice).
- 指定期限: 発付日 + ``zeimu.shuno.tokusoku.shitei_nissu`` (10日: 地方税法第331条第1項第1号・
  第373条第1項第1号ほか, 督促状を発した日から起算して10日を経過した日, i.e. the 11th day
  counting the 発付日: 4月7日 → 4月17日 in みずき法律事務所's explanation).
- 督促手数料: the town's 条例 value ``zeimu.shuno.tokusoku.tesuryo`` of the 発付日's 年度
  (national value 0: none). It is printed, kept on the row and posted to the ledger as a
  receivable of its own: a 期別 per 督促 (key ``TESURYO_KEY`` + the 督促's id, 期の名称
  「督促手数料」, 納期限 = the 指定期限, 調定日 = the 発付日) **under the 税目 of the tax** it
  was charged for — the fee is part of that tax's 地方団体の徴収金, so 名寄せ, 納付書 (its
  納付番号 carries the 税目's digits), 充当, 時効 and 不納欠損 treat it like any 期別, and
  no 税目 list of the product changes. It bears no 延滞金 and gets no 督促 of its own.
  Idempotent: one 調定 per 督促 (its ref), however often the chunk runs.
- 20日: the law says a 督促状 is sent within 20 days after the 納期限 (第329条第1項ほか,
  ``zeimu.shuno.tokusoku.nissu``). That limit is 訓示規定: a later 督促 is valid (鶴ヶ島市
  「督促状」 page, citing 徳島地裁 昭和30年12月27日判決), so one sent later is still sent,
  flagged ``late`` and counted in the job log as a warning.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta

from django.db.models import Q

from juminkiroku.public import address_blocks
from tenants.accesslog.services import Actor
from tenants.params.services import param_value
from tenants.printing.engine import render
from tenants.wareki import fiscal_year_of, format_nendo, format_wareki
from zeimu.forms.notices import Issuer, Notice, postal, yen
from zeimu.models import Kibetsu, Tokusoku
from zeimu.services.shuno import ENTAIKIN_KEY, TESURYO_KEY, ChoteiItem, balances, chotei_post_many

TEMPLATE = "zeimu/tokusoku.typ"
FORM = "tokusoku"
_K = "zeimu.shuno.tokusoku."

PRINT_DATA_HEADER = [
    "ファイル名",
    "開始頁",
    "頁数",
    "帳票",
    "督促番号",
    "宛名番号",
    "郵便番号",
    "住所",
    "方書",
    "宛名",
    "税目",
    "年度",
    "期別",
    "納期限",
    "納付番号",
    "未納額",
    "督促手数料",
    "発付日",
    "指定期限",
    "20日超過",
]


def nissu(nouki: date) -> int:
    """督促状を発する期限（納期限後の日数）, of the 納期限's 年度."""
    return int(param_value(_K + "nissu", fiscal_year_of(nouki)))


def shitei_kigen(hakko_date: date) -> date:
    return hakko_date + timedelta(
        days=int(param_value(_K + "shitei_nissu", fiscal_year_of(hakko_date)))
    )


def tesuryo(hakko_date: date) -> int:
    return int(param_value(_K + "tesuryo", fiscal_year_of(hakko_date)))


def is_late(nouki: date, hakko_date: date) -> bool:
    return hakko_date > nouki + timedelta(days=nissu(nouki))


def tokusoku_candidates(*, hakko_date: date, nouki: date | None = None) -> list[int]:
    """Ids of the 期別 to send a 督促状 on ``hakko_date`` (all due, or those of one 納期限),
    in 納期限, 宛名 order: past their 納期限, unpaid on the day, no 督促 yet."""
    # 督促状 are addressed through the person index: a corporation's 期別 (法人住民税,
    # 事業所税, under its 法人番号) is not sent one here (not built: say so, not guess).
    qs = Kibetsu.objects.filter(
        nouki__lt=hakko_date, tokusoku__isnull=True, atena__isnull=False
    ).exclude(  # no 督促 of a 督促手数料 nor (not built) of a 延滞金 alone
        Q(key__startswith=TESURYO_KEY) | Q(key__startswith=ENTAIKIN_KEY)
    )
    if nouki is not None:
        qs = qs.filter(nouki=nouki)
    ids = list(qs.order_by("nouki", "atena_id", "pk").values_list("pk", flat=True))
    bal = balances(ids, on=hakko_date)
    return [i for i in ids if bal[i].zan > 0]


def tokusoku_issue_many(
    kibetsu_ids: Sequence[int], *, hakko_date: date, job_id: int | None, created_by: str
) -> list[Tokusoku]:
    """Write the 督促 of ``kibetsu_ids`` still unpaid on ``hakko_date`` with none yet, and
    answer the 督促 of these 期別 that belong to this job (those written now and those a
    previous run of the same chunk wrote), in the given order. A 期別 paid since the plan,
    or sent a 督促 by another job, is left out."""
    ids = list(kibetsu_ids)
    kibs = {k.pk: k for k in Kibetsu.objects.filter(pk__in=ids)}
    bal = balances(ids, on=hakko_date)
    kigen = shitei_kigen(hakko_date)
    fee = tesuryo(hakko_date)
    done = set(Tokusoku.objects.filter(kibetsu_id__in=ids).values_list("kibetsu_id", flat=True))
    Tokusoku.objects.bulk_create(
        [
            Tokusoku(
                kibetsu_id=i,
                hakko_date=hakko_date,
                shitei_kigen=kigen,
                zan=bal[i].zan,
                tesuryo=fee,
                late=is_late(kibs[i].nouki, hakko_date),
                job_id=job_id,
                created_by=created_by,
            )
            for i in ids
            if i in kibs
            and i not in done
            and bal[i].zan > 0
            and kibs[i].nouki < hakko_date
            and not kibs[i].key.startswith((TESURYO_KEY, ENTAIKIN_KEY))
        ],
        ignore_conflicts=True,  # the OneToOne: a concurrent writer's row wins, ours is dropped
    )
    mine = Tokusoku.objects.filter(kibetsu_id__in=ids)
    mine = mine.filter(job__isnull=True) if job_id is None else mine.filter(job_id=job_id)
    rows = {t.kibetsu_id: t for t in mine.select_related("kibetsu")}
    out = [rows[i] for i in ids if i in rows]
    tesuryo_post(out, actor=Actor(user_id=None, username=created_by))
    return out


def tesuryo_post(rows: Sequence[Tokusoku], *, actor: Actor) -> None:
    """Post the 督促手数料 of each 督促 (with its 期別 loaded) that charges one, as the 調定 of
    its own 期別 (see the module); a 督促 posted before writes nothing again."""
    items = [
        ChoteiItem(
            zeimoku=t.kibetsu.zeimoku,
            key=f"{TESURYO_KEY}{t.pk}",
            atena_id=t.kibetsu.atena_id,
            nendo=t.kibetsu.nendo,
            ki=t.kibetsu.ki,
            ki_label="督促手数料",
            nouki=t.shitei_kigen,
            amount=t.tesuryo,
            ref=f"tokusoku:{t.pk}:tesuryo",
            on=t.hakko_date,
            reason=f"督促手数料（{t.kibetsu.ki_label}の督促）",
        )
        for t in rows
        if t.tesuryo > 0 and t.kibetsu.atena_id is not None
    ]
    if items:
        chotei_post_many(items, actor=actor)


def tokusoku_bango(t: Tokusoku) -> str:
    return f"T{t.hakko_date.year}-{t.pk:08d}"


def tokusoku_notices(rows: Iterable[Tokusoku]) -> list[Notice]:
    """The 督促状 of ``rows`` (with their 期別 loaded) in order; one query for addresses."""
    rows = list(rows)
    # only persons' 期別 get a 督促 (tokusoku_candidates): a corporation has no 宛名
    atena_ids = [int(t.kibetsu.atena_id) for t in rows if t.kibetsu.atena_id is not None]
    if len(atena_ids) != len(rows):
        raise ValueError("督促状は宛名のある期別だけに作成できます")
    blocks = address_blocks(atena_ids)
    out = []
    for t, atena_id in zip(rows, atena_ids, strict=True):
        k = t.kibetsu
        b = blocks[atena_id]
        item = {
            "postal": postal(b.postal_code),
            "address": b.jusho,
            "katagaki": b.katagaki,
            "name": b.shimei,
            "atena_no": b.atena_no,
            "bango": tokusoku_bango(t),
            "hakko": format_wareki(t.hakko_date),
            "kigen": format_wareki(t.shitei_kigen),
            "rows": [
                ["税目", k.get_zeimoku_display()],
                ["年度・期別", f"{format_nendo(k.nendo)} {k.ki_label}"],
                ["納期限", format_wareki(k.nouki)],
                ["納付番号", k.nofu_bango],
                ["未納額（本税）", yen(t.zan) + "円"],
                ["督促手数料", yen(t.tesuryo) + "円"],
                ["合計", yen(t.zan + t.tesuryo) + "円"],
            ],
        }
        csv = [
            "督促状",
            tokusoku_bango(t),
            b.atena_no,
            b.postal_code,
            b.jusho,
            b.katagaki,
            b.shimei,
            k.get_zeimoku_display(),
            k.nendo,
            k.ki_label,
            k.nouki.isoformat(),
            k.nofu_bango,
            t.zan,
            t.tesuryo,
            t.hakko_date.isoformat(),
            t.shitei_kigen.isoformat(),
            "1" if t.late else "0",
        ]
        out.append(Notice(item=item, csv=csv, atena_ids=[atena_id]))
    return out


def tokusoku_render(notices: Sequence[Notice], *, issuer: Issuer) -> bytes:
    """督促状 (one A4 page each). Mass print and single reprint both call this."""
    return render(
        TEMPLATE,
        common={
            "title": "督促状",
            "issuer": issuer.title,
            "lead": (
                "下記の税額が納期限を過ぎても納付されていません。地方税法の規定により督促します。"
                "指定期限までに納付してください。"
            ),
            "note": (
                "指定期限までに完納されないときは、地方税法の規定により財産の差押えを行うことが"
                "あります。納期限の翌日から納付の日までの日数に応じて延滞金が加算されます"
                "（延滞金は納付の際にお知らせします）。既に納付された場合は行き違いですのでご容赦ください。"
            ),
            "contact": f"お問い合わせ　{issuer.name}役場 税務担当（収納）",
        },
        items=[n.item for n in notices],
    )
