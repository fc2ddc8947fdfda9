"""Payment files into the 収納 ledger (issue 18 item 2). Today: the 口座振替 result file
in the 全銀協 format (預金口座振替, 種別コード 91).

**The format.** Records of 120 bytes, JIS (cp932) half-width, with CR+LF after each or with
no line breaks at all (the banks' own help pages: 宮崎銀行, 北國銀行): 1 ヘッダー (委託者コード,
引落日 MMDD …), 2 データ (引落金額 N10 at byte 80, 新規コード, 顧客番号 N20 at byte 91,
振替結果コード N1 at byte 111: 0 振替済, 1 資金不足, 2 取引なし, 3 預金者の都合による振替停止,
4 預金口座振替依頼書なし, 8 委託者の都合による振替停止, 9 その他), 8 トレーラー (件数・金額,
振替済 and 振替不能), 9 エンド. The 顧客番号 is the 期別's 納付番号 (we write it so in the 依頼
file, issue 18 item 4).

**What happens.** The file is refused whole, with nothing written, when it is not such a
file (no ヘッダー, a record of the wrong length, the トレーラー's 件数 not the data's) or was
imported before (its SHA-256). Otherwise every data record is read; a record that cannot be
read is reported by line and field and the others are loaded: 振替済 → a payment matched by
its 納付番号 (or 要確認 when the number names no 期別), 振替不能 → kept with its reason (for
the failure notices and the 再振替). One transaction; set-based (one query per 1,000 numbers,
COPY).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from zeimu.gyomu import SHUNO_KANRI
from zeimu.models import Kibetsu, Nofu, NofuChannel, NofuStatus, Shuno, ShunoFile, ShunoKind
from zeimu.services.shuno_entaikin import entaikin_kakutei
from zeimu.services.shuno_kesson import kesson_teisei

RECORD = 120
FURIKAE_KEKKA = {
    "0": "振替済",
    "1": "資金不足",
    "2": "取引なし",
    "3": "預金者の都合による振替停止",
    "4": "預金口座振替依頼書なし",
    "8": "委託者の都合による振替停止",
    "9": "その他",
}


class FileRefused(Exception):
    """The whole file is refused; nothing was written (Japanese message)."""


@dataclass(frozen=True)
class LineError:
    line: int
    field: str
    message: str

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "field": self.field, "message": self.message}


@dataclass
class ImportResult:
    file_id: int
    lines: int = 0
    matched: int = 0
    yokakunin: int = 0
    funo: int = 0
    amount: int = 0
    errors: list[LineError] = field(default_factory=list)


def _records(data: bytes) -> list[bytes]:
    if b"\r\n" in data[: RECORD + 2]:
        recs = data.split(b"\r\n")
        if recs and recs[-1] == b"":
            recs.pop()
    elif len(data) % RECORD == 0:
        recs = [data[i : i + RECORD] for i in range(0, len(data), RECORD)]
    else:
        raise FileRefused(
            "全銀協形式のファイルではありません"
            "（120バイトのレコードが改行なし、または CR+LF 区切りで並ぶもの）。"
        )
    for i, r in enumerate(recs, start=1):
        if r.endswith(b"\x1a") and i == len(recs):  # an EOF mark of old DOS files
            r = r.rstrip(b"\x1a")
            recs[i - 1] = r
        if r and len(r) != RECORD:
            raise FileRefused(
                f"{i}行目: レコードの長さが120バイトではありません（{len(r)}バイト）。"
            )
    return [r for r in recs if r]


def new_file_sha256(data: bytes) -> str:
    """The SHA-256 of a 収納 file not imported before; a file with the same content already
    taken (by any channel) is refused whole."""
    sha = hashlib.sha256(data).hexdigest()
    if ShunoFile.objects.filter(sha256=sha).exists():
        raise FileRefused(
            "このファイルは取込済みです（同じ内容のファイルが既に取り込まれています）。"
        )
    return sha


def ymd(raw: bytes) -> date | None:
    """A YYYYMMDD field as a date, or None when it is not one."""
    s = raw.decode("ascii", "replace")
    if not s.isdigit():
        return None
    try:
        return date(int(s[:4]), int(s[4:6]), int(s[6:8]))
    except ValueError:
        return None


def nofu_shuno(applied: list[tuple[Nofu, int]], who: str) -> list[Shuno]:
    """The 収納 of each matched 納付 (``(nofu, kibetsu_id)``), dated its 収納日, unsaved."""
    return [
        Shuno(
            kibetsu_id=kib,
            kind=ShunoKind.NOFU,
            amount=n.amount,
            on=n.shuno_date,
            nofu=n,
            created_by=who,
        )
        for n, kib in applied
    ]


def _digits(raw: bytes, start: int, length: int) -> str | None:
    s = raw[start : start + length]
    return s.decode("ascii") if s.isdigit() else None


def _hikiotoshi_date(mmdd: str, today: date) -> date:
    """The 引落日 (MMDD) in the year that puts it nearest to ``today`` (a result file comes
    days after the 引落日; a January file may carry a December date)."""
    month, day = int(mmdd[:2]), int(mmdd[2:])
    candidates = []
    for year in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue
    if not candidates:
        raise ValueError(mmdd)
    return min(candidates, key=lambda d: abs((d - today).days))


def koza_kekka_import(*, data: bytes, name: str, actor: Actor, today: date) -> ImportResult:
    """Import one 口座振替 result file (see the module's docstring)."""
    sha = new_file_sha256(data)
    recs = _records(data)
    if not recs or recs[0][:1] != b"1":
        raise FileRefused("1行目がヘッダー・レコード（データ区分 1）ではありません。")
    head = recs[0]
    if head[1:3] != b"91":
        raise FileRefused("種別コードが 91（預金口座振替）ではありません。")
    mmdd = _digits(head, 54, 4)
    try:
        hikiotoshi = _hikiotoshi_date(mmdd or "", today)
    except ValueError:
        raise FileRefused("ヘッダー・レコードの引落日（月日）が正しくありません。") from None
    data_lines = [(i, r) for i, r in enumerate(recs, start=1) if r[:1] == b"2"]
    trailer = next((r for r in recs if r[:1] == b"8"), None)
    if trailer is None:
        raise FileRefused("トレーラー・レコード（データ区分 8）がありません。")
    count = _digits(trailer, 1, 6)
    if count is None or int(count) != len(data_lines):
        raise FileRefused(
            f"トレーラー・レコードの合計件数（{count or '読めません'}）が"
            f"データ・レコードの数（{len(data_lines)}）と合いません。"
        )
    errors: list[LineError] = []
    good: list[tuple[int, str, int, str]] = []  # line, 顧客番号, 金額, 結果コード
    for line, r in data_lines:
        amount = _digits(r, 80, 10)
        kokyaku = _digits(r, 91, 20)
        kekka = r[111:112].decode("ascii", "replace")
        if amount is None:
            errors.append(LineError(line, "引落金額", "数字ではありません。"))
            continue
        if kokyaku is None:
            errors.append(LineError(line, "顧客番号", "20桁の数字ではありません。"))
            continue
        if kekka not in FURIKAE_KEKKA:
            message = f"「{kekka}」は振替結果コードではありません。"
            errors.append(LineError(line, "振替結果コード", message))
            continue
        good.append((line, kokyaku, int(amount), kekka))

    result = ImportResult(file_id=0, lines=len(data_lines), errors=errors)
    who = actor.username or actor.api_client or "system"
    with transaction.atomic():
        f = ShunoFile.objects.create(
            channel=NofuChannel.KOZA, name=name[:200], sha256=sha, created_by=who
        )
        result.file_id = f.pk
        kib_of: dict[str, int] = {}
        nouki_of: dict[int, date] = {}  # (for the 延滞金: only a 期別 debited after it)
        numbers = sorted({k for _, k, _, kekka in good if kekka == "0"})
        for i in range(0, len(numbers), 1000):
            for bango, pk, nouki in Kibetsu.objects.filter(
                nofu_bango__in=numbers[i : i + 1000]
            ).values_list("nofu_bango", "pk", "nouki"):
                kib_of[bango] = pk
                nouki_of[pk] = nouki
        now = timezone.now()
        with connection.cursor() as cur:
            # (the sequence looked up once, not per row: zeimu.services.shuno.NEW_KIBETSU_IDS)
            cur.execute(
                "WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('zeimu_nofu', 'id')"
                "::regclass AS seq) SELECT nextval(s.seq) FROM s, generate_series(1, %s)",
                [len(good)],
            )
            ids = [int(r[0]) for r in cur.fetchall()]
        nofu_rows: list[tuple[object, ...]] = []
        shuno_rows: list[tuple[object, ...]] = []
        paid: list[int] = []  # the 期別 of the 収納 (for a 不納欠損 they may correct)
        for pk, (line, kokyaku, yen, kekka) in zip(ids, good, strict=True):
            kib = kib_of.get(kokyaku) if kekka == "0" else None
            if kekka != "0":
                status = NofuStatus.FUNO
                result.funo += 1
            elif kib is not None:
                status = NofuStatus.KESHIKOMI
                result.matched += 1
                result.amount += yen
                shuno_rows.append((kib, ShunoKind.NOFU, yen, hikiotoshi, pk, who, now))
                paid.append(kib)
            else:
                status = NofuStatus.YOKAKUNIN
                result.yokakunin += 1
                result.amount += yen
            note = FURIKAE_KEKKA[kekka] if kekka != "0" else ""
            nofu_rows.append(
                (pk, NofuChannel.KOZA, status, hikiotoshi, yen, kokyaku, kib, f.pk, line, note,
                 who, now)
            )  # fmt: skip
        # COPY: ≈ 10× bulk_create's INSERT … RETURNING for 100,000 rows
        with connection.cursor() as cur:
            with cur.cursor.copy(
                "COPY zeimu_nofu (id, channel, status, shuno_date, amount, nofu_bango, "
                "kibetsu_id, file_id, line_no, note, created_by, created_at) FROM STDIN"
            ) as copy:
                for row in nofu_rows:
                    copy.write_row(row)
            with cur.cursor.copy(
                'COPY zeimu_shuno (kibetsu_id, kind, amount, "on", nofu_id, created_by, '
                "created_at) FROM STDIN"
            ) as copy:
                for row in shuno_rows:
                    copy.write_row(row)
        kesson_teisei(paid, actor=actor)
        late = [(k, hikiotoshi) for k in paid if nouki_of[k] < hikiotoshi]
        if late:  # a 振替 on its 納期限 (the usual case) bears no 延滞金: no query
            entaikin_kakutei(late, actor=actor)
        f.lines = result.lines
        f.matched, f.yokakunin, f.funo = result.matched, result.yokakunin, result.funo
        f.amount = result.amount
        f.errors = [e.as_json() for e in errors]
        f.save()
        access_record(
            actor=actor,
            action=AccessAction.CREATE,
            gyomu=SHUNO_KANRI,
            screen="口座振替結果の取込",
            record_type="zeimu.ShunoFile",
            record_id=f.pk,
            record_count=len(nofu_rows),
            detail={"matched": result.matched, "yokakunin": result.yokakunin, "funo": result.funo},
        )
    return result
