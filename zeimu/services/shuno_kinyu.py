"""金融機関の納付書（領収済通知書）データ into the 収納 ledger (issue 18 item 2).

**What it is.** A taxpayer pays a 納付書 at the counter of the town's 指定金融機関 or a
収納代理金融機関; the bank keeps the 領収証書, and the 領収済通知書 travels to the
指定金融機関, which sends the town the data read from it: per 納付書 the 納付番号, the
amount, the day it was received (領収日) and the bank and branch that received it.

**The layout is ours (未確認).** No published national layout of this data was found
(searched 2026-12-07: 「公金収納データ レイアウト」「指定金融機関 収納データ 領収済通知書」
「MPN 収納データ」「地方税統一QRコード 収納データ」; each 指定金融機関 agrees its own with the
town, and the eL-QR 収納 data of 地方税共同機構 was not found either). So the product defines an
exchange layout in the shape of the 全銀協 files the banks already exchange (records of 120
bytes, JIS (cp932) half-width, CR+LF or none; 1 ヘッダー, 2 データ, 8 トレーラー, 9 エンド),
documented in docs/standard/shuno.md; a town whose bank sends another layout converts it, or
its byte positions are added here.

=========  ====  ==========================================================
Record     Byte  Item
=========  ====  ==========================================================
ヘッダー      1     データ区分 ``1``
           2–9   作成日 YYYYMMDD
           10–13 指定金融機関コード (the sender, 4 digits)
           14–19 全国地方公共団体コード (6 digits with its check digit: a file
                 for another town is refused whole)
データ       1     データ区分 ``2``
           2–9   領収日 YYYYMMDD (the day the bank received the money: the
                 payment's date in the ledger, so 延滞金 stops that day)
           10–13 金融機関コード (the bank that received it)
           14–16 店舗コード
           17–26 通番 (the bank's serial of the 領収済通知書)
           27–46 納付番号 (20 digits, the 期別's, with its check digit)
           47–56 金額 (10 digits, yen)
トレーラー    1     データ区分 ``8``
           2–9   データ件数
           10–21 金額合計
エンド       1     データ区分 ``9``
=========  ====  ==========================================================

**What happens** is what the コンビニ and 口座振替 imports do: a file that is not such a
file, imported before (SHA-256), for another town, or whose トレーラー does not add up (件数
and 金額合計) is refused whole with nothing written; a line that cannot be read is reported
by line and item and the others are loaded, in one transaction, set-based. A 納付書 is one
sale of the bank (金融機関・店舗・通番・領収日): a line naming one already loaded from another
file (a bank that sends a day again with more lines) is reported and not counted twice. There
is no 速報/確報 here: the bank sends the data once the 領収済通知書 are read (a 速報 of
counter payments, where a bank sends one, is not built).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.selectors.current import current_municipality
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kibetsu, Nofu, NofuChannel, NofuStatus, Shuno, ShunoFile
from zeimu.services.shuno import nofu_bango_valid
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


@dataclass(frozen=True)
class _Line:
    line: int
    ryoshu_date: date
    torihiki: str
    nofu_bango: str
    amount: int


def _read_line(line: int, r: bytes, today: date, errors: list[LineError]) -> _Line | None:
    ryoshu = ymd(r[1:9])
    if ryoshu is None:
        errors.append(LineError(line, "領収日", "年月日（YYYYMMDD）ではありません。"))
        return None
    if ryoshu > today:
        errors.append(LineError(line, "領収日", "取込日より後の日付です。"))
        return None
    for name, raw in (("金融機関コード", r[9:13]), ("店舗コード", r[13:16]), ("通番", r[16:26])):
        if not raw.isdigit():
            errors.append(LineError(line, name, "半角の数字ではありません。"))
            return None
    bango = r[26:46].decode("ascii", "replace")
    if not nofu_bango_valid(bango):
        errors.append(
            LineError(line, "納付番号", "20桁の数字で検査数字が正しいものではありません。")
        )
        return None
    raw_amount = r[46:56]
    if not raw_amount.isdigit() or int(raw_amount) <= 0:
        errors.append(LineError(line, "金額", "1円以上の半角の数字（10桁）ではありません。"))
        return None
    torihiki = "-".join(x.decode("ascii") for x in (r[9:13], r[13:16], r[16:26]))
    torihiki += f"-{ryoshu:%Y%m%d}"
    return _Line(line, ryoshu, "K" + torihiki, bango, int(raw_amount))


def kinyu_import(*, data: bytes, name: str, actor: Actor, today: date) -> ImportResult:
    """Import one 金融機関の納付書 data file (see the module's docstring)."""
    sha = new_file_sha256(data)
    recs = _records(data)
    if not recs or recs[0][:1] != b"1":
        raise FileRefused("1行目がヘッダー・レコード（データ区分 1）ではありません。")
    head = recs[0]
    if ymd(head[1:9]) is None or not head[9:13].isdigit():
        raise FileRefused("ヘッダーの作成日・指定金融機関コードが読めません。")
    file_code = head[13:19].decode("ascii", "replace")
    town_code = current_municipality().dantai_code
    if file_code != town_code:
        raise FileRefused(
            f"ヘッダーの地方公共団体コード（{file_code}）がこの町のコード（{town_code}）と"
            "違います。他の団体のファイルではありませんか。"
        )
    data_lines = [(i, r) for i, r in enumerate(recs, start=1) if r[:1] == b"2"]
    trailer = next((r for r in recs if r[:1] == b"8"), None)
    if trailer is None:
        raise FileRefused("トレーラー・レコード（データ区分 8）がありません。")
    count, total = trailer[1:9], trailer[9:21]
    if not count.isdigit() or int(count) != len(data_lines):
        raise FileRefused(
            f"トレーラー・レコードのデータ件数（{count.decode('ascii', 'replace').strip()}）が"
            f"データ・レコードの数（{len(data_lines)}）と合いません。"
        )
    amounts = [r[46:56] for _, r in data_lines]
    if all(a.isdigit() for a in amounts) and (
        not total.isdigit() or int(total) != sum(int(a) for a in amounts)
    ):
        raise FileRefused(
            f"トレーラー・レコードの金額合計（{total.decode('ascii', 'replace').strip()}）が"
            "データ・レコードの金額の計と合いません。"
        )

    errors: list[LineError] = []
    lines = [x for i, r in data_lines if (x := _read_line(i, r, today, errors)) is not None]
    result = ImportResult(file_id=0, lines=len(data_lines), errors=errors)
    who = actor.username or actor.api_client or "system"
    with transaction.atomic():
        f = ShunoFile.objects.create(
            channel=NofuChannel.KINYU, name=name[:200], sha256=sha, created_by=who
        )
        result.file_id = f.pk
        numbers = sorted({x.nofu_bango for x in lines})
        kib_of: dict[str, int] = {}
        for i in range(0, len(numbers), 1000):
            kib_of.update(
                Kibetsu.objects.filter(nofu_bango__in=numbers[i : i + 1000]).values_list(
                    "nofu_bango", "pk"
                )
            )
        keys = sorted({x.torihiki for x in lines})
        seen: set[str] = set()
        for i in range(0, len(keys), 1000):
            seen.update(
                Nofu.objects.filter(
                    channel=NofuChannel.KINYU, torihiki__in=keys[i : i + 1000]
                ).values_list("torihiki", flat=True)
            )
        new_nofu: list[Nofu] = []
        applied: list[tuple[Nofu, int]] = []
        for x in lines:
            if x.torihiki in seen:
                errors.append(
                    LineError(
                        x.line,
                        "通番",
                        "この納付書（同じ金融機関・店舗・通番・領収日）は取込済みです"
                        "（重ねて消し込みません）。",
                    )
                )
                continue
            seen.add(x.torihiki)
            kib = kib_of.get(x.nofu_bango)
            n = Nofu(
                channel=NofuChannel.KINYU,
                status=NofuStatus.KESHIKOMI if kib is not None else NofuStatus.YOKAKUNIN,
                shuno_date=x.ryoshu_date,
                amount=x.amount,
                nofu_bango=x.nofu_bango,
                kibetsu_id=kib,
                file=f,
                line_no=x.line,
                torihiki=x.torihiki,
                created_by=who,
            )
            new_nofu.append(n)
            result.amount += x.amount
            if kib is not None:
                applied.append((n, kib))
                result.matched += 1
            else:
                result.yokakunin += 1
        Nofu.objects.bulk_create(new_nofu, batch_size=2000)
        shuno = nofu_shuno(applied, who)
        Shuno.objects.bulk_create(shuno, batch_size=2000)
        kesson_teisei([s.kibetsu_id for s in shuno], actor=actor)
        entaikin_kakutei([(s.kibetsu_id, s.on) for s in shuno], actor=actor)
        f.lines = result.lines
        f.matched, f.yokakunin = result.matched, result.yokakunin
        f.amount = result.amount
        f.errors = [e.as_json() for e in errors]
        f.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="金融機関の納付書データの取込",
            record_type="zeimu.ShunoFile",
            record_id=f.pk,
            record_count=len(new_nofu),
            detail={"matched": result.matched, "yokakunin": result.yokakunin},
        )
    result.errors = errors
    return result
