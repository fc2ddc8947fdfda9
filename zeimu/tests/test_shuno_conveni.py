"""コンビニ収納 (issue 18 items 2 and 5): the GS1-128 barcode on the 納付書 (made, printed,
read back from the PDF by a barcode reader), the 速報 and 確報 files (a payment applied on
its 速報 and counted once when the 確報 confirms it; a voided sale reversed; bad lines
reported by line and item with the rest loaded; a file imported twice or for another
town's 企業コード refused whole), and the wall between 葉山町 and 寒川町."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.models import AccessLog
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.forms.notices import Issuer
from zeimu.models import Nofu, NofuChannel, NofushoHakko, NofuStatus, ShunoFile, Zeimoku
from zeimu.rules.conveni import BarcodeError, check_digit, make, modules, parse
from zeimu.services.shuno import balances, chotei_post
from zeimu.services.shuno_conveni import conveni_import, kakuho_michaku
from zeimu.services.shuno_files import FileRefused
from zeimu.services.shuno_nofusho import nofusho_issue, nofusho_notices, nofusho_render

ACTOR = Actor(user_id=None, username="tester")
KIGYO = "912345"

# --- the barcode (pure) -------------------------------------------------------------------


def test_check_digit_is_modulus_10_weight_3_1_from_the_right() -> None:
    # モジュラス10/ウェイト3 as barcode-net.com「モジュラス10/ウェイト3」works it for JAN
    # 491234567890 → 4 and for ITF 1456995111617 → 6 (the same rule over any length)
    assert check_digit("491234567890") == "4"
    assert check_digit("1456995111617") == "6"


def test_the_44_digits_carry_each_field_where_the_guideline_puts_it() -> None:
    # 日立「EUR システム設計ガイド 4.4.6」: (91) + 企業コード6 + 自由使用欄21 + 再発行区分1 +
    # 支払期限日 YYMMDD + 印紙フラグ1 + 支払金額6 + チェックデジット1 = 44
    b = make(
        kigyo_code=KIGYO,
        nofu_bango="01250000000000001234",
        saihakko=1,
        kigen=date(2026, 7, 31),
        amount=12_300,
    )
    d = b.data
    assert len(d) == 44
    assert d[:2] == "91" and d[2:8] == KIGYO
    assert d[8:29] == "01250000000000001234" + "0"
    assert d[29] == "1" and d[30:36] == "260731" and d[36] == "0" and d[37:43] == "012300"
    assert d[43] == check_digit(d[:43])
    assert parse(b.human) == b
    assert parse(d) == b


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9191234501250000000000001234012607310012300", "44桁"),
        ("90912345012500000000000012340126073100123000", "「91」"),
        ("91912345012500000000000012340126073100123001", "チェックデジット"),
    ],
)
def test_a_wrong_barcode_is_refused_with_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(BarcodeError, match=message):
        parse(text)


def test_amounts_beyond_the_six_digit_field_cannot_be_made() -> None:
    with pytest.raises(BarcodeError, match="999,999円"):
        make(kigyo_code=KIGYO, nofu_bango="0" * 20, saihakko=0, kigen=date(2026, 7, 31),
             amount=1_000_000)  # fmt: skip


def test_modules_are_a_code128_symbol_of_the_data() -> None:
    # start C (2,1,1,2,3,2), FNC1 (4,1,1,1,3,1), stop (2,3,3,1,1,1,2): Code 128's table
    w = modules(make(kigyo_code=KIGYO, nofu_bango="0" * 20, saihakko=0,
                     kigen=date(2026, 7, 31), amount=1).data)  # fmt: skip
    assert w[:6] == [2, 1, 1, 2, 3, 2]
    assert w[6:12] == [4, 1, 1, 1, 3, 1]
    assert w[-7:] == [2, 3, 3, 1, 1, 1, 2]
    # start + FNC1 + 22 pairs of digits + check + stop = 11 × 25 + 13 modules
    assert sum(w) == 11 * 25 + 13


# --- the ledger -----------------------------------------------------------------------------


def post(atena_id: int, key: str, amount: int, nouki: date, *, ki: int = 1) -> Any:
    return chotei_post(
        zeimoku=Zeimoku.KOTEIZEI,
        key=key,
        atena_id=atena_id,
        nendo=2026,
        ki=ki,
        ki_label=f"第{ki}期",
        nouki=nouki,
        amount=amount,
        ref=f"{key}:tosho",
        on=date(2026, 4, 1),
        actor=ACTOR,
    )


def set_kigyo(code: str = KIGYO) -> None:
    municipal_parameter_set(
        key="zeimu.shuno.conveni.kigyo_code",
        fiscal_year=2026,
        value_text=code,
        reason="収納代行契約（テスト）",
        actor=ACTOR,
    )


def barcode_of(nofu_bango: str, amount: int) -> str:
    return make(kigyo_code=KIGYO, nofu_bango=nofu_bango, saihakko=0, kigen=date(2026, 7, 31),
                amount=amount).data  # fmt: skip


def record(*parts: str) -> bytes:
    raw = "".join(parts).encode("cp932")
    assert len(raw) <= 120, len(raw)
    return raw.ljust(120, b" ")


def conveni_file(kubun: str, lines: Sequence[tuple[str, ...]], *, kigyo: str = KIGYO,
                 count: int | None = None) -> bytes:  # fmt: skip
    """Our exchange layout (zeimu.services.shuno_conveni): 1 ヘッダー, 2 データ …, 8, 9."""
    recs = [record("1", kubun, "20260615", "00001", kigyo)]
    total = 0
    for torikeshi, day, time, store, uke, barcode in lines:
        furikomi = "20260630" if kubun == "2" else "00000000"
        recs.append(record("2", torikeshi, day, time, "00101", store, uke, barcode, furikomi))
        if torikeshi == "0" and barcode[:2] == "91" and barcode.isdigit():
            total += int(barcode[37:43])
    n = len(lines) if count is None else count
    recs.append(record("8", f"{n:08d}", f"{total:012d}"))
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


def test_sokuho_applies_and_kakuho_confirms_once(taxpayer: dict[str, Any]) -> None:
    set_kigyo()
    k1, k2 = taxpayer["k1"], taxpayer["k2"]
    sale1 = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k1.nofu_bango, 25_000))
    sale2 = ("0", "20260613", "1820", "0004321", "0000000007", barcode_of(k2.nofu_bango, 24_000))
    # when: the 速報 of two sales
    r1 = conveni_import(data=conveni_file("1", [sale1, sale2]), name="s.dat", actor=ACTOR,
                        today=date(2026, 6, 15))  # fmt: skip
    # then: both applied on their 収納日
    assert (r1.matched, r1.yokakunin, r1.errors) == (2, 0, [])
    assert zan(k1) == 0 and zan(k2) == 0
    assert zan(k1, on=date(2026, 6, 11)) == 25_000
    # when: the 確報 of both
    r2 = conveni_import(data=conveni_file("2", [sale1, sale2]), name="k.dat", actor=ACTOR,
                        today=date(2026, 6, 30))  # fmt: skip
    # then: confirmed, not counted twice
    assert r2.matched == 2 and r2.amount == 0
    assert zan(k1) == 0 and zan(k2) == 0
    assert set(Nofu.objects.filter(channel=NofuChannel.CONVENI_KAKUHO)
               .values_list("status", flat=True)) == {NofuStatus.KAKUHO_SUMI}  # fmt: skip
    assert Nofu.objects.filter(channel=NofuChannel.CONVENI_SOKUHO, kakutei=True).count() == 2
    assert not kakuho_michaku(today=date(2026, 12, 1)).exists()
    # and each import is in the access log
    assert AccessLog.objects.filter(screen="コンビニ収納の取込").count() == 2


def test_a_voided_sale_is_reversed_and_an_unconfirmed_one_is_listed(
    taxpayer: dict[str, Any],
) -> None:
    set_kigyo()
    k1, k2 = taxpayer["k1"], taxpayer["k2"]
    sale1 = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k1.nofu_bango, 25_000))
    sale2 = ("0", "20260612", "1016", "0001234", "0000000043", barcode_of(k2.nofu_bango, 24_000))
    conveni_import(data=conveni_file("1", [sale1, sale2]), name="s1.dat", actor=ACTOR,
                   today=date(2026, 6, 13))  # fmt: skip
    # when: the store voided the first sale (a 取消 line in the next 速報)
    void = ("1", *sale1[1:])
    r = conveni_import(data=conveni_file("1", [void]), name="s2.dat", actor=ACTOR,
                       today=date(2026, 6, 14))  # fmt: skip
    # then: k1 owes again; k2 stays paid
    assert r.errors == []
    assert zan(k1) == 25_000 and zan(k2) == 0
    # and the 確報 of k2 never came: listed after three weeks, not before
    assert not kakuho_michaku(today=date(2026, 6, 20)).exists()
    late = list(kakuho_michaku(today=date(2026, 7, 10)))
    assert [n.kibetsu_id for n in late] == [k2.kibetsu_id]


def test_kakuho_without_sokuho_applies_once(taxpayer: dict[str, Any]) -> None:
    set_kigyo()
    k1 = taxpayer["k1"]
    sale = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k1.nofu_bango, 25_000))
    r = conveni_import(data=conveni_file("2", [sale]), name="k.dat", actor=ACTOR,
                       today=date(2026, 6, 30))  # fmt: skip
    assert r.matched == 1 and zan(k1) == 0
    # a later 確報 file that repeats the sale is reported, not applied again
    r2 = conveni_import(data=conveni_file("2", [sale, (*sale[:4], "0000000099", *sale[5:])]),
                        name="k2.dat", actor=ACTOR, today=date(2026, 7, 1))  # fmt: skip
    assert [(e.line, e.field) for e in r2.errors] == [(2, "受付番号")]
    assert zan(k1) == -25_000  # the second, different sale of the same slip: 過誤納


def test_bad_lines_are_reported_and_the_rest_loaded(taxpayer: dict[str, Any]) -> None:
    set_kigyo()
    k1, k2 = taxpayer["k1"], taxpayer["k2"]
    good = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k1.nofu_bango, 25_000))
    bad_cd = barcode_of(k2.nofu_bango, 24_000)
    bad_cd = bad_cd[:43] + str((int(bad_cd[43]) + 1) % 10)
    lines = [
        good,
        ("0", "20261332", "1015", "0001234", "0000000043", barcode_of(k2.nofu_bango, 24_000)),
        ("0", "20260612", "1015", "0001234", "0000000044", bad_cd),
        ("1", "20260612", "1015", "0001234", "0000000045", barcode_of(k2.nofu_bango, 24_000)),
    ]
    r = conveni_import(data=conveni_file("1", lines), name="s.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    assert [(e.line, e.field) for e in r.errors] == [
        (3, "収納日"), (4, "バーコード"), (5, "取消区分")]  # fmt: skip
    assert r.matched == 1 and zan(k1) == 0 and zan(k2) == 24_000
    f = ShunoFile.objects.get(pk=r.file_id)
    assert [e["line"] for e in f.errors] == [3, 4, 5]


def test_a_barcode_naming_no_kibetsu_waits_for_review(taxpayer: dict[str, Any]) -> None:
    set_kigyo()
    stray = ("0", "20260612", "1015", "0001234", "0000000042",
             barcode_of("01269999999999999990", 5_000))  # fmt: skip
    r = conveni_import(data=conveni_file("1", [stray]), name="s.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    assert (r.matched, r.yokakunin) == (0, 1)
    assert Nofu.objects.get().status == NofuStatus.YOKAKUNIN


def test_whole_file_refusals_write_nothing(taxpayer: dict[str, Any]) -> None:
    k1 = taxpayer["k1"]
    sale = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k1.nofu_bango, 25_000))
    data = conveni_file("1", [sale])
    # no 企業コード set: refused
    with pytest.raises(FileRefused, match="請求書発行企業コード"):
        conveni_import(data=data, name="s.dat", actor=ACTOR, today=date(2026, 6, 13))
    set_kigyo()
    # another town's file (another 企業コード)
    with pytest.raises(FileRefused, match="他の団体"):
        conveni_import(data=conveni_file("1", [sale], kigyo="954321"), name="x.dat",
                       actor=ACTOR, today=date(2026, 6, 13))  # fmt: skip
    # a トレーラー that does not add up
    with pytest.raises(FileRefused, match="データ件数"):
        conveni_import(data=conveni_file("1", [sale], count=2), name="t.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    # a record of the wrong length
    with pytest.raises(FileRefused, match="120バイト"):
        conveni_import(data=data.replace(b"\r\n", b"X\r\n", 1), name="l.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    assert not ShunoFile.objects.exists() and not Nofu.objects.exists()
    conveni_import(data=data, name="s.dat", actor=ACTOR, today=date(2026, 6, 13))
    with pytest.raises(FileRefused, match="取込済み"):
        conveni_import(data=data, name="again.dat", actor=ACTOR, today=date(2026, 6, 14))
    assert Nofu.objects.count() == 1 and zan(k1) == 0


# --- the 納付書 ---------------------------------------------------------------------------


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)


def barcodes_in(pdf: bytes) -> list[str]:
    """Every barcode zbarimg reads on the PDF's pages rendered at 600 dpi."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "n.pdf"
        src.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "600", "-gray", "-png", str(src), f"{tmp}/p"],
                       check=True)  # fmt: skip
        found: list[str] = []
        for png in sorted(Path(tmp).glob("p*.png")):
            out = subprocess.run(["zbarimg", "-q", "--raw", str(png)], capture_output=True,
                                 text=True)  # fmt: skip
            found += [line for line in out.stdout.splitlines() if line]
        return found


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbar-tools is not installed (make venv)")
def test_the_nofusho_carries_a_barcode_a_reader_reads_back(taxpayer: dict[str, Any]) -> None:
    set_kigyo()
    head, k1, k2 = taxpayer["head"], taxpayer["k1"], taxpayer["k2"]
    big = post(head.pk, "k3", 350_000, date(2026, 12, 25), ki=3)
    # when: the 納付書 of the three 期別, printed on 1 May 2026
    rows = nofusho_issue([k1.kibetsu_id, k2.kibetsu_id, big.kibetsu_id],
                         hakko_date=date(2026, 5, 1), job_id=None, created_by="tester")  # fmt: skip
    pdf = nofusho_render(nofusho_notices(rows), issuer=Issuer("葉山町", "神奈川県"))
    # then: the words and figures of each slip
    text = pdf_text(pdf)
    for k, amount in ((k1, "25,000円"), (k2, "24,000円"), (big, "350,000円")):
        assert k.nofu_bango in text and amount in text
    assert "令和8年7月31日" in text  # 第2期 納期限, 和暦
    assert "300,000円を超える" in text  # the third has no barcode
    # and the barcodes a reader finds are those written down, nothing else
    read = barcodes_in(pdf)
    written = [h.barcode for h in rows if h.barcode]
    assert len(written) == 2 and sorted(read) == sorted(written)
    # 第1期 is past its 納期限: the コンビニ使用期限 is the 発行日 (0 days after)
    h1 = next(h for h in rows if h.kibetsu_id == k1.kibetsu_id)
    assert parse(h1.barcode).kigen == date(2026, 5, 1) and parse(h1.barcode).amount == 25_000
    # a second print of the same 期別 is a 再発行 (区分 1)
    again = nofusho_issue([k2.kibetsu_id], hakko_date=date(2026, 6, 1), job_id=None,
                          created_by="tester")  # fmt: skip
    assert again[0].saihakko == 1 and parse(again[0].barcode).saihakko == 1


