"""口座振替 (issue 18 item 4): registrations (paper and the bank's 受付結果 file, with their
history), the 全銀協 依頼 file per 納期限 and bank as a job, the round trip through the
bank's result file (振替済 → paid, 振替不能 → kept), the 再振替 of the failures on the town's
再振替日, the 口座振替不能通知 read back — and a town's 依頼 never holds another's accounts."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from django.core.files.storage import default_storage
from pypdf import PdfReader

from juminkiroku.tests.factories import family, household_tennyu
from tenants.accesslog.services import Actor
from tenants.db import connection
from tenants.jobs.models import Job, JobFile, JobStatus
from tenants.jobs.services import job_start
from tenants.params.tenant.services import municipal_parameter_set
from zeimu.forms.notices import Issuer
from zeimu.models import KozaIrai, KozaToroku, Zeimoku
from zeimu.rules.shuno_koza import UKETSUKE_COLUMNS, Account, account_errors
from zeimu.services.shuno import ShunoRefused, balances, chotei_post, madoguchi_nofu
from zeimu.services.shuno_files import koza_kekka_import
from zeimu.services.shuno_koza import (
    koza_funo_notices,
    koza_funo_render,
    koza_irai_targets,
    koza_toroku_register,
    koza_toroku_stop,
    koza_uketsuke_import,
)
from zeimu.shuno_koza_jobs import KOZA_IRAI
from zeimu.tests.test_shuno_tokusoku import grant_beta_shuno

pytestmark = pytest.mark.django_db

ACTOR = Actor(user_id=None, username="test")
NOUKI = date(2025, 6, 30)
A1 = Account("0138", "001", "1", "1234567", "ﾊﾔﾏ ﾀﾛｳ")
A2 = Account("0005", "123", "2", "7654321", "ﾊﾔﾏ ﾊﾅｺ")


def post(atena_id: int, key: str, amount: int, zeimoku: str = Zeimoku.JUMINZEI) -> Any:
    return chotei_post(zeimoku=zeimoku, key=key, atena_id=atena_id, nendo=2025, ki=1,
                       ki_label="第1期", nouki=NOUKI, amount=amount, ref=f"{key}:t",
                       on=date(2025, 6, 1), actor=ACTOR)  # fmt: skip


def setting(key: str, value: str) -> None:
    municipal_parameter_set(key=f"zeimu.shuno.koza.{key}", fiscal_year=2025, value_text=value,
                            reason="口座振替契約（テスト）", actor=ACTOR)  # fmt: skip


def run(params: dict[str, Any], capture: Any) -> Job:
    with capture(execute=True):
        job = job_start(kind=KOZA_IRAI, params=params, actor=ACTOR)
    job.refresh_from_db()
    return job


def files(job: Job) -> dict[str, bytes]:
    out = {}
    for f in JobFile.objects.filter(job=job):
        with default_storage.open(f.path, "rb") as fh:
            out[f.name] = bytes(fh.read())
        default_storage.delete(f.path)
    return out


def records(data: bytes) -> list[bytes]:
    recs = data.split(b"\r\n")
    assert recs.pop() == b""
    assert all(len(r) == 120 for r in recs)
    return recs


def bank_answers(data: bytes, funo: dict[str, str]) -> bytes:
    """What the bank sends back: the 依頼 with the 振替結果コード set (``funo``: 顧客番号 →
    code) and the トレーラー's 振替済・振替不能 counts."""
    recs = records(data)
    ok = ng = 0
    ok_yen = ng_yen = 0
    for i, r in enumerate(recs):
        if r[:1] == b"2":
            code = funo.get(r[91:111].decode(), "0")
            recs[i] = r[:111] + code.encode() + r[112:]
            yen = int(r[80:90])
            if code == "0":
                ok, ok_yen = ok + 1, ok_yen + yen
            else:
                ng, ng_yen = ng + 1, ng_yen + yen
        elif r[:1] == b"8":
            recs[i] = r[:19] + f"{ok:06d}{ok_yen:012d}{ng:06d}{ng_yen:012d}".encode() + r[55:]
    return b"".join(r + b"\r\n" for r in recs)


def test_account_checks() -> None:
    assert account_errors(A1) == []
    bad = Account("138", "01a", "3", "12345678", "ﾊﾔﾏ ｼｮｳｺﾞ")
    assert [f for f, _ in account_errors(bad)] == [
        "kinyu_kikan", "shiten", "yokin_shumoku", "koza_bango", "meigi_kana",
    ]  # fmt: skip
    assert "ｮ" in account_errors(bad)[-1][1]
    for meigi in ("ハヤマ", "ﾊﾔﾏ,ﾀﾛｳ", "ﾊﾔﾏｰ", "hayama"):
        assert account_errors(Account("0138", "001", "1", "1234567", meigi)), meigi


@pytest.fixture
def town(in_alpha: Any) -> dict[str, Any]:
    _, (head, wife, child, *_) = household_tennyu("hayama", members=family(),
                                                   ido_date=date(2020, 4, 1))  # fmt: skip
    return {"head": head, "wife": wife, "child": child}


