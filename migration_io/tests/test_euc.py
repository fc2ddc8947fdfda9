"""Issue 19 item 6: EUC extraction over the 中間標準レイアウト's items.

The wizard's definition is checked per item type (equals / range / contains) with
Japanese messages; 個人番号 is offered only with the grant 個人番号の表示; the job reads on
a read-only connection, leaves out persons under 支援措置, filters and sorts, and writes
CSV (tenants.csvout) or XLSX (no formula cells); every extraction and download is in the
access log with its items and row count; 寒川町 never sees 葉山町's rows.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.db import InternalError
from django.db import connection as dj_connection
from openpyxl import load_workbook

from juminkiroku.tests.factories import (
    family,
    household_tennyu,
    katagaki_set,
    person_fields,
    shien_set,
)
from migration_io.euc.jobs import EUC, euc_dir, output_name, result_of
from migration_io.euc.readonly import readonly_reads
from migration_io.euc.spec import Definition, DefinitionError, Filter, SortKey, definition_check
from migration_io.layout import layout_load
from tenants.accesslog.models import AccessAction, AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.grants.services import grant_give
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tenants.models import StaffUser
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db

LAYOUT = "jumin_kihon_daicho"


@pytest.fixture
def extractions() -> Iterator[list[tuple[Any, Job]]]:
    made: list[tuple[Any, Job]] = []
    yield made
    for town, job in made:
        connection.set_tenant(town.municipality)
        shutil.rmtree(default_storage.path(euc_dir(job)), ignore_errors=True)
    connection.set_schema_to_public()


def _actor(username: str) -> Actor:
    return Actor(user_id=StaffUser.objects.get(username=username).pk, username=username)


def _run(town: Any, capture: Any, made: list, username: str, **params: Any) -> Job:
    connection.set_tenant(town.municipality)
    with capture(execute=True):
        job = job_start(kind=EUC.code, params={"layout": LAYOUT, **params}, actor=_actor(username))
    job.refresh_from_db()
    made.append((town, job))
    return job


def _csv(job: Job) -> list[list[str]]:
    with default_storage.open(f"{euc_dir(job)}/{output_name(job)}", "rb") as handle:
        text = handle.read().decode("cp932" if job.params["format"] == "cp932" else "utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def _hayama() -> dict[str, Any]:
    _, (taro, hanako, ichiro) = household_tennyu("hayama", members=family("抽出", "チュウシュツ"))
    _, (other,) = household_tennyu(
        "hayama",
        members=[
            person_fields(
                shimei="数式　次郎",
                shimei_kana="スウシキ　ジロウ",
                birth_date="1999-12-31",
                kojin_bango="",
            )
        ],
    )
    katagaki_set(other.pk, "=1+1")
    _, (hidden,) = household_tennyu(
        "hayama",
        members=[person_fields(shimei="保護　三郎", shimei_kana="ホゴ　サブロウ")],
    )
    shien_set(hidden.pk)
    return {"taro": taro, "hanako": hanako, "ichiro": ichiro, "other": other, "hidden": hidden}


def test_the_definition_is_checked_per_item_type_and_kojin_bango_needs_its_grant():
    layout = layout_load(LAYOUT)

    def check(kojin_bango: bool = False, **kw: Any) -> Any:
        return definition_check(
            layout,
            Definition(**{"layout": LAYOUT, "file": "JUMIN", "items": ("ATENA_NO",), **kw}),
            kojin_bango=kojin_bango,
        )

    def refused(**kw: Any) -> list[str]:
        with pytest.raises(DefinitionError) as caught:
            check(**kw)
        return caught.value.messages

    # a code item by its word or code; a date range in 和暦; contains on text
    ok = check(
        filters=(
            Filter("SEIBETSU", "eq", "女"),
            Filter("SEINENGAPPI", "range", "昭和50年1月1日", "R1.5.1"),
            Filter("SHIMEI_KANA", "contains", "タロウ"),
        ),
        sort=(SortKey("SEINENGAPPI", desc=True),),
    )
    assert [f.low for f in ok.filters] == ["女", date(1975, 1, 1), "タロウ"]
    assert ok.filters[1].high == date(2019, 5, 1)
    assert check(filters=(Filter("SEIBETSU", "eq", "1"),)).filters[0].low == "男"
    # refused, with the item named and never the value
    assert refused(filters=(Filter("SEINENGAPPI", "contains", "1980"),)) == [
        "「生年月日」には「含む」は使えません（文字の項目だけ）。"
    ]
    assert refused(filters=(Filter("SHIMEI", "range", "あ", "ん"),)) == [
        "「氏名」には範囲は使えません（日付と数値の項目だけ）。"
    ]
    assert refused(filters=(Filter("SEIBETSU", "eq", "秘密の値"),))[0].startswith(
        "「性別コード」には 男、女"
    )
    assert "秘密の値" not in " ".join(refused(filters=(Filter("SEIBETSU", "eq", "秘密の値"),)))
    assert refused(filters=(Filter("SEINENGAPPI", "range", "2000/1/1", "1990/1/1"),)) == [
        "「生年月日」の範囲の始めが終わりより後です。"
    ]
    assert refused(filters=(Filter("SEINENGAPPI", "eq", "平成31年5月1日"),))  # not in 平成
    assert refused(items=()) == ["出力する項目を一つ以上選んでください。"]
    assert refused(file="SETAI")  # not offered: households are not extracted yet
    # 個人番号: only with its grant, as item, condition or sort key
    assert refused(items=("KOJIN_BANGO",))
    assert refused(filters=(Filter("KOJIN_BANGO", "eq", "123"),))
    assert refused(sort=(SortKey("KOJIN_BANGO"),))
    assert check(kojin_bango=True, items=("ATENA_NO", "KOJIN_BANGO")).columns[1].name == "個人番号"


def test_readonly_reads_refuse_a_write_and_give_the_transaction_back(in_alpha):
    # given: inside a transaction (as a job chunk runs)
    from django.db import transaction

    with transaction.atomic():
        # when: a write is tried on the read-only connection
        with (
            pytest.raises(InternalError, match="read-only transaction"),
            readonly_reads() as alias,
        ):
            assert alias == "default"
            with dj_connection.cursor() as cursor:
                cursor.execute("SHOW transaction_read_only")
                assert cursor.fetchone() == ("on",)
                cursor.execute("CREATE TEMPORARY TABLE euc_probe (x int)")
        # then: the transaction writes again afterwards
        with dj_connection.cursor() as cursor:
            cursor.execute("SHOW transaction_read_only")
            assert cursor.fetchone() == ("off",)
            cursor.execute("CREATE TEMPORARY TABLE euc_probe2 (x int)")


def test_the_job_filters_sorts_leaves_out_protected_persons_and_logs(
    alpha, extractions, django_capture_on_commit_callbacks, monkeypatch
):
    # given: small chunks so the sort spans parts
    connection.set_tenant(alpha.municipality)
    people = _hayama()
    monkeypatch.setattr(EUC, "chunk_records", 2)
    # when: born 1980 or later, by 生年月日 descending, with 方書 and 性別
    job = _run(
        alpha,
        django_capture_on_commit_callbacks,
        extractions,
        "hayama-admin",
        file="JUMIN",
        items=["ATENA_NO", "SHIMEI", "SEIBETSU", "SEINENGAPPI", "KATAGAKI"],
        filters=[{"item": "SEINENGAPPI", "op": "range", "value": "1980/1/1", "value2": ""}],
        sort=[{"item": "SEINENGAPPI", "desc": True}],
    )
    # then
    assert job.status == JobStatus.SUCCEEDED, list(job.log.values_list("message", flat=True))
    assert job.chunks.count() == 3
    rows = _csv(job)
    assert rows[0] == ["宛名番号", "氏名", "性別コード", "生年月日", "方書"]
    assert rows[1:] == [
        [people["ichiro"].atena_no, "抽出　一郎", "男", "2010-04-01", ""],
        [people["other"].atena_no, "数式　次郎", "男", "1999-12-31", "'=1+1"],
        [people["hanako"].atena_no, "抽出　花子", "女", "1982-07-07", ""],
        [people["taro"].atena_no, "抽出　太郎", "男", "1980-05-05", ""],
    ]
    # the person under 支援措置 (born 1980-05-05 too) is not there
    assert all(people["hidden"].atena_no not in r for r in rows)
    # one EXPORT row with the items and the row count; no filter value in it
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(record_type="mio_euc", action=AccessAction.EXPORT)
    assert row.record_count == 4 and row.username == "hayama-admin"
    assert row.detail["items"] == ["ATENA_NO", "SHIMEI", "SEIBETSU", "SEINENGAPPI", "KATAGAKI"]
    assert row.detail["filters"] == [{"item": "SEINENGAPPI", "op": "range"}]
    assert "1980" not in str(row.detail) and not row.mynumber_viewed
    assert result_of(job)["rows"] == 4  # type: ignore[index]
    # no part is left behind
    assert default_storage.listdir(f"{euc_dir(job)}/parts")[1] == []


def test_xlsx_has_dates_as_dates_and_no_formula(
    alpha, extractions, django_capture_on_commit_callbacks
):
    # given
    connection.set_tenant(alpha.municipality)
    people = _hayama()
    # when
    job = _run(
        alpha,
        django_capture_on_commit_callbacks,
        extractions,
        "hayama-admin",
        file="JUMIN",
        items=["ATENA_NO", "KATAGAKI", "SEINENGAPPI", "KOJIN_BANGO"],
        filters=[{"item": "SHIMEI", "op": "contains", "value": "数式"}],
        format="xlsx",
    )
    # then
    assert job.status == JobStatus.SUCCEEDED
    with default_storage.open(f"{euc_dir(job)}/{output_name(job)}", "rb") as handle:
        sheet = load_workbook(io.BytesIO(handle.read())).active
    assert sheet is not None
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("宛名番号", "方書", "生年月日", "個人番号")
    assert values[1][0] == people["other"].atena_no and values[1][1] == "=1+1"
    assert sheet.cell(2, 2).data_type == "s"  # text, never a formula
    assert values[1][2].date() == date(1999, 12, 31)
    connection.set_tenant(alpha.municipality)
    row = AccessLog.objects.get(record_type="mio_euc", action=AccessAction.EXPORT)
    assert row.mynumber_viewed  # the 個人番号 column was extracted


def test_a_job_cannot_reach_kojin_bango_its_starter_may_not_see(
    alpha, extractions, django_capture_on_commit_callbacks
):
    # given: a clerk holding the EUC grant but not 個人番号の表示
    connection.set_tenant(alpha.municipality)
    _hayama()
    clerk = StaffUser.objects.get(username="hayama-clerk")
    grant_give(user_id=clerk.pk, code="euc", actor=Actor(user_id=None, username="office"))
    # when: the job is started by another road with 個人番号 among the items
    with pytest.raises(ValueError, match="選べない項目"):
        _run(
            alpha,
            django_capture_on_commit_callbacks,
            extractions,
            "hayama-clerk",
            file="JUMIN",
            items=["ATENA_NO", "KOJIN_BANGO"],
        )
    # then: nothing was made; the same without it runs
    connection.set_tenant(alpha.municipality)
    assert not Job.objects.filter(kind=EUC.code).exists()
    job = _run(
        alpha,
        django_capture_on_commit_callbacks,
        extractions,
        "hayama-clerk",
        file="JUMIN",
        items=["ATENA_NO"],
    )
    assert job.status == JobStatus.SUCCEEDED and len(_csv(job)) == 1 + 4  # 支援措置: out
    # and a viewer without the EUC grant cannot start one at all
    with pytest.raises(ValueError, match="EUC抽出の権限"):
        _run(
            alpha,
            django_capture_on_commit_callbacks,
            extractions,
            "hayama-viewer",
            file="JUMIN",
            items=["ATENA_NO"],
        )


def test_two_towns_extract_only_their_own_rows(
    alpha, beta, extractions, django_capture_on_commit_callbacks, login
):
    # given: people in both towns
    connection.set_tenant(beta.municipality)
    _, samukawa = household_tennyu("samukawa", members=family("寒川", "サムカワ"))
    connection.set_tenant(alpha.municipality)
    _hayama()
    # when: each town's administrator extracts every person's 宛名番号 and 氏名
    params = {"file": "JUMIN", "items": ["ATENA_NO", "SHIMEI", "DANTAI_CODE"]}
    mine = _run(alpha, django_capture_on_commit_callbacks, extractions, "hayama-admin", **params)
    theirs = _run(beta, django_capture_on_commit_callbacks, extractions, "samukawa-admin", **params)
    # then
    connection.set_tenant(alpha.municipality)
    hayama_rows = _csv(mine)[1:]
    assert {r[2] for r in hayama_rows} == {"143014"} and len(hayama_rows) == 4
    assert not any("寒川" in r[1] for r in hayama_rows)
    connection.set_tenant(beta.municipality)
    samukawa_rows = _csv(theirs)[1:]
    assert {r[0] for r in samukawa_rows} == {a.atena_no for a in samukawa}
    assert {r[2] for r in samukawa_rows} == {"143219"}
    # and 寒川町's administrator cannot download 葉山町's result on its host
    connection.set_schema_to_public()
    other = login("samukawa-admin", BETA_HOST)
    r = other.get(f"/migration/euc/job/{mine.pk}/download/")
    body = b"".join(r.streaming_content) if r.status_code == 200 else r.content
    assert "抽出".encode() not in body and b"143014" not in body
    if mine.pk != theirs.pk:
        assert r.status_code == 404


def test_the_wizard_previews_in_words_starts_the_job_and_downloads(
    alpha, extractions, django_capture_on_commit_callbacks, login
):
    # given
    connection.set_tenant(alpha.municipality)
    people = _hayama()
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)
    viewer = login("hayama-viewer", ALPHA_HOST)
    # a clerk of the 業務 without the grant is told why, and it is logged as refused
    page = viewer.get("/migration/euc/")
    assert page.status_code == 200 and "EUC抽出の権限がありません" in page.content.decode()
    assert viewer.get("/migration/euc/JUMIN/").status_code == 403
    # step 1 and the form: 個人番号 offered to the administrator (who holds the grant)
    start = admin.get("/migration/euc/").content.decode()
    assert "住民情報" in start and "/migration/euc/JUMIN/" in start and "世帯情報" not in start
    form = admin.get("/migration/euc/JUMIN/").content.decode()
    assert "個人番号" in form and "等しい" in form and "含む" in form
    # when: a preview of women, by 生年月日
    body = {
        "items": ["SHIMEI", "SEIBETSU", "SEINENGAPPI", "JUMIN_JOTAI"],
        "f1_item": "SEIBETSU",
        "f1_op": "eq",
        "f1_value": "女",
        "s1_item": "SEINENGAPPI",
        "s1_order": "asc",
        "format": "utf-8-sig",
        "action": "preview",
    }
    preview = admin.post("/migration/euc/JUMIN/", body).content.decode()
    # then: words and 和暦, never codes or ISO dates
    assert "抽出　花子" in preview and "抽出　太郎" not in preview
    assert "昭和57年7月7日" in preview and "1982-07-07" not in preview
    assert "<td>女</td>" in preview and "<td>住民</td>" in preview
    # a refused definition names the item
    bad = admin.post("/migration/euc/JUMIN/", {**body, "f1_op": "range"}).content.decode()
    assert "「性別コード」には範囲は使えません" in bad
    # when: started
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post("/migration/euc/JUMIN/", {**body, "action": "start"})
    assert r.status_code == 302
    connection.set_tenant(alpha.municipality)
    job = Job.objects.get(kind=EUC.code)
    extractions.append((alpha, job))
    assert job.status == JobStatus.SUCCEEDED
    connection.set_schema_to_public()
    result = admin.get(f"/migration/euc/job/{job.pk}/").content.decode()
    assert "1件" in result and "氏名、性別コード、生年月日、住民状態コード" in result
    got = admin.get(f"/migration/euc/job/{job.pk}/download/")
    assert got.status_code == 200
    text = b"".join(got.streaming_content).decode("utf-8-sig")
    assert text.splitlines()[1] == "抽出　花子,女,1982-07-07,住民"
    # another clerk of the town (even with the grant) does not get this person's result
    shinsa = login("hayama-shinsa", ALPHA_HOST)
    assert shinsa.get(f"/migration/euc/job/{job.pk}/download/").status_code == 404
    # then: the preview (SEARCH), the job (EXPORT) and the download (EXPORT) are logged
    connection.set_tenant(alpha.municipality)
    logged = AccessLog.objects.filter(record_type="mio_euc").order_by("id")
    kinds = [(r.action, r.record_count) for r in logged if r.username == "hayama-admin"]
    assert (AccessAction.SEARCH, 1) in kinds and kinds.count((AccessAction.EXPORT, 1)) == 2
    denied = logged.filter(username="hayama-viewer", action=AccessAction.DENIED)
    assert denied.count() == 2
    assert people["hanako"].atena_no  # (the person shown)
