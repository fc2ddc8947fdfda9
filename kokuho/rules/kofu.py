"""The terms printed on a 資格確認書 / 資格情報のお知らせ: its 有効期限 and, for a 70–74歳
insured, the 一部負担金の割合; and the check of the town's 保険者番号. Pure functions:
the values come in from ``kokuho/params/kokuho_shikaku.yaml`` and ``kyufu.yaml``.

**有効期限** (the town's rule, ``kokuho.shikaku.kakuninsho_koshin_tsuki``): cards are
renewed all at once on the 1st of the town's month (8月: 平川市, 松野町), so a card runs at
most to the day before the next such 1st (最長1年). It ends earlier:

- on the day before the 75th birthday, when the person moves to 後期高齢者医療 within it
  (平川市, 松野町, 相模原市);
- at the end of the month in which the person reaches 70 (the day before the 70th
  birthday: 年齢計算ニ関スル法律), when that falls within it — from the next month the
  一部負担金 is 2割 or 3割 and a new card says so (相模原市: 70歳の誕生月の末日、1日生まれ
  は前月末日).

The 資格情報のお知らせ has no 有効期限 under 70 (松野町, 相模原市); a 70–74歳 person's, and
that of one reaching 70 within the period, runs as the 資格確認書's (it prints the 割合).

Not built (said in docs/standard/kokuho.md K-13): a foreign resident's card ending with the
在留期間 (相模原市 prints one), a student living elsewhere (修学中の特例).

**保険者番号** (``hokensha_bango_error``): 6 digits whose last is the 検証番号 the
厚生労働省 defines (``kensho_bango``; the same method gives the 8-digit numbers of the other
insurers, ``hokensha_bango_valid``).

**一部負担金の割合** (国民健康保険法第42条第1項第3号・第4号): from the month after the one
in which the person reaches 70, 2割, or 3割 when the household's 70歳以上の所得区分 is 現役並み
(Ⅰ・Ⅱ・Ⅲ; an approved 基準収入額適用 makes it 一般: ``kokuho.rules.kyufu.shotoku_kubun``).
"""

from __future__ import annotations

from datetime import date, timedelta

from kokuho.rules.kyufu import is_koreisha


def _birthday(birth: date, age: int) -> date:
    try:
        return birth.replace(year=birth.year + age)
    except ValueError:  # 29 February: the birthday is 1 March in a common year
        return date(birth.year + age, 3, 1)


def _month_end(d: date) -> date:
    return (d.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def koshin_kigen(kofu_date: date, koshin_tsuki: int) -> date:
    """The day before the next 1st of the 一斉更新 month after ``kofu_date`` (最長1年)."""
    year = kofu_date.year if kofu_date.month < koshin_tsuki else kofu_date.year + 1
    return date(year, koshin_tsuki, 1) - timedelta(days=1)


def yuko_kigen(
    kofu_date: date,
    birth: date,
    *,
    koshin_tsuki: int,
    koki_nenrei: int,
    koreisha_nenrei: int,
    kakuninsho: bool,
) -> date | None:
    """The 有効期限 of a card issued on ``kofu_date`` to a person born on ``birth``; None
    for a 資格情報のお知らせ of a person under 70 who does not reach 70 within the period."""
    kigen = koshin_kigen(kofu_date, koshin_tsuki)
    koki_eve = _birthday(birth, koki_nenrei) - timedelta(days=1)
    reach70 = _birthday(birth, koreisha_nenrei) - timedelta(days=1)  # the day one reaches 70
    over70 = is_koreisha(birth, kofu_date.year, kofu_date.month, koreisha_nenrei)
    caps = [kigen]
    if koki_eve < kigen:
        caps.append(koki_eve)
    reaching = not over70 and _month_end(reach70) < kigen
    if reaching:
        caps.append(_month_end(reach70))
    if not kakuninsho and not over70 and not reaching:
        return None
    return min(caps)


def futan_wariai(
    birth: date, kofu_date: date, over70_kubun: str | None, *,
    koreisha_nenrei: int, genekinami: frozenset[str], wariai: dict[str, int],
) -> int | None:  # fmt: skip
    """The 一部負担金の割合 (percent) printed for a 70歳以上 person, else None.

    Raises ValueError when the person is 70 or over and the household's 所得区分 cannot be
    judged (an insured member of 70 or over without 申告): the card would print a guess."""
    if not is_koreisha(birth, kofu_date.year, kofu_date.month, koreisha_nenrei):
        return None
    if over70_kubun is None:
        raise ValueError(
            "70歳以上の方の一部負担金の割合を判定できません（世帯の70歳以上の被保険者に所得の"
            "申告がない方がいます）。所得を確かめてから交付してください。"
        )
    return wariai["genekinami"] if over70_kubun in genekinami else wariai["ippan"]


def kensho_bango(body: str) -> int:
    """The 検証番号 of a 保険者番号 from the digits before it (法別番号, 都道府県番号 and
    保険者別番号; a 国民健康保険's number has no 法別番号: 都道府県番号 2 + 保険者別番号 3).

    The method is the 厚生労働省's 保険者番号設定要領, as quoted step by step by
    http://www5f.biglobe.ne.jp/~h-it/mlcont/mc0124.htm (worked on 33120015) and
    https://iryoujimu-blog.com/2018/05/15/ ; the 通知 itself (「保険者番号の設定について」,
    昭和51年8月7日 保発第45号・庁保発第34号, named for its 都道府県番号表 by 長崎県医師会
    http://www.nagasaki.med.or.jp/main/kyoukakenpo_1.html) was not read here (未確認):
    multiply the digits by 2 and 1 in turn starting from the last one, add the products
    (a two-digit product counts as the sum of its digits), and take 10 − the units digit
    of the sum; 0 when that units digit is 0. Raises ValueError unless ``body`` is ASCII
    digits."""
    if not body or not body.isascii() or not body.isdigit():
        raise ValueError(f"保険者番号の検証番号を除く部分は半角数字で指定してください: {body!r}")
    total = 0
    for i, ch in enumerate(reversed(body)):
        product = int(ch) * (2 if i % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


def hokensha_bango_valid(text: str) -> bool:
    """True for a 保険者番号 of 6 (国民健康保険) or 8 (法別番号 first: 後期高齢者医療広域連合
    39, 全国健康保険協会 01, …) ASCII digits whose last digit is its 検証番号."""
    if len(text) not in (6, 8) or not text.isascii() or not text.isdigit():
        return False
    return kensho_bango(text[:-1]) == int(text[-1])


def hokensha_bango_error(value: object) -> str | None:
    """The refusal for a 国民健康保険 保険者番号 that cannot be printed, else None: it must be
    6 digits (都道府県番号・保険者別番号・検証番号) whose 検証番号 is right (``kensho_bango``)."""
    text = "" if value is None else str(value).strip()
    if not text:
        return (
            "保険者番号が設定されていません。設定 > 条例で定める値 で国民健康保険の保険者番号"
            "（6桁）を設定してから交付してください。"
        )
    if len(text) != 6 or not text.isascii() or not text.isdigit():
        return "保険者番号は半角数字6桁で設定してください（設定 > 条例で定める値）。"
    if not hokensha_bango_valid(text):
        return (
            "保険者番号の6桁目（検証番号）が合いません。割り当てられた保険者番号を確かめて"
            "設定し直してください（設定 > 条例で定める値）。"
        )
    return None