def test_registration_history_and_stop(town: Any) -> None:
    head = town["head"]
    t1 = koza_toroku_register(atena_id=head.pk, zeimoku=Zeimoku.JUMINZEI, account=A1,
                              kaishi_date=date(2024, 4, 1), actor=ACTOR)  # fmt: skip
    t2 = koza_toroku_register(atena_id=head.pk, zeimoku=Zeimoku.JUMINZEI, account=A2,
                              kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    t1.refresh_from_db()
    assert (t1.teishi_date, t1.teishi_reason) == (date(2025, 3, 31), "口座の変更")
    with pytest.raises(ShunoRefused, match="口座番号は7桁"):
        koza_toroku_register(atena_id=head.pk, zeimoku=Zeimoku.JUMINZEI,
                             account=Account("0138", "001", "1", "123", "ﾊﾔﾏ"),
                             kaishi_date=date(2025, 5, 1), actor=ACTOR)  # fmt: skip
    koza_toroku_stop(toroku_id=t2.pk, teishi_date=date(2025, 9, 30), reason="本人の申出",
                     actor=ACTOR)  # fmt: skip
    with pytest.raises(ShunoRefused, match="制御文字"):
        koza_toroku_stop(toroku_id=t2.pk, teishi_date=date(2025, 9, 30), reason="a\x00",
                         actor=ACTOR)  # fmt: skip
    assert KozaToroku.objects.filter(atena_id=head.pk).count() == 2


def csv_file(rows: list[list[str]]) -> bytes:
    lines = [",".join(UKETSUKE_COLUMNS)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")


def test_uketsuke_file_all_or_nothing(town: Any) -> None:
    head, wife = town["head"], town["wife"]
    good = [head.atena_no, "個人住民税（普通徴収）", "0138", "001", "1", "1234567", "ﾊﾔﾏ ﾀﾛｳ",
            "2025-04-01", "0"]  # fmt: skip
    bad = [wife.atena_no, "国民健康保険税", "0138", "01", "1", "1234567", "ﾊﾔﾏ ﾊﾅｺ",
           "2025-04-01", "0"]  # fmt: skip
    refused = [wife.atena_no, "国民健康保険税", "0138", "001", "1", "1", "ｱ", "2025-04-01", "2"]
    r = koza_uketsuke_import(data=csv_file([good, bad, refused]), actor=ACTOR)
    assert [(e.line, e.field) for e in r.errors] == [(3, "支店コード")]
    assert not KozaToroku.objects.exists()
    r = koza_uketsuke_import(data=csv_file([good, refused]), actor=ACTOR)
    assert (r.registered, r.skipped, r.errors) == (1, 1, [])
    t = KozaToroku.objects.get()
    assert (t.atena_id, t.zeimoku, t.source) == (head.pk, Zeimoku.JUMINZEI, "uketsuke")


def test_irai_round_trip_saifurikae_and_funo_notice(
    town: Any, django_capture_on_commit_callbacks: Any
) -> None:
    head, wife, child = town["head"], town["wife"], town["child"]
    setting("itakusha_code", "0000012345")
    setting("itakusha_mei", "ﾊﾔﾏﾏﾁ")
    # given: head (bank 0138) and wife (bank 0005) registered; child owes but is not
    # registered; the wife's 国保税 is already paid
    koza_toroku_register(atena_id=head.pk, zeimoku=Zeimoku.JUMINZEI, account=A1,
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    koza_toroku_register(atena_id=wife.pk, zeimoku=Zeimoku.JUMINZEI, account=A2,
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    koza_toroku_register(atena_id=wife.pk, zeimoku=Zeimoku.KOKUHOZEI, account=A2,
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    h = post(head.pk, "h", 12_300)
    w = post(wife.pk, "w", 45_600)
    wk = post(wife.pk, "wk", 7_000, Zeimoku.KOKUHOZEI)
    post(child.pk, "c", 5_000)
    madoguchi_nofu(nofu_bango=wk.nofu_bango, amount=7_000, shuno_date=date(2025, 6, 10),
                   actor=ACTOR)  # fmt: skip
    # when: the 依頼 job of the 納期限
    job = run({"nouki": "2025-06-30"}, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.SUCCEEDED
    got = files(job)
    assert sorted(got) == ["koza_irai_20250630_0005.txt", "koza_irai_20250630_0138.txt"]
    # then: each file is the bank's accounts only, in the 全銀協 layout
    r0138 = records(got["koza_irai_20250630_0138.txt"])
    assert [r[:1] for r in r0138] == [b"1", b"2", b"8", b"9"]
    assert r0138[0][:4] == b"1910" and r0138[0][4:14] == b"0000012345"
    assert r0138[0][54:58] == b"0630" and r0138[0][58:62] == b"0138"
    d = r0138[1]
    assert (d[1:5], d[20:23], d[42:43], d[43:50]) == (b"0138", b"001", b"1", b"1234567")
    assert d[50:80].decode("cp932").rstrip() == "ﾊﾔﾏ ﾀﾛｳ"
    assert (int(d[80:90]), d[91:111].decode(), d[111:112]) == (12_300, h.nofu_bango, b"0")
    assert r0138[2][1:7] == b"000001" and int(r0138[2][7:19]) == 12_300
    r0005 = records(got["koza_irai_20250630_0005.txt"])
    assert [r[91:111].decode() for r in r0005 if r[:1] == b"2"] == [w.nofu_bango]
    # a second job for the same day refuses rather than send a bank two files
    again = run({"nouki": "2025-06-30"}, django_capture_on_commit_callbacks)
    assert again.status != JobStatus.SUCCEEDED
    files(again)
    # the bank answers: head 振替済, wife 資金不足 (1)
    res_a = koza_kekka_import(data=bank_answers(got["koza_irai_20250630_0138.txt"], {}),
                              name="a", actor=ACTOR, today=date(2025, 7, 3))  # fmt: skip
    res_b = koza_kekka_import(
        data=bank_answers(got["koza_irai_20250630_0005.txt"], {w.nofu_bango: "1"}),
        name="b", actor=ACTOR, today=date(2025, 7, 3),
    )  # fmt: skip
    assert (res_a.matched, res_a.funo, res_b.matched, res_b.funo) == (1, 0, 0, 1)
    bal = balances([h.kibetsu_id, w.kibetsu_id])
    assert (bal[h.kibetsu_id].zan, bal[w.kibetsu_id].zan) == (0, 45_600)
    # 不能通知, read back
    pdf = koza_funo_render(koza_funo_notices(res_b.file_id, hakko_date=date(2025, 7, 4)),
                           issuer=Issuer("葉山町", "神奈川県"))  # fmt: skip
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "口座振替不能のお知らせ" in text and "45,600円" in text and "資金不足" in text
    # 再振替: refused while the town's 再振替日 is 0, then 10 days after the 納期限
    with pytest.raises(Exception, match="再振替を行わない"):
        job_start(kind=KOZA_IRAI, params={"nouki": "2025-06-30", "saifurikae": True},
                  actor=ACTOR)  # fmt: skip
    setting("saifurikae_nissu", "10")
    sai = run({"nouki": "2025-06-30", "saifurikae": True}, django_capture_on_commit_callbacks)
    assert sai.status == JobStatus.SUCCEEDED
    got2 = files(sai)
    assert list(got2) == ["koza_irai_20250710_0005_sai.txt"]
    recs = records(got2["koza_irai_20250710_0005_sai.txt"])
    assert recs[0][54:58] == b"0710"
    assert [(r[91:111].decode(), int(r[80:90])) for r in recs if r[:1] == b"2"] == [
        (w.nofu_bango, 45_600)
    ]
    assert KozaIrai.objects.filter(saifurikae=True).get().lines == 1
    # the meter: 2 first 依頼 lines and 1 再振替 line, made today
    from django.utils import timezone

    from zeimu.meters import koza_irai_between

    today = timezone.localdate()
    assert koza_irai_between(today, today) == 3


def test_a_towns_irai_never_holds_the_others_accounts(
    alpha: Any, beta: Any, django_capture_on_commit_callbacks: Any
) -> None:
    connection.set_tenant(alpha.municipality)
    _, (pa, *_) = household_tennyu("hayama", members=family(), ido_date=date(2020, 4, 1))
    koza_toroku_register(atena_id=pa.pk, zeimoku=Zeimoku.JUMINZEI, account=A1,
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    a = post(pa.pk, "a", 10_000)
    grant_beta_shuno()
    connection.set_tenant(beta.municipality)
    _, (pb, *_) = household_tennyu("samukawa", members=family(), ido_date=date(2020, 4, 1))
    koza_toroku_register(atena_id=pb.pk, zeimoku=Zeimoku.JUMINZEI, account=A2,
                         kaishi_date=date(2025, 4, 1), actor=ACTOR)  # fmt: skip
    b = post(pb.pk, "b", 20_000)
    setting("itakusha_code", "0000099999")
    # 寒川町 has no 葉山町 registration, and its file holds only its own account
    targets = koza_irai_targets(nouki=NOUKI, furikae_date=NOUKI, saifurikae=False)
    assert [t.kibetsu_id for t in targets] == [b.kibetsu_id]
    job = run({"nouki": "2025-06-30"}, django_capture_on_commit_callbacks)
    got = files(job)
    assert list(got) == ["koza_irai_20250630_0005.txt"]
    body = got["koza_irai_20250630_0005.txt"]
    assert a.nofu_bango.encode() not in body and b"1234567" not in body
    assert KozaToroku.objects.count() == 1
    # 葉山町 without its 委託者コード cannot start one (寒川町's setting is not its)
    connection.set_tenant(alpha.municipality)
    with pytest.raises(Exception, match="委託者コード"):
        job_start(kind=KOZA_IRAI, params={"nouki": "2025-06-30"}, actor=ACTOR)
    assert not KozaIrai.objects.exists()
    connection.set_schema_to_public()
