"""督促状 and 納付書 to a 連帯納付義務者 of 介護保険料 (介護保険法第132条第2項・第3項), issued by
a clerk from the 収納 ledger's 滞納 case view (zeimu.services.shuno_rentai).

Worked case: 葉山町's 太郎 (普通徴収, 9 期 of 800,000円's 第2段階 premium) lives in his son
一郎's household with his wife 松子 until his 世帯分離 on 15 August 2025; his 第1期 (納期限
31 July) is owed also by 一郎 (世帯主) and 松子 (spouse, inferred from 父・母). The clerk
sends 一郎 a 督促状 and — once the marriage is confirmed — 松子 a 納付書: each PDF, read
back, is addressed to them, says they pay as 連帯納付義務者 and names 太郎; the amount
stays on 太郎's 期別 (same 納付番号, same balance). Each issue is in the case's 経過 and
the access log with both persons. Refused: 松子 without the confirmation, 一郎 for the
第2期 (after the 世帯分離 he is nobody's 連帯納付義務者). 寒川町 can neither print nor
issue 葉山町's, and issues its own for its own couple.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from juminkiroku.tests import factories as jk
from juminkiroku.tests.factories import three_generations
from kaigo.fuka_jobs import HONSANTEI
from kaigo.tests.factories import elders, tennyu
from kaigo.tests.fuka_helpers import hikazei, run_job, set_table
from tenants.accesslog.models import AccessLog
from tenants.db import connection
from tenants.testing.pdf import pdf_pages
from tests.personas import ALPHA_HOST, BETA_HOST
from zeimu.tests.factories import (
    grant_beta_shuno,
    kibetsu_rows,
    kibetsu_zan,
    rentai_hakko_rows,
    rentai_hakko_try,
    rentai_keika,
)

#: the refusals' words (zeimu.services.shuno_rentai)
REFUSE_SUITEI = "配偶者と推定した方です（続柄が父・母）。"
REFUSE_NOT_RENTAI = "その方はこの期別の連帯納付義務者ではありません"

pytestmark = pytest.mark.django_db

FY = 2025
HAKKO = "令和8年12月1日"
HAKKO_DATE = date(2026, 12, 1)


def _setup(world: Any, cap: Any) -> dict[str, Any]:
    connection.set_tenant(world.beta.municipality)
    set_table()
    _, (b_husband, b_wife, _son) = tennyu(
        cap, "samukawa", members=elders("佐藤", "サトウ"), day=date(2020, 4, 1)
    )
    hikazei(b_husband.pk, FY, 900_000)
    hikazei(b_wife.pk, FY, 700_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    connection.set_tenant(world.alpha.municipality)
    set_table()
    members = three_generations()
    ichiro, taro, matsuko = tennyu(cap, members=members, day=date(2020, 4, 1))[1]
    hikazei(taro.pk, FY, 800_000)
    hikazei(matsuko.pk, FY, 600_000)
    run_job(cap, HONSANTEI, fiscal_year=FY, kijun_date="2025-07-01")
    with cap(execute=True):
        jk.setai_bunri(taro, ido_date=date(2025, 8, 15))
    kib = kibetsu_rows("kaigo", taro.pk)
    connection.set_schema_to_public()
    return {
        "ichiro": ichiro, "taro": taro, "matsuko": matsuko, "kib": kib,
        "b_husband": b_husband, "b_wife": b_wife,
    }  # fmt: skip


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


def test_tokusoku_and_nofusho_to_the_rentai_nofu_gimusha_in_two_towns(
    world: Any, login: Any, django_capture_on_commit_callbacks: Any
) -> None:
    s = _setup(world, django_capture_on_commit_callbacks)
    taro, ichiro, matsuko, kib = s["taro"], s["ichiro"], s["matsuko"], s["kib"]
    (k1, _, nouki1, bango1), (k2, *_) = kib[0], kib[1]
    zan1 = _in(world.alpha, lambda: kibetsu_zan(k1, HAKKO_DATE))
    assert zan1 > 0 and nouki1 == date(2025, 7, 31)

    clerk = login("hayama-clerk", ALPHA_HOST)
    page = clerk.get(f"/zeimu/shuno/taino/{taro.pk}/").content.decode()
    assert "連帯納付義務者への督促状・納付書" in page
    assert f'value="{k1}:{ichiro.pk}"' in page and f'value="{k1}:{matsuko.pk}"' in page
    # after the 世帯分離 (第2期 onwards) nobody is offered
    assert f'value="{k2}:{ichiro.pk}"' not in page

    # when the clerk sends 一郎 a 督促状 for 太郎's 第1期
    r = _post(clerk, taro.pk, f"{k1}:{ichiro.pk}", "tokusoku")
    assert r.status_code == 302
    r = clerk.get(r["Location"])
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    (text,) = pdf_pages(r.content)
    # then it is addressed to 一郎 as 連帯納付義務者 and names 太郎 and the grounds
    assert "督促状（連帯納付義務者）" in text and "山田一郎様" in text
    assert "山田太郎様" in text and "介護保険料" in text and "令和7年度第1期" in text
    assert "世帯主（介護保険法第132条第2項）" in text and "連帯納付義務者" in text
    assert f"{zan1:,}円" in text and bango1 in text
    assert "令和8年12月11日" in text  # 指定期限: 発行日 + 10日

    # 松子, a spouse inferred from 父・母: refused until the marriage is confirmed
    n_before = _in(world.alpha, lambda: len(rentai_hakko_rows()))
    r = _post(clerk, taro.pk, f"{k1}:{matsuko.pk}", "nofusho")
    assert r.status_code == 400 and REFUSE_SUITEI in r.content.decode()
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == n_before
    r = _post(clerk, taro.pk, f"{k1}:{matsuko.pk}", "nofusho", **{"rentai-suitei_kakunin": "on"})
    assert r.status_code == 302
    (text,) = pdf_pages(clerk.get(r["Location"]).content)
    assert "納付書介護保険料" in text and "山田松子様" in text and "連帯納付義務者" in text
    assert "山田太郎様" in text and "配偶者と推定" in text
    assert bango1 in text and f"{zan1:,}円" in text

    def check_alpha() -> None:
        # the amount stays on 太郎's 期別: the same balance, the slip is the 期別's own
        assert kibetsu_zan(k1, HAKKO_DATE) == zan1
        rows = rentai_hakko_rows()
        assert [r[1:] for r in rows] == [
            (k1, ichiro.pk, "tokusoku", zan1, False, date(2026, 12, 11), None),
            (k1, matsuko.pk, "nofusho", zan1, True, None, k1),
        ]
        # history: the case's 経過
        keika = rentai_keika()
        assert [ref for ref, _memo in keika] == [r[0] for r in rows]
        assert (
            "督促状を連帯納付義務者（世帯主・世帯主（介護保険法第132条第2項））に発行"
            in (keika[0][1])
        )
        # access log: each issue and each print names both persons
        issued = AccessLog.objects.filter(screen="zeimu.taino_rentai", action="print")
        assert sorted(tuple(sorted(a.detail["atena_ids"])) for a in issued) == sorted(
            [tuple(sorted([taro.pk, ichiro.pk])), tuple(sorted([taro.pk, matsuko.pk]))]
        )
        printed = AccessLog.objects.filter(screen="zeimu.taino_rentai_pdf", action="print")
        assert {
            tuple(sorted(a.detail["atena_ids"])) for a in printed if "atena_ids" in a.detail
        } == {
            tuple(sorted([taro.pk, ichiro.pk])),
            tuple(sorted([taro.pk, matsuko.pk])),
        }

    _in(world.alpha, check_alpha)
    page = clerk.get(f"/zeimu/shuno/taino/{taro.pk}/").content.decode()
    keika = page[page.index('data-testid="taino-keika"') :]
    assert "連帯納付義務者への督促状・納付書" in keika and 'target="_blank"' in keika

    # 一郎 is nobody's 連帯納付義務者 for the 第2期 (納期限 after the 世帯分離): a forged
    # choice is refused by the form, and the service refuses it too
    r = _post(clerk, taro.pk, f"{k2}:{ichiro.pk}", "tokusoku")
    assert r.status_code == 400

    def forged() -> None:
        refused = rentai_hakko_try(
            atena_id=taro.pk, kibetsu_id=k2, rentai_atena_id=ichiro.pk,
            kind="tokusoku", hakko_date=HAKKO_DATE, suitei_kakunin=False,
        )  # fmt: skip
        assert refused is not None and refused.startswith(REFUSE_NOT_RENTAI)
        assert len(rentai_hakko_rows()) == 2

    _in(world.alpha, forged)
    # a viewer may not issue
    viewer = login("hayama-viewer", ALPHA_HOST)
    assert _post(viewer, taro.pk, f"{k1}:{ichiro.pk}", "tokusoku").status_code == 403
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == 2

    # 寒川町: 葉山町's documents are not found; it issues its own for its own couple
    grant_beta_shuno()
    other = login("samukawa-clerk", BETA_HOST)
    first = _in(world.alpha, lambda: rentai_hakko_rows()[0][0])
    r = other.get(f"/zeimu/shuno/taino/rentai/{first}/rentai.pdf")
    assert r.status_code == 404
    b_wife, b_husband = s["b_wife"], s["b_husband"]
    bk1 = _in(world.beta, lambda: kibetsu_rows("kaigo", b_wife.pk)[0][0])
    r = _post(other, b_wife.pk, f"{bk1}:{b_husband.pk}", "tokusoku")
    assert r.status_code == 302
    (text,) = pdf_pages(other.get(r["Location"]).content)
    assert "佐藤一郎様" in text and "佐藤和子様" in text and "寒川町長" in text
    # (the factories' addresses are 葉山町's street whichever town: names are the wall here)
    assert "山田一郎" not in text and "山田太郎" not in text and "山田松子" not in text
    assert _in(world.beta, lambda: len(rentai_hakko_rows())) == 1
    assert _in(world.alpha, lambda: len(rentai_hakko_rows())) == 2
