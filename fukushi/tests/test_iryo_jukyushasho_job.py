"""子ども医療費助成: the 受給者証 of every 受給者 renewed by the 一斉更新, in one PDF through
the platform's print job, in two towns (葉山町 = alpha, 寒川町 = beta): each town's job prints
its own renewed cards and nothing of the other's; before the 一斉更新 there is nothing to
print; the PDF and the print-data CSV are read back.

Figures: 一郎 born 2010-04-01, 対象 until 18歳年度末 (2028-03-31, the towns' parameter as in
test_iryo.py); 受給者証 from 2025-08-01 to 2026-07-31 (更新月 8月, ``fukushi.iryo.koshin_tsuki``);
the 一斉更新 of 2026 extends it to 2027-07-31, so the renewed card reads 令和8年8月1日から
令和9年7月31日まで; 葉山町's 一部負担 500円 a 件, 寒川町 none.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage

from fukushi.printjobs_iryo import KodomoJukyushashoPrint
from fukushi.services.iryo import ikkatsu_koshin, jukyushasho_kofu
from fukushi.tests.test_iryo import _params, tennyu
from juminkiroku.tests.factories import actor_for, family
from tenants import zengin
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

ACCOUNT = zengin.Account("0001", "001", "1", "1234567", "ﾔﾏﾀﾞ")


def _print(capture, actor, nen: int = 2026):
    with capture(execute=True):
        job = job_start(kind=KodomoJukyushashoPrint.code,
                        params={"nen": nen, "hakko_date": "2026-07-20"}, actor=actor)  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    pages: list[str] = []
    rows: list[str] = []
    for f in job.files.all():
        with default_storage.open(f.path, "rb") as fh:
            body = fh.read()
        if f.name.endswith(".pdf"):
            pages += pdf_pages(body)
        else:
            rows += body.decode("utf-8-sig").splitlines()
        default_storage.delete(f.path)
    return pages, rows


def test_renewed_cards_in_one_job_per_town(world, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    made = {}
    for town, slug, sei, kana, params in (
        (world.alpha, "hayama", "山田", "ヤマダ",
         {"nyuyoji.taisho_nenrei": 18, "nyuyoji.shotoku_seigen": 0, "nyuyoji.ichibu_futan": 500}),
        (world.beta, "samukawa", "佐藤", "サトウ",
         {"nyuyoji.taisho_nenrei": 18, "nyuyoji.shotoku_seigen": 0}),
    ):  # fmt: skip
        connection.set_tenant(town.municipality)
        _params(params)
        _, (head, _wife, child) = tennyu(capture, slug, members=family(sei, kana),
                                         day=date(2020, 4, 1))  # fmt: skip
        for fy in (2024, 2025, 2026):
            kazei(head.pk, fy, kyuyo=3_000_000)
        actor = actor_for(f"{slug}-clerk")
        j = jukyushasho_kofu(gyomu="nyuyoji_iryo", atena_id=child.pk, hogosha_atena_id=head.pk,
                             kaishi=date(2025, 8, 1), account=ACCOUNT, actor=actor)  # fmt: skip
        assert j.yuko_shuryo == date(2026, 7, 31)
        made[slug] = (j, actor)
    # 葉山町 before its 一斉更新: no card to print
    connection.set_tenant(world.alpha.municipality)
    j_a, a_actor = made["hayama"]
    pages, rows = _print(capture, a_actor)
    assert pages == [] and rows[1:] == []
    # the 一斉更新 of 2026 in both towns, then each town's job
    ikkatsu_koshin(gyomu="nyuyoji_iryo", nen=2026, actor=a_actor)
    j_a.refresh_from_db()
    assert j_a.yuko_shuryo == date(2027, 7, 31)
    pages, rows = _print(capture, a_actor)
    (page,) = pages
    assert "子ども医療費助成受給者証" in page and "山田一郎" in page and "佐藤" not in page
    assert "令和8年8月1日から令和9年7月31日まで" in page and "1件500円" in page
    assert "交付日令和8年7月20日" in page and "葉山町長" in page
    assert len(rows) == 2
    assert rows[1].split(",")[3:] == [
        "子ども医療費助成 受給者証", j_a.jukyusha_bango, rows[1].split(",")[5], "2027-07-31",
    ]  # fmt: skip
    connection.set_tenant(world.beta.municipality)
    j_b, b_actor = made["samukawa"]
    ikkatsu_koshin(gyomu="nyuyoji_iryo", nen=2026, actor=b_actor)
    j_b.refresh_from_db()
    assert j_b.yuko_shuryo == date(2027, 7, 31)
    pages, rows = _print(capture, b_actor)
    (page,) = pages
    assert "佐藤一郎" in page and "山田" not in page and "寒川町長" in page
    assert "令和8年8月1日から令和9年7月31日まで" in page and "なし" in page
    assert len(rows) == 2


def test_the_job_starts_from_the_list_screen_in_its_own_town(world, login):
    """葉山町's clerk starts the job from the list (the form on the screen); a 閲覧者 may not
    (403); the job is 葉山町's only (寒川町 has none)."""
    from tenants.jobs.models import Job

    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/fukushi/kodomo-iryo/").content.decode()
    assert "受給者証の一括印刷（一斉更新の後）" in page
    viewer = login("hayama-viewer", ALPHA_HOST)
    form = {"nen": 2026, "hakko_date": "令和8年7月20日"}
    assert viewer.post("/fukushi/kodomo-iryo/jukyushasho/", form).status_code == 403
    r = clerk.post("/fukushi/kodomo-iryo/jukyushasho/", form)
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    connection.set_tenant(world.alpha.municipality)
    (job,) = Job.objects.filter(kind=KodomoJukyushashoPrint.code)
    assert job.params["nen"] == 2026 and job.params["hakko_date"] == "2026-07-20"
    connection.set_tenant(world.beta.municipality)
    assert not Job.objects.filter(kind=KodomoJukyushashoPrint.code).exists()
    connection.set_schema_to_public()
    # a missing 交付日: refused with its message, no job
    page = clerk.post("/fukushi/kodomo-iryo/jukyushasho/", {"nen": 2026}, follow=True)
    assert "更新の年と交付日を正しく入力してください。" in page.content.decode()


