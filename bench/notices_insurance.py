"""Synthetic 国保税 and 介護保険料 notices for ``bench notices --module kokuho|kaigo``: unsaved
賦課 rows whose 内訳 (``detail``) has the shape the 本算定 stores, with varied names,
addresses, household sizes, 区分, 軽減, 期別 and 特別徴収, turned into notices by the modules'
own ``notice_of`` (no query) and rendered by their own ``notices_render`` (the static
form), as a job chunk does after its one read."""

from __future__ import annotations

import random
from datetime import date
from typing import Any

FISCAL_YEAR = 2025
TSUCHI_DATE = date(2025, 7, 10)
ISSUER = "葉山町長"

SURNAMES = ["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "髙橋", "𠮷田", "齋藤"]
GIVEN = ["太郎", "花子", "一郎", "美咲", "健太", "陽子", "翔", "結衣", "大輔", "由美", "蓮", "葵"]
AREAS = [
    ("2400111", "神奈川県三浦郡葉山町一色"),
    ("2400112", "神奈川県三浦郡葉山町堀内"),
    ("2400113", "神奈川県三浦郡葉山町長柄"),
    ("2400115", "神奈川県三浦郡葉山町上山口"),
]
#: 納期 of the 9 普通徴収 期 (7月〜3月, month ends moved off weekends as the ledger does)
DUES = ["2025-07-31", "2025-09-01", "2025-09-30", "2025-10-31", "2025-12-01", "2026-01-05",
        "2026-02-02", "2026-03-02", "2026-03-31"]  # fmt: skip
#: 特別徴収 (仮徴収 4・6・8月, 本徴収 10・12・2月) and the pension day
FISCAL_MONTHS = [4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3]
TOKUCHO = [("kari", 4), ("kari", 6), ("kari", 8), ("hon", 10), ("hon", 12), ("hon", 2)]


def _person(i: int, rng: random.Random) -> tuple[Any, Any]:
    from juminkiroku.public import AddressBlock, PersonIdentity

    postal_code, town = rng.choice(AREAS)
    name = f"{rng.choice(SURNAMES)}　{rng.choice(GIVEN)}"
    block = AddressBlock(
        atena_id=i,
        atena_no=f"{i:010d}",
        postal_code=postal_code,
        jusho=f"{town}{rng.randint(1, 3000)}番地{rng.randint(1, 30)}",
        katagaki=f"コーポ葉山{rng.randint(101, 420)}号室" if rng.random() < 0.3 else "",
        shimei=name,
    )
    person = PersonIdentity(
        atena_id=i, atena_no=f"{i:010d}", shimei=name, shimei_kana="カナ　カナ",
        birth_date=date(1960, 1, 1), sex="男", is_resident=True,
    )  # fmt: skip
    return person, block


def _split(total: int, n: int) -> list[int]:
    """``total`` in ``n`` 期 of whole 100円, the remainder in the first (the modules' rule)."""
    each = total // n // 100 * 100
    return [total - each * (n - 1)] + [each] * (n - 1)


def _kibetsu(total: int, rng: random.Random, *, kaigo: bool) -> tuple[list[dict[str, Any]], str]:
    if rng.random() < 0.15:  # 特別徴収
        amounts = _split(total, 6)
        rows = []
        for (kind, month), amount in zip(TOKUCHO, amounts, strict=True):
            label = ("仮徴収" if kind == "kari" else "本徴収") + f"（{month}月）"
            year = FISCAL_YEAR if month >= 4 else FISCAL_YEAR + 1
            rows.append({
                "kind": kind, "month": month, "amount": amount,
                "label": label if kaigo else "特別徴収・" + label,
                "due": date(year, month, 15).isoformat(),
            })  # fmt: skip
        return rows, "tokucho"
    return [
        {"label": f"第{k + 1}期", "due": due, "amount": a, "kind": "futsu"}
        for k, (due, a) in enumerate(zip(DUES, _split(total, 9), strict=True))
    ], "futsu"


def kokuho_notices(first: int, count: int, seed: int) -> list[Any]:
    from kokuho.forms.fuka import notice_of
    from kokuho.models import KokuhoFuka

    rng = random.Random(seed * 1_000_003 + first)
    out = []
    for n in range(first + 1, first + count + 1):
        aid = n * 10
        head, block = _person(aid, rng)
        size = rng.choice([1, 1, 2, 2, 3, 4])
        members = [aid + j for j in range(size)]
        names = {str(a): f"{head.shimei.split('　')[0]}　{rng.choice(GIVEN)}" for a in members}
        names[str(aid)] = head.shimei
        wari = rng.choice([0, 0, 0, 2, 5, 7])
        kubun = []
        total = 0
        for code, label, rate, kinto, byodo, gendo in (
            ("iryo", "医療分（基礎課税額）", 7, 30_000, 20_000, 660_000),
            ("shien", "後期高齢者支援金等分", 2, 10_000, 5_000, 260_000),
            ("kaigo", "介護納付金分", 2, 10_000, 5_000, 170_000),
        ):
            who = members if code != "kaigo" else [a for a in members if rng.random() < 0.5]
            if not who:
                continue
            ms: list[dict[str, Any]] = []
            for a in who:
                kijun = rng.randint(0, 40) * 100_000
                shotokuwari = kijun * rate // 100
                genmen = kinto * wari // 10
                ms.append({
                    "key": str(a), "kijun_shotoku": kijun, "shotokuwari": shotokuwari,
                    "kintowari": kinto, "keigen": genmen, "mishugaku": 0, "miman18": 0,
                    "kintowari_after": kinto - genmen, "months": FISCAL_MONTHS,
                })  # fmt: skip
            byodo_keigen = byodo * wari // 10
            nengaku = (
                sum(m["shotokuwari"] + m["kintowari_after"] for m in ms) + byodo - byodo_keigen
            )
            zeigaku = min(nengaku, gendo) // 100 * 100
            total += zeigaku
            kubun.append({
                "kubun": code, "label": label, "monthly": [zeigaku // 12] * 12, "members": ms,
                "shotokuwari_total": sum(m["shotokuwari"] for m in ms), "shisanwari_total": 0,
                "kintowari_total": sum(m["kintowari_after"] for m in ms), "byodowari": byodo,
                "byodowari_tokutei": 0, "byodowari_keigen": byodo_keigen,
                "byodowari_after": byodo - byodo_keigen, "nengaku": nengaku, "gendo": gendo,
                "zeigaku": zeigaku,
            })  # fmt: skip
        kibetsu, hoho = _kibetsu(total, rng, kaigo=False)
        lines = [
            f"{k['label']} 所得割 {k['shotokuwari_total']:,}円 ＋ 均等割 {k['kintowari_total']:,}円"
            f" ＋ 平等割 {k['byodowari_after']:,}円 ＝ {k['zeigaku']:,}円"
            for k in kubun
        ] + [f"年税額 {total:,}円"]
        fuka = KokuhoFuka(
            id=n, fiscal_year=FISCAL_YEAR, setai_id=n, version=1, santei="hon",
            nozei_gimusha_id=aid, gisei=rng.random() < 0.05, kijun_date=date(2025, 7, 1),
            nengaku=total, choshu_hoho=hoho, kibetsu=kibetsu,
            detail={
                "input": {"members": [{"atena_id": a} for a in members]},
                "result": {
                    "keigen": {
                        "hantei_shotoku": rng.randint(0, 50) * 100_000, "hihokensha_su": size,
                        "kyuyo_shotokusha_su": rng.randint(0, size),
                        "kijun": [[7, 430_000], [5, 1_005_000], [2, 1_530_000]], "wari": wari,
                    },
                    "kubun": kubun,
                    "lines": lines,
                },
            },
        )  # fmt: skip
        out.append(notice_of(fuka, head=head, block=block, names=names))
    return out


def kokuho_render(notices: list[Any]) -> bytes:
    from kokuho.forms.fuka import notices_render

    return notices_render(notices, issuer=ISSUER, tsuchi_date=TSUCHI_DATE)


def kokuho_common() -> tuple[str, dict[str, Any]]:
    from kokuho.forms.fuka import TEMPLATE, tsuchi_common

    return TEMPLATE, tsuchi_common(issuer=ISSUER, tsuchi_date=TSUCHI_DATE)


#: 島田市's table of the kaigo tests (基準額 60,000円): 段階 → (割合, 理由)
DANKAI = [
    (1, "0.285", "生活保護受給者、または世帯全員が住民税非課税で年金収入等80.9万円以下"),
    (4, "0.9", "本人が住民税非課税（世帯に課税者あり）で、年金収入等が80.9万円以下"),
    (5, "1", "本人が住民税非課税（世帯に課税者あり）で、年金収入等が80.9万円を超える"),
    (7, "1.3", "本人が住民税課税で合計所得金額が1,200,000円以上2,100,000円未満"),
    (8, "1.5", "本人が住民税課税で合計所得金額が2,100,000円以上3,200,000円未満"),
]


def kaigo_notices(first: int, count: int, seed: int) -> list[Any]:
    from kaigo.forms.fuka import notice_of
    from kaigo.models import KaigoFuka

    rng = random.Random(seed * 1_000_003 + first)
    out = []
    for n in range(first + 1, first + count + 1):
        person, block = _person(n, rng)
        dankai, ritsu, riyu = rng.choice(DANKAI)
        nengaku = int(60_000 * float(ritsu)) // 100 * 100
        kibetsu, hoho = _kibetsu(nengaku, rng, kaigo=True)
        shotoku = rng.randint(0, 40) * 100_000
        nenkin = rng.randint(0, 30) * 50_000
        fuka = KaigoFuka(
            id=n, fiscal_year=FISCAL_YEAR, atena_id=n, hihokensha_no=f"{n:010d}", version=1,
            santei="hon", kijun_date=date(2025, 7, 1), dankai=dankai, kijungaku=60_000,
            ritsu=ritsu, nengaku=nengaku, hokenryo=nengaku, choshu_hoho=hoho, kibetsu=kibetsu,
            detail={
                "input": {
                    "honnin": {"jokyo": "kazei" if dankai >= 6 else "hikazei",
                               "gokei_shotoku": shotoku, "fumei": rng.random() < 0.03},
                    "setai_kazei": dankai in (4, 5) or dankai >= 6,
                    "months": FISCAL_MONTHS,
                },
                "result": {
                    "dankai": dankai, "riyu": riyu, "kijungaku": 60_000, "ritsu": ritsu,
                    "keigengo_ritsu": ritsu, "keigen_mae_nengaku": nengaku, "keigengaku": 0,
                    "nengaku": nengaku, "kazei_nenkin_shunyu": nenkin,
                    "sonota_gokei_shotoku": shotoku, "nenkin_sonota_gokei": nenkin + shotoku,
                },
            },
        )  # fmt: skip
        out.append(notice_of(fuka, person=person, block=block))
    return out


def kaigo_render(notices: list[Any]) -> bytes:
    from kaigo.forms.fuka import notices_render

    return notices_render(notices, issuer=ISSUER, tsuchi_date=TSUCHI_DATE)


def kaigo_common() -> tuple[str, dict[str, Any]]:
    from kaigo.forms.fuka import TEMPLATE, tsuchi_common

    return TEMPLATE, tsuchi_common(issuer=ISSUER, tsuchi_date=TSUCHI_DATE)
