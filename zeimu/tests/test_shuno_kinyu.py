"""金融機関の納付書（領収済通知書）データ (issue 18 item 2): each line a payment matched by its
納付番号 and dated its 領収日; a bad line reported by line and item and the rest loaded; the
same file twice, or a 納付書 already loaded from another file, counted once; a file for
another town refused whole; the screen and its report; 葉山町 and 寒川町 apart.

The layout is the product's own (zeimu.services.shuno_kinyu: no published national layout
was found, 未確認); the figures are the ledger's own sums, no rate is involved.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.selectors.current import current_municipality
from zeimu.models import Nofu, NofuChannel, NofuStatus, Shuno, ShunoFile, Zeimoku
from zeimu.services.shuno import balances, chotei_post
from zeimu.services.shuno_files import FileRefused
from zeimu.services.shuno_kinyu import kinyu_import

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="tester")
TODAY = date(2026, 6, 20)


def post(atena_id: int, key: str, amount: int, nouki: date, *, ki: int = 1) -> Any:
    return chotei_post(zeimoku=Zeimoku.KOTEIZEI, key=key, atena_id=atena_id, nendo=2026, ki=ki,
                       ki_label=f"第{ki}期", nouki=nouki, amount=amount, ref=f"{key}:tosho",
                       on=date(2026, 4, 1), actor=ACTOR)  # fmt: skip


def record(*parts: str) -> bytes:
    raw = "".join(parts).encode("cp932")
    assert len(raw) <= 120, len(raw)
    return raw.ljust(120, b" ")


def kinyu_file(lines: Sequence[tuple[str, str, str, str, str, str]], *, dantai: str = "",
               count: int | None = None, total: int | None = None) -> bytes:  # fmt: skip
    """Our layout: ヘッダー (作成日, 指定金融機関, 団体コード), データ (領収日, 金融機関,
    店舗, 通番, 納付番号, 金額), トレーラー (件数, 金額合計), エンド."""
    code = dantai or current_municipality().dantai_code
    recs = [record("1", "20260619", "0138", code)]
    s = 0
    for day, bank, store, seq, bango, amount in lines:
        recs.append(record("2", day, bank, store, seq, bango, amount))
        s += int(amount) if amount.isdigit() else 0
    recs.append(record("8", f"{len(lines) if count is None else count:08d}",
                       f"{s if total is None else total:012d}"))  # fmt: skip
    recs.append(record("9"))
    return b"\r\n".join(recs) + b"\r\n"


@pytest.fixture
def taxpayer(in_alpha: Any) -> dict[str, Any]:
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    k1 = post(head.pk, "k1", 25_000, date(2026, 4, 30))
    k2 = post(head.pk, "k2", 24_000, date(2026, 7, 31), ki=2)
    return {"head": head, "k1": k1, "k2": k2}


def zan(posted: Any, on: date = date(2026, 12, 31)) -> int:
    return balances([posted.kibetsu_id], on=on)[posted.kibetsu_id].zan


def test_lines_are_payments_on_their_ryoshu_date_and_bad_lines_are_reported(
    taxpayer: dict[str, Any],
) -> None:
    k1, k2 = taxpayer["k1"], taxpayer["k2"]
    unknown = "02" + "0" * 17  # a well-formed number naming no 期別
    from zeimu.services.shuno import luhn_digit

    unknown += luhn_digit(unknown)
    bad_check = k1.nofu_bango[:-1] + str((int(k1.nofu_bango[-1]) + 1) % 10)
    lines = [
        ("20260612", "0138", "001", "0000000001", k1.nofu_bango, "0000025000"),
        ("20260615", "0138", "002", "0000000002", k2.nofu_bango, "0000010000"),
        ("20260615", "0005", "101", "0000000003", unknown, "0000003000"),
        ("2026X615", "0138", "001", "0000000004", k2.nofu_bango, "0000001000"),
        ("20260616", "0138", "001", "0000000005", bad_check, "0000001000"),
        ("20260616", "0138", "001", "0000000006", k2.nofu_bango, "0000000000"),
        ("20260621", "0138", "001", "0000000007", k2.nofu_bango, "0000001000"),
    ]
    # when
    r = kinyu_import(data=kinyu_file(lines), name="kinyu0619.dat", actor=ACTOR, today=TODAY)
    # then: two matched, one waiting for review, four reported by line and item
    assert (r.lines, r.matched, r.yokakunin, r.amount) == (7, 2, 1, 38_000)
    assert [(e.line, e.field) for e in r.errors] == [
        (5, "領収日"),
        (6, "納付番号"),
        (7, "金額"),
        (8, "領収日"),  # after the day of the import
    ]
    # 第1期 paid on its 領収日 (before its 納期限: no 延滞金), 第2期 partly
    assert zan(k1) == 0 and zan(k2) == 14_000
    assert zan(k1, on=date(2026, 6, 11)) == 25_000
    n = Nofu.objects.get(kibetsu_id=k1.kibetsu_id)
    assert (n.channel, n.status, n.shuno_date, n.line_no) == (
        NofuChannel.KINYU,
        NofuStatus.KESHIKOMI,
        date(2026, 6, 12),
        2,
    )
    assert Nofu.objects.get(nofu_bango=unknown).status == NofuStatus.YOKAKUNIN
    f = ShunoFile.objects.get(pk=r.file_id)
    assert (f.channel, f.matched, f.yokakunin, len(f.errors)) == (NofuChannel.KINYU, 2, 1, 4)
    assert AccessLog.objects.filter(record_type="zeimu.ShunoFile", record_id=str(f.pk)).exists()
    # the same file again: refused, nothing written
    before = Shuno.objects.count()
    with pytest.raises(FileRefused, match="取込済み"):
        kinyu_import(data=kinyu_file(lines), name="again.dat", actor=ACTOR, today=TODAY)
    # a later file that repeats a 納付書 already loaded (same bank, branch, 通番, 領収日)
    # with one new one: the repeat is reported, the new one loaded
    more = [lines[1], ("20260618", "0138", "002", "0000000009", k2.nofu_bango, "0000014000")]
    r2 = kinyu_import(data=kinyu_file(more), name="kinyu0620.dat", actor=ACTOR, today=TODAY)
    assert (r2.matched, [(e.line, e.field) for e in r2.errors]) == (1, [(2, "通番")])
    assert Shuno.objects.count() == before + 1 and zan(k2) == 0


def test_whole_file_refusals_write_nothing(taxpayer: dict[str, Any]) -> None:
    k1 = taxpayer["k1"]
    line = ("20260612", "0138", "001", "0000000001", k1.nofu_bango, "0000025000")
    with pytest.raises(FileRefused, match="データ件数"):
        kinyu_import(data=kinyu_file([line], count=2), name="c.dat", actor=ACTOR, today=TODAY)
    with pytest.raises(FileRefused, match="金額合計"):
        kinyu_import(data=kinyu_file([line], total=25_001), name="t.dat", actor=ACTOR,
                     today=TODAY)  # fmt: skip
    with pytest.raises(FileRefused, match="120バイト"):
        kinyu_import(data=kinyu_file([line]).replace(b"\r\n", b"X\r\n", 1), name="l.dat",
                     actor=ACTOR, today=TODAY)  # fmt: skip
    with pytest.raises(FileRefused, match="ヘッダー"):
        kinyu_import(data=kinyu_file([line])[122:], name="h.dat", actor=ACTOR, today=TODAY)
    assert not ShunoFile.objects.exists() and not Nofu.objects.exists()
    assert zan(k1) == 25_000


def test_two_towns_each_load_only_their_own(alpha: Any, beta: Any) -> None:
    # given: a 期別 in each town
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    post(pa.pk, "a0", 10_000, date(2026, 6, 30))  # so that the towns' 期別 ids differ
    a = post(pa.pk, "a1", 20_000, date(2026, 6, 30))
    hayama_file = kinyu_file(
        [("20260612", "0138", "001", "0000000001", a.nofu_bango, "0000020000")]
    )
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    b = post(pb.pk, "b1", 30_000, date(2026, 6, 30))
    # when: 寒川町 imports 葉山町's file by mistake: refused whole (団体コード)
    with pytest.raises(FileRefused, match="他の団体"):
        kinyu_import(data=hayama_file, name="a.dat", actor=ACTOR, today=TODAY)
    assert not Nofu.objects.exists() and not ShunoFile.objects.exists()
    # a 寒川町 file naming 葉山町's 納付番号 matches nothing there: 要確認, no 収納
    r = kinyu_import(
        data=kinyu_file([("20260612", "0138", "001", "0000000001", a.nofu_bango, "0000020000"),
                         ("20260612", "0138", "001", "0000000002", b.nofu_bango, "0000030000")]),
        name="b.dat", actor=ACTOR, today=TODAY,
    )  # fmt: skip
    assert a.nofu_bango != b.nofu_bango
    assert (r.matched, r.yokakunin) == (1, 1)
    assert zan(b) == 0
    # then 葉山町's own file goes into 葉山町 only
    connection.set_tenant(alpha.municipality)
    assert zan(a) == 20_000 and not Nofu.objects.exists()
    r = kinyu_import(data=hayama_file, name="a.dat", actor=ACTOR, today=TODAY)
    assert r.matched == 1 and zan(a) == 0


def test_the_screen_imports_and_shows_the_report(world: Any, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(world.alpha.municipality)
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    k = post(head.pk, "v1", 25_000, date(2099, 4, 30))
    data = kinyu_file(
        [
            ("20260612", "0138", "001", "0000000001", k.nofu_bango, "0000025000"),
            ("2026XX12", "0138", "001", "0000000002", k.nofu_bango, "0000001000"),
        ]
    )
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get("/zeimu/shuno/kinyu/").content.decode()
    assert "金融機関の納付書データの取込" in page
    r = clerk.post("/zeimu/shuno/kinyu/", {"file": SimpleUploadedFile("k.dat", data)})
    assert r.status_code == 302, r.content.decode()[:400]
    report = clerk.get(r["Location"]).content.decode()
    assert "金融機関（納付書）" in report and "領収日" in report
    again = clerk.post("/zeimu/shuno/kinyu/", {"file": SimpleUploadedFile("k2.dat", data)})
    assert "取込済み" in again.content.decode()
    connection.set_tenant(world.alpha.municipality)
    assert zan(k) == 0
    connection.set_schema_to_public()
    # 寒川町 (no 収納管理) reaches none of it
    other = login("samukawa-clerk", BETA_HOST)
    assert other.get("/zeimu/shuno/kinyu/").status_code in (403, 404)
    assert other.post("/zeimu/shuno/kinyu/", {"file": SimpleUploadedFile("k.dat", data)}
                      ).status_code in (403, 404)  # fmt: skip
