"""他業務へのファイル連携 (標準仕様書 7.2.1「住民記録システムより他業務ユニットへのデータ送信」):
every few minutes, the changes since the last file go into the next file of the town's
outbox folder, for the other 業務 systems of the town to pick up.

**Layout status: ours, the closest we could define.** 7.2.1 names the 地域情報プラットフォーム
標準仕様 (APPLIC) and its 準拠レイアウト for 住民基本台帳. APPLIC publishes its 標準仕様書 to
members; the item layouts of the 住民基本台帳 業務ユニット were not found in public sources
(searched 2026-12-06: docs and pages corpora for APPLIC 地域情報プラットフォーム 標準仕様 住民基本
台帳; only overviews — that it standardises the data items and the linkage procedures
between 業務 systems, SOAP or file — are public). So the file carries the items every
業務 takes from 住民記録 in that role (the person's keys, 4情報, 世帯 and 続柄, the dates), in
the same item order as the 統合宛名 record (juminkiroku.togo.layout) but **without the
個人番号**: a file every 業務 system reads is no place for it; the feed API gives it only to
an entitled 事務 (番号法 第19条, scope ``jukinet_renkei:kojin_bango``).

**File.** ``JKIDO_<団体コード>_<連番8桁>.csv`` in ``JC_PF_OUTBOX_ROOT/<schema>/``; CSV through
the platform's writer (``tenants.csvout.CsvWriter``), UTF-8 without BOM, CRLF. Records:
``1`` header (layout, 団体コード, 連番, 作成日時, the last 連携番号 of the previous file, the
last 連携番号 of this one, 件数), ``2`` one per change in feed order, ``9`` trailer (件数,
last 連携番号). A receiver checks that the trailer's 件数 equals the ``2`` records it read,
that the 連番 follow each other and that each header starts where the previous file ended
(連携番号 themselves may skip values: a sequence does not reuse a rolled-back number).

**Never missed, never twice, complete or absent.** A round first *plans* the next file in
one transaction: it takes the feed rows after the town's cursor, gives them the next 連番
and moves the cursor (``PfFile`` + ``PfRenkei``). Then it *writes* the planned file to a
hidden temporary name in the same folder, fsyncs it and renames it into place (atomic on
one file system), and marks it written. A worker that dies between the two leaves a
planned file: the next round writes it (the same rows, the same 連番 and 作成日時) before
planning another. So every change is in exactly one 連番, and a file under its final name
is always whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from juminkiroku.cs.common import shichoson_code
from juminkiroku.gyomu import JUKINET_RENKEI
from juminkiroku.models import PfFile, PfRenkei, RenkeiChange
from juminkiroku.models.togo import PfFileStatus
from juminkiroku.togo.layout import TOGO_ITEMS
from juminkiroku.togo.values import change_values
from tenants.accesslog.models import AccessAction
from tenants.accesslog.services import Actor, access_record
from tenants.csvout import UTF8_BOM, CsvWriter
from tenants.db import connection

PF_LAYOUT = "PF-JUKI-IDO-01"
FILE_MAX = 5000  # changes a file at most; a busy morning goes out as several files
PF_ITEMS = tuple(i for i in TOGO_ITEMS if i.name not in ("kojin_bango", "soshin_kubun"))
HEADINGS = ("レコード区分", *(i.label for i in PF_ITEMS))
HEADER_KUBUN, DATA_KUBUN, TRAILER_KUBUN = "1", "2", "9"


class PfError(Exception):
    """The file linkage cannot run (Japanese message)."""


def outbox_root() -> str:
    return str(getattr(settings, "JC_PF_OUTBOX_ROOT", "") or "")


def outbox_dir() -> Path:
    """The current town's outbox folder (one folder per town: a town's files are never
    where another town's receiver looks)."""
    root = outbox_root()
    if not root:
        raise PfError("他業務連携ファイルの出力先が設定されていません。")
    return Path(root) / connection.schema_name


def pf_link(*, lock: bool) -> PfRenkei:
    PfRenkei.objects.get_or_create(pk=1)
    qs = PfRenkei.objects.select_for_update() if lock else PfRenkei.objects
    return qs.get(pk=1)


def file_name(file_no: int) -> str:
    return f"JKIDO_{shichoson_code()}_{file_no:08d}.csv"


