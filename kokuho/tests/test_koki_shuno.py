"""後期高齢者医療保険料 collected through the 収納 ledger, in two towns: the 広域連合's
保険料データ posted on import (普通徴収 期別, one 調定 each; a 更正 as new entries; the same
file or the same post again writes nothing), a 窓口 payment of a 後期 期別, the pension
insurers' 特別徴収結果 posted once (仮徴収・本徴収 months matched to 期別, 要確認 when not;
the same file twice refused with nothing written), a 死亡 notice recorded and the
広域連合's 更正 moving the rest to 普通徴収, a person's 収納状況 page (logged), and the
広域連合への納付 summary (list and CSV) summing only the town's own.

Figures: the husband's 特別徴収 is 琴浦町's published example (「後期高齢者医療保険料の納め方」,
https://www.town.kotoura.tottori.jp/docs/2021091000012/: 年間保険料 60,200円, 仮徴収
4・6・8月 10,300円 each, 本徴収 10月 9,900円, 12月・2月 9,700円 each); the 広域連合
assesses them, the town takes them as data. The wife's 普通徴収 is three 期 of 14,000円
(the existing import test's file).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest

from kokuho.models import KokiHokenryo, KokiKibetsu, KokiTokuchoFile
from kokuho.services.koki_chotei import koki_chotei_post
from kokuho.services.koki_hokenryo import AlreadyImported
from kokuho.services.koki_tokucho_kekka import KokiTokuchoRefused, koki_tokucho_kekka_import
from kokuho.tests.test_koki_hokenryo import ACTOR, HEAD, _accept, _couple
from tenants.accesslog.models import AccessLog
from tenants.csvout import csv_bytes
from tenants.db import connection
from tenants.nenkin_tokucho import NoticeKind, header_of
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.public import Zeimoku, kibetsu_zan
from zeimu.tests.factories import madoguchi

pytestmark = pytest.mark.django_db

FY = 2025
#: 琴浦町's example: (納期限, 期別額) of the six pension months
KOTOURA = [
    ("2025-04-15", 10300),
    ("2025-06-13", 10300),
    ("2025-08-15", 10300),
    ("2025-10-15", 9900),
    ("2025-12-15", 9700),
    ("2026-02-13", 9700),
]


def _file(husband: Any, wife: Any, *, h_bango: str, w_bango: str, wife_ki3: int = 14000) -> str:
    lines = [HEAD]
    for ki, (nokigen, gaku) in enumerate(KOTOURA, start=1):
        lines.append(f"{h_bango},{husband.atena_no},{FY},60200,1,{ki},{nokigen},{gaku}\n")
    total = 28000 + wife_ki3
    for ki, (nokigen, gaku) in enumerate(
        [("2025-07-31", 14000), ("2025-08-31", 14000), ("2025-09-30", wife_ki3)], start=1
    ):
        lines.append(f"{w_bango},{wife.atena_no},{FY},{total},2,{ki},{nokigen},{gaku}\n")
    return "".join(lines)


def _koki(atena_id: int) -> list[tuple[str, int, int, int]]:
    """The person's 後期 期別 in the ledger: (期の名称, 調定, 収納, 残)."""
    return [
        (z.ki_label, z.chotei, z.shuno, z.zan)
        for z in kibetsu_zan(atena_id)
        if z.zeimoku == Zeimoku.KOKI
    ]


