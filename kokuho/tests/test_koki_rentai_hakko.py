"""督促状 and 納付書 to a 連帯納付義務者 of the 後期高齢者医療保険料 (高齢者の医療の確保に関する
法律第108条第2項・第3項), issued by a clerk from the 収納 ledger's 滞納 case view through
``zeimu.services.shuno_rentai`` — the 後期 counterpart of ``kaigo/tests/test_rentai_hakko.py``.

Worked case (the shared household ``juminkiroku.tests.factories.three_generations``): 葉山町's
太郎 (75+, 普通徴収, 3 期 of 15,000円 from the 広域連合's file) lives in his son 一郎's
household with his wife 松子 until his 世帯分離 on 15 August 2025; his 第1期 (納期限 31 July)
is owed also by 一郎 (世帯主) and 松子 (spouse, inferred from 父・母). The clerk sends 一郎 a
督促状 and — once the marriage is confirmed — 松子 a 納付書: each PDF, read back, is
addressed to them, says they pay as 連帯納付義務者 under 第108条 and names 太郎; the amount
stays on 太郎's 期別. Refused: 松子 without the confirmation, 一郎 for the 第2期 (after the
世帯分離). 寒川町 can neither print nor see 葉山町's, and issues its own for its own couple.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests.factories import family, three_generations
from kokuho.services.koki_iryo import koki_shikaku_due
from kokuho.tests.factories import setai_bunri, tennyu
from kokuho.tests.test_koki_hokenryo import _accept
from kokuho.tests.test_koki_rentai import _futsu_file
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tenants.wareki import format_wareki
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import (
    grant_beta_shuno,
    kibetsu_rows,
    kibetsu_zan,
    rentai_hakko_rows,
    rentai_keika,
)

pytestmark = pytest.mark.django_db

# after the 広域連合's file was taken in (its 調定 are dated the day of the import)
HAKKO = "令和9年1月12日"
HAKKO_DATE = date(2027, 1, 12)
REFUSE_SUITEI = "配偶者と推定した方です（続柄が父・母）。"


def _in(town: Any, fn: Any) -> Any:
    connection.set_tenant(town.municipality)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def _post(client: Any, atena_id: int, target: str, kind: str, **extra: str) -> Any:
    data = {
        "act": "rentai",
        "rentai-target": target,
        "rentai-kind": kind,
        "rentai-hakko_date": HAKKO,
        **extra,
    }
    return client.post(f"/zeimu/shuno/taino/{atena_id}/", data)


def _setup(world: Any, cap: Any) -> dict[str, Any]:
    # 寒川町: the 佐藤 couple both 75+, the wife 普通徴収
    connection.set_tenant(world.beta.municipality)
    couple = family("佐藤", "サトウ")[:2]
    couple[0]["birth_date"], couple[1]["birth_date"] = "1950-04-10", "1949-08-20"
    b_husband, b_wife = tennyu(cap, "samukawa", members=couple, day=date(2020, 4, 1))[1]
    koki_shikaku_due(today=date(2025, 4, 30))
    assert _accept(cap, _futsu_file([("98765432", b_wife)])).status == "done"
    # 葉山町: 一郎 is 世帯主; his father 太郎 (普通徴収) and mother 松子 are insured
    connection.set_tenant(world.alpha.municipality)
    ichiro, taro, matsuko = tennyu(cap, members=three_generations(), day=date(2020, 4, 1))[1]
    koki_shikaku_due(today=date(2025, 4, 30))
    assert _accept(cap, _futsu_file([("12345678", taro)])).status == "done"
    setai_bunri(cap, taro, day=date(2025, 8, 15))
    kib = kibetsu_rows("koki", taro.pk)
    connection.set_schema_to_public()
    return {
        "ichiro": ichiro, "taro": taro, "matsuko": matsuko, "kib": kib,
        "b_husband": b_husband, "b_wife": b_wife,
    }  # fmt: skip


def test_koki_tokusoku_and_nofusho_to_the_rentai_nofu_gimusha_in_two_towns(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    s = _setup(world, django_capture_on_commit_callbacks)
    taro, ichiro, matsuko, kib = s["taro"], s["ichiro"], s["matsuko"], s["kib"]
    assert [(ki, nouki) for _pk, ki, nouki, _b in kib] == [
        (1, date(2025, 7, 31)), (2, date(2025, 8, 31)), (3, date(2025, 9, 30)),
    ]  # fmt: skip
    (k1, _, _nouki1, bango1), (k2, *_) = kib[0], kib[1]
    zan1 = _in(world.alpha, lambda: kibetsu_zan(k1, HAKKO_DATE))
    assert zan1 == 15000

    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/zeimu/shuno/taino/{taro.pk}/").content.decode()
    assert "連帯納付義務者への督促状・納付書" in page
    assert f'value="{k1}:{ichiro.pk}"' in page and f'value="{k1}:{matsuko.pk}"' in page
    assert f'value="{k2}:{ichiro.pk}"' not in page  # after the 世帯分離: nobody

    # when the clerk sends 一郎 a 督促状 for 太郎's 第1期
    r = _post(clerk, taro.pk, f"{k1}:{ichiro.pk}", "tokusoku")
    assert r.status_code == 302
    r = clerk.get(r["Location"])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    # then it is addressed to 一郎 as 連帯納付義務者 under 第108条 and names 太郎
    assert "督促状（連帯納付義務者）" in text and "山田一郎様" in text and "山田太郎様" in text
    assert "後期高齢者医療保険料" in text and "令和7年度第1期" in text
    assert "世帯主（高齢者の医療の確保に関する法律第108条第2項）" in text
    kigen = _in(world.alpha, lambda: rentai_hakko_rows()[0][6])
    assert kigen >= date(2027, 1, 22)  # 指定期限: 発行日 + 10日 (zeimu's 督促状 rule)
    assert "15,000円" in text and bango1 in text and format_wareki(kigen) in text

    # 松子 (spouse inferred from 父・母): refused until the marriage is confirmed
    r = _post(clerk, taro.pk, f"{k1}:{matsuko.pk}", "nofusho")
    assert r.status_code == 400 and REFUSE_SUITEI in r.content.decode()
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == 1
    r = _post(clerk, taro.pk, f"{k1}:{matsuko.pk}", "nofusho", **{"rentai-suitei_kakunin": "on"})
    assert r.status_code == 302
    (text,) = pdf_pages(clerk.get(r["Location"]).content)
    assert "納付書後期高齢者医療保険料" in text and "山田松子様" in text
    assert "連帯納付義務者" in text and "山田太郎様" in text and "同法第108条第3項" in text
    assert bango1 in text and "15,000円" in text

    def check_alpha() -> None:
        # the amount stays on 太郎's 期別
        assert kibetsu_zan(k1, HAKKO_DATE) == zan1
        rows = rentai_hakko_rows()
        assert [r[1:] for r in rows] == [
            (k1, ichiro.pk, "tokusoku", zan1, False, kigen, None),
            (k1, matsuko.pk, "nofusho", zan1, True, None, k1),
        ]
        keika = rentai_keika()
        assert [ref for ref, _memo in keika] == [r[0] for r in rows]
        assert "高齢者の医療の確保に関する法律第108条第2項" in keika[0][1]
        issued = AccessLog.objects.filter(screen="zeimu.taino_rentai", action="print")
        assert sorted(tuple(sorted(a.detail["atena_ids"])) for a in issued) == sorted(
            [tuple(sorted([taro.pk, ichiro.pk])), tuple(sorted([taro.pk, matsuko.pk]))]
        )

    _in(world.alpha, check_alpha)
    # 一郎 for the 第2期 (納期限 after the 世帯分離): refused, nothing written
    assert _post(clerk, taro.pk, f"{k2}:{ichiro.pk}", "tokusoku").status_code == 400
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == 2

    # 寒川町: 葉山町's documents are not found; it issues its own for its own couple
    grant_beta_shuno()
    other = login("samukawa-clerk", BETA_HOST)
    first = _in(world.alpha, lambda: rentai_hakko_rows()[0][0])
    assert other.get(f"/zeimu/shuno/taino/rentai/{first}/rentai.pdf").status_code == 404
    b_wife, b_husband = s["b_wife"], s["b_husband"]
    bk1 = _in(world.beta, lambda: kibetsu_rows("koki", b_wife.pk)[0][0])
    r = _post(other, b_wife.pk, f"{bk1}:{b_husband.pk}", "tokusoku")
    assert r.status_code == 302
    (text,) = pdf_pages(other.get(r["Location"]).content)
    assert "佐藤太郎様" in text and "佐藤花子様" in text and "寒川町長" in text
    assert "後期高齢者医療保険料" in text and "同法第108条第3項" in text
    assert "山田" not in text
    assert _in(world.beta, lambda: len(rentai_hakko_rows())) == 1
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == 2