def test_without_a_contract_the_slip_says_so_and_has_no_barcode(
    taxpayer: dict[str, Any],
) -> None:
    rows = nofusho_issue([taxpayer["k2"].kibetsu_id], hakko_date=date(2026, 5, 1), job_id=None,
                         created_by="tester")  # fmt: skip
    assert rows[0].barcode == "" and "契約なし" in rows[0].no_barcode_reason
    text = pdf_text(nofusho_render(nofusho_notices(rows), issuer=Issuer("葉山町", "神奈川県")))
    assert "コンビニエンスストアでは使えません" in text


def test_two_towns_each_read_only_their_own(alpha: Any, beta: Any) -> None:
    # given: one 期別 in each town, both towns with the same kind of contract but their
    # own 企業コード
    from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno

    connection.set_tenant(alpha.municipality)
    set_kigyo(KIGYO)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    post(pa.pk, "a0", 10_000, date(2026, 6, 30))  # so that the towns' 期別 ids differ
    a = post(pa.pk, "a1", 20_000, date(2026, 6, 30))
    grant_beta_shuno()
    connection.set_tenant(beta.municipality)
    set_kigyo("954321")
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    b = post(pb.pk, "b1", 30_000, date(2026, 6, 30))
    # when: 寒川町 imports 葉山町's 速報 by mistake: refused whole
    sale_a = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(a.nofu_bango, 20_000))
    with pytest.raises(FileRefused, match="他の団体"):
        conveni_import(data=conveni_file("1", [sale_a]), name="a.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    assert not Nofu.objects.exists()
    # and its own 納付書 carry only its own 期別 and 企業コード
    rows = nofusho_issue([b.kibetsu_id, a.kibetsu_id], hakko_date=date(2026, 6, 1), job_id=None,
                         created_by="tester")  # fmt: skip
    assert [h.kibetsu_id for h in rows] == [b.kibetsu_id]
    assert parse(rows[0].barcode).kigyo_code == "954321"
    # 葉山町's file goes into 葉山町 only
    connection.set_tenant(alpha.municipality)
    r = conveni_import(data=conveni_file("1", [sale_a]), name="a.dat", actor=ACTOR,
                       today=date(2026, 6, 13))  # fmt: skip
    assert r.matched == 1 and not NofushoHakko.objects.exists()
    connection.set_tenant(beta.municipality)
    assert not Nofu.objects.exists() and NofushoHakko.objects.count() == 1
    connection.set_schema_to_public()


# --- the job and the screens ----------------------------------------------------------------


def test_the_job_prints_each_taxpayers_slips_together_and_is_idempotent(
    taxpayer: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    from django.core.files.storage import default_storage

    from tenants.jobs.models import JobFile, JobStatus
    from tenants.jobs.services import job_start
    from zeimu.shuno_nofusho_jobs import NOFUSHO

    set_kigyo()
    _, (other, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    o1 = post(other.pk, "o1", 9_000, date(2026, 7, 31))
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(kind=NOFUSHO, params={"hakko_date": "2026-05-01", "nendo": 2026},
                        actor=ACTOR)  # fmt: skip
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, [c.error for c in job.chunks.all()]
    pdf_file = JobFile.objects.get(job=job, name__endswith=".pdf")
    csv_file = JobFile.objects.get(job=job, name__endswith=".csv")
    with default_storage.open(pdf_file.path, "rb") as fh:
        pdf = fh.read()
    with default_storage.open(csv_file.path, "rb") as fh:
        rows = fh.read().decode("utf-8-sig").splitlines()
    # one print-data row per taxpayer; the first taxpayer's two slips on their page
    assert len(rows) == 3
    assert taxpayer["k1"].nofu_bango + ";" + taxpayer["k2"].nofu_bango in rows[1]
    assert o1.nofu_bango in rows[2]
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2
    assert NofushoHakko.objects.filter(job=job).count() == 3
    for f in JobFile.objects.filter(job=job):
        default_storage.delete(f.path)


def test_screens_import_list_and_print(world: Any, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.personas import ALPHA_HOST, BETA_HOST

    connection.set_tenant(world.alpha.municipality)
    set_kigyo()
    _, (head, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    k = post(head.pk, "v1", 25_000, date(2099, 4, 30))
    connection.set_schema_to_public()
    clerk = login("hayama-clerk", ALPHA_HOST)
    # the import screen and its report
    sale = ("0", "20260612", "1015", "0001234", "0000000042", barcode_of(k.nofu_bango, 25_000))
    data = conveni_file("1", [sale, ("0", "2026XX12", *sale[2:])])
    r = clerk.post("/zeimu/shuno/conveni/", {"file": SimpleUploadedFile("s.dat", data)})
    assert r.status_code == 302, r.content.decode()[:400]
    report = clerk.get(r["Location"]).content.decode()
    assert "コンビニ収納（速報）" in report and "収納日" in report
    again = clerk.post("/zeimu/shuno/conveni/", {"file": SimpleUploadedFile("s2.dat", data)})
    assert "取込済み" in again.content.decode()
    assert "確報が届いていない速報" in clerk.get("/zeimu/shuno/conveni/").content.decode()
    # the 納付書 screen starts a job (refused without a valid date, in Japanese)
    page = clerk.get("/zeimu/shuno/nofusho/").content.decode()
    assert "納付書の一括作成" in page and "すべての税目" in page
    # the taxpayer's 納付書: paid in full by the 速報, so none; then a new 期別 is printed
    r = clerk.post(f"/zeimu/shuno/nozeisha/{head.pk}/nofusho.pdf")
    assert r.status_code == 302
    connection.set_tenant(world.alpha.municipality)
    k2 = post(head.pk, "v2", 12_000, date(2099, 7, 31), ki=2)
    connection.set_schema_to_public()
    r = clerk.post(f"/zeimu/shuno/nozeisha/{head.pk}/nofusho.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert k2.nofu_bango in pdf_text(r.content)
    connection.set_tenant(world.alpha.municipality)
    log = AccessLog.objects.filter(screen="zeimu.shuno_nofusho_pdf").latest("pk")
    assert log.record_id == str(head.pk)
    connection.set_schema_to_public()
    # 寒川町 (no 収納管理) reaches none of it
    other = login("samukawa-clerk", BETA_HOST)
    for url in ("/zeimu/shuno/conveni/", "/zeimu/shuno/nofusho/"):
        assert other.get(url).status_code in (403, 404)
    assert other.post(f"/zeimu/shuno/nozeisha/{head.pk}/nofusho.pdf").status_code in (403, 404)
