"""児童手当 decisions beyond the 認定, in two towns: the 却下 of a 認定請求 with its reason in
words and its 却下通知書 (PDF read back), the 認定通知書 and 額改定通知書 of one decision, and
the mass print of the 認定 decided in a date range — each town printing only its own."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.storage import default_storage

from fukushi.models import JidoteateKyakka, JidoteateRireki, RirekiKind
from fukushi.services.jidoteate import JidoInput, JidoteateRefused, gaku_kaitei, nintei_register
from fukushi.services.jidoteate_kyakka import seikyu_kyakka
from fukushi.tests.test_jidoteate_events import ACCOUNT, CLERK, _family, _tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST

pytestmark = pytest.mark.django_db


def test_kyakka_through_the_screen_and_its_notice_only_in_its_own_town(
    world, login, django_capture_on_commit_callbacks
):
    # given a family in 葉山町
    connection.set_tenant(world.alpha.municipality)
    father, _mother, _kid = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    url = f"/fukushi/jidoteate/persons/{father.pk}/kyakka/"
    # when the reason is その他 without words, or carries a control character: refused
    r = clerk.post(
        url,
        {"seikyu_date": "令和7年3月10日", "kettei_date": "令和7年3月20日", "riyu": "sonota",
         "jido_su": "1"},
        follow=True,
    )  # fmt: skip
    assert "理由の補足を入力してください" in r.content.decode()
    r = clerk.post(
        url,
        {"seikyu_date": "令和7年3月10日", "kettei_date": "令和7年3月20日", "riyu": "sonota",
         "riyu_detail": "届出\x1bなし", "jido_su": "1"},
    )  # fmt: skip
    assert r.status_code == 400  # the platform refuses control characters before the view
    connection.set_tenant(world.alpha.municipality)
    assert not JidoteateKyakka.objects.exists()
    connection.set_schema_to_public()
    # when 寒川町's clerk posts the 却下 of 葉山町's resident: not found there
    assert (
        other.post(
            url,
            {"seikyu_date": "令和7年3月10日", "kettei_date": "令和7年3月20日",
             "riyu": "tashi_jukyu", "jido_su": "1"},
        ).status_code
        == 404
    )  # fmt: skip
    # when 葉山町's clerk refuses the 請求: 他市町村で受給中
    r = clerk.post(
        url,
        {"seikyu_date": "令和7年3月10日", "kettei_date": "令和7年3月20日",
         "riyu": "tashi_jukyu", "riyu_detail": "前住所地で受給中", "jido_su": "1"},
        follow=True,
    )  # fmt: skip
    page = r.content.decode()
    assert "認定請求を却下しました（理由: 他市町村で受給中）" in page
    assert "却下通知書（PDF）" in page and "令和7年3月20日" in page
    connection.set_tenant(world.alpha.municipality)
    (k,) = JidoteateKyakka.objects.all()
    assert (k.atena_id, k.riyu, k.riyu_detail, k.actor) == (
        father.pk,
        "tashi_jukyu",
        "前住所地で受給中",
        "hayama-clerk",
    )
    assert AccessLog.objects.filter(
        record_type="fukushi.JidoteateKyakka", record_id=str(k.pk), action="create"
    ).exists()
    connection.set_schema_to_public()
    # then the 却下通知書 states the reason in words, read back from the PDF
    r = clerk.get(f"/fukushi/jidoteate/kyakka/{k.pk}/tsuchi.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    assert "児童手当認定請求却下通知書" in text and "他市町村で受給中" in text
    assert "山田　太郎" in text.replace(" ", "　") or "山田" in text
    assert "令和7年3月10日" in text and "前住所地で受給中" in text and "審査請求" in text
    connection.set_tenant(world.alpha.municipality)
    log = AccessLog.objects.filter(screen="fukushi.jidoteate_tsuchi_pdf").latest("id")
    assert (log.action, log.record_id, log.detail["atena_ids"]) == ("print", str(k.pk), [father.pk])
    connection.set_schema_to_public()
    # and 寒川町 can neither print it nor see it
    assert other.get(f"/fukushi/jidoteate/kyakka/{k.pk}/tsuchi.pdf").status_code == 404
    connection.set_tenant(world.beta.municipality)
    assert not JidoteateKyakka.objects.exists()
    assert not AccessLog.objects.filter(screen="fukushi.jidoteate_tsuchi_pdf").exists()


def test_kyakka_service_refuses_a_decision_before_the_claim(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    father, *_ = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    with pytest.raises(JidoteateRefused) as refused:
        seikyu_kyakka(
            atena_id=father.pk,
            seikyu_date=date(2025, 3, 10),
            kettei_date=date(2025, 3, 9),
            riyu="koumuin",
            actor=CLERK,
        )
    assert refused.value.errors == {"kettei_date": "却下の決定日が認定請求日より前です。"}
    assert not JidoteateKyakka.objects.exists()


def test_nintei_and_kaitei_notices_one_and_in_mass_per_town(
    world, login, django_capture_on_commit_callbacks
):
    # given 葉山町: two families 認定 on 令和7年3月10日 and one 額改定 (a birth)
    connection.set_tenant(world.alpha.municipality)
    f1, _m1, k1 = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2016-06-01"])
    )
    f2, _m2, k2 = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("鈴木", "スズキ", ["2012-06-01"])
    )
    rows = [
        nintei_register(
            atena_id=f.pk,
            seikyu_date=date(2025, 3, 10),
            jiyu_date=None,
            children=[JidoInput(birth_date=k.birth_date, atena_id=k.pk)],
            actor=CLERK,
            account=ACCOUNT,
        )
        for f, k in ((f1, k1), (f2, k2))
    ]
    gaku_kaitei(
        jukyusha_id=rows[0].pk,
        actor=CLERK,
        todoke_date=date(2025, 7, 10),
        jiyu_date=date(2025, 6, 28),
        add=[JidoInput(birth_date=date(2025, 6, 28))],
    )
    nintei1 = JidoteateRireki.objects.get(jukyusha=rows[0], kind=RirekiKind.NINTEI)
    kaitei1 = JidoteateRireki.objects.get(jukyusha=rows[0], kind=RirekiKind.KAITEI)
    # and 寒川町: one family 認定 on the same day
    connection.set_tenant(world.beta.municipality)
    f3, _m3, k3 = _tennyu(
        django_capture_on_commit_callbacks, "samukawa", _family("佐藤", "サトウ", ["2020-02-02"])
    )
    nintei_register(
        atena_id=f3.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[JidoInput(birth_date=k3.birth_date, atena_id=k3.pk)],
        actor=Actor(user_id=None, username="samukawa-clerk"),
        account=ACCOUNT,
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    other = login("samukawa-clerk", BETA_HOST)
    # when the clerk prints the 認定通知書 of the first family
    r = clerk.get(f"/fukushi/jidoteate/rireki/{nintei1.pk}/tsuchi.pdf")
    assert r.status_code == 200
    (text,) = pdf_pages(r.content)
    # then: 令和7年4月分から, 月額 10,000円 (9歳), paid in even months, account masked
    assert "児童手当認定通知書" in text and "令和7年4月分から" in text and "10,000円" in text
    assert rows[0].jukyusha_no in text and "****567" in text and "1234567" not in text
    # the 額改定通知書: 第2子 (0歳) added from 令和7年7月分 (15日特例): 10,000 → 25,000円
    (text,) = pdf_pages(clerk.get(f"/fukushi/jidoteate/rireki/{kaitei1.pk}/tsuchi.pdf").content)
    assert "児童手当額改定通知書" in text and "令和7年7月分から" in text
    assert "10,000円" in text and "25,000円" in text and "15,000円" in text
    # 寒川町's clerk never gets 葉山町's notice on 寒川町's host: the same id there is 寒川町's
    # own row (its 佐藤 family) or nothing (404)
    for rid in (nintei1.pk, kaitei1.pk):
        r = other.get(f"/fukushi/jidoteate/rireki/{rid}/tsuchi.pdf")
        if r.status_code == 200:
            (text,) = pdf_pages(r.content)
            assert "佐藤" in text and "山田" not in text and "鈴木" not in text
        else:
            assert r.status_code == 404 and not r.content.startswith(b"%PDF")
    # when the mass print of the 認定 decided in 令和7年3月 runs in 葉山町
    connection.set_tenant(world.alpha.municipality)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="fukushi_jidoteate_kettei_print",
            params={"form": "nintei", "date_from": "2025-03-01", "date_to": "2025-03-31"},
            actor=CLERK,
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as fh:
        pages = pdf_pages(fh.read())
    # then one page per 受給者 of 葉山町, by 受給者番号; 寒川町's family is not there
    assert len(pages) == 2
    assert all("児童手当認定通知書" in p for p in pages)
    assert "山田" in pages[0] and "鈴木" in pages[1]
    assert not any("佐藤" in p for p in pages)
    (csv,) = [f for f in job.files.all() if f.name.endswith(".csv")]
    with default_storage.open(csv.path, "rb") as fh:
        assert fh.read().decode("utf-8-sig").count("児童手当認定通知書") == 2
    # a range with no decision is refused before any job is made
    with pytest.raises(ValueError, match="その範囲に決定した通知書はありません"):
        job_start(
            kind="fukushi_jidoteate_kettei_print",
            params={"form": "nintei", "date_from": "2025-05-01", "date_to": "2025-05-31"},
            actor=CLERK,
        )
    connection.set_tenant(world.beta.municipality)
    assert not Job.objects.filter(kind="fukushi_jidoteate_kettei_print").exists()
