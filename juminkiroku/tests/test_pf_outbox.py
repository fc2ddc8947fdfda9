"""他業務へのファイル連携 (標準仕様書 7.2.1): files of the changes since the last one, numbered
without gaps, complete or absent, one folder per town."""

from __future__ import annotations

import csv
import io
import os
from datetime import date
from pathlib import Path

import pytest

from juminkiroku.codes import IdoJiyu
from juminkiroku.models import PfFile, PfRenkei, RenkeiChange
from juminkiroku.models.togo import PfFileStatus
from juminkiroku.pf import outbox as pf
from juminkiroku.tests.factories import family, household_tennyu, person_fields, tenkyo
from juminkiroku.tests.togohelpers import bango, outbox_fixture  # noqa: F401 - fixture
from juminkiroku.togo.soshin import SYSTEM_ACTOR
from juminkiroku.togo.tasks import pf_file_task
from tenants.accesslog.models import AccessLog
from tenants.db import connection

pytestmark = pytest.mark.django_db


def read(path: Path) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff") and text.endswith("\r\n")
    return list(csv.reader(io.StringIO(text)))


def data_rows(folder: Path) -> list[list[str]]:
    rows: list[list[str]] = []
    for f in sorted(folder.glob("*.csv")):
        rows += [r for r in read(f) if r[0] == "2"]
    return rows


def test_files_hold_each_change_once_in_order_with_header_and_trailer(outbox, alpha, in_alpha):
    members = family()
    members[0]["kojin_bango"] = bango("12345678901")
    _, (head, _wife, _child) = household_tennyu("hayama", members=members)
    # when
    result = pf.pf_file_round(actor=SYSTEM_ACTOR)
    # then: one file, three changes, header and trailer that agree
    assert (result.files, result.changes) == (1, 3)
    folder = outbox / alpha.municipality.schema_name
    dantai = alpha.municipality.dantai_code
    first = folder / f"JKIDO_{dantai}_00000001.csv"
    assert sorted(p.name for p in folder.iterdir()) == [first.name]  # no temporary left
    rows = read(first)
    seqs = list(RenkeiChange.objects.order_by("seq").values_list("seq", flat=True))
    assert rows[0][:4] == ["1", pf.PF_LAYOUT, dantai, "1"]
    assert rows[0][5:] == ["0", str(seqs[-1]), "3"]  # after nothing, up to the last change
    assert rows[-1] == ["9", "3", str(seqs[-1])]
    names = [i.name for i in pf.PF_ITEMS]
    body = [dict(zip(names, r[1:], strict=True)) for r in rows[1:-1]]
    assert [b["renkei_no"] for b in body] == [str(s) for s in seqs]
    assert [b["shimei"] for b in body] == ["山田　太郎", "山田　花子", "山田　一郎"]
    assert body[0]["atena_no"] == head.atena_no and body[0]["ido_jiyu"] == IdoJiyu.TENNYU
    assert body[1]["setainushi_shimei"] == "山田　太郎" and body[1]["zokugara"] == "02"
    # the 個人番号 is not in a file every 業務 reads
    assert bango("12345678901") not in first.read_text(encoding="utf-8")
    # nothing new: no file; a 転居: the next 連番 holds it alone
    assert pf.pf_file_round(actor=SYSTEM_ACTOR).files == 0
    tenkyo([head], ido_date=date(2024, 6, 1), todoke_date=date(2024, 6, 1))
    assert pf.pf_file_round(actor=SYSTEM_ACTOR).files == 1
    second = read(folder / f"JKIDO_{dantai}_00000002.csv")
    assert second[0][5] == str(seqs[-1])  # starts where the first file ended
    assert [r[0] for r in second] == ["1", "2", "9"] and dict(
        zip(names, second[1][1:], strict=True)
    )["ido_jiyu"] == (IdoJiyu.TENKYO)
    assert len(data_rows(folder)) == RenkeiChange.objects.count() == 4
    files = list(PfFile.objects.order_by("file_no"))
    assert [(f.file_no, f.status) for f in files] == [(1, "written"), (2, "written")]
    assert files[1].from_seq == files[0].to_seq
    log = AccessLog.objects.filter(screen="他業務連携ファイルの作成").order_by("id")
    assert [r.record_count for r in log] == [3, 1]
    assert log[0].detail["atena_ids"] == sorted(a.pk for a in (head, _wife, _child))


def test_a_worker_that_dies_loses_nothing_and_duplicates_nothing(
    outbox, alpha, in_alpha, monkeypatch
):
    household_tennyu("hayama", members=[person_fields()])
    folder = outbox / alpha.municipality.schema_name
    # dies after planning, before writing
    planned = pf.plan_next()
    assert planned is not None and planned.status == PfFileStatus.PLANNED
    assert not folder.exists() or not list(folder.glob("*.csv"))
    # dies in the middle of the rename: the final name never holds a part of a file
    real_replace = os.replace

    def broken(src: str, dst: str) -> None:
        raise OSError("disk went away")

    monkeypatch.setattr(pf.os, "replace", broken)
    assert pf_file_task() is None  # the task notes the failure, in words, and stops
    assert PfRenkei.objects.get().last_error == "連携ファイルを書き込めませんでした。"
    assert not list(folder.glob("*.csv"))
    monkeypatch.setattr(pf.os, "replace", real_replace)
    household_tennyu("hayama", members=[person_fields(shimei="鈴木　一")])
    # the next round writes the planned file first, with the same 連番, then the new change
    result = pf.pf_file_round(actor=SYSTEM_ACTOR)
    assert (result.files, result.changes) == (2, 2)
    assert sorted(p.name for p in folder.iterdir()) == [
        f"JKIDO_{alpha.municipality.dantai_code}_00000001.csv",
        f"JKIDO_{alpha.municipality.dantai_code}_00000002.csv",
    ]
    shimei_at = [i.name for i in pf.PF_ITEMS].index("shimei") + 1
    assert [r[shimei_at] for r in data_rows(folder)] == ["山田　太郎", "鈴木　一"]
    assert PfRenkei.objects.get().last_file_no == 2
    assert PfRenkei.objects.get().last_error == ""


def test_each_town_writes_its_own_folder_only(outbox, alpha, beta):
    connection.set_tenant(alpha.municipality)
    household_tennyu("hayama")
    connection.set_tenant(beta.municipality)
    household_tennyu("samukawa", members=[person_fields(shimei="寒川　二")])
    assert pf_file_task() == {"files": 1, "changes": 1}
    connection.set_tenant(alpha.municipality)
    assert pf_file_task() == {"files": 1, "changes": 1}
    hayama = outbox / alpha.municipality.schema_name
    samukawa = outbox / beta.municipality.schema_name
    assert [p.name for p in samukawa.iterdir()] == [
        f"JKIDO_{beta.municipality.dantai_code}_00000001.csv"
    ]
    assert "山田　太郎" not in (
        samukawa / f"JKIDO_{beta.municipality.dantai_code}_00000001.csv"
    ).read_text(encoding="utf-8")
    text = (hayama / f"JKIDO_{alpha.municipality.dantai_code}_00000001.csv").read_text(
        encoding="utf-8"
    )
    assert "山田　太郎" in text and "寒川　二" not in text
    assert PfFile.objects.count() == 1  # 葉山町's own


def test_task_does_nothing_without_an_outbox(settings, in_alpha):
    settings.JC_PF_OUTBOX_ROOT = ""
    household_tennyu("hayama")
    assert pf_file_task() is None
    assert PfFile.objects.count() == 0
