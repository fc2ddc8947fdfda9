"""A 除票 moved to 住民記録's 除票用データベース (標準仕様書 9.3) keeps its 宛名 id: 税務's
rows keyed on it stay, and 税務 still reads the person through juminkiroku.public."""

from __future__ import annotations

import pytest

from juminkiroku import public
from juminkiroku.tests.factories import old_johyo
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import JobStatus
from tenants.jobs.services import job_start
from zeimu.models import KyuyoHokoku

pytestmark = pytest.mark.django_db


def test_tax_rows_and_the_public_face_survive_the_move(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given: a 給与支払報告書 of 2018 for a person who left 葉山町 in 2019
    connection.set_tenant(alpha.municipality)
    person = old_johyo("hayama", shimei="納税　太郎", kana="ノウゼイ　タロウ")
    KyuyoHokoku.objects.create(
        atena_id=person.pk,
        shotoku_year=2018,
        employer_no="E1",
        employer_name="株式会社葉山",
        shiharai_kingaku=3_000_000,
        shakai_hoken=0,
    )
    before = (public.person_identities([person.pk]), public.address_blocks([person.pk]))
    # when: 住民記録's yearly move runs (its job kind, by name: no import of juminkiroku's
    # private modules)
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="juminkiroku_johyo_ikou", params={}, actor=Actor(user_id=None, username="t")
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED and job.total == 1
    # then: the report is still the person's, and the public face answers as before
    assert KyuyoHokoku.objects.get(shotoku_year=2018).atena_id == person.pk
    after = (public.person_identities([person.pk]), public.address_blocks([person.pk]))
    assert after == before
    assert after[0][person.pk].shimei == "納税　太郎" and not after[0][person.pk].is_resident
    assert public.atena_resolve(person.atena_no).atena_id == person.pk
    # 寒川町 sees neither the person nor the report
    connection.set_tenant(beta.municipality)
    assert public.person_identities([person.pk]) == {} or (
        public.person_identities([person.pk])[person.pk].shimei != "納税　太郎"
    )
    assert not KyuyoHokoku.objects.exists()
