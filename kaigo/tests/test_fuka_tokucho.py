"""特別徴収 files (our documented layouts): the 特別徴収対象者の通知 imported and matched to
葉山町's 第1号 (18万円 threshold, unmatched rows by number only), the 本算定 then
collecting from the pension, and the 特別徴収依頼の通知 written through the CSV writer
from the screen — 寒川町 neither matched nor exported; and the pure 期別 rules."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka, TokuchoTaisho
from kaigo.rules.fuka_kibetsu import (
    kibetsu_futsu,
    kibetsu_kosei,
    kibetsu_tokucho,
    split_ki,
)
from kaigo.services.fuka_tokucho import (
    IRAI_HEADER,
    TAISHO_HEADER,
    TokuchoFileError,
    tokucho_import,
)
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import ACTOR, hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.csvout import csv_bytes
from tenants.db import connection
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025


def _file(rows: list[list[str]]) -> bytes:
    """The insurer's file as the platform's CSV writer writes one (UTF-8 with BOM)."""
    return csv_bytes(TAISHO_HEADER, rows, encoding="utf-8-sig")


ICHIRO = ["001", "1234567890", "1150", "19500615", "1", "タカハシ　イチロウ", "2400000", "5"]


def test_import_matches_dai1_and_the_irai_file_carries_the_kibetsu(
    world, login, django_capture_on_commit_callbacks
):
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    set_table()
    tennyu(cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1))
    connection.set_tenant(world.alpha.municipality)
    set_table()
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    kazei_set(husband.pk, FY, sonota=2_100_000)
    hikazei(wife.pk, FY, 809_000)
    # when the 通知 lists 一郎 (matched), 和子 with a pension under 18万円, 佐藤 of 寒川町
    # (not ours), the son (45: not 第1号) and a broken row
    data = _file(
        [
            ICHIRO,
            ["001", "2222222222", "1150", "1952-02-29", "2", "タカハシカズコ", "179999", "5"],
            ["001", "3333333333", "1150", "19500615", "1", "サトウ　イチロウ", "2400000", "5"],
            ["001", "4444444444", "1150", "19801103", "1", "タカハシ　ケンタ", "2400000", "5"],
            ["001", "5555555555", "1150", "昭和", "1", "タカハシ　イチロウ", "x", "5"],
        ]
    )
    result = tokucho_import(fiscal_year=FY, data=data, file_name="tokucho.csv", actor=ACTOR)
    # then
    assert result.imported == 1
    assert [n for n, _ in result.refused] == [2, 3, 4, 5]
    assert "18" in result.refused[0][1] or "180,000" in result.refused[0][1]
    assert all("タカハシ" not in why and "サトウ" not in why for _, why in result.refused)
    t = TokuchoTaisho.objects.get()
    assert (t.atena_id, t.kiso_nenkin_no, t.nenkin_gaku) == (husband.pk, "1234567890", 2_400_000)
    # a later file replaces the row, never duplicates it
    tokucho_import(fiscal_year=FY, data=_file([ICHIRO]), file_name="again.csv", actor=ACTOR)
    assert TokuchoTaisho.objects.count() == 1
    assert AccessLog.objects.filter(screen="kaigo.fuka_tokucho", action="create").count() == 2
    with pytest.raises(TokuchoFileError):
        tokucho_import(fiscal_year=FY, data=b"a,b\n", file_name="x.csv", actor=ACTOR)
    # the 本算定 collects 一郎's from the pension, 和子's by 普通徴収
    run_job(cap, HONSANTEI, fiscal_year=FY)
    assert dict(KaigoFuka.objects.values_list("atena_id", "choshu_hoho")) == {
        husband.pk: "tokucho",
        wife.pk: "futsu",
    }
    connection.set_schema_to_public()
    # and the 依頼 file from the screen: one row, the 本徴収 amounts
    clerk = login("hayama-clerk", ALPHA_HOST)
    assert "特別徴収対象者の通知の取込" in clerk.get("/kaigo/fuka/tokucho/").content.decode()
    r = clerk.post(
        "/kaigo/fuka/tokucho/", {"action": "irai", "fiscal_year": FY, "encoding": "utf-8-sig"}
    )
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == IRAI_HEADER
    assert rows[1][:3] == ["001", "1234567890", "1150"] and rows[1][4] == str(FY)
    assert rows[1][5:] == ["0", "0", "0", "30000", "30000", "30000"]
    assert len(rows) == 2
    # 寒川町's file has nobody
    other = login("samukawa-clerk", BETA_HOST)
    r = other.post(
        "/kaigo/fuka/tokucho/", {"action": "irai", "fiscal_year": FY, "encoding": "utf-8-sig"}
    )
    assert len(list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))) == 1


# --- the pure 期別 rules (our documented choices) ---------------------------------------


def _lookup(key: str, year: int) -> object:
    return {
        "kaigo.hokenryo.futsu.nouki_months": [7, 8, 9, 10, 11, 12, 1, 2, 3],
        "kaigo.hokenryo.futsu.nouki_day": 0,
        "kaigo.hokenryo.futsu.hasu_tani": 100,
        "kaigo.hokenryo.tokucho.hasu_tani": 100,
    }[key]


def test_split_remainder_goes_to_the_first_part() -> None:
    assert split_ki(66_000, 9, 100) == [7_600] + [7_300] * 8
    assert split_ki(15_225, 7, 100) == [2_625] + [2_100] * 6
    assert sum(split_ki(123_457, 6, 100)) == 123_457


def test_tokucho_honchoshu_is_the_rest_over_three_remainder_in_october() -> None:
    k = kibetsu_tokucho(90_100, 20_000, FY, _lookup)
    # 90,100 − 60,000 = 30,100: 10,000 × 3 + 100 in October
    assert list(k.amounts) == [20_000] * 3 + [10_100, 10_000, 10_000]
    assert [x.month for x in k.ki] == [4, 6, 8, 10, 12, 2]
    assert k.ki[-1].due == date(2026, 2, 15)
    # 仮徴収 beyond the year's 保険料: 本徴収 0, the excess refunded
    k = kibetsu_tokucho(50_000, 20_000, FY, _lookup)
    assert list(k.amounts) == [20_000] * 3 + [0, 0, 0] and k.kanou == 10_000


def test_kosei_keeps_the_due_ki_and_never_the_karichoshu() -> None:
    before = kibetsu_tokucho(90_000, 20_000, FY, _lookup)
    # on 11月1日: 仮徴収 and October fixed; 60,000 + 10,000 kept, the rest over Dec/Feb
    k = kibetsu_kosei(120_000, before, FY, _lookup, on=date(2025, 11, 1))
    assert list(k.amounts) == [20_000] * 3 + [10_000, 25_000, 25_000]
    assert list(k.before) == [20_000] * 3 + [10_000] * 3
    f = kibetsu_futsu(27_000, FY, _lookup)
    k = kibetsu_kosei(9_000, f, FY, _lookup, on=date(2025, 12, 2))
    # on 12月2日 5 期 are due (7〜11月; 11月30日 is a Sunday, due 12月1日): 15,000 > 9,000,
    # 過誤納 6,000, the rest 0
    assert k.kanou == 6_000 and list(k.amounts) == [3_000] * 5 + [0] * 4
