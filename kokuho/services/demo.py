"""Demo data beyond 資格 (kokuho/management/commands/kokuho_demo.py): placeholder 税率, a few
給付, 国民年金 届 and 後期 保険料. Nothing here runs outside the demo."""

from __future__ import annotations

import io
from datetime import date

from juminkiroku.public import person_identities, residents_on
from kokuho.models import KokiHokenryoImport, Kyufu, NenkinTodoke, Shikaku
from kokuho.rules.hokenzei_params import P
from kokuho.services.koki_hokenryo import koki_hokenryo_accept
from kokuho.services.kyufu import Furikomi, KyufuRefused, kyufu_kettei, shussan_shinsei
from kokuho.services.nenkin import NenkinRefused, nenkin_todoke_register
from tenants.accesslog.services import Actor
from tenants.params.tenant.models import MunicipalParameter
from tenants.params.tenant.services import municipal_parameter_set

DEMO_FISCAL_YEAR = 2025
#: placeholders of the size small 神奈川 towns levy (所得割 in 1/100,000), not any town's 条例
DEMO_RATES: dict[str, int] = {
    "iryo.shotokuwari": 7000,
    "iryo.kintowari": 30_000,
    "iryo.byodowari": 20_000,
    "shien.shotokuwari": 2500,
    "shien.kintowari": 10_000,
    "shien.byodowari": 6_000,
    "kaigo.shotokuwari": 2200,
    "kaigo.kintowari": 12_000,
    "kaigo.byodowari": 6_000,
}
REASON = "デモ用の仮の税率（実在の町の条例ではない）"
BANK = Furikomi(
    "デモ信用金庫",
    "本店",
    "1",
    "0000001",
    "デモ　ウケトリ",
    kinyu_kikan_code="0000",
    shiten_code="001",
)


#: 資格確認書 print the town's 保険者番号 (kokuho.shikaku.hokensha_bango, no national value):
#: a demo town gets one that no real 保険者 has (都道府県番号 99 does not exist) with the
#: right 検証番号 (99000 → 2: kokuho.rules.kofu.kensho_bango), so its cards print
DEMO_HOKENSHA_BANGO = "990002"
#: the placeholder before the 検証番号 was checked (refused now): a demo town still holding
#: it is given the new one
FORMER_DEMO_HOKENSHA_BANGO = "990001"
HOKENSHA_KEY = "kokuho.shikaku.hokensha_bango"


def demo_rates_set(*, actor: Actor) -> bool:
    """The placeholder rates from 令和7年度, unless the town set any 国保税 rate; and a
    placeholder 保険者番号 unless the town set its own (the former placeholder, which lacks
    the 検証番号, is replaced)."""
    held = set(MunicipalParameter.objects.filter(key=HOKENSHA_KEY).values_list("value", flat=True))
    if held <= {FORMER_DEMO_HOKENSHA_BANGO}:
        municipal_parameter_set(
            key=HOKENSHA_KEY,
            fiscal_year=DEMO_FISCAL_YEAR,
            value_text=DEMO_HOKENSHA_BANGO,
            reason="デモ用の仮の保険者番号（都道府県番号99は実在しない）",
            actor=actor,
        )
    if MunicipalParameter.objects.filter(key__startswith=P).exists():
        return False
    for key, value in DEMO_RATES.items():
        municipal_parameter_set(
            key=f"{P}{key}",
            fiscal_year=DEMO_FISCAL_YEAR,
            value_text=str(value),
            reason=REASON,
            actor=actor,
        )
    return True


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def demo_records_load(*, actor: Actor) -> dict[str, int]:
    """Two 出産育児一時金 (one decided), three 国民年金 種別変更 届, and the 広域連合's
    保険料 of five people of 75 or more; nothing when the town has any of them."""
    counts = {"kyufu": 0, "nenkin": 0, "koki": 0}
    on = date(2025, 6, 1)
    insured = list(
        Shikaku.objects.filter(torikeshi=False, shutoku_date__lte=on)
        .exclude(soshitsu_date__lte=on)
        .order_by("atena_id")
        .values_list("atena_id", flat=True)[:400]
    )
    people = person_identities(insured)
    if not Kyufu.objects.exists():
        mothers = [
            p for p in people.values() if p.sex == "女" and 25 <= _age(p.birth_date, on) <= 39
        ][:2]
        for i, p in enumerate(mothers):
            try:
                row = shussan_shinsei(
                    atena_id=p.atena_id,
                    shussan_date=on,
                    children=1,
                    sanka_hosho=True,
                    chokusetsu_gaku=460_000,
                    shinsei_date=date(2025, 6, 20),
                    furikomi=BANK,
                    actor=actor,
                )
                if i == 0:
                    kyufu_kettei(kyufu_id=row.pk, kettei_date=date(2025, 6, 25), actor=actor)
                counts["kyufu"] += 1
            except KyufuRefused:
                continue
    if not NenkinTodoke.objects.exists():
        adults = [p for p in people.values() if 25 <= _age(p.birth_date, on) <= 55][:3]
        for p in adults:
            try:
                nenkin_todoke_register(
                    atena_id=p.atena_id,
                    kind="shubetsu",
                    jiyu="taishoku",
                    gaito_date=date(2025, 9, 1),
                    todoke_date=date(2025, 9, 8),
                    shubetsu_mae="2",
                    shubetsu_go="1",
                    actor=actor,
                )
                counts["nenkin"] += 1
            except NenkinRefused:
                continue
    if not KokiHokenryoImport.objects.exists():
        old = [r for r in residents_on(on) if _age(r.birth_date, on) >= 76][:5]
        numbers = person_identities(r.atena_id for r in old)
        lines = ["被保険者番号,宛名番号,年度,年額,徴収方法,期,納期限,期別額"]
        dues = ["2025-07-31", "2025-09-30", "2025-11-30", "2026-01-31"]
        for i, r in enumerate(old):
            if r.atena_id not in numbers:
                continue
            bango = f"{90000001 + i:08d}"
            no = numbers[r.atena_id].atena_no
            lines += [f"{bango},{no},2025,48000,2,{k},{d},12000" for k, d in enumerate(dues, 1)]
        if len(lines) > 1:
            koki_hokenryo_accept(
                file_name="demo_hokenryo_2025.csv",
                upload=io.BytesIO(("\r\n".join(lines) + "\r\n").encode("utf-8-sig")),
                encoding="utf-8-sig",
                actor=actor,
            )
            counts["koki"] = len(lines) - 1
    return counts
