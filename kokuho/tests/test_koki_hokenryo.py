"""The 広域連合's 保険料データ: imported through the job, streamed, all rows or none with
every error by line and item, the same file once, a 更正 replacing and an unchanged person
left alone; the 期別 調定 rows; 納付書 (普通徴収) printed in bulk and one at a time, read
back; and 寒川町 never sees 葉山町's."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.files.storage import default_storage

from juminkiroku.public import LookupStatus, atena_resolve
from juminkiroku.tests.factories import family
from kokuho.models import ImportStatus, KokiHokenryo, KokiHokenryoImport, KokiKibetsu, KokiShikaku
from kokuho.services.koki_hokenryo import AlreadyImported, koki_hokenryo_accept
from kokuho.services.koki_iryo import koki_shikaku_due
from kokuho.tests.factories import tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
HEAD = "被保険者番号,宛名番号,年度,年額,徴収方法,期,納期限,期別額\n"


def _couple(capture, town="hayama"):
    members = family()[:2]
    members[0]["birth_date"] = "1950-04-10"
    members[1]["birth_date"] = "1949-08-20"
    people = tennyu(capture, town, members=members, day=date(2020, 4, 1))[1]
    koki_shikaku_due(today=date(2025, 4, 30))
    return people


def _accept(capture, text: str, *, name: str = "hokenryo.csv", encoding: str = "utf-8-sig"):
    data = text.encode("utf-8-sig" if encoding == "utf-8-sig" else "cp932")
    with capture(execute=True):
        imp = koki_hokenryo_accept(
            file_name=name, upload=io.BytesIO(data), encoding=encoding, actor=ACTOR
        )
    imp.refresh_from_db()
    return imp


def _file(husband, wife, *, wife_ki3: int = 14000) -> str:
    """令和7年度: the husband 年金 特別徴収 (6期), the wife 普通徴収 (3期)."""
    lines = [HEAD]
    for ki, (nokigen, gaku) in enumerate(
        [("2025-04-15", 10000), ("2025-06-13", 10000), ("2025-08-15", 10000),
         ("2025-10-15", 10000), ("2025-12-15", 10000), ("2026-02-13", 10000)], start=1
    ):  # fmt: skip
        lines.append(f"12345678,{husband.atena_no},2025,60000,1,{ki},{nokigen},{gaku}\n")
    total = 14000 + 14000 + wife_ki3
    for ki, (nokigen, gaku) in enumerate(
        [("2025-07-31", 14000), ("2025-08-31", 14000), ("2025-09-30", wife_ki3)], start=1
    ):
        lines.append(f"23456789,{wife.atena_no},2025,{total},2,{ki},{nokigen},{gaku}\n")
    return "".join(lines)


def test_import_the_hokenryo_once_with_kibetsu_and_a_kosei(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    # when 葉山町 imports the 広域連合's file
    imp = _accept(django_capture_on_commit_callbacks, _file(husband, wife))
    # then every line is in, as 期別 調定 rows a ledger can take
    assert (imp.status, imp.rows, imp.persons, imp.replaced) == (ImportStatus.DONE, 9, 2, 0)
    h = KokiHokenryo.objects.get(atena_id=wife.pk, is_current=True)
    assert (h.nendo, h.nengaku, h.choshu, h.hihokensha_bango) == (
        2025,
        42000,
        "普通徴収",
        "23456789",
    )
    assert [(k.ki, k.choshu_hoho, k.nokigen, k.chotei_gaku) for k in h.kibetsu.order_by("ki")] == [
        (1, "futsu", date(2025, 7, 31), 14000),
        (2, "futsu", date(2025, 8, 31), 14000),
        (3, "futsu", date(2025, 9, 30), 14000),
    ]
    assert (
        KokiKibetsu.objects.filter(hokenryo__atena_id=husband.pk, choshu_hoho="tokubetsu").count()
        == 6
    )
    # and the 被保険者番号 the 広域連合 gave reaches the 資格
    assert KokiShikaku.objects.get(atena_id=husband.pk).hihokensha_bango == "12345678"
    log = AccessLog.objects.get(screen="kokuho.koki_hokenryo_import", record_id=str(imp.pk))
    assert sorted(log.detail["atena_ids"]) == sorted([husband.pk, wife.pk])
    # when the same file is sent again: refused, nothing changes
    with pytest.raises(AlreadyImported):
        _accept(django_capture_on_commit_callbacks, _file(husband, wife))
    # when a 更正 file changes the wife's 3期 (and repeats the husband unchanged)
    again = _accept(
        django_capture_on_commit_callbacks, _file(husband, wife, wife_ki3=9000), name="kosei.csv"
    )
    # then the wife has a new current row, the old one kept; the husband is untouched
    assert (again.status, again.persons, again.replaced) == (ImportStatus.DONE, 1, 1)
    assert KokiHokenryo.objects.filter(atena_id=wife.pk).count() == 2
    assert KokiHokenryo.objects.get(atena_id=wife.pk, is_current=True).nengaku == 37000
    assert KokiHokenryo.objects.filter(atena_id=husband.pk).count() == 1
    # and 寒川町 has none of it
    connection.set_tenant(beta.municipality)
    assert not KokiHokenryo.objects.exists() and not KokiHokenryoImport.objects.exists()


def test_a_file_with_errors_is_refused_whole_with_each_error_by_line_and_item(
    alpha, beta, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    # 寒川町's person: one whose 宛名番号 葉山町 does not hold (each town numbers its own
    # residents, so the first one made there may carry a number 葉山町 uses too)
    while True:
        connection.set_tenant(beta.municipality)
        b_husband, _ = _couple(django_capture_on_commit_callbacks, "samukawa")
        connection.set_tenant(alpha.municipality)
        if atena_resolve(b_husband.atena_no).status == LookupStatus.NOT_FOUND:
            break
    text = (
        HEAD
        + f"12345678,{husband.atena_no},2025,20000,1,1,2025-04-15,10000\n"  # Σ ≠ 年額 (line 2)
        + f"12345678,{husband.atena_no},2025,20000,1,2,2025-06-13,5000\n"
        + f"1234567X,{wife.atena_no},2025,abc,3,13,2025-02-30,100\n"  # 5 bad cells (line 4)
        + f"34567890,{b_husband.atena_no},2025,1000,2,1,2025-07-31,1000\n"  # 寒川町's person
        + f"23456789,{wife.atena_no},2025,1000,2,1,2025-07-31,1000\n"
    )
    # a file with bad cells is refused before the whole-file checks
    imp = _accept(django_capture_on_commit_callbacks, text)
    assert imp.status == ImportStatus.REJECTED and imp.rows == 0
    assert [(e["line"], e["field"]) for e in imp.errors] == [
        (4, "年額"),
        (4, "徴収方法"),
        (4, "期"),
        (4, "納期限"),
        (4, "被保険者番号"),
    ]
    assert not KokiHokenryo.objects.exists()
    # the same lines without the bad cells: the whole-file checks speak, still nothing written
    fixed = text.replace(f"1234567X,{wife.atena_no},2025,abc,3,13,2025-02-30,100\n", "")
    imp = _accept(django_capture_on_commit_callbacks, fixed, name="fixed.csv")
    assert imp.status == ImportStatus.REJECTED
    assert [(e["line"], e["field"], e["message"]) for e in imp.errors] == [
        (2, "期別額", "この人・この年度の期別額の合計が年額と一致しません。"),
        (4, "宛名番号", "この町の宛名番号ではありません。"),
    ]
    assert not KokiHokenryo.objects.exists()
    # and a file refused may be sent again once corrected
    good = HEAD + f"23456789,{wife.atena_no},2025,1000,2,1,2025-07-31,1000\n"
    assert _accept(django_capture_on_commit_callbacks, good, name="good.csv").status == "done"
    # and the header is checked first
    bad_head = _accept(django_capture_on_commit_callbacks, "a,b\n1,2\n", name="head.csv")
    assert bad_head.errors[0]["line"] == 1 and "見出し" in bad_head.errors[0]["message"]


def test_nofusho_printed_in_bulk_and_one_at_a_time(
    alpha, beta, login, django_capture_on_commit_callbacks, job_cleanup
):
    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(alpha.municipality)
    husband, wife = _couple(django_capture_on_commit_callbacks)
    _accept(django_capture_on_commit_callbacks, _file(husband, wife))
    # when 葉山町 prints the 令和7年度 納付書
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="kokuho_koki_nofusho_print",
            params={"nendo": 2025, "hakko_date": "2025-07-01"},
            actor=ACTOR,
        )
    job_cleanup.append(job)
    job.refresh_from_db()
    # then only the wife (普通徴収) gets one, with her three 期 and their 納期限 in 和暦
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as handle:
        (page,) = pdf_pages(handle.read())
    assert "山田花子" in page and "令和7年度" in page and "23456789" in page
    assert "令和7年7月31日" in page and "令和7年9月30日" in page and "42,000円" in page
    assert "山田太郎" not in page
    data = JobFile.objects.get(job=job, name=f"koki_{job.pk}_print_data.csv")
    with default_storage.open(data.path, "rb") as handle:
        rows = list(csv.reader(io.StringIO(handle.read().decode("utf-8-sig"))))
    assert rows[1][3:] == [wife.atena_no, "23456789", "2025", "2400112", "3", "42000", "2025-07-31"]
    # and one at a time from the person's page, logged as a print
    h = KokiHokenryo.objects.get(atena_id=wife.pk)
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    r = clerk.get(f"/kokuho/koki/nofusho/{h.pk}.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (one,) = pdf_pages(r.content)
    assert "山田花子" in one and "令和7年8月31日" in one
    connection.set_tenant(alpha.municipality)
    assert AccessLog.objects.filter(action="print", screen="kokuho.koki_nofusho_pdf").exists()
    # and 寒川町 reaches neither the 納付書 nor a job of 葉山町's
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(f"/kokuho/koki/nofusho/{h.pk}.pdf").status_code == 404
    connection.set_tenant(beta.municipality)
    assert not Job.objects.filter(kind="kokuho_koki_nofusho_print").exists()
