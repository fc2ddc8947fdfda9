"""Demo arrears for 滞納整理 (issue 18 item 6): a few taxpayers of the town with 期別 of
個人住民税 and 国民健康保険税 left unpaid in 令和5・6年度, their 督促, and on the cases a 催告,
a 分納誓約 and a 差押 (預貯金), so every part of the case screen has something to show.
Synthetic: the amounts and dates are made up. Skips a town that has 滞納整理 data."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from juminkiroku.public import resident_ids_on
from tenants.accesslog.services import Actor
from zeimu.models import TainoCase, Zeimoku
from zeimu.services.shuno import chotei_post
from zeimu.services.shuno_taino import bunno_create, bunno_schedule, kosho_record, shobun_create
from zeimu.services.shuno_taino_print import saikoku_single
from zeimu.services.shuno_tokusoku import tokusoku_issue_many

#: (税目, 年度, 期, 納期限, 金額) of each demo taxpayer's unpaid 期別
KIBETSU = [
    (Zeimoku.JUMINZEI, 2023, 1, date(2023, 6, 30), 48_000),
    (Zeimoku.JUMINZEI, 2023, 2, date(2023, 8, 31), 47_000),
    (Zeimoku.KOKUHOZEI, 2024, 1, date(2024, 7, 31), 31_000),
]


def taino_demo_load(*, people: int = 3) -> int:
    """Post the demo arrears of ``people`` residents and act on their cases; answers how
    many cases it made (0 when the town already has 滞納整理 data or no residents)."""
    if TainoCase.objects.exists():
        return 0
    today = timezone.localdate()
    actor = Actor(user_id=None, username="demo-setup")
    ids = resident_ids_on(today)[: people * 7 : 7]
    for n, atena_id in enumerate(ids):
        kibs = []
        for zeimoku, nendo, ki, nouki, amount in KIBETSU:
            key = f"demo-taino:{atena_id}:{zeimoku}:{nendo}:{ki}"
            kibs.append(
                chotei_post(zeimoku=zeimoku, key=key, atena_id=atena_id, nendo=nendo, ki=ki,
                            ki_label=f"第{ki}期", nouki=nouki, amount=amount + n * 1_000,
                            ref=key + ":tosho", on=date(nendo, 6, 1), actor=actor)
            )  # fmt: skip
        for p, (_, _, _, nouki, _) in zip(kibs, KIBETSU, strict=True):
            tokusoku_issue_many([p.kibetsu_id], hakko_date=nouki + timedelta(days=15),
                                job_id=None, created_by="demo-setup")  # fmt: skip
        saikoku_single(atena_id=atena_id, hakko_date=date(2025, 2, 10), actor_name="demo-setup")
        memo = "電話: 催告書を受け取った。分納を相談したい（デモ）"
        kosho_record(atena_id=atena_id, on=date(2025, 2, 20), memo=memo, actor=actor)
        if n % 3 == 0:
            total = sum(a + n * 1_000 for *_, a in KIBETSU)
            bunno_create(atena_id=atena_id, kibetsu_ids=[p.kibetsu_id for p in kibs],
                         seiyaku_date=date(2025, 3, 1),
                         schedule=bunno_schedule(total=total, kaisu=10, first=date(2025, 3, 31)),
                         memo="毎月末に窓口で納付（デモ）", actor=actor)  # fmt: skip
        else:
            shobun_create(atena_id=atena_id, kind="sashiosae", zaisan="yochokin",
                          shobun_date=date(2025, 4, 15), amount=95_000 + n * 2_000,
                          kibetsu_ids=[kibs[0].kibetsu_id, kibs[1].kibetsu_id],
                          memo="○○銀行 普通預金（デモ）", actor=actor)  # fmt: skip
    return len(ids)