def test_the_hitorioya_job_prints_its_own_cards_only(world, django_capture_on_commit_callbacks):
    """葉山町 with both 業務 (ひとり親: 所得制限なし, 18歳年度末): the ひとり親 job prints the
    renewed ひとり親 card and not the 子ども医療 one, and the 子ども医療 job the reverse."""
    from fukushi.printjobs_iryo import HitorioyaJukyushashoPrint

    capture = django_capture_on_commit_callbacks
    connection.set_tenant(world.alpha.municipality)
    _params({"nyuyoji.taisho_nenrei": 18, "nyuyoji.shotoku_seigen": 0,
             "hitorioya.taisho_nenrei": 18, "hitorioya.shotoku_seigen": "nashi"})  # fmt: skip
    _, (head, _wife, child) = tennyu(capture, "hayama", members=family(), day=date(2020, 4, 1))
    for fy in (2024, 2025, 2026):
        kazei(head.pk, fy, kyuyo=3_000_000)
    actor = actor_for("hayama-clerk")
    for gyomu in ("nyuyoji_iryo", "hitorioya_iryo"):
        jukyushasho_kofu(gyomu=gyomu, atena_id=child.pk, hogosha_atena_id=head.pk,
                         kaishi=date(2025, 8, 1), account=ACCOUNT, actor=actor)  # fmt: skip
        ikkatsu_koshin(gyomu=gyomu, nen=2026, actor=actor)
    with capture(execute=True):
        job = job_start(kind=HitorioyaJukyushashoPrint.code,
                        params={"nen": 2026, "hakko_date": "2026-07-20"}, actor=actor)  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as fh:
        (page,) = pdf_pages(fh.read())
    assert "ひとり親家庭等医療費助成受給者証" in page and "子ども医療費助成" not in page
    assert "山田一郎" in page and "令和8年8月1日から令和9年7月31日まで" in page
    pages, _rows = _print(capture, actor)
    (page,) = pages
    assert "子ども医療費助成受給者証" in page and "ひとり親" not in page