def _sql(query: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(query, params or [])
        return list(cur.fetchall())


def _entries(key: str) -> list[tuple[str, int]]:
    return [
        (kind, int(amount))
        for kind, amount in _sql(
            "SELECT c.kind, c.amount FROM zeimu_chotei c JOIN zeimu_kibetsu k"
            " ON k.id = c.kibetsu_id WHERE k.zeimoku = 'koki' AND k.key = %s ORDER BY c.id",
            [key],
        )
    ]


def _notice(kind: NoticeKind, rows: list[list[str]]) -> bytes:
    return csv_bytes(header_of(kind), rows, encoding="utf-8-sig")


def _kekka(bango: str, month: int, amount: int, on: str) -> list[str]:
    return ["001", "1234567890", "1150", bango, str(FY), str(month), str(amount), on]


@pytest.fixture
def towns(world: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, ...]:
    """葉山町: 太郎 (特別徴収, 琴浦町's figures) and 花子 (普通徴収 3期); 寒川町: its own couple
    with other 被保険者番号, imported first."""
    cap = django_capture_on_commit_callbacks
    connection.set_tenant(world.beta.municipality)
    b_husband, b_wife = _couple(cap, "samukawa")
    _accept(cap, _file(b_husband, b_wife, h_bango="87654321", w_bango="98765432"))
    connection.set_tenant(world.alpha.municipality)
    husband, wife = _couple(cap)
    imp = _accept(cap, _file(husband, wife, h_bango="12345678", w_bango="23456789"))
    assert imp.status == "done"
    return world, husband, wife, b_husband, b_wife


def test_import_posts_each_futsu_kibetsu_once_and_a_kosei_as_new_entries(
    towns: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world, husband, wife, _bh, b_wife = towns
    # then each of 花子's 普通徴収 期 is one 期別 of the ledger, owed by her, in full
    assert _koki(wife.pk) == [
        ("第1期", 14000, 0, 14000),
        ("第2期", 14000, 0, 14000),
        ("第3期", 14000, 0, 14000),
    ]
    # with the ledger's 納付番号 on the town's 期別 rows (what the 納付書 prints)
    ledger = {
        z.nofu_bango
        for z in kibetsu_zan(wife.pk)
        if z.zeimoku == Zeimoku.KOKI and len(z.nofu_bango) == 20
    }
    mine = set(
        KokiKibetsu.objects.filter(hokenryo__atena_id=wife.pk).values_list("nofu_bango", flat=True)
    )
    assert len(ledger) == 3 and mine == ledger
    # and 太郎's 特別徴収 months wait for the pension insurer's result: nothing billed yet
    assert _koki(husband.pk) == []
    assert not KokiKibetsu.objects.filter(hokenryo__atena_id=husband.pk).exclude(nofu_bango="")
    # when the same file comes again: refused, the ledger as it was
    with pytest.raises(AlreadyImported):
        _accept(
            django_capture_on_commit_callbacks,
            _file(husband, wife, h_bango="12345678", w_bango="23456789"),
        )
    # and posting the same version again writes nothing
    rows = list(KokiHokenryo.objects.filter(is_current=True).prefetch_related("kibetsu"))
    again = koki_chotei_post(rows, {}, on=date(2025, 7, 1), actor=ACTOR)
    assert (again.posted, again.written) == (3, 0)
    key = f"koki:{FY}:{wife.pk}:futsu:3"
    assert _entries(key) == [("tosho", 14000)]
    # when the 広域連合's 更正 lowers her 3期 to 9,000円
    kosei = _accept(
        django_capture_on_commit_callbacks,
        _file(husband, wife, h_bango="12345678", w_bango="23456789", wife_ki3=9000),
        name="kosei.csv",
    )
    assert (kosei.persons, kosei.replaced) == (1, 1)
    # then the 3期 keeps its 期別 and number, with a 減額更正 entry beside the 当初 one
    assert _entries(key) == [("tosho", 14000), ("gengaku", -5000)]
    assert _koki(wife.pk)[2] == ("第3期", 9000, 0, 9000)
    new3 = KokiKibetsu.objects.get(hokenryo__atena_id=wife.pk, hokenryo__is_current=True, ki=3)
    old3 = KokiKibetsu.objects.get(hokenryo__atena_id=wife.pk, hokenryo__is_current=False, ki=3)
    assert new3.nofu_bango == old3.nofu_bango != ""
    log = AccessLog.objects.get(screen="kokuho.koki_hokenryo_import", record_id=str(kosei.pk))
    assert (log.detail["posted"], log.detail["written"]) == (3, 1)
    # and 寒川町's ledger has its own couple's 期別 only (each town posts in its schema)
    connection.set_tenant(world.beta.municipality)
    assert _koki(b_wife.pk) == [(f"第{k}期", 14000, 0, 14000) for k in (1, 2, 3)]
    owners = {a for (a,) in _sql("SELECT atena_id FROM zeimu_kibetsu WHERE zeimoku = 'koki'")}
    assert owners == {b_wife.pk}
    assert _entries(f"koki:{FY}:{b_wife.pk}:futsu:3") == [("tosho", 14000)]


def test_a_madoguchi_payment_of_a_koki_kibetsu_and_the_other_town(towns: Any) -> None:
    world, _husband, wife, _bh, b_wife = towns
    first = next(z for z in kibetsu_zan(wife.pk) if z.ki_label == "第1期")
    # when 花子 pays her 1期 at 葉山町's counter with the number on her 納付書
    assert madoguchi(first.nofu_bango, 14000, date(2025, 7, 31)) == "keshikomi"
    # then the 期 is paid, the others still owed
    assert _koki(wife.pk) == [
        ("第1期", 14000, 14000, 0),
        ("第2期", 14000, 0, 14000),
        ("第3期", 14000, 0, 14000),
    ]
    # and 寒川町's ledger has no payment at all: its 花子 still owes every 期
    connection.set_tenant(world.beta.municipality)
    assert _sql("SELECT count(*) FROM zeimu_nofu") == [(0,)]
    assert _koki(b_wife.pk) == [(f"第{k}期", 14000, 0, 14000) for k in (1, 2, 3)]


def test_tokucho_kekka_posted_once_matched_to_kibetsu_and_the_rest_yokakunin(
    towns: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world, husband, wife, _bh, _bw = towns
    data = _notice(
        NoticeKind.CHOSHU_KEKKA,
        [
            _kekka("12345678", 4, 10300, "20250415"),  # 太郎 仮徴収 4月
            _kekka("12345678", 6, 10300, "20250613"),  # 太郎 仮徴収 6月
            _kekka("23456789", 4, 5000, "20250415"),  # 花子: no 特別徴収 期 → 要確認
            _kekka("87654321", 4, 10300, "20250415"),  # 寒川町's → 要確認 here
            ["001", "1234567890", "1150", "12345678", str(FY), "5", "100", "20250515"],  # bad
        ],
    )
    result = koki_tokucho_kekka_import(
        kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, data=data, file_name="k.csv", actor=ACTOR
    )
    # then 太郎's two months are 期別 of the ledger, each paid in full by the insurer
    assert (result.applied, result.amount) == (2, 10300 + 10300 + 5000 + 10300)
    assert _koki(husband.pk) == [
        ("特徴仮徴収（4月）", 10300, 10300, 0),
        ("特徴仮徴収（6月）", 10300, 10300, 0),
    ]
    kib = KokiKibetsu.objects.filter(hokenryo__atena_id=husband.pk).exclude(nofu_bango="")
    assert sorted(k.ki for k in kib) == [1, 2]
    # and the lines not matched are kept as 要確認 money, reported by line and item
    assert [(e.line, e.field) for e in result.errors] == [
        (4, "徴収月"),
        (5, "被保険者番号"),
        (6, "徴収月"),
    ]
    statuses = _sql(
        "SELECT line_no, status, amount FROM zeimu_nofu WHERE channel = 'tokucho' ORDER BY line_no"
    )
    assert statuses == [
        (2, "keshikomi", 10300),
        (3, "keshikomi", 10300),
        (4, "yokakunin", 5000),
        (5, "yokakunin", 10300),
    ]
    assert _koki(wife.pk)[0] == ("第1期", 14000, 0, 14000)  # her 普通徴収 untouched
    log = AccessLog.objects.get(screen="kokuho.koki_tokucho_kekka")
    assert log.detail["atena_ids"] == [husband.pk, husband.pk, wife.pk]
    # when the same file comes again: refused whole, nothing written
    before = _sql("SELECT count(*) FROM zeimu_nofu")
    with pytest.raises(KokiTokuchoRefused, match="取込済み"):
        koki_tokucho_kekka_import(
            kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, data=data, file_name="k.csv", actor=ACTOR
        )
    assert _sql("SELECT count(*) FROM zeimu_nofu") == before
    assert KokiTokuchoFile.objects.count() == 1
    # when 太郎 dies in September (各種異動の通知): recorded, no 期 changed by the town
    ido = koki_tokucho_kekka_import(
        kind=NoticeKind.IDO,
        fiscal_year=FY,
        data=_notice(
            NoticeKind.IDO, [["001", "1234567890", "1150", "12345678", "2025", "1", "20250910"]]
        ),
        file_name="ido.csv",
        actor=ACTOR,
    )
    assert (ido.applied, ido.unchanged) == (0, 1)
    # and the 広域連合's 更正 keeps 4・6・8月 and ends the 本徴収 (年額 30,900円): the months
    # posted stay as they were, the 本徴収 months never reached the ledger
    kosei = HEAD + "".join(
        f"12345678,{husband.atena_no},{FY},30900,1,{ki},{nokigen},{gaku}\n"
        for ki, (nokigen, gaku) in enumerate(KOTOURA[:3], start=1)
    )
    _accept(django_capture_on_commit_callbacks, kosei, name="kosei.csv")
    assert _koki(husband.pk) == [
        ("特徴仮徴収（4月）", 10300, 10300, 0),
        ("特徴仮徴収（6月）", 10300, 10300, 0),
    ]
    assert _entries(f"koki:{FY}:{husband.pk}:tokucho:4") == [("tosho", 10300)]
    # and when the 広域連合 instead moves the 8月 to a 普通徴収 期 (特別徴収 中止), the
    # ledger gets it as 普通徴収
    futsu = (
        HEAD
        + f"12345678,{husband.atena_no},{FY},30900,1,1,2025-04-15,10300\n"
        + f"12345678,{husband.atena_no},{FY},30900,1,2,2025-06-13,10300\n"
        + f"12345678,{husband.atena_no},{FY},30900,2,1,2025-10-31,10300\n"
    )
    _accept(django_capture_on_commit_callbacks, futsu, name="futsu.csv")
    assert _koki(husband.pk) == [
        ("特徴仮徴収（4月）", 10300, 10300, 0),
        ("特徴仮徴収（6月）", 10300, 10300, 0),
        ("第1期", 10300, 0, 10300),
    ]
    # and 寒川町 has none of these files, and its 太郎 was not matched by 葉山町's lines
    connection.set_tenant(world.beta.municipality)
    assert not KokiTokuchoFile.objects.exists()
    assert _sql("SELECT count(*) FROM zeimu_nofu") == [(0,)]


def test_shuno_page_and_the_nofu_summary_of_each_town(
    towns: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    world, _husband, wife, _bh, b_wife = towns
    # 葉山町: 太郎's 4月 and 6月 withheld, 花子's 1期 paid at the counter in July
    koki_tokucho_kekka_import(
        kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, file_name="k.csv", actor=ACTOR,
        data=_notice(NoticeKind.CHOSHU_KEKKA, [_kekka("12345678", 4, 10300, "20250415"),
                                                _kekka("12345678", 6, 10300, "20250613")]),
    )  # fmt: skip
    first = next(z for z in kibetsu_zan(wife.pk) if z.ki_label == "第1期")
    madoguchi(first.nofu_bango, 14000, date(2025, 7, 31))
    # 寒川町: its 太郎's 4月 withheld (other figures) and its 花子's 2期 paid in August
    connection.set_tenant(world.beta.municipality)
    koki_tokucho_kekka_import(
        kind=NoticeKind.CHOSHU_KEKKA, fiscal_year=FY, file_name="k.csv", actor=ACTOR,
        data=_notice(NoticeKind.CHOSHU_KEKKA, [_kekka("87654321", 4, 10300, "20250416")]),
    )  # fmt: skip
    second = next(z for z in kibetsu_zan(b_wife.pk) if z.ki_label == "第2期")
    madoguchi(second.nofu_bango, 14000, date(2025, 8, 29))
    connection.set_tenant(world.alpha.municipality)
    alpha_rows = [z for z in kibetsu_zan(wife.pk) if z.zeimoku == Zeimoku.KOKI]
    assert alpha_rows[0].shuno == 14000
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the person's page shows the ledger's 期別 (和暦, 円) and is logged
    page = clerk.get(f"/kokuho/koki/person/{wife.pk}/").content.decode()
    assert "収納状況（収納簿）" in page and "令和7年7月31日" in page and first.nofu_bango in page
    assert "14,000円" in page
    # the 納付 summary: 葉山町's own sums only (4月 10,300 特別, 6月 10,300 特別, 7月 14,000 普通)
    page = clerk.get("/kokuho/koki/nofu/", {"nendo": FY}).content.decode()
    assert "令和7年4月" in page and "20,600円" in page and "34,600円" in page
    r = clerk.get("/kokuho/koki/nofu/", {"nendo": FY, "csv": "1", "encoding": "utf-8-sig"})
    assert r.status_code == 200 and r["Content-Disposition"].endswith('koki_nofu_2025.csv"')
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0] == ["会計年度", "月", "現年度分 特別徴収", "現年度分 普通徴収", "過年度分", "計"]
    assert rows[1] == ["令和7年度", "令和7年4月", "10300", "0", "0", "10300"]
    assert rows[3] == ["令和7年度", "令和7年6月", "10300", "0", "0", "10300"]
    assert rows[4] == ["令和7年度", "令和7年7月", "0", "14000", "0", "14000"]
    assert rows[5][2:] == ["0", "0", "0", "0"]  # 8月: 寒川町's payment is not here
    assert rows[13] == ["令和7年度", "計", "20600", "14000", "0", "34600"]
    connection.set_tenant(world.alpha.municipality)
    assert AccessLog.objects.filter(screen="kokuho.koki_person", record_id=str(wife.pk)).exists()
    # 寒川町's clerk: 葉山町's 花子 is not found, and its summary is its own
    connection.set_schema_to_public()
    other = login("samukawa-clerk", BETA_HOST)
    r = other.get(f"/kokuho/koki/person/{wife.pk}/")
    # (ids are per town: the same id may be one of 寒川町's own people — then its page shows
    # 寒川町's ledger, never 葉山町's paid 1期)
    connection.set_tenant(world.beta.municipality)
    beta_rows = [z for z in kibetsu_zan(wife.pk) if z.zeimoku == Zeimoku.KOKI]
    connection.set_schema_to_public()
    assert r.status_code == 404 or list(r.context["shuno"]) == beta_rows
    assert beta_rows != alpha_rows
    r = other.get("/kokuho/koki/nofu/", {"nendo": FY, "csv": "1"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[13] == ["令和7年度", "計", "10300", "14000", "0", "24300"]
    assert rows[4][2:] == ["0", "0", "0", "0"] and rows[5][3] == "14000"
