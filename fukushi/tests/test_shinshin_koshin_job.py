"""心身障害者医療 一斉更新 as a job (SG-18): chunked, each chunk in its own transaction; run
twice — or a chunk run again after a killed worker — it renews or ends each certificate once;
the results list (screen, CSV) and the 更新通知 PDF read back, behind the grant; two towns
with their own 更新月. Criteria and incomes are test inputs, not a real town's 条例."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.db import transaction

from fukushi import shinshin_jobs
from fukushi.models import ShinshinJotai, ShinshinKoshinKekka, TechoKind
from fukushi.services.shinshin import shinshin_kofu, shinshin_koshin
from fukushi.shinshin_jobs import KOSHIN
from fukushi.tests.test_shinshin import ACTOR, AUG, HAYAMA, SAMUKAWA, person, techo
from fukushi.tests.test_shinshin_koshin import criteria
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.registry import get_kind
from tenants.jobs.services import JobRefused, job_start
from tenants.testing.pdf import pdf_pages, squash
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

BASE = "/fukushi/shinshin-shogaisha-iryo"
CLERK = Actor(user_id=None, username="hayama-shinsa")


def _run(capture, nen: int = 2026) -> Job:
    with capture(execute=True):
        job = job_start(kind=KOSHIN, params={"nen": nen}, actor=CLERK)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    return job


def test_koshin_job_chunked_once_with_list_and_notice_in_two_towns(
    alpha, beta, login, django_capture_on_commit_callbacks, monkeypatch
):
    cap = django_capture_on_commit_callbacks
    monkeypatch.setattr(shinshin_jobs, "CHUNK", 2)  # 5 certificates: 3 chunks
    connection.set_tenant(alpha.municipality)  # 葉山町: 更新月 8月
    criteria(HAYAMA, 2025)
    people = []
    for i, (tokyu, income) in enumerate(
        [("1", 0), ("2", 4_000_000), ("1", 1_000_000), ("2", 0), ("2", 0)]
    ):
        p = person("hayama", shimei=f"一斉　{i}")
        techo(p.pk, TechoKind.SHINTAI, tokyu)
        kazei(p.pk, 2025, sonota=0)
        kazei(p.pk, 2026, sonota=income)  # 4,000,000円: over the 3,604,000円 limit
        people.append(shinshin_kofu(atena_id=p.pk, kaishi=AUG, actor=ACTOR))
    # a year without criteria is refused before the job is made
    with pytest.raises((ValueError, JobRefused)):
        job_start(kind=KOSHIN, params={"nen": 2024}, actor=CLERK)
    assert not Job.objects.filter(kind=KOSHIN).exists()
    job = _run(cap)
    assert job.chunks.count() == 3
    kekka = {k.jukyusha_id: k for k in ShinshinKoshinKekka.objects.filter(job_id=job.pk)}
    assert len(kekka) == 5
    ended = [j for j in people if kekka[j.pk].kekka == "shuryo"]
    assert [j.pk for j in ended] == [people[1].pk]
    for j in people:
        j.refresh_from_db()
    assert [(j.jotai, j.yuko_shuryo) for j in people] == [
        (ShinshinJotai.YUKO, date(2027, 7, 31)),
        (ShinshinJotai.SHIKKAKU, date(2026, 7, 31)),
        (ShinshinJotai.YUKO, date(2027, 7, 31)),
        (ShinshinJotai.YUKO, date(2027, 7, 31)),
        (ShinshinJotai.YUKO, date(2027, 7, 31)),
    ]
    assert "所得制限 3,604,000円を超えています" in kekka[people[1].pk].riyu
    rireki = sum(j.rireki.count() for j in people)
    # a chunk run again (a killed worker's retry): nothing twice
    chunk = job.chunks.order_by("pk").first()
    assert chunk is not None
    with transaction.atomic():
        get_kind(KOSHIN).run_chunk(job, chunk)  # type: ignore[union-attr]
    # a second job, and the screen's run, of the same year: nothing more
    again = _run(cap)
    assert again.chunks.count() == 0
    assert shinshin_koshin(nen=2026, actor=ACTOR).koshin == 0
    assert ShinshinKoshinKekka.objects.count() == 5
    assert sum(j.rireki.count() for j in people) == rireki
    # the job's own lines name no person and no result count
    assert all("件、更新しない" not in x.message for x in job.log.all())

    # 寒川町: its 更新月 is 4月; its job touches only its own certificate
    connection.set_tenant(beta.municipality)
    criteria({**SAMUKAWA, "koshin_tsuki": "4"}, 2025, 2026)
    b = person("samukawa", shimei="寒川　更新")
    techo(b.pk, TechoKind.SHINTAI, "3")
    jb = shinshin_kofu(atena_id=b.pk, kaishi=AUG, actor=ACTOR)
    job_b = _run(cap)
    assert list(ShinshinKoshinKekka.objects.values_list("jukyusha_id", "kekka")) == [
        (jb.pk, "koshin")
    ]
    assert Job.objects.filter(kind=KOSHIN).count() == 1

    # the results: behind the grant; the list, the CSV and the 更新通知 read back
    connection.set_schema_to_public()
    urls = [f"{BASE}/koshin/{job.pk}/", f"{BASE}/koshin/{job.pk}/tsuchi.pdf",
            f"{BASE}/koshin/{job.pk}/kekka.csv"]  # fmt: skip
    c = login("hayama-clerk", alpha.host)
    for u in urls:
        assert c.get(u).status_code == 404, u
        assert c.get(u.replace(f"/{job.pk}/", f"/{job.pk + 999}/")).status_code == 404
    assert c.post(f"{BASE}/koshin/job/", {"job-nen": 2026}).status_code in (403, 404)
    s = login("hayama-shinsa", alpha.host)
    page = s.get(urls[0]).content.decode()
    assert "更新 4件、更新しない 1件" in page and "一斉　1" in page
    assert 'target="_blank" rel="noopener"' in page
    text = squash(" ".join(pdf_pages(s.get(urls[1]).content)))
    assert text.count("受給者証の更新について（通知）") == 4
    assert text.count("受給者証を更新しないことについて（通知）") == 1
    assert "令和8年8月1日から令和9年7月31日まで" in text and "3,604,000円" in text
    rows = list(csv.reader(io.StringIO(s.get(urls[2]).content.decode("utf-8-sig"))))
    assert rows[0] == ["受給者番号", "氏名", "結果", "有効期間", "根拠", "更新しない理由"]
    assert sorted(r[2] for r in rows[1:]) == ["更新", "更新", "更新", "更新", "更新しない"]
    # 寒川町's job is not 葉山町's page, and 葉山町's job is not reachable from 寒川町
    assert s.get(f"{BASE}/koshin/{job_b.pk}/").status_code == 404 or job_b.pk == job.pk
    sb = login("samukawa-shinsa", beta.host)
    r = sb.get(urls[0])
    assert r.status_code == 404 or "一斉　1" not in r.content.decode()
    # the button starts the job and leads to its page (a year already done: nothing)
    r = s.post(f"{BASE}/koshin/job/", {"job-nen": 2026})
    assert r.status_code == 302 and "/jobs/" in r["Location"]
    connection.set_tenant(alpha.municipality)
    assert ShinshinKoshinKekka.objects.count() == 5
    logs = set(AccessLog.objects.filter(username="hayama-shinsa").values_list("screen", "action"))
    assert ("fukushi.shinshin_koshin_kekka", "read") in logs
    assert ("fukushi.shinshin_koshin_tsuchi", "print") in logs
    assert ("fukushi.shinshin_koshin_csv", "export") in logs
