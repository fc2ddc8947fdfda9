"""除票用データベースへの移行 (標準仕様書 9.3): the move, the refusals, search and
certificates after it, the public face, a killed chunk run again, the purge, two towns."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from juminkiroku import public
from juminkiroku.codes import (
    JuminJotai,
    Seikyusha,
    ShomeiKind,
    ShomeiLayout,
    YokushiLevel,
    YokushiProcess,
)
from juminkiroku.jobkinds import JohyoIkou
from juminkiroku.models import (
    Atena,
    AtenaRireki,
    IdoTarget,
    IkouKekka,
    JohyoArchive,
    JohyoIkouKekka,
    RenkeiChange,
    Tenshutsu,
)
from juminkiroku.selectors.search import SearchCriteria, search_page
from juminkiroku.services.johyo import REASONS, johyo_purge
from juminkiroku.services.shomei import shomei_issue
from juminkiroku.services.yokushi import shien_sochi_register, yokushi_set
from juminkiroku.tests.certhelpers import set_ninshosha
from juminkiroku.tests.factories import (
    TENSHUTSU_SAKI,
    actor_for,
    family,
    household_tennyu,
    old_johyo,
    person_fields,
    tenshutsu,
)
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import JobRefused, job_start
from tenants.params.tenant.models import MunicipalParameter
from tenants.testing.pdf import pdf_pages

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
SAKI = TENSHUTSU_SAKI


def _run(captured: Any, **params: Any) -> Job:
    with captured(execute=True):
        job = job_start(kind=JohyoIkou.code, params=params, actor=ACTOR)
    job.refresh_from_db()
    errors = [c.error for c in job.chunks.all() if c.error]
    assert job.status == JobStatus.SUCCEEDED, errors
    return job


def test_the_move_archives_verifies_deletes_and_keeps_the_key(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given: in 寒川町 an old 除票 too; in 葉山町 an old 除票 and a recent one
    connection.set_tenant(beta.municipality)
    theirs = old_johyo("samukawa", shimei="寒川　一郎", kana="サムカワ　イチロウ")
    their_versions = AtenaRireki.objects.filter(atena_id=theirs.pk).count()
    connection.set_tenant(alpha.municipality)
    person = old_johyo("hayama", shimei="葉山　花子", kana="ハヤマ　ハナコ")
    _, (recent,) = household_tennyu("hayama", members=[person_fields(shimei="最近　転出")])
    tenshutsu(recent, ido_date=date(2024, 3, 31), todoke_date=date(2024, 3, 20))
    before_ident = public.person_identities([person.pk])[person.pk]
    before_block = public.address_blocks([person.pk])[person.pk]
    versions = list(AtenaRireki.objects.filter(atena_id=person.pk).order_by("pk"))
    assert len(versions) == 2
    targets = list(IdoTarget.objects.filter(atena_id=person.pk).values_list("pk", flat=True))
    assert targets  # the 転出 (a 転入 names no existing person)
    # when
    job = _run(django_capture_on_commit_callbacks)
    # then: only the old 除票 was a candidate, and it moved
    assert job.total == 1
    kekka = list(JohyoIkouKekka.objects.filter(job_id=job.pk).values_list("atena_id", "kekka"))
    assert kekka == [(person.pk, IkouKekka.MOVED)]
    archive = JohyoArchive.objects.get(atena_id=person.pk)
    assert archive.atena_no == person.atena_no
    assert archive.shojo_date == date(2019, 3, 31)
    assert archive.hozon_kigen == date(2169, 3, 31)  # 施行令第34条: 150年
    assert archive.snapshot["atena"]["shimei"] == "葉山　花子"
    rows = archive.snapshot["rows"]
    assert [r["id"] for r in rows["juminkiroku.atenarireki"]] == [v.pk for v in versions]
    assert sorted(r["id"] for r in rows["juminkiroku.idotarget"]) == sorted(targets)
    assert len(rows["juminkiroku.tenshutsu"]) == 1
    # the registry no longer holds the person's 住民票 or the rows naming them …
    assert not AtenaRireki.objects.filter(atena_id=person.pk).exists()
    assert not IdoTarget.objects.filter(atena_id=person.pk).exists()
    assert not Tenshutsu.objects.filter(atena_id=person.pk).exists()
    assert not RenkeiChange.objects.filter(atena_id=person.pk).exists()
    # … but keeps the key row, cleared, for the modules that hold its id
    key = Atena.objects.get(pk=person.pk)
    assert key.jotai == JuminJotai.IKOZUMI and key.atena_no == person.atena_no
    assert (key.shimei, key.shimei_kana, key.jusho, key.kana_key, key.setai_id) == (
        "",
        "",
        "",
        "",
        None,
    )
    # the recent 除票 stays
    assert AtenaRireki.objects.filter(atena_id=recent.pk).count() == 2
    # the public face answers as before, from the archive
    assert public.person_identities([person.pk])[person.pk] == before_ident
    assert public.address_blocks([person.pk])[person.pk] == before_block
    assert public.atena_resolve(person.atena_no).atena_id == person.pk
    # one access-log row for the chunk, naming the person moved
    log = AccessLog.objects.get(record_type="johyo_archive", screen="johyo_ikou")
    assert log.detail["atena_ids"] == [person.pk] and log.record_id == str(job.pk)
    # 寒川町 untouched
    connection.set_tenant(beta.municipality)
    assert not JohyoArchive.objects.exists()
    assert AtenaRireki.objects.filter(atena_id=theirs.pk).count() == their_versions
    assert Atena.objects.get(pk=theirs.pk).shimei == "寒川　一郎"


def test_a_person_still_needed_stays_with_the_reason(in_alpha, django_capture_on_commit_callbacks):
    # given: three old 除票, one under an active 抑止, one under a 支援措置 in force
    locked = old_johyo("hayama", shimei="抑止　一", kana="ヨクシ　イチ")
    shien = old_johyo("hayama", shimei="支援　二", kana="シエン　ニ")
    free = old_johyo("hayama", shimei="移行　三", kana="イコウ　サン")
    yokushi_set(
        process=YokushiProcess.HAKKO,
        level=YokushiLevel.ERROR,
        reason="テスト",
        start_date=date(2024, 1, 1),
        end_date=None,
        atena_id=locked.pk,
        actor=actor_for("hayama-shinsa"),
    )
    shien_sochi_register(
        atena_id=shien.pk,
        start_date=timezone.localdate(),
        moshide_date=timezone.localdate(),
        note="",
        actor=actor_for("hayama-shinsa"),
    )
    kept_rows = {p.pk: AtenaRireki.objects.filter(atena_id=p.pk).count() for p in (locked, shien)}
    # when
    job = _run(django_capture_on_commit_callbacks)
    # then
    result = {r.atena_id: r for r in JohyoIkouKekka.objects.filter(job_id=job.pk)}
    assert result[free.pk].kekka == IkouKekka.MOVED
    assert result[locked.pk].kekka == IkouKekka.REFUSED
    assert result[locked.pk].reasons == [REASONS["yokushi"]]
    assert result[shien.pk].kekka == IkouKekka.REFUSED
    assert REASONS["shien_sochi"] in result[shien.pk].reasons
    for pk, count in kept_rows.items():
        assert AtenaRireki.objects.filter(atena_id=pk).count() == count
        assert Atena.objects.get(pk=pk).jotai == JuminJotai.TENSHUTSU
    assert set(JohyoArchive.objects.values_list("atena_id", flat=True)) == {free.pk}
    last = job.log.order_by("-pk").first()
    assert last is not None and "移行しなかった方 2人" in last.message


def test_search_and_certificates_after_the_move(in_alpha, django_capture_on_commit_callbacks):
    # given
    set_ninshosha()
    person = old_johyo("hayama", shimei="葉山　花子", kana="ハヤマ　ハナコ")
    _run(django_capture_on_commit_callbacks)
    # when / then: found by 「除票・住登外を含む」 only, by カナ, 生年月日 and 宛名番号
    assert search_page(SearchCriteria(kana="はやま")).count == 0
    for criteria in (
        SearchCriteria(kana="はやま はなこ", include_johyo=True),
        SearchCriteria(birth_date=date(1980, 5, 5), include_johyo=True),
        SearchCriteria(atena_no=person.atena_no, include_johyo=True),
    ):
        page = search_page(criteria)
        assert [r.atena.pk for r in page.rows] == [person.pk], criteria
        assert page.rows[0].atena.shimei == "葉山　花子"
    # a criterion the archive keeps no key for finds nobody there
    assert search_page(SearchCriteria(address="堀内", include_johyo=True)).count == 0
    # 除票の写し with the history, and 除票記載事項証明書, from the snapshot
    args: dict[str, Any] = {
        "setai_id": None,
        "copies": 1,
        "seikyusha": Seikyusha.HONNIN,
        "actor": actor_for("hayama-clerk"),
    }
    kofu, pdf = shomei_issue(
        kind=ShomeiKind.JOHYO,
        layout=ShomeiLayout.KOJIN,
        atena_ids=[person.pk],
        items={"rireki": True, "honseki": True},
        **args,
    )
    text = "".join(pdf_pages(pdf))
    for expected in (
        "除票の写し",
        "葉山花子",
        "消除事由",
        "転出",
        "平成31年3月31日",
        "転出先",
        SAKI,
        "神奈川県三浦郡葉山町堀内2135番地",
        "この写しは、除票の原本と相違ないことを証明する。",
    ):
        assert expected in text, expected
    assert kofu.atena_ids == [person.pk]
    _, pdf = shomei_issue(
        kind=ShomeiKind.JOHYO_KISAI,
        layout="",
        atena_ids=[person.pk],
        items={},
        kisai_items=["shimei", "shojo"],
        **args,
    )
    text = "".join(pdf_pages(pdf))
    assert "葉山花子" in text and "平成31年3月31日" in text


def test_a_killed_chunk_runs_again_to_the_same_result(in_alpha, django_capture_on_commit_callbacks):
    # given: a job planned, its chunk not yet run
    a = old_johyo("hayama", shimei="一番　一", kana="イチバン　イチ")
    b = old_johyo("hayama", shimei="二番　二", kana="ニバン　ニ")
    job = job_start(kind=JohyoIkou.code, params={}, actor=ACTOR)  # no on-commit: not sent
    chunk = job.chunks.get()
    kind = JohyoIkou()

    # when: the worker dies after the work, before the commit (the chunk's transaction)
    class Killed(Exception):
        pass

    with pytest.raises(Killed), transaction.atomic():
        kind.run_chunk(job, chunk)
        raise Killed
    # then nothing happened
    assert not JohyoArchive.objects.exists() and not JohyoIkouKekka.objects.exists()
    assert AtenaRireki.objects.filter(atena_id=a.pk).count() == 2
    # when it runs again, and once more (a message delivered twice)
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    with transaction.atomic():
        kind.run_chunk(job, chunk)
    # then each person moved once and the results say so
    assert sorted(JohyoArchive.objects.values_list("atena_id", flat=True)) == sorted([a.pk, b.pk])
    kekka = JohyoIkouKekka.objects.filter(job_id=job.pk)
    assert sorted(kekka.values_list("atena_id", "kekka")) == sorted(
        [(a.pk, IkouKekka.MOVED), (b.pk, IkouKekka.MOVED)]
    )


def test_busy_months_refuse_the_job_and_the_purge_past_the_retention(in_alpha):
    # given: the town's 繁忙期 is this month
    MunicipalParameter.objects.create(
        key="juminkiroku.johyo.hanbouki_months",
        fiscal_year_from=2000,
        value=[timezone.localdate().month],
        source="テスト",
        created_by="test",
    )
    with pytest.raises((JobRefused, ValueError), match="繁忙期"):
        job_start(kind=JohyoIkou.code, params={}, actor=ACTOR)
    assert not Job.objects.filter(kind=JohyoIkou.code).exists()
    # the purge: a moved 除票 past its 保存期限 goes, one within it stays
    for n, (no, kigen) in enumerate((("1", -1), ("2", 0))):
        JohyoArchive.objects.create(
            atena_id=900 + n,
            atena_no=f"99999999{n}{no}",
            birth_date=date(1900, 1, 1),
            sex="1",
            shojo_date=date(1900, 1, 1),
            hozon_kigen=timezone.localdate() + timedelta(days=kigen),
            snapshot={},
            snapshot_sha256="",
        )
    gone = johyo_purge(actor=ACTOR)
    assert gone == [900]
    assert list(JohyoArchive.objects.values_list("atena_id", flat=True)) == [901]
    log = AccessLog.objects.get(screen="johyo_purge")
    assert log.action == "delete" and log.detail["atena_ids"] == [900]


def test_screens_show_the_moved_johyo_and_other_towns_see_nothing(
    login, alpha, django_capture_on_commit_callbacks
):
    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(alpha.municipality)
    _, members = household_tennyu("hayama", members=family(), ido_date=date(2012, 4, 1))
    person = members[1]  # 山田　花子
    tenshutsu(person, ido_date=date(2019, 3, 31), todoke_date=date(2019, 3, 20), saki=SAKI)
    connection.set_schema_to_public()
    admin = login("hayama-admin", ALPHA_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        r = admin.post("/juminkiroku/johyo/", {"kijun": "令和8年12月1日"})
    assert r.status_code == 302 and r["Location"].startswith("/jobs/"), r.content.decode()[:500]
    connection.set_tenant(alpha.municipality)
    job = Job.objects.get(kind=JohyoIkou.code)
    assert JohyoArchive.objects.filter(atena_id=person.pk).exists()
    connection.set_schema_to_public()
    page = admin.get(f"/juminkiroku/johyo/jobs/{job.pk}/").content.decode()
    assert person.atena_no in page and "移行した" in page
    # the person page leads to the archive's page
    r = admin.get(f"/juminkiroku/persons/{person.pk}/")
    assert r.status_code == 302 and r["Location"] == f"/juminkiroku/johyo/persons/{person.pk}/"
    page = admin.get(r["Location"]).content.decode()
    assert "山田　花子" in page and "除票用データベース" in page and SAKI in page
    # a search finds them
    page = admin.post("/juminkiroku/", {"kana": "やまだ はなこ", "include_johyo": "on"})
    assert person.atena_no in page.content.decode()
    # the certificate screen shows the person from the archive
    page = admin.post("/juminkiroku/shomei/", {"atena_no": person.atena_no}).content.decode()
    assert "山田　花子" in page
    connection.set_tenant(alpha.municipality)
    shown = AccessLog.objects.filter(record_type="atena", screen="除票用データベースの除票")
    assert shown.filter(record_id=str(person.pk)).count() == 1
    listed = AccessLog.objects.get(record_type="atena", screen="除票移行の結果")
    assert listed.detail["atena_ids"] == [person.pk] and listed.detail["job_id"] == job.pk
    connection.set_schema_to_public()
    # a clerk may look, not start; the other town's staff get nothing
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert clerk.get("/juminkiroku/johyo/").status_code == 403
    # nor start the move by posting to the screen directly (a write needs the read's level too)
    assert clerk.post("/juminkiroku/johyo/", {"kijun": "令和8年12月1日"}).status_code == 403
    connection.set_tenant(alpha.municipality)
    assert Job.objects.filter(kind=JohyoIkou.code).count() == 1
    connection.set_schema_to_public()
    other = login("samukawa-admin", BETA_HOST)
    assert other.get(f"/juminkiroku/johyo/persons/{person.pk}/").status_code == 404
    assert other.get(f"/juminkiroku/johyo/jobs/{job.pk}/").status_code == 404


def test_the_purge_command_runs_per_town(alpha, beta):
    from io import StringIO

    from django.core.management import call_command

    for town in (alpha, beta):
        connection.set_tenant(town.municipality)
        JohyoArchive.objects.create(
            atena_id=1,
            atena_no="9999999991",
            birth_date=date(1900, 1, 1),
            sex="1",
            shojo_date=date(1900, 1, 1),
            hozon_kigen=date(2050, 1, 1),
            snapshot={},
            snapshot_sha256="",
        )
    connection.set_schema_to_public()
    out = StringIO()
    call_command("johyo_purge", schema=alpha.schema, today="2050-01-02", stdout=out)
    assert f"{alpha.schema}: 削除 1 件" in out.getvalue()
    connection.set_tenant(alpha.municipality)
    assert not JohyoArchive.objects.exists()
    assert AccessLog.objects.get(screen="johyo_purge").username == "johyo_purge_batch"
    connection.set_tenant(beta.municipality)
    assert JohyoArchive.objects.count() == 1  # 寒川町's is not touched


def test_a_moved_johyo_comes_back_on_the_same_atena_and_nothing_else_may_touch_it(
    in_alpha, django_capture_on_commit_callbacks
):
    from juminkiroku.codes import IdoJiyu
    from juminkiroku.selectors.saitennyu import SANJOHO, saitennyu_candidates
    from juminkiroku.services.ido import IdoError, PersonChange, ido_enter
    from juminkiroku.tests.factories import approve

    # given: a 除票 moved to the 除票用データベース
    KANA = "ハヤマ　ハナコ"
    person = old_johyo("hayama", shimei="葉山　花子", kana=KANA)
    _run(django_capture_on_commit_callbacks)
    assert Atena.objects.get(pk=person.pk).jotai == JuminJotai.IKOZUMI
    # then: no 異動 but a 記載 may name the moved 宛名
    with pytest.raises(IdoError, match="除票用データベースへ移した除票"):
        ido_enter(
            jiyu=IdoJiyu.SHOKKEN_SHUSEI,
            ido_date=date(2026, 1, 5),
            todoke_date=None,
            changes=[PersonChange(person.pk, {"honseki": "東京都港区"})],
            actor=actor_for("hayama-clerk"),
        )
    # when: the person is typed as new at a 転入, the archive's 3情報 find them
    back = date(2026, 4, 1)
    with pytest.raises(IdoError) as exc:
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=back,
            todoke_date=back,
            changes=[
                PersonChange(None, person_fields(shimei="葉山　花子", shimei_kana="ハヤマ　ハナコ"))
            ],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        )
    assert person.atena_no in exc.value.errors["persons.0.saitennyu"][0]
    (candidate,) = saitennyu_candidates(
        shimei_kana="はやま はなこ", birth_date=date(1980, 5, 5), sex="1"
    )
    assert (candidate.atena_id, candidate.match, candidate.shimei) == (
        person.pk,
        SANJOHO,
        "葉山　花子",
    )
    # and the clerk names the old 宛名: it is a resident again with its items taken in
    approve(
        ido_enter(
            jiyu=IdoJiyu.TENNYU,
            ido_date=back,
            todoke_date=back,
            changes=[
                PersonChange(person.pk, {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1番地"})
            ],
            setai_mode="new",
            actor=actor_for("hayama-clerk"),
        ),
        reviewer="hayama-shinsa",
    )
    again = Atena.objects.get(pk=person.pk)
    assert (again.jotai, again.shimei, again.honseki, again.jumin_date) == (
        JuminJotai.JUMIN,
        "葉山　花子",
        "神奈川県三浦郡葉山町堀内2135番地",
        back,
    )
    assert AtenaRireki.objects.filter(atena_id=person.pk).count() == 1
    # the moved 除票 stays in the archive for its 保存期限
    assert JohyoArchive.objects.filter(atena_id=person.pk).exists()
    assert (
        saitennyu_candidates(shimei_kana="はやま はなこ", birth_date=date(1980, 5, 5), sex="1")
        == []
    )


def test_the_api_answers_for_a_moved_johyo_from_the_archive(
    world, alpha, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tenants.api.authentication import apiclient_create
    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(alpha.municipality)
    person = old_johyo("hayama", shimei="葉山　花子", kana="ハヤマ　ハナコ")
    _run(django_capture_on_commit_callbacks)
    connection.set_schema_to_public()
    _, key = apiclient_create(
        municipality=alpha.municipality, name="税務システム", scopes=["juminkiroku:read"]
    )
    api = Client(HTTP_HOST=ALPHA_HOST, HTTP_AUTHORIZATION=f"Bearer {key}")
    data = api.get(f"/api/v1/juminkiroku/persons/{person.pk}/").json()
    assert data["person"]["shimei"] == "葉山　花子"
    assert data["person"]["atena_no"] == person.atena_no
    _, other_key = apiclient_create(
        municipality=world.beta.municipality, name="税務システム", scopes=["juminkiroku:read"]
    )
    other = Client(HTTP_HOST=BETA_HOST, HTTP_AUTHORIZATION=f"Bearer {other_key}")
    assert other.get(f"/api/v1/juminkiroku/persons/{person.pk}/").status_code == 404
    connection.set_tenant(alpha.municipality)
    log = AccessLog.objects.filter(screen="API 住民照会").get()
    assert log.record_id == str(person.pk)
