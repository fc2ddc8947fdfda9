"""The notices that come back from the pension insurers (layouts ours, tenants.
nenkin_tokucho): a refused 依頼 moves 葉山町's 一郎 to 普通徴収 with the rest of his 保険料
over the 期 still to come (figures below), through the 更正 path with history; the
特別徴収結果 posts the amounts withheld to the 収納 ledger, where his pension months then
balance; a 死亡 notice stops 特別徴収 from its day; a bad line is reported by file line and
field and the others are used; the same file twice changes nothing; 寒川町 neither matches
葉山町's lines nor sees its files."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from kaigo.forms.fuka import notices, notices_render
from kaigo.fuka_jobs import HONSANTEI
from kaigo.models import KaigoFuka, TokuchoFile, TokuchoTaisho
from kaigo.rules.fuka_kibetsu import kibetsu_futsu_kirikae, kibetsu_tokucho
from kaigo.services.fuka_tokucho import TAISHO_HEADER, tokucho_import, tokucho_irai_csv
from kaigo.services.fuka_tokucho_kekka import TokuchoKekkaRefused, tokucho_kekka_import
from kaigo.services.nenrei import nenrei_totatsu_due
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import ACTOR, alone, hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.csvout import csv_bytes
from tenants.db import connection
from tenants.nenkin_tokucho import NoticeKind, header_of
from tenants.testing.pdf import pdf_pages, squash
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import kazei_set

pytestmark = pytest.mark.django_db

FY = 2025
ICHIRO = ["001", "1234567890", "1150", "19500615", "1", "タカハシ　イチロウ", "2400000", "5"]
KAZUKO = ["001", "2222222222", "1150", "1952-02-29", "2", "タカハシカズコ", "809000", "5"]
SATO = ["001", "3333333333", "1150", "19500615", "1", "サトウ　イチロウ", "2400000", "5"]


def _notice(kind: NoticeKind, rows: list[list[str]]) -> bytes:
    return csv_bytes(header_of(kind), rows, encoding="utf-8-sig")


def _setup(cap: Any, world: Any) -> tuple[Any, Any]:
    """葉山町: 一郎 (保険料 90,000円) and 和子 collected from their pensions; 寒川町: 佐藤."""
    connection.set_tenant(world.beta.municipality)
    set_table()
    _, (sato, *_rest) = tennyu(
        cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1)
    )
    kazei_set(sato.pk, FY, sonota=2_100_000)
    tokucho_import(
        fiscal_year=FY, data=csv_bytes(TAISHO_HEADER, [SATO], encoding="utf-8-sig"),
        file_name="taisho.csv", actor=ACTOR,
    )  # fmt: skip
    run_job(cap, HONSANTEI, fiscal_year=FY)
    connection.set_tenant(world.alpha.municipality)
    set_table()
    _, (husband, wife, _son) = tennyu(cap, members=elders(), day=date(2020, 4, 1))
    kazei_set(husband.pk, FY, sonota=2_100_000)
    hikazei(wife.pk, FY, 809_000)
    result = tokucho_import(
        fiscal_year=FY,
        data=csv_bytes(TAISHO_HEADER, [ICHIRO, KAZUKO], encoding="utf-8-sig"),
        file_name="taisho.csv",
        actor=ACTOR,
    )
    assert result.imported == 2
    run_job(cap, HONSANTEI, fiscal_year=FY)
    f = KaigoFuka.objects.get(atena_id=husband.pk, is_current=True)
    # no 仮徴収 (no 前年度), 本徴収 (90,000 − 0) ÷ 3
    assert f.hokenryo == 90_000 and f.choshu_hoho == "tokucho"
    assert [k["amount"] for k in f.kibetsu] == [0, 0, 0, 30_000, 30_000, 30_000]
    return husband, wife


@pytest.fixture
def towns(world: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any, Any]:
    """(一郎, 和子, the world); 葉山町 is the current tenant."""
    return (*_setup(django_capture_on_commit_callbacks, world), world)


def _kibetsu(atena_id: int) -> list[tuple[str, int, int]]:
    f = KaigoFuka.objects.get(atena_id=atena_id, is_current=True)
    return [(k["kind"], k["month"], k["amount"]) for k in f.kibetsu]


def test_a_refused_irai_moves_to_futsu_with_the_rest_over_the_ki_to_come(towns: Any) -> None:
    husband, wife, world = towns
    hihokensha = KaigoFuka.objects.get(atena_id=husband.pk, is_current=True).hihokensha_no
    data = _notice(
        NoticeKind.IRAI_KEKKA,
        [
            # 一郎: 不能 (保険料 over half the pension) from 2025-12-20
            ["001", "1234567890", "1150", hihokensha, "2025", "1", "02", "20251220"],
            # 和子: 受理
            ["001", "2222222222", "1150", "", "2025", "0", "", "20251220"],
            # line 4: a 処理結果 that is no code; line 5: a pension nobody here has
            ["001", "2222222222", "1150", "", "2025", "7", "", "20251220"],
            ["001", "9999999999", "1150", "", "2025", "1", "01", "20251220"],
        ],
    )
    result = tokucho_kekka_import(
        kind=NoticeKind.IRAI_KEKKA, fiscal_year=FY, data=data, file_name="kekka.csv", actor=ACTOR
    )
    assert (result.lines, result.applied, result.unchanged) == (4, 1, 1)
    assert [(e.line, e.field) for e in result.errors] == [(4, "処理結果"), (5, "基礎年金番号")]
    # 一郎: the pension months before 12月20日 kept (10月 and 12月 withheld: 60,000), the
    # other 30,000 over the 普通徴収 期 due from that day (12月 → 1月5日, 1月, 2月, 3月):
    # 30,000 ÷ 4 = 7,500 each
    assert _kibetsu(husband.pk) == [
        ("kari", 4, 0), ("kari", 6, 0), ("kari", 8, 0), ("hon", 10, 30_000), ("hon", 12, 30_000),
        ("futsu", 12, 7_500), ("futsu", 1, 7_500), ("futsu", 2, 7_500), ("futsu", 3, 7_500),
    ]  # fmt: skip
    new = KaigoFuka.objects.get(atena_id=husband.pk, is_current=True)
    old = KaigoFuka.objects.get(atena_id=husband.pk, is_current=False)
    assert (new.version, new.choshu_hoho, new.cause, new.hokenryo) == (
        2, "futsu", "tokucho_chushi", 90_000
    )  # fmt: skip
    assert old.superseded_by_id == new.pk and old.choshu_hoho == "tokucho"
    assert "不能" in new.reason and new.kijun_date == date(2025, 12, 20)
    t = TokuchoTaisho.objects.get(atena_id=husband.pk)
    assert (t.irai_kekka, t.chushi_date) == ("1", date(2025, 12, 20))
    assert TokuchoTaisho.objects.get(atena_id=wife.pk).irai_kekka == "0"
    assert _kibetsu(wife.pk)[0][0] == "kari"  # 和子 unchanged
    # the 普通徴収 期 are in the 収納 ledger: 4 × 7,500 to pay
    zan = [
        (k.ki_label, k.chotei, k.zan) for k in kibetsu_zan(husband.pk) if k.zeimoku == Zeimoku.KAIGO
    ]
    assert zan == [(f"第{n}期", 7_500, 7_500) for n in (6, 7, 8, 9)]
    # his 変更通知書's 納入通知書 asks for the 普通徴収 期 only (30,000), not the pension months
    (notice,) = notices([new], tsuchi_date=date(2025, 12, 25))
    assert [k["label"] for k in notice.item["nonyu_kibetsu"]] == [f"第{n}期" for n in (6, 7, 8, 9)]
    assert notice.item["nonyu_gokei"] == "30,000円"
    assert notice.item["cause"].startswith("特別徴収の中止")
    pages = pdf_pages(notices_render([notice], issuer="葉山町長", tsuchi_date=date(2025, 12, 25)))
    nonyu = squash(pages[1])
    assert "第6期" in nonyu and "本徴収（10月）" not in nonyu and "30,000円" in nonyu
    assert "本徴収（10月）" in squash(pages[0])  # the 変更通知書 shows every 期
    # the 依頼 file no longer asks for 一郎
    csv_data, n = tokucho_irai_csv(fiscal_year=FY, actor=ACTOR, encoding="utf-8-sig")
    assert n == 1 and b"1234567890" not in csv_data
    log = AccessLog.objects.get(screen="kaigo.fuka_tokucho_kekka", record_type="kaigo.TokuchoFile",
                                record_id=str(result.file_id))  # fmt: skip
    assert log.detail["atena_ids"] == [husband.pk]
    # the same file again: refused, nothing changes
    with pytest.raises(TokuchoKekkaRefused, match="取込済み"):
        tokucho_kekka_import(
            kind=NoticeKind.IRAI_KEKKA, fiscal_year=FY, data=data, file_name="again.csv",
            actor=ACTOR,
        )  # fmt: skip
    assert KaigoFuka.objects.filter(atena_id=husband.pk).count() == 2
    assert TokuchoFile.objects.count() == 1
    # a file of another kind, or not ours: refused whole
    with pytest.raises(TokuchoKekkaRefused, match="見出し"):
        tokucho_kekka_import(
            kind=NoticeKind.IDO, fiscal_year=FY, data=data, file_name="x.csv", actor=ACTOR
        )
    # 寒川町 with 葉山町's file: nobody matched, 佐藤 untouched
    connection.set_tenant(world.beta.municipality)
    other = tokucho_kekka_import(
        kind=NoticeKind.IRAI_KEKKA, fiscal_year=FY, data=data, file_name="kekka.csv", actor=ACTOR
    )
    assert other.applied == 0 and len(other.errors) == 4
    assert not KaigoFuka.objects.filter(cause="tokucho_chushi").exists()
    assert KaigoFuka.objects.filter(is_current=False).count() == 0
    connection.set_tenant(world.alpha.municipality)
    assert KaigoFuka.objects.filter(atena_id=husband.pk).count() == 2


def test_the_choshu_kekka_posts_to_the_ledger_which_then_balances(towns: Any) -> None:
    husband, wife, world = towns
    data = _notice(
        NoticeKind.CHOSHU_KEKKA,
        [
            ["001", "1234567890", "1150", "", "2025", "10", "30000", "20251015"],
            ["001", "1234567890", "1150", "", "2025", "12", "30000", "20251215"],
            # line 4: no amount; line 5: not a pension month; line 6: nobody's pension
            ["001", "2222222222", "1150", "", "2025", "10", "abc", "20251015"],
            ["001", "2222222222", "1150", "", "2025", "5", "1000", "20251015"],
            ["001", "9999999999", "1150", "", "2025", "10", "1000", "20251015"],
        ],
    )
    result = tokucho_kekka_import(
        kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, data=data, file_name="choshu.csv",
        actor=ACTOR,
    )  # fmt: skip
    assert (result.lines, result.applied, result.amount) == (5, 2, 60_000)
    assert [(e.line, e.field) for e in result.errors] == [
        (4, "徴収済額"), (5, "徴収月"), (6, "基礎年金番号")
    ]  # fmt: skip
    # the ledger: each pension month's 調定 30,000, 収納 30,000, nothing left
    ledger = [
        (k.ki_label, k.chotei, k.shuno, k.zan)
        for k in kibetsu_zan(husband.pk)
        if k.zeimoku == Zeimoku.KAIGO
    ]
    assert ledger == [("本徴収（10月）", 30_000, 30_000, 0), ("本徴収（12月）", 30_000, 30_000, 0)]
    assert kibetsu_zan(wife.pk) == []
    f = TokuchoFile.objects.get(pk=result.file_id)
    assert f.shuno_file_id is not None and [e["line"] for e in f.errors] == [4, 5, 6]
    # the same file twice: refused, the ledger unchanged
    with pytest.raises(TokuchoKekkaRefused, match="取込済み"):
        tokucho_kekka_import(
            kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, data=data, file_name="again.csv",
            actor=ACTOR,
        )  # fmt: skip
    assert [(k.chotei, k.shuno) for k in kibetsu_zan(husband.pk)] == [(30_000, 30_000)] * 2
    # 寒川町 with 葉山町's file: nothing posted there
    connection.set_tenant(world.beta.municipality)
    other = tokucho_kekka_import(
        kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, data=data, file_name="choshu.csv",
        actor=ACTOR,
    )  # fmt: skip
    assert other.applied == 0 and other.amount == 0 and len(other.errors) == 5
    connection.set_tenant(world.alpha.municipality)


def test_a_shibo_notice_stops_tokucho_for_the_remaining_ki(towns: Any) -> None:
    husband, _wife, _world = towns
    data = _notice(
        NoticeKind.IDO,
        [
            ["001", "1234567890", "1150", "", "2025", "1", "20251120"],
            # a second line for him in the same file: reported, not applied twice
            ["001", "1234567890", "1150", "", "2025", "3", "20251201"],
        ],
    )
    result = tokucho_kekka_import(
        kind=NoticeKind.IDO, fiscal_year=FY, data=data, file_name="ido.csv", actor=ACTOR
    )
    assert result.applied == 1
    assert [(e.line, e.field) for e in result.errors] == [(3, "基礎年金番号")]
    # October withheld (30,000); 60,000 over 11月 (→ 12月1日), 12月, 1月, 2月, 3月: 12,000
    assert _kibetsu(husband.pk) == [
        ("kari", 4, 0), ("kari", 6, 0), ("kari", 8, 0), ("hon", 10, 30_000),
        ("futsu", 11, 12_000), ("futsu", 12, 12_000), ("futsu", 1, 12_000),
        ("futsu", 2, 12_000), ("futsu", 3, 12_000),
    ]  # fmt: skip
    assert "死亡" in KaigoFuka.objects.get(atena_id=husband.pk, is_current=True).reason
    # a later 異動 for him (another file): already on 普通徴収, nothing more changes
    later = _notice(NoticeKind.IDO, [["001", "1234567890", "1150", "", "2025", "2", "20260110"]])
    again = tokucho_kekka_import(
        kind=NoticeKind.IDO, fiscal_year=FY, data=later, file_name="ido2.csv", actor=ACTOR
    )
    assert (again.applied, again.unchanged) == (0, 1)
    assert KaigoFuka.objects.filter(atena_id=husband.pk).count() == 2


def test_the_screen_uploads_shows_the_lines_and_lists_the_towns_files_only(
    towns: Any, login: Any
) -> None:
    data = _notice(
        NoticeKind.IDO,
        [
            ["001", "1234567890", "1150", "", "2025", "3", "20251020"],
            ["001", "1234567890", "1150", "", "2025", "9", "20251020"],
        ],
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/kaigo/fuka/tokucho/kekka/").content.decode()
    assert "特別徴収依頼処理結果の通知" in page and "当社の定義" in page
    upload = _upload(data, "ido_202510.csv")
    r = clerk.post("/kaigo/fuka/tokucho/kekka/", {"kind": "ido", "fiscal_year": FY, "file": upload})
    body = r.content.decode()
    assert r.status_code == 200
    assert "2行のうち1行を反映しました" in body and "異動区分" in body
    assert "ido_202510.csv" in body and "タカハシ" not in body and "1234567890" not in body
    # the same file again: the Japanese refusal on the form
    r = clerk.post(
        "/kaigo/fuka/tokucho/kekka/",
        {"kind": "ido", "fiscal_year": FY, "file": _upload(data, "ido_202510.csv")},
    )
    assert "取込済み" in r.content.decode()
    assert "ido_202510.csv" in clerk.get(f"/kaigo/fuka/tokucho/kekka/?nendo={FY}").content.decode()
    # 寒川町 does not see 葉山町's file
    other = login("samukawa-clerk", BETA_HOST)
    body = other.get(f"/kaigo/fuka/tokucho/kekka/?nendo={FY}").content.decode()
    assert "ido_202510.csv" not in body and "取り込んだ通知はありません" in body


def _upload(data: bytes, name: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="text/csv")


def _lookup(key: str, year: int) -> object:
    return {
        "kaigo.hokenryo.futsu.nouki_months": [7, 8, 9, 10, 11, 12, 1, 2, 3],
        "kaigo.hokenryo.futsu.nouki_day": 0,
        "kaigo.hokenryo.futsu.hasu_tani": 100,
        "kaigo.hokenryo.tokucho.hasu_tani": 100,
    }[key]


def test_kirikae_keeps_the_months_withheld_and_spreads_the_rest() -> None:
    before = kibetsu_tokucho(90_100, 20_000, FY, _lookup)  # 20,000 × 3, 10,100 + 10,000 × 2
    # stopped from 9月2日: the 仮徴収 kept (60,000); the 8月 期 was due 9月1日 (8月31日 is
    # a Sunday), so 30,100 over 9月〜3月 (7 期): 4,300 × 7 = 30,100, nothing left over
    k = kibetsu_futsu_kirikae(90_100, before, FY, _lookup, on=date(2025, 9, 2))
    assert [(x.kind, x.month) for x in k.ki][:3] == [("kari", 4), ("kari", 6), ("kari", 8)]
    assert list(k.amounts) == [20_000] * 3 + [4_300] * 7 and k.hoho == "futsu"
    # from 8月10日: 8月 not withheld; 50,100 over 8月〜3月 (8 期): 6,200 × 8 = 49,600, the
    # 500 left in the first
    k = kibetsu_futsu_kirikae(90_100, before, FY, _lookup, on=date(2025, 8, 10))
    assert list(k.amounts) == [20_000, 20_000, 6_700] + [6_200] * 7
    # more withheld than the 保険料 (a 減額): nothing to pay, the excess is 過誤納
    k = kibetsu_futsu_kirikae(50_000, before, FY, _lookup, on=date(2025, 9, 1))
    assert k.kanou == 10_000 and sum(k.amounts) == 60_000
    # after the last 納期: the last 期 takes the rest
    k = kibetsu_futsu_kirikae(90_100, before, FY, _lookup, on=date(2026, 4, 10))
    assert list(k.amounts)[-1] == 90_100 - 20_000 * 3 - 10_100 - 10_000 * 2


def test_a_tsuika_person_who_becomes_dai1_mid_year_pays_by_futsu_that_nendo(
    alpha: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """KG-18: the insurer may list a person who becomes 第1号 mid-year (the 追加 通知), but
    特別徴収 starts only in a later 年度: that 年度 the person pays by 普通徴収 and is not in
    the 依頼 file."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(alpha.municipality)
    set_table()
    # born 1960-09-10: 第1号 from 2025-09-09, premium from 9月 (7 months)
    young = alone(cap, "若葉　六十", "ワカバ　ロクジュウ", "1960-09-10")
    nenrei_totatsu_due(today=date(2025, 9, 30))
    hikazei(young.pk, FY, 1_000_000)
    TokuchoTaisho.objects.create(
        fiscal_year=FY, atena_id=young.pk, nenkin_hokensha="001", kiso_nenkin_no="7777777777",
        nenkin_code="1150", nenkin_gaku=1_000_000, tsuchi_month=11, file_name="tsuika.csv",
        created_by="test",
    )  # fmt: skip
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-10-01")
    f = KaigoFuka.objects.get(atena_id=young.pk)
    # 26,100 × 7 / 12 = 15,225 by 普通徴収 in the 9 期 (7月〜3月): 15,225 ÷ 9 = 1,691.6…,
    # 1,600 each (100円 units) and the 825 left in the first: 2,425 + 1,600 × 8
    assert (f.hokenryo, f.choshu_hoho) == (15_225, "futsu")
    assert [k["amount"] for k in f.kibetsu] == [2_425] + [1_600] * 8
    assert tokucho_irai_csv(fiscal_year=FY, actor=ACTOR, encoding="utf-8-sig")[1] == 0
