"""児童手当 end to end through the registry's events, in two towns: a birth puts a task in
the clerks' queue (no payment); a 転出 of the 受給者 stops payment from the month after the
転出予定日, exactly once also when the event is delivered again; the payment run's lines
match the rules and its 全銀協 file lists exactly the town's own non-公務員 受給者."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage

from fukushi.models import (
    JidoteateJukyusha,
    JidoteateKouho,
    JidoteateRireki,
    JidoteateShiharaiMeisai,
    JukyushaStatus,
    RirekiKind,
)
from fukushi.rules.jidoteate import Child, month_total
from fukushi.services.jidoteate import JidoInput, JidoteateRefused, nintei_register
from fukushi.services.jidoteate_shiharai import furikomi_create, shiharai_keisan
from juminkiroku.tests import factories as jk
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.events.models import Delivery, DeliveryStatus, DomainEvent
from tenants.events.tasks import deliver_event
from tenants.jobs.models import Job, JobStatus
from tenants.jobs.services import job_start
from tenants.params.tenant.services import municipal_parameter_set
from tenants.testing.pdf import pdf_pages
from tenants.zengin import Account, read_sogo_furikomi

pytestmark = pytest.mark.django_db

CLERK = Actor(user_id=None, username="hayama-clerk")
ACCOUNT = Account("0001", "123", "1", "1234567", "ﾔﾏﾀﾞ ﾀﾛｳ")
TENNYU = date(2024, 4, 1)


def _family(surname: str, kana: str, kids: list[str]) -> list[dict[str, Any]]:
    members = [
        jk.person_fields(
            shimei=f"{surname}　太郎", shimei_kana=f"{kana}　タロウ", birth_date="1985-05-05"
        ),
        jk.person_fields(
            shimei=f"{surname}　花子",
            shimei_kana=f"{kana}　ハナコ",
            birth_date="1987-08-08",
            sex=jk.Sex.FEMALE,
            zokugara=jk.Zokugara.TSUMA,
            setai_order=2,
        ),
    ]
    for i, b in enumerate(kids):
        members.append(
            jk.person_fields(
                shimei=f"{surname}　子{i}",
                shimei_kana=f"{kana}　コ",
                birth_date=b,
                zokugara=jk.Zokugara.KO,
                setai_order=3 + i,
            )
        )
    return members


def _tennyu(capture: Any, town: str, members: list[dict[str, Any]]) -> list[Any]:
    with capture(execute=True):
        _, people = jk.household_tennyu(town, members=members, ido_date=TENNYU)
    return people


def _nintei(parent: Any, kids: list[Any], *, koumuin: bool = False, actor: Actor = CLERK) -> Any:
    return nintei_register(
        atena_id=parent.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[JidoInput(birth_date=k.birth_date, atena_id=k.pk) for k in kids],
        actor=actor,
        koumuin=koumuin,
        account=None if koumuin else ACCOUNT,
    )


def _irainin(town: Any, actor: Actor) -> None:
    connection.set_tenant(town.municipality)
    for key, value in (
        ("irainin_code", "1234567890"),
        ("irainin_name", "ﾊﾔﾏﾏﾁ"),
        ("shimuke_ginko", "0138"),
        ("shimuke_shiten", "001"),
        ("yokin_shumoku", "1"),
        ("koza_bango", "7654321"),
    ):
        municipal_parameter_set(
            key=f"fukushi.furikomi.{key}",
            fiscal_year=2025,
            value_text=value,
            reason="指定金融機関との総合振込の契約（試験の値）",
            actor=actor,
        )


def test_birth_creates_a_candidate_task_once_in_its_own_town(
    alpha, beta, django_capture_on_commit_callbacks
):
    # given a family in each town
    connection.set_tenant(beta.municipality)
    _tennyu(django_capture_on_commit_callbacks, "samukawa", _family("佐藤", "サトウ", []))
    connection.set_tenant(alpha.municipality)
    father, _mother = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", [])
    )
    # when a child is born into the 葉山町 household
    with django_capture_on_commit_callbacks(execute=True):
        baby = jk.shussei(father.setai_id, ido_date=date(2025, 5, 20))
    # then one task waits in the queue, no 認定 and no payment
    (kouho,) = JidoteateKouho.objects.all()
    assert (kouho.child_atena_id, kouho.birth_date, kouho.status) == (
        baby.pk,
        date(2025, 5, 20),
        "mishori",
    )
    assert kouho.suggested_atena_id is None  # nobody assessed: the clerk chooses
    assert not JidoteateJukyusha.objects.exists()
    # a second delivery of the same event adds nothing
    event = DomainEvent.objects.get(name="juminkiroku.shussei")
    sub = "fukushi.subscribers.jidoteate.kouho_on_shussei"
    Delivery.objects.filter(event=event, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    assert JidoteateKouho.objects.count() == 1
    # and 寒川町 has no task
    connection.set_tenant(beta.municipality)
    assert not JidoteateKouho.objects.exists()


def test_tenshutsu_stops_payment_from_the_month_after_the_yotei_date_exactly_once(
    alpha, django_capture_on_commit_callbacks
):
    connection.set_tenant(alpha.municipality)
    father, _mother, kid = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("山田", "ヤマダ", ["2015-06-01"])
    )
    row = _nintei(father, [kid])
    assert row.shikyu_start == date(2025, 4, 1)
    # when the 受給者 moves out, 転出予定日 2025年7月10日
    with django_capture_on_commit_callbacks(execute=True):
        ido = jk.tenshutsu(father, ido_date=date(2025, 7, 10), todoke_date=date(2025, 7, 1))
    row.refresh_from_db()
    # then paid through 7月分, 消滅 from 8月分, with one history row keyed on the 異動
    assert (row.status, row.shikyu_end, row.shometsu_jiyu) == (
        JukyushaStatus.SHOMETSU,
        date(2025, 8, 1),
        "tenshutsu",
    )
    (rireki,) = JidoteateRireki.objects.filter(jukyusha=row, kind=RirekiKind.SHOMETSU)
    assert rireki.ido_id == ido.pk
    # delivered again: nothing more
    event = DomainEvent.objects.get(name="juminkiroku.tenshutsu_kakutei")
    sub = "fukushi.subscribers.jidoteate.shometsu_on_tenshutsu"
    Delivery.objects.filter(event=event, subscriber=sub).update(status=DeliveryStatus.PENDING)
    deliver_event.apply(args=[event.pk, sub])
    assert JidoteateRireki.objects.filter(jukyusha=row, kind=RirekiKind.SHOMETSU).count() == 1
    # the 8月 payment (6・7月分) pays both months, the 10月 payment (8・9月分) nothing
    aug = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert sorted(
        JidoteateShiharaiMeisai.objects.filter(shiharai=aug).values_list("month", "amount")
    ) == [(date(2025, 6, 1), 10_000), (date(2025, 7, 1), 10_000)]
    oct_ = shiharai_keisan(shiharai_month=date(2025, 10, 1), actor=CLERK)
    assert (oct_.jukyusha_count, oct_.total) == (0, 0)


def test_payment_lines_match_the_rules_and_the_file_lists_the_towns_own_recipients(
    alpha, beta, django_capture_on_commit_callbacks
):
    admin_a = Actor(user_id=None, username="hayama-admin")
    # 葉山町: a family of 4 children (a 大学生年代 19-year-old counted by 監護相当) and a
    # 公務員 family (paid by the employer: not in the town's file)
    connection.set_tenant(alpha.municipality)
    f1, _m1, *kids = _tennyu(
        django_capture_on_commit_callbacks,
        "hayama",
        _family("山田", "ヤマダ", ["2006-05-10", "2010-05-10", "2016-05-10", "2023-01-05"]),
    )
    row1 = nintei_register(
        atena_id=f1.pk,
        seikyu_date=date(2025, 3, 10),
        jiyu_date=None,
        children=[
            JidoInput(birth_date=k.birth_date, atena_id=k.pk, kanshu=(i == 0))
            for i, k in enumerate(kids)
        ],
        actor=CLERK,
        account=ACCOUNT,
    )
    f2, _m2, k2 = _tennyu(
        django_capture_on_commit_callbacks, "hayama", _family("鈴木", "スズキ", ["2018-04-02"])
    )
    _nintei(f2, [k2], koumuin=True)
    # 寒川町: one family
    connection.set_tenant(beta.municipality)
    f3, _m3, k3 = _tennyu(
        django_capture_on_commit_callbacks, "samukawa", _family("佐藤", "サトウ", ["2020-02-02"])
    )
    row3 = _nintei(f3, [k3], actor=Actor(user_id=None, username="samukawa-clerk"))
    # when 葉山町 computes its 8月 payment (6・7月分)
    connection.set_tenant(alpha.municipality)
    run = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    lines = sorted(
        JidoteateShiharaiMeisai.objects.filter(shiharai=run).values_list(
            "jukyusha_id", "month", "jido_count", "amount"
        )
    )
    # then only the non-公務員 受給者 is paid, the amounts those of the rules:
    # 19歳(counted, not paid) 15歳 10,000 + 9歳 第3子 30,000 + 2歳 第4子 30,000 = 70,000
    children = [Child(k.birth_date, i == 0, k.pk) for i, k in enumerate(kids)]
    expected = [
        (row1.pk, m, 3, month_total(children, m)) for m in (date(2025, 6, 1), date(2025, 7, 1))
    ]
    assert lines == expected
    assert [e[3] for e in expected] == [70_000, 70_000]
    assert (run.jukyusha_count, run.total) == (1, 140_000)
    # recomputing replaces the lines (idempotent)
    run = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert JidoteateShiharaiMeisai.objects.filter(shiharai=run).count() == 2
    # no file without the town's 振込依頼人 settings
    with pytest.raises(JidoteateRefused):
        furikomi_create(shiharai_id=run.pk, torikumi=date(2025, 8, 8), actor=CLERK)
    _irainin(alpha, admin_a)
    run = furikomi_create(shiharai_id=run.pk, torikumi=date(2025, 8, 8), actor=CLERK)
    with default_storage.open(run.furikomi_path, "rb") as fh:
        records = read_sogo_furikomi(fh.read())
    data = [r.fields for r in records if r.kind == "data"]
    assert [(d["amount"], d["customer1"], d["koza_bango"]) for d in data] == [
        (140_000, row1.jukyusha_no, "1234567")
    ]
    assert [r.fields for r in records if r.kind == "trailer"] == [{"count": 1, "total": 140_000}]
    # the 支払通知書 on the shared print path: one page for the one 受給者, read back
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind="fukushi_jidoteate_tsuchi_print", params={"shiharai_id": run.pk}, actor=CLERK
        )
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    (pdf,) = [f for f in job.files.all() if f.name.endswith(".pdf")]
    with default_storage.open(pdf.path, "rb") as fh:
        (page,) = pdf_pages(fh.read())
    assert "児童手当支払通知書" in page and "140,000円" in page and "令和7年6月分" in page
    assert "山田" in page and "鈴木" not in page and "1234567" not in page
    # and 寒川町's run pays its own family only; it cannot see 葉山町's run
    connection.set_tenant(beta.municipality)
    run_b = shiharai_keisan(shiharai_month=date(2025, 8, 1), actor=CLERK)
    assert set(
        JidoteateShiharaiMeisai.objects.filter(shiharai=run_b).values_list("jukyusha_id", flat=True)
    ) == {row3.pk}
    assert run_b.total == 2 * 10_000  # 5歳: 10,000円 × 2 months
    assert not Job.objects.filter(kind="fukushi_jidoteate_tsuchi_print").exists()
