"""The corporations' mass 納付書 (zeimu/shuno_nofusho_jobs.py ``HojinNofushoJob``, screen
zeimu/views/shuno_hojin.py ``shuno_hojin_nofusho``; docs/standard/shuno.md S-10): the
法人住民税・事業所税 期別 with a balance, narrowed by 年度・期・納期限, printed on the shared
print path in chunks, a corporation's slips together under its 名称・本店所在地, each slip
once (a chunk run again writes nothing more), persons' 期別 never among them, the PDFs read
back, the corporations logged by id; 葉山町 and 寒川町 hold the same 法人番号 and neither job
prints the other's.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.services import job_start
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.models import Hojin, NofushoHakko, Zeimoku
from zeimu.services.shuno import chotei_post, madoguchi_nofu
from zeimu.shuno_nofusho_jobs import HOJIN_NOFUSHO, HojinNofushoJob
from zeimu.tests.factories import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
SHOJI, KENSETSU = "9234567890123", "3234567890127"
MAY, AUG = date(2026, 5, 31), date(2026, 8, 31)


def _post(zeimoku: str, bango: str, key: str, amount: int, ki: int, nouki: date) -> Any:
    return chotei_post(zeimoku=zeimoku, key=key, atena_id=None, hojin_bango=bango,
                       nendo=2026, ki=ki, ki_label=f"第{ki}期", nouki=nouki, amount=amount,
                       ref=f"{key}:t", on=date(2026, 5, 1), actor=ACTOR)  # fmt: skip


def _corp(bango: str, meisho: str, shozaichi: str) -> Hojin:
    return Hojin.objects.create(hojin_bango=bango, meisho=meisho, postal_code="2400192",
                                shozaichi=shozaichi, kessan_tsuki=3)  # fmt: skip


@pytest.fixture
def corps(alpha: Any, beta: Any) -> dict[str, Any]:
    connection.set_tenant(alpha.municipality)
    municipal_parameter_set(key="zeimu.shuno.conveni.kigyo_code", fiscal_year=2026,
                            value_text="912345", reason="収納代行契約（テスト）",
                            actor=ACTOR)  # fmt: skip
    shoji = _corp(SHOJI, "株式会社葉山商事", "神奈川県三浦郡葉山町一色1番地")
    kensetsu = _corp(KENSETSU, "葉山建設有限会社", "神奈川県三浦郡葉山町堀内2番地")
    s1 = _post(Zeimoku.HOJINZEI, SHOJI, "s1", 52_000, 1, MAY)
    s2 = _post(Zeimoku.HOJINZEI, SHOJI, "s2", 30_000, 2, AUG)
    k1 = _post(Zeimoku.JIGYOSHOZEI, KENSETSU, "k1", 41_000, 1, MAY)
    paid = _post(Zeimoku.HOJINZEI, KENSETSU, "k2", 18_000, 2, MAY)
    madoguchi_nofu(nofu_bango=paid.nofu_bango, amount=18_000, shuno_date=date(2026, 5, 20),
                   actor=ACTOR)  # fmt: skip
    # a person's 期別 of the same 年度 and 納期限: the persons' job prints it, not this one
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    person = chotei_post(zeimoku=Zeimoku.JUMINZEI, key="p1", atena_id=head.pk, nendo=2026,
                         ki=1, ki_label="第1期", nouki=MAY, amount=25_000, ref="p1:t",
                         on=date(2026, 5, 1), actor=ACTOR)  # fmt: skip
    # 寒川町 holds a corporation of the same 法人番号, with a 期別 of its own
    connection.set_tenant(beta.municipality)
    theirs = _corp(SHOJI, "寒川商事株式会社", "神奈川県高座郡寒川町宮山1番地")
    their = _post(Zeimoku.HOJINZEI, SHOJI, "b1", 77_000, 1, MAY)
    connection.set_schema_to_public()
    return {"shoji": shoji, "kensetsu": kensetsu, "s1": s1, "s2": s2, "k1": k1, "paid": paid,
            "person": person, "theirs": theirs, "their": their}  # fmt: skip


def _run(params: dict[str, Any], capture: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=HOJIN_NOFUSHO, params=params, actor=ACTOR)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return job


def _files(job: Job) -> tuple[str, list[str]]:
    """(the text of the job's PDFs, the print-data CSV's lines)."""
    texts = []
    for f in JobFile.objects.filter(job=job, name__endswith=".pdf").order_by("name"):
        with default_storage.open(f.path, "rb") as fh:
            texts.append(squash(" ".join(pdf_pages(fh.read()))))
    csv = JobFile.objects.get(job=job, name__endswith=".csv")
    with default_storage.open(csv.path, "rb") as fh:
        rows = fh.read().decode("utf-8-sig").splitlines()
    return " ".join(texts), rows


def test_the_job_prints_each_corporations_slips_once_and_never_a_persons(
    alpha: Any, corps: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(alpha.municipality)
    # given: chunks of one corporation each (a corporation's slips never split)
    kind = HojinNofushoJob.chunk_notices
    HojinNofushoJob.chunk_notices = 1
    try:
        # when: every corporation's 期別 with a balance on 令和8年5月21日
        job = _run({"hakko_date": "2026-05-21", "nendo": 2026}, django_capture_on_commit_callbacks)
    finally:
        HojinNofushoJob.chunk_notices = kind
    # then: two chunks (法人番号 order: 3234… then 9234…), three slips, nothing paid or
    # personal among them
    assert [c.size for c in job.chunks.order_by("index")] == [1, 1]
    slips = NofushoHakko.objects.filter(job=job)
    assert sorted(slips.values_list("kibetsu_id", "amount")) == sorted(
        [(corps["s1"].kibetsu_id, 52_000), (corps["s2"].kibetsu_id, 30_000),
         (corps["k1"].kibetsu_id, 41_000)]
    )  # fmt: skip
    assert all(len(b) == 44 for b in slips.values_list("barcode", flat=True))
    text, rows = _files(job)
    assert len(rows) == 3  # the header and one row per corporation
    assert "法人番号 3234567890127" in rows[1] and corps["k1"].nofu_bango in rows[1]
    assert corps["s1"].nofu_bango + ";" + corps["s2"].nofu_bango in rows[2]
    assert "52000;30000" in rows[2]
    for word in ("株式会社葉山商事", "神奈川県三浦郡葉山町一色1番地", "葉山建設有限会社",
                 corps["s1"].nofu_bango, corps["s2"].nofu_bango, corps["k1"].nofu_bango,
                 "法人住民税", "事業所税", "52,000", "41,000"):  # fmt: skip
        assert squash(word) in text, word
    for word in (corps["person"].nofu_bango, corps["paid"].nofu_bango, "寒川商事株式会社"):
        assert squash(word) not in text
    # the corporations are logged by id, one row per chunk
    logs = AccessLog.objects.filter(screen=f"job:{HOJIN_NOFUSHO}", record_type="zeimu.Hojin")
    assert sorted(i for log in logs for i in log.detail["hojin_ids"]) == sorted(
        [corps["shoji"].pk, corps["kensetsu"].pk]
    )
    # a chunk run again prints the same slips and writes none more
    chunk = job.chunks.order_by("index").last()
    assert chunk is not None
    HojinNofushoJob().run_chunk(job, chunk)
    assert NofushoHakko.objects.filter(job=job).count() == 3
    # when: narrowed to the 納期限 令和8年5月31日 and 法人住民税
    job2 = _run({"hakko_date": "2026-05-22", "nouki": "2026-05-31", "zeimoku": "hojinzei"},
                django_capture_on_commit_callbacks)  # fmt: skip
    # then: only 株式会社葉山商事's 第1期, now a 再発行
    assert list(NofushoHakko.objects.filter(job=job2).values_list("kibetsu_id", "saihakko")) == [
        (corps["s1"].kibetsu_id, 1)
    ]
    text2, rows2 = _files(job2)
    assert len(rows2) == 2 and "再発行" in text2 and squash(corps["s2"].nofu_bango) not in text2
    # a 税目 that is no corporation's, or a malformed 納期限, is refused before anything
    for bad in ({"zeimoku": "juminzei"}, {"nouki": "2026-02-30"}):
        with pytest.raises(ValueError):
            job_start(kind=HOJIN_NOFUSHO, params={"hakko_date": "2026-05-01", **bad},
                      actor=ACTOR)  # fmt: skip
    assert Job.objects.filter(kind=HOJIN_NOFUSHO).count() == 2
    connection.set_schema_to_public()


def test_two_towns_each_print_only_their_own_corporations(
    world: Any,
    alpha: Any,
    beta: Any,
    corps: dict[str, Any],
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given: 寒川町 takes 収納管理
    grant_beta_shuno()
    # when: 寒川町 runs its corporations' job
    connection.set_tenant(beta.municipality)
    job = _run({"hakko_date": "2026-05-01"}, django_capture_on_commit_callbacks)
    text, rows = _files(job)
    # then: its own corporation only, by its own name, though the 法人番号 is 葉山町's too
    assert len(rows) == 2 and squash("寒川商事株式会社") in text
    assert squash(corps["their"].nofu_bango) in text
    for word in ("株式会社葉山商事", "葉山建設有限会社", corps["s1"].nofu_bango):
        assert squash(word) not in text
    assert list(NofushoHakko.objects.values_list("kibetsu_id", flat=True)) == [
        corps["their"].kibetsu_id
    ]
    # and 葉山町's ledger holds no slip of it
    connection.set_tenant(alpha.municipality)
    assert not NofushoHakko.objects.exists()
    assert not Job.objects.filter(kind=HOJIN_NOFUSHO).exists()
    connection.set_schema_to_public()


def test_the_screen_starts_the_job_and_shows_counts(
    world: Any, login: Any, corps: dict[str, Any]
) -> None:
    url = "/zeimu/shuno/hojin/nofusho/"
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(url).content.decode()
    assert "納付書の一括作成（法人）" in page and "法人住民税と事業所税" in page
    assert "まだ作成していません" in page
    # a 納期限 that is no date: refused in Japanese, no job
    r = clerk.post(url, {"hakko_date": "令和8年5月1日", "nouki": "令和8年2月30日"})
    assert r.status_code == 200
    connection.set_tenant(world.alpha.municipality)
    assert not Job.objects.filter(kind=HOJIN_NOFUSHO).exists()
    connection.set_schema_to_public()
    # the 閲覧者 cannot start it
    viewer = login("hayama-viewer", ALPHA_HOST)
    data = {"hakko_date": "令和8年5月1日", "nendo": "2026", "nouki": "令和8年5月31日"}
    assert viewer.post(url, data).status_code == 403
    # the clerk starts it: to the job's page (its progress)
    r = clerk.post(url, data)
    assert r.status_code == 302, r.content.decode()[:600]
    connection.set_tenant(world.alpha.municipality)
    job = Job.objects.get(kind=HOJIN_NOFUSHO)
    assert (job.params["nendo"], job.params["nouki"]) == (2026, "2026-05-31")
    assert r["Location"].rstrip("/").endswith(str(job.pk))
    connection.set_schema_to_public()
    assert "納付書の一括作成（法人）" in clerk.get(r["Location"]).content.decode()
    # 寒川町 (no 収納管理 in the test world) does not reach the screen
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get(url).status_code in (403, 404)
