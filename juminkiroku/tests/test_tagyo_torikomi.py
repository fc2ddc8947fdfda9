"""他業務連携ファイルの取込 (標準仕様書 7.2.1, our side): cp932 and UTF-8, errors by file,
line and item with nothing taken in, idempotent on re-import, the periodic task and the
command, the screen, and each town's own drop folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from juminkiroku.models import TagyoJoho, TagyoJohoRireki, TagyoTorikomi
from juminkiroku.tagyo.tasks import tagyo_torikomi_task
from juminkiroku.tagyo.torikomi import COLUMNS, SYSTEM_ACTOR, tagyo_torikomi_file
from juminkiroku.tests.factories import household_tennyu, person_fields
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tests.personas import ALPHA_HOST

pytestmark = pytest.mark.django_db

HEADER = ",".join(h for _, h in COLUMNS)


def person(town: str):
    _, (p,) = household_tennyu(town, members=[person_fields()])
    return p


def csv_of(*rows: str) -> str:
    return "\r\n".join([HEADER, *rows]) + "\r\n"


def test_a_cp932_file_is_taken_in_whole_and_once(in_alpha):
    p = person("hayama")
    text = csv_of(
        f"{p.atena_no},kokuho,1,令和6年4月1日,,,,,,,国民健康保険システム（髙橋商会）",
        f"{p.atena_no},nenkin,1,2019-05-01,,1234567890,1,2019-05-01,,,国民年金システム",
        f"{p.atena_no},jido_teate_jukyu,,,,,,,2024-06,令和7年3月,児童手当システム",
    )
    data = text.encode("cp932")
    # when the file is taken in, then the same bytes again
    first = tagyo_torikomi_file(name="kokuho_0401.csv", data=data, actor=SYSTEM_ACTOR)
    second = tagyo_torikomi_file(name="kokuho_0401_again.csv", data=data, actor=SYSTEM_ACTOR)
    # then every row is stored once, with its source; the second is a duplicate
    assert (first.status, first.rows, first.changed) == ("done", 3, 3)
    assert second.status == "duplicate"
    kokuho = TagyoJoho.objects.get(atena=p, kind="kokuho")
    assert (kokuho.gaito, kokuho.shutoku_date) == (True, date(2024, 4, 1))
    assert kokuho.shutsusho == "国民健康保険システム（髙橋商会）"
    teate = TagyoJoho.objects.get(atena=p, kind="jido_teate_jukyu")
    assert (teate.kaishi_ym, teate.shuryo_ym) == (date(2024, 6, 1), date(2025, 3, 1))
    assert TagyoJohoRireki.objects.filter(torikomi=first).count() == 3
    log = AccessLog.objects.get(record_type="tagyo_torikomi", record_id=str(first.pk))
    assert (log.record_count, log.detail["atena_ids"]) == (3, [p.pk])
    # a new file with the same rows changes nothing (UTF-8 this time)
    third = tagyo_torikomi_file(
        name="utf8.csv", data=("\ufeff" + text).encode("utf-8"), actor=SYSTEM_ACTOR
    )
    assert (third.status, third.changed) == ("done", 0)
    assert TagyoJohoRireki.objects.count() == 3


def test_errors_name_line_and_item_and_nothing_is_taken_in(in_alpha):
    p = person("hayama")
    text = csv_of(
        f"{p.atena_no},kokuho,1,2024-04-01,,,,,,,国保",  # good, but the file fails
        f"{p.atena_no},kaigo,2,,,,,,,,介護",  # 該当の有無 not 1/0
        f"{p.atena_no},koki,1,2024-04-01,2024-03-01,,,,,,後期",  # 喪失 before 取得
        f"{p.atena_no},kokuho,1,,,,,,,,国保",  # same person and 業務 as line 2
        f"{p.atena_no},jido_teate_jukyu,1,,,,,,,,児童",  # 該当 is not an item of 児童手当
        "000000000000,senkyo_meibo,1,,,,,,,,選挙",  # no such person
        f"{p.atena_no},senkyo_meibo,1,,,,,,,,選\x01挙",  # control character
        f"{p.atena_no},kome,1,,,,,,,,米穀",  # no such 業務
    )
    record = tagyo_torikomi_file(name="bad.csv", data=text.encode("utf-8"), actor=SYSTEM_ACTOR)
    assert record.status == "rejected"
    found = {(e["line"], e["item"]) for e in record.errors}
    assert found >= {
        (3, "被保険者該当の有無"),
        (4, "資格喪失年月日"),
        (5, ""),
        (6, "該当の有無"),
        (7, "宛名番号"),
        (8, "送信元システム"),
        (9, "業務コード"),
    }, record.errors
    assert "選\x01挙" not in str(record.errors) and p.atena_no not in str(record.errors)
    assert not TagyoJoho.objects.exists()
    # the header must be the layout's; an undecodable file is refused as such
    wrong = tagyo_torikomi_file(name="h.csv", data=b"a,b\r\n1,2\r\n", actor=SYSTEM_ACTOR)
    assert wrong.errors[0]["line"] == 1
    binary = tagyo_torikomi_file(name="b.csv", data=b"\xff\xfe\x00\x81", actor=SYSTEM_ACTOR)
    assert "文字コード" in binary.errors[0]["message"]


def test_task_takes_each_towns_folder_and_moves_files(alpha, beta, tmp_path: Path, login):
    with override_settings(JC_TAGYO_INBOX=tmp_path):
        connection.set_tenant(alpha.municipality)
        p = person("hayama")
        alpha_dir = tmp_path / alpha.municipality.dantai_code
        alpha_dir.mkdir(parents=True)
        (alpha_dir / "a.csv").write_bytes(
            csv_of(f"{p.atena_no},kaigo,1,2024-04-01,,,,,,,介護保険システム").encode("cp932")
        )
        (alpha_dir / "b.csv").write_bytes(csv_of(f"{p.atena_no},kaigo,9,,,,,,,,介護").encode())
        beta_dir = tmp_path / beta.municipality.dantai_code
        beta_dir.mkdir(parents=True)
        # 寒川町's folder holds a file naming 葉山町's person: not found there
        (beta_dir / "x.csv").write_bytes(
            csv_of(f"{p.atena_no},kaigo,1,,,,,,,,介護").encode("utf-8")
        )
        # when the periodic task runs in each town
        counts = tagyo_torikomi_task.apply().get()
        connection.set_tenant(beta.municipality)
        beta_counts = tagyo_torikomi_task.apply().get()
        # then each town took its own files, moved to done/ or error/
        assert counts == {"done": 1, "rejected": 1}
        assert beta_counts == {"rejected": 1}
        assert not TagyoJoho.objects.exists()  # 寒川町 has none
        assert [f.name[-5:] for f in (alpha_dir / "done").iterdir()] == ["a.csv"]
        assert [f.name[-5:] for f in (alpha_dir / "error").iterdir()] == ["b.csv"]
        assert not list(alpha_dir.glob("*.csv"))
        connection.set_tenant(alpha.municipality)
        assert TagyoJoho.objects.get(atena=p).shutsusho == "介護保険システム"
        # the command does the same (nothing left to take)
        call_command("tagyo_torikomi", "--schema", alpha.municipality.schema_name)
        # and the screen lists the files with their errors by line and item
        page = login("hayama-clerk", ALPHA_HOST).get("/juminkiroku/tagyo/torikomi/")
        text = page.content.decode()
        assert page.status_code == 200
        assert "a.csv" in text and "取込済" in text
        assert "2行目（被保険者該当の有無）" in text
        assert "x.csv" not in text  # 寒川町's file
    connection.set_tenant(alpha.municipality)
    assert TagyoTorikomi.objects.count() == 2
