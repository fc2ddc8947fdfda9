"""国保税: the 特別徴収対象者の通知 imported and used by the 特別徴収 judgment (issue 15, KF-9),
in two towns (葉山町's 山田, 寒川町's 佐藤, each 世帯主 of a 国保 household of 令和7年度):

- a line is matched to the 世帯主 of a current 賦課 of the 年度 by カナ氏名・生年月日・性別
  (a line for someone else — here 寒川町's 佐藤 in 葉山町's file — is not used), kept with
  its 年金額 and pension ids; the same file twice, a file with an unreadable line (listed by
  line and field), a file of another layout: refused, nothing written;
- the judgment takes the 年金額 and the ids from the notice (typed values that differ are
  refused), typed values only where the notice has no line, and says which;
- the 一括判定 lists every household of the town with 対象/対象外 and the reasons in words;
- 寒川町 sees none of 葉山町's lines, and 葉山町 none of 寒川町's."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import person_fields
from kokuho.fuka_jobs import HONSANTEI
from kokuho.models import KokuhoFuka, Tokucho, TokuchoFile, TokuchoTaisho
from kokuho.services.tokucho import TokuchoRefused, tokucho_hantei_save
from kokuho.services.tokucho_taisho import (
    TAISHO,
    TAISHOGAI,
    YO_NYURYOKU,
    TaishoRefused,
    tokucho_ikkatsu,
    tokucho_taisho_import,
)
from kokuho.tests.factories import tennyu
from kokuho.tests.fuka_helpers import ACTOR, run_job, set_rates
from tenants.accesslog.models import AccessLog
from tenants.csvout import csv_bytes
from tenants.db import connection
from tenants.nenkin_tokucho import TAISHO_HEADER
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei

pytestmark = pytest.mark.django_db

FY = 2025
YAMADA = ["001", "1234567890", "1150", "19540501", "1", "ヤマダ　タロウ", "2000000", "6"]
SATO = ["001", "3333333333", "1150", "19540501", "1", "サトウ　タロウ", "1500000", "6"]
STRANGER = ["001", "5555555555", "1150", "19400101", "2", "スズキ　ウメ", "900000", "6"]


def _file(*rows: list[str]) -> bytes:
    return csv_bytes(TAISHO_HEADER, list(rows), encoding="utf-8-sig")


def _assess(cap: Any, town: str, name: str, kana: str) -> Any:
    set_rates()
    members = [
        person_fields(
            shimei=f"{name}　太郎", shimei_kana=f"{kana}　タロウ", birth_date="1954-05-01"
        ),
        person_fields(
            shimei=f"{name}　花子", shimei_kana=f"{kana}　ハナコ", birth_date="1956-06-01",
            sex="2", zokugara="02", setai_order=2,
        ),
    ]  # fmt: skip
    _, (head, wife) = tennyu(cap, town, members=members, day=date(2020, 4, 1))
    kazei(head.pk, FY, nenkin=2_000_000)
    kazei(wife.pk, FY)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date=f"{FY}-07-01")
    return head


def _young(cap: Any, town: str) -> Any:
    """A one-person household of a 50-year-old (not 65–74)."""
    p = person_fields(shimei="若井　一郎", shimei_kana="ワカイ　イチロウ", birth_date="1975-04-10")
    _, (head,) = tennyu(cap, town, members=[p], day=date(2020, 4, 1))
    kazei(head.pk, FY)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date=f"{FY}-07-01")
    return head


def _current(head: Any) -> KokuhoFuka:
    return KokuhoFuka.objects.get(fiscal_year=FY, setai_id=head.setai_id, is_current=True)


@pytest.fixture
def towns(world: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any]:
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    sato = _assess(cap, "samukawa", "佐藤", "サトウ")
    connection.set_tenant(world.alpha.municipality)
    yamada = _assess(cap, "hayama", "山田", "ヤマダ")
    return yamada, sato


def _counts() -> tuple[int, int, int]:
    return TokuchoTaisho.objects.count(), TokuchoFile.objects.count(), AccessLog.objects.count()


def test_the_notice_is_matched_to_the_setainushi_of_its_town_only(towns, world):
    yamada, sato = towns
    data = _file(YAMADA, SATO, STRANGER)
    res = tokucho_taisho_import(fiscal_year=FY, data=data, file_name="taisho.csv", actor=ACTOR)
    assert (res.lines, res.recorded) == (3, 1)
    assert [n for n, _why in res.unused] == [3, 4]  # 寒川町's 佐藤 and a stranger: not here
    (t,) = TokuchoTaisho.objects.all()
    assert (t.atena_id, t.nenkin_hokensha, t.kiso_nenkin_no, t.nenkin_code, t.nenkin_gaku) == (
        yamada.pk, "001", "1234567890", "1150", 2_000_000,
    )  # fmt: skip
    log = AccessLog.objects.filter(screen="kokuho.fuka_tokucho_taisho").get()
    assert log.detail["atena_ids"] == [yamada.pk] and log.record_count == 1
    # refused whole, nothing written: the same file again; an unreadable line; another layout
    before = _counts()
    with pytest.raises(TaishoRefused, match="取込済み"):
        tokucho_taisho_import(fiscal_year=FY, data=data, file_name="again.csv", actor=ACTOR)
    bad = _file(
        [*YAMADA[:6], "2100000", "6"],
        ["001", "12345", "1150", "19540501", "1", "ヤマダ　タロウ", "2000000", "6"],
        [*YAMADA[:6], "二百万", "6"],
        [*YAMADA[:4], "3", *YAMADA[5:]],
    )
    with pytest.raises(TaishoRefused) as exc:
        tokucho_taisho_import(fiscal_year=FY, data=bad, file_name="bad.csv", actor=ACTOR)
    assert [(e.line, e.field) for e in exc.value.errors] == [
        (3, "基礎年金番号"), (4, "年金額"), (5, "性別"),
    ]  # fmt: skip
    assert "ヤマダ" not in str(exc.value) and all(
        "ヤマダ" not in e.message for e in exc.value.errors
    )
    with pytest.raises(TaishoRefused, match="見出し"):
        tokucho_taisho_import(fiscal_year=FY, data=b"a,b\n1,2\n", file_name="x.csv", actor=ACTOR)
    assert _counts() == before
    assert TokuchoTaisho.objects.get().nenkin_gaku == 2_000_000
    # 寒川町: nothing of 葉山町's file; its own file matches 佐藤 only
    connection.set_tenant(world.beta.municipality)
    assert TokuchoTaisho.objects.count() == 0 and TokuchoFile.objects.count() == 0
    res = tokucho_taisho_import(fiscal_year=FY, data=data, file_name="t.csv", actor=ACTOR)
    assert res.recorded == 1 and TokuchoTaisho.objects.get().atena_id == sato.pk
    connection.set_tenant(world.alpha.municipality)
    assert list(TokuchoTaisho.objects.values_list("atena_id", flat=True)) == [yamada.pk]


def test_the_judgment_takes_the_pension_from_the_notice(towns, world):
    yamada, sato = towns
    tokucho_taisho_import(fiscal_year=FY, data=_file(YAMADA), file_name="t.csv", actor=ACTOR)
    fuka = _current(yamada)
    before = (Tokucho.objects.count(), KokuhoFuka.objects.count())
    with pytest.raises(TokuchoRefused, match="通知のもの"):
        tokucho_hantei_save(
            fuka_id=fuka.pk, nenkin_gaku=1_000_000, kaigo_hokenryo=90_000, kari_gaku=None,
            kaigo_tokucho=True,
            koza_moushide=False, moushide_date=None, on=date(2025, 7, 1), actor=ACTOR,
        )  # fmt: skip
    assert (Tokucho.objects.count(), KokuhoFuka.objects.count()) == before
    t = tokucho_hantei_save(
        fuka_id=fuka.pk, nenkin_gaku=None, kaigo_hokenryo=90_000, kari_gaku=None,
        kaigo_tokucho=True,
        koza_moushide=False, moushide_date=None, on=date(2025, 7, 1), actor=ACTOR,
    )  # fmt: skip
    assert t.gaito and t.nenkin_gaku == 2_000_000 and t.nenkin_source == "tsuchi"
    assert (t.nenkin_hokensha, t.kiso_nenkin_no, t.nenkin_code) == ("001", "1234567890", "1150")
    assert _current(yamada).choshu_hoho == "tokubetsu"
    # 寒川町: no notice there — the pension typed (marked so), or refused when not typed
    connection.set_tenant(world.beta.municipality)
    other = _current(sato)
    with pytest.raises(TokuchoRefused, match="年金の年額を入力"):
        tokucho_hantei_save(
            fuka_id=other.pk, nenkin_gaku=None, kaigo_hokenryo=90_000, kari_gaku=None,
            kaigo_tokucho=True,
            koza_moushide=False, moushide_date=None, on=date(2025, 7, 1), actor=ACTOR,
        )  # fmt: skip
    assert Tokucho.objects.count() == 0
    t2 = tokucho_hantei_save(
        fuka_id=other.pk, nenkin_gaku=1_500_000, kaigo_hokenryo=80_000, kari_gaku=None,
        kaigo_tokucho=True,
        koza_moushide=False, moushide_date=None, nenkin_hokensha="001",
        kiso_nenkin_no="3333333333", nenkin_code="1150", on=date(2025, 7, 1), actor=ACTOR,
    )  # fmt: skip
    assert t2.nenkin_source == "nyuryoku" and t2.get_nenkin_source_display().startswith("入力")
    connection.set_tenant(world.alpha.municipality)
    assert Tokucho.objects.count() == 1


def test_ikkatsu_lists_every_household_with_reasons_in_its_town_only(
    towns, world, django_capture_on_commit_callbacks
):
    yamada, sato = towns
    young = _young(django_capture_on_commit_callbacks, "hayama")
    tokucho_taisho_import(fiscal_year=FY, data=_file(YAMADA), file_name="t.csv", actor=ACTOR)
    listing = tokucho_ikkatsu(fiscal_year=FY)
    by = {r.nozei_gimusha_id: r for r in listing.rows}
    assert set(by) == {yamada.pk, young.pk} and listing.households == 2
    assert by[yamada.pk].kekka == YO_NYURYOKU and by[yamada.pk].nenkin_gaku == 2_000_000
    assert by[young.pk].kekka == TAISHOGAI
    assert by[young.pk].reasons == ("特別徴収対象者の通知に世帯主の年金がない",)
    # the 介護保険料 typed once on the household's judgment: 対象; too heavy: 対象外 in words
    tokucho_hantei_save(
        fuka_id=_current(yamada).pk, nenkin_gaku=None, kaigo_hokenryo=90_000, kari_gaku=None,
        kaigo_tokucho=True,
        koza_moushide=False, moushide_date=None, on=date(2025, 7, 1), actor=ACTOR,
    )  # fmt: skip
    row = next(r for r in tokucho_ikkatsu(fiscal_year=FY).rows if r.nozei_gimusha_id == yamada.pk)
    assert (row.kekka, row.kaigo_hokenryo, row.nenkin_source) == (
        TAISHO,
        90_000,
        "特別徴収対象者の通知",
    )
    # a young 世帯主 typed a pension: 対象外 because of the age, said in words
    tokucho_hantei_save(
        fuka_id=_current(young).pk, nenkin_gaku=2_000_000, kaigo_hokenryo=0, kari_gaku=None,
        kaigo_tokucho=True,
        koza_moushide=False, moushide_date=None, on=date(2025, 7, 1), actor=ACTOR,
    )  # fmt: skip
    row = next(r for r in tokucho_ikkatsu(fiscal_year=FY).rows if r.nozei_gimusha_id == young.pk)
    assert row.kekka == TAISHOGAI and "65歳未満の被保険者がいる" in row.reasons
    connection.set_tenant(world.beta.municipality)
    listing = tokucho_ikkatsu(fiscal_year=FY)
    assert [r.nozei_gimusha_id for r in listing.rows] == [sato.pk]
    assert listing.rows[0].kekka == TAISHOGAI  # no notice imported in 寒川町
    connection.set_tenant(world.alpha.municipality)


def test_the_screens_in_each_town(towns, world, login):
    yamada, _sato = towns
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kokuho/fuka/tokucho/").content.decode()
    assert "特別徴収対象者の通知の取込" in page and "/kokuho/fuka/tokucho/ikkatsu/" in page
    from django.core.files.uploadedfile import SimpleUploadedFile

    up = SimpleUploadedFile("taisho.csv", _file(YAMADA, SATO), content_type="text/csv")
    r = clerk.post("/kokuho/fuka/tokucho/", {"action": "taisho", "fiscal_year": "2025", "file": up})
    assert r.status_code == 200
    assert "2行のうち1行を記録しました" in r.content.decode()
    bad = SimpleUploadedFile("bad.csv", _file([*YAMADA[:6], "x", "6"]), content_type="text/csv")
    r = clerk.post(
        "/kokuho/fuka/tokucho/", {"action": "taisho", "fiscal_year": "2025", "file": bad}
    )
    body = r.content.decode()
    assert "ファイル全体を取り込みませんでした" in body and "年金額" in body
    r = clerk.post("/kokuho/fuka/tokucho/ikkatsu/", {"fiscal_year": "2025"})
    body = r.content.decode()
    assert r.status_code == 200 and "山田　太郎" in body and "介護保険料の入力が必要" in body
    assert "佐藤" not in body
    connection.set_tenant(world.alpha.municipality)
    log = AccessLog.objects.filter(screen="kokuho.fuka_tokucho_ikkatsu").get()
    assert log.detail["atena_ids"] == [yamada.pk] and log.detail["fiscal_year"] == 2025
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    body = other.post("/kokuho/fuka/tokucho/ikkatsu/", {"fiscal_year": "2025"}).content.decode()
    assert "佐藤　太郎" in body and "山田" not in body
    connection.set_tenant(world.beta.municipality)
    assert TokuchoTaisho.objects.count() == 0
    connection.set_tenant(world.alpha.municipality)
    assert TokuchoTaisho.objects.get().atena_id == yamada.pk
    assert (
        login("hayama-viewer", ALPHA_HOST).get("/kokuho/fuka/tokucho/ikkatsu/").status_code == 403
    )
