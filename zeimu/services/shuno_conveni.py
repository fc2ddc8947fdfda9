"""コンビニ収納 速報 and 確報 files into the 収納 ledger (issue 18 item 2).

**Why 速報 and 確報.** A store's sale reaches the town twice: the 収納代行業者 sends a 速報
(preliminary) file the next day, and a 確報 (confirmed) file when the money is transferred,
about two weeks later. The payment is applied on its 速報 (so that nobody who paid gets a
督促状 in the meantime) and counted once: the 確報 line of the same sale confirms it and
writes no second 収納. A sale the store voided the same day comes as a 取消 line in a later
速報 and reverses the 収納. A 確報 line with no 速報 is applied then. A 速報 still without
its 確報 after ``KAKUHO_MACHI_NISSU`` days is listed for the clerk (確報未着).

**The layout.** Each 収納代行業者 has its own file layout, and the 標準伝送フォーマット of
the GS1-128 標準料金代理収納ガイドライン (一般財団法人流通システム開発センター) could not be
read here. This is the product's exchange layout, modelled on the 全銀協 files the banks
use (records of 120 bytes, JIS (cp932) half-width, CR+LF or none; 1 ヘッダー, 2 データ,
8 トレーラー, 9 エンド). A town whose 代行業者 sends another layout converts it to this one
(docs/standard/shuno.md); adding a 代行業者's own layout is adding its byte positions here.

=========  ====  ==========================================================
Record     Byte  Item
=========  ====  ==========================================================
ヘッダー      1     データ区分 ``1``
           2     速報・確報区分 (``1`` 速報, ``2`` 確報)
           3–10  作成日 YYYYMMDD
           11–15 収納代行業者コード
           16–21 請求書発行企業コード (the town's 6 digits: a file for another
                 企業コード is refused whole)
データ       1     データ区分 ``2``
           2     取消区分 (``0`` 通常, ``1`` 取消; 取消 only in a 速報)
           3–10  収納日 YYYYMMDD
           11–14 収納時刻 HHMM
           15–19 コンビニ本部コード
           20–26 店舗コード
           27–36 受付番号 (the store's serial of the sale)
           37–80 バーコード (44 digits, zeimu.rules.conveni)
           81–88 振込予定日 YYYYMMDD (確報; zeros in a 速報)
トレーラー    1     データ区分 ``8``
           2–9   データ件数
           10–21 金額合計 (取消を除く)
エンド       1     データ区分 ``9``
=========  ====  ==========================================================

**What happens** is what the 口座振替 result import does (zeimu.services.shuno_files): a
file that is not such a file, or was imported before, or whose トレーラー does not add up,
is refused whole with nothing written; a line that cannot be read is reported by line and
item and the others are loaded, in one transaction, set-based.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import QuerySet

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.params.services import ParameterMissing, param_value
from tenants.wareki import fiscal_year_of
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kibetsu, Nofu, NofuChannel, NofuStatus, Shuno, ShunoFile, ShunoKind
from zeimu.rules.conveni import BarcodeError, parse
from zeimu.services.shuno_entaikin import entaikin_kakutei
from zeimu.services.shuno_files import (
    FileRefused,
    ImportResult,
    LineError,
    _records,
    new_file_sha256,
    nofu_shuno,
    ymd,
)
from zeimu.services.shuno_kesson import kesson_teisei

SOKUHO, KAKUHO = "1", "2"
#: days after the 収納日 by which a 速報's 確報 is expected (the 代行業者's 入金 cycle is
#: about two weeks); older unconfirmed 速報 are listed for the clerk
KAKUHO_MACHI_NISSU = 21


@dataclass(frozen=True)
class _Line:
    line: int
    torikeshi: bool
    shuno_date: date
    torihiki: str
    nofu_bango: str
    amount: int


def _read_line(line: int, r: bytes, kubun: str, errors: list[LineError]) -> _Line | None:
    torikeshi_raw = r[1:2]
    if torikeshi_raw not in (b"0", b"1"):
        errors.append(LineError(line, "取消区分", "0（通常）または1（取消）ではありません。"))
        return None
    torikeshi = torikeshi_raw == b"1"
    if torikeshi and kubun == KAKUHO:
        errors.append(LineError(line, "取消区分", "確報に取消の行はありません。"))
        return None
    shuno_date = ymd(r[2:10])
    if shuno_date is None:
        errors.append(LineError(line, "収納日", "年月日（YYYYMMDD）ではありません。"))
        return None
    jikoku = r[10:14]
    if not jikoku.isdigit() or int(jikoku[:2]) > 23 or int(jikoku[2:]) > 59:
        errors.append(LineError(line, "収納時刻", "時分（HHMM）ではありません。"))
        return None
    honbu, tenpo, uketsuke = r[14:19], r[19:26], r[26:36]
    for name, raw in (("コンビニ本部コード", honbu), ("店舗コード", tenpo), ("受付番号", uketsuke)):
        if not raw.strip() or not raw.isascii():
            errors.append(LineError(line, name, "空欄か、半角英数字ではありません。"))
            return None
    try:
        code = parse(r[36:80].decode("ascii"))
    except (BarcodeError, UnicodeDecodeError) as exc:
        message = str(exc) if isinstance(exc, BarcodeError) else "半角の数字ではありません。"
        errors.append(LineError(line, "バーコード", message))
        return None
    torihiki = "-".join(x.decode("ascii").strip() for x in (honbu, tenpo, uketsuke))
    torihiki += f"-{shuno_date:%Y%m%d}"
    return _Line(line, torikeshi, shuno_date, torihiki, code.nofu_bango, code.amount)


def _town_kigyo_code(today: date) -> str | None:
    try:
        return str(param_value("zeimu.shuno.conveni.kigyo_code", fiscal_year_of(today)))
    except ParameterMissing:
        return None


def conveni_import(*, data: bytes, name: str, actor: Actor, today: date) -> ImportResult:
    """Import one コンビニ収納 速報 or 確報 file (see the module's docstring)."""
    sha = new_file_sha256(data)
    recs = _records(data)
    if not recs or recs[0][:1] != b"1":
        raise FileRefused("1行目がヘッダー・レコード（データ区分 1）ではありません。")
    head = recs[0]
    kubun = head[1:2].decode("ascii", "replace")
    if kubun not in (SOKUHO, KAKUHO):
        raise FileRefused("ヘッダーの速報・確報区分が 1（速報）・2（確報）ではありません。")
    town_code = _town_kigyo_code(today)
    if town_code is None:
        raise FileRefused(
            "この町の請求書発行企業コード（コンビニ収納）が設定されていません。"
            "法令値・条例値の画面で設定してから取り込んでください。"
        )
    file_code = head[15:21].decode("ascii", "replace")
    if file_code != town_code:
        raise FileRefused(
            f"ヘッダーの請求書発行企業コード（{file_code}）がこの町のコード（{town_code}）と"
            "違います。他の団体のファイルではありませんか。"
        )
    data_lines = [(i, r) for i, r in enumerate(recs, start=1) if r[:1] == b"2"]
    trailer = next((r for r in recs if r[:1] == b"8"), None)
    if trailer is None:
        raise FileRefused("トレーラー・レコード（データ区分 8）がありません。")
    count = trailer[1:9]
    if not count.isdigit() or int(count) != len(data_lines):
        raise FileRefused(
            f"トレーラー・レコードのデータ件数（{count.decode('ascii', 'replace').strip()}）が"
            f"データ・レコードの数（{len(data_lines)}）と合いません。"
        )

    errors: list[LineError] = []
    lines = [x for i, r in data_lines if (x := _read_line(i, r, kubun, errors)) is not None]
    channel = NofuChannel.CONVENI_SOKUHO if kubun == SOKUHO else NofuChannel.CONVENI_KAKUHO
    result = ImportResult(file_id=0, lines=len(data_lines), errors=errors)
    who = actor.username or actor.api_client or "system"
    with transaction.atomic():
        f = ShunoFile.objects.create(channel=channel, name=name[:200], sha256=sha, created_by=who)
        result.file_id = f.pk
        numbers = sorted({x.nofu_bango for x in lines})
        kib_of: dict[str, int] = {}
        for i in range(0, len(numbers), 1000):
            kib_of.update(
                Kibetsu.objects.filter(nofu_bango__in=numbers[i : i + 1000]).values_list(
                    "nofu_bango", "pk"
                )
            )
        # the 速報 rows of these sales already in the ledger (one query per 1,000 sales)
        keys = sorted({x.torihiki for x in lines})
        sokuho: dict[str, Nofu] = {}
        voided: set[str] = set()
        for i in range(0, len(keys), 1000):
            for n in Nofu.objects.filter(
                channel=NofuChannel.CONVENI_SOKUHO, torihiki__in=keys[i : i + 1000]
            ):
                if n.status == NofuStatus.TORIKESHI:
                    voided.add(n.torihiki)
                else:
                    sokuho[n.torihiki] = n
        kakuho_seen = set(
            Nofu.objects.filter(channel=NofuChannel.CONVENI_KAKUHO, torihiki__in=keys).values_list(
                "torihiki", flat=True
            )
        )
        live = {k: n for k, n in sokuho.items() if k not in voided}
        new_nofu: list[Nofu] = []
        applied: list[tuple[Nofu, int]] = []
        confirm: list[int] = []
        reverse: list[tuple[Nofu, Nofu]] = []
        for x in lines:
            base = dict(
                channel=channel,
                shuno_date=x.shuno_date,
                amount=x.amount,
                nofu_bango=x.nofu_bango,
                file=f,
                line_no=x.line,
                torihiki=x.torihiki,
                created_by=who,
            )
            if x.torikeshi:
                orig = live.pop(x.torihiki, None)
                if orig is None:
                    errors.append(
                        LineError(
                            x.line,
                            "取消区分",
                            "取り消す速報（同じ店舗・受付番号・収納日）がありません。",
                        )
                    )
                    continue
                n = Nofu(status=NofuStatus.TORIKESHI, kibetsu_id=orig.kibetsu_id, **base)
                new_nofu.append(n)
                reverse.append((n, orig))
                continue
            if kubun == SOKUHO and x.torihiki in live:
                errors.append(
                    LineError(
                        x.line, "受付番号", "この取引の速報は取込済みです（重ねて消し込みません）。"
                    )
                )
                continue
            if kubun == KAKUHO and x.torihiki in kakuho_seen:
                errors.append(
                    LineError(
                        x.line, "受付番号", "この取引の確報は取込済みです（重ねて消し込みません）。"
                    )
                )
                continue
            if kubun == KAKUHO and x.torihiki in live:
                orig = live[x.torihiki]
                n = Nofu(status=NofuStatus.KAKUHO_SUMI, kibetsu_id=orig.kibetsu_id, **base)
                n.note = "速報で消込済"
                new_nofu.append(n)
                confirm.append(orig.pk)
                kakuho_seen.add(x.torihiki)
                result.matched += 1
                continue
            kib = kib_of.get(x.nofu_bango)
            status = NofuStatus.KESHIKOMI if kib is not None else NofuStatus.YOKAKUNIN
            n = Nofu(status=status, kibetsu_id=kib, **base)
            new_nofu.append(n)
            result.amount += x.amount
            if kib is not None:
                applied.append((n, kib))
                result.matched += 1
            else:
                result.yokakunin += 1
            if kubun == SOKUHO:
                live[x.torihiki] = n
            else:
                kakuho_seen.add(x.torihiki)
        Nofu.objects.bulk_create(new_nofu, batch_size=2000)
        shuno = nofu_shuno(applied, who)
        # a voided sale: − its 収納, dated the day of the voiding line
        shuno += [
            Shuno(
                kibetsu_id=orig.kibetsu_id,
                kind=ShunoKind.NOFU,
                amount=-orig.amount,
                on=n.shuno_date,
                nofu=n,
                created_by=who,
            )
            for n, orig in reverse
            if orig.kibetsu_id is not None
        ]
        Shuno.objects.bulk_create(shuno, batch_size=2000)
        kesson_teisei([s.kibetsu_id for s in shuno], actor=actor)
        entaikin_kakutei(
            [(s.kibetsu_id, s.on) for s in shuno],
            actor=actor,
            torikeshi=[orig.kibetsu_id for _, orig in reverse if orig.kibetsu_id is not None],
        )
        if confirm:
            Nofu.objects.filter(pk__in=confirm).update(kakutei=True)
        f.lines = result.lines
        f.matched, f.yokakunin = result.matched, result.yokakunin
        f.amount = result.amount
        f.errors = [e.as_json() for e in errors]
        f.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="コンビニ収納の取込",
            record_type="zeimu.ShunoFile",
            record_id=f.pk,
            record_count=len(new_nofu),
            detail={
                "kubun": "速報" if kubun == SOKUHO else "確報",
                "matched": result.matched,
                "yokakunin": result.yokakunin,
                "torikeshi": len(reverse),
            },
        )
    result.errors = errors
    return result


def kakuho_michaku(*, today: date) -> QuerySet[Nofu]:
    """速報 applied more than ``KAKUHO_MACHI_NISSU`` days ago and still without a 確報
    (nor voided): for the clerk to ask the 代行業者."""
    voided = Nofu.objects.filter(
        channel=NofuChannel.CONVENI_SOKUHO, status=NofuStatus.TORIKESHI
    ).values("torihiki")
    return (
        Nofu.objects.filter(
            channel=NofuChannel.CONVENI_SOKUHO,
            kakutei=False,
            shuno_date__lt=today - timedelta(days=KAKUHO_MACHI_NISSU),
        )
        .exclude(status=NofuStatus.TORIKESHI)
        .exclude(torihiki__in=voided)
        .select_related("kibetsu")
        .order_by("shuno_date", "pk")
    )