def plan_next(*, limit: int = FILE_MAX) -> PfFile | None:
    """Give the feed rows after the cursor the next 連番, in one transaction; None when
    nothing changed."""
    with transaction.atomic(durable=True):
        link = pf_link(lock=True)
        seqs = list(
            RenkeiChange.objects.filter(seq__gt=link.after)
            .order_by("seq")
            .values_list("seq", flat=True)[:limit]
        )
        if not seqs:
            return None
        no = link.last_file_no + 1
        planned = PfFile.objects.create(
            file_no=no,
            from_seq=link.after,
            to_seq=seqs[-1],
            count=len(seqs),
            name=file_name(no),
        )
        link.after, link.last_file_no = seqs[-1], no
        link.save(update_fields=["after", "last_file_no"])
    return planned


def _rows(planned: PfFile) -> list[list[Any]]:
    dantai = shichoson_code()
    changes = (
        RenkeiChange.objects.filter(seq__gt=planned.from_seq, seq__lte=planned.to_seq)
        .select_related("atena", "ido", "rireki", "rireki__setai", "atena__setai")
        .order_by("seq")
    )
    made = timezone.localtime(planned.planned_at).strftime("%Y%m%d%H%M%S")
    rows: list[list[Any]] = [
        [
            HEADER_KUBUN,
            PF_LAYOUT,
            dantai,
            planned.file_no,
            made,
            planned.from_seq,
            planned.to_seq,
            planned.count,
        ]
    ]
    for change in changes.iterator(chunk_size=1000):
        values = change_values(change, dantai)
        rows.append(
            [DATA_KUBUN, *("" if values[i.name] is None else str(values[i.name]) for i in PF_ITEMS)]
        )
    rows.append([TRAILER_KUBUN, len(rows) - 1, planned.to_seq])
    return rows


def write_planned(planned: PfFile, *, actor: Actor) -> Path:
    """Write a planned file: temporary name, fsync, rename, then mark it written."""
    folder = outbox_dir()
    folder.mkdir(parents=True, exist_ok=True)
    rows = _rows(planned)
    if rows[-1][1] != planned.count:  # the feed never loses a row; say so loudly if it did
        raise PfError("連携異動の件数が計画と一致しません。")
    final = folder / planned.name
    temp = folder / f".{planned.name}.tmp"
    with temp.open("wb") as fh:
        writer = CsvWriter(fh, encoding=UTF8_BOM, bom=False, headings=HEADINGS)
        writer.writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(temp, final)
    dir_fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    with transaction.atomic(durable=True):
        PfFile.objects.filter(pk=planned.pk, status=PfFileStatus.PLANNED).update(
            status=PfFileStatus.WRITTEN, written_at=timezone.now()
        )
        PfRenkei.objects.filter(pk=1).update(last_error="")
        access_record(
            actor=actor,
            action=AccessAction.EXPORT,
            gyomu=JUKINET_RENKEI,
            screen="他業務連携ファイルの作成",
            record_type="atena",
            record_count=planned.count,
            detail={
                "file_no": planned.file_no,
                "atena_ids": sorted(
                    set(
                        RenkeiChange.objects.filter(
                            seq__gt=planned.from_seq, seq__lte=planned.to_seq
                        ).values_list("atena_id", flat=True)
                    )
                ),
            },
        )
    return final


@dataclass
class RoundResult:
    files: int = 0
    changes: int = 0


def pf_file_round(*, actor: Actor, max_files: int = 20) -> RoundResult:
    """Finish any planned file, then plan and write new ones until the feed is caught up."""
    result = RoundResult()
    for planned in PfFile.objects.filter(status=PfFileStatus.PLANNED).order_by("file_no"):
        write_planned(planned, actor=actor)
        result.files += 1
        result.changes += planned.count
    for _ in range(max_files):
        planned_next = plan_next()
        if planned_next is None:
            break
        write_planned(planned_next, actor=actor)
        result.files += 1
        result.changes += planned_next.count
    return result


def note_error(message: str) -> None:
    with transaction.atomic(durable=True):
        PfRenkei.objects.get_or_create(pk=1)
        PfRenkei.objects.filter(pk=1).update(last_error=message[:200], last_error_at=timezone.now())
