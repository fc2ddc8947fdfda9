"""児童扶養手当: the 扶養義務者 of a 受給者 for one 所得年度 — the members of the 受給者's
household on a day who are 直系血族 or 兄弟姉妹 (``fukushi.rules.fuyoteate_gimusha``), their
所得 read from 税務 (``zeimu.public``), and those entered by hand (``FuyoGimushaShuki``: one
living elsewhere, or a member whose figures replace the automatic reading).

A member without an assessment of the year is counted with 0円 and says so in its label
(the screen shows it; the clerk enters the figures by hand when the person has 所得 taxed
elsewhere). The 扶養親族等の数 of a member is not in 税務's public face: 0 unless entered by
hand (the lower limit, so a 停止 found this way is one to check).
"""

from __future__ import annotations

from datetime import date

from fukushi.models import FuyoGimushaShuki, FuyoJukyusha
from fukushi.rules.fuyoteate import FuyoGimusha
from fukushi.rules.fuyoteate_gimusha import kankei
from juminkiroku import public as juminkiroku_public
from zeimu import public as zeimu_public

__all__ = ["gimusha_of"]


def gimusha_of(j: FuyoJukyusha, shotoku_nendo: int, day: date) -> tuple[FuyoGimusha, ...]:
    """The 扶養義務者 of ``j`` whose 前年の所得 (住民税 ``shotoku_nendo``) count, with the
    household as the registry had it on ``day``. Three queries."""
    members = juminkiroku_public.households_of([j.atena_id], day).get(j.atena_id, [])
    me = next((m for m in members if m.atena_id == j.atena_id), None)
    hand = list(
        FuyoGimushaShuki.objects.filter(jukyusha=j, shotoku_nendo=shotoku_nendo).order_by("pk")
    )
    replaced = {h.atena_id for h in hand if h.atena_id is not None}
    auto: list[tuple[int, str, str]] = []
    if me is not None:
        for m in members:
            if m.atena_id == j.atena_id or m.atena_id in replaced:
                continue
            rel = kankei(me.zokugara, m.zokugara)
            if rel is not None:
                auto.append((m.atena_id, rel, juminkiroku_public.zokugara_label(m.zokugara)))
    kazei = zeimu_public.person_kazei_many([a for a, _, _ in auto], shotoku_nendo)
    out: list[FuyoGimusha] = []
    for atena_id, rel, zoku in auto:
        k = kazei.get(atena_id)
        label = f"同居の{rel}（{zoku if zoku == '世帯主' else '世帯主の' + zoku}）"
        if k is None:
            out.append(FuyoGimusha(label=f"{label}（所得の資料なし：0円で判定）"))
            continue
        s = k.shotoku
        out.append(
            FuyoGimusha(
                kyuyo_shotoku=s.kyuyo_shotoku,
                nenkin_shotoku=s.nenkin_shotoku,
                sonota_shotoku=s.sonota_shotoku,
                label=label,
            )
        )
    for h in hand:
        out.append(
            FuyoGimusha(
                kyuyo_shotoku=h.kyuyo_shotoku,
                nenkin_shotoku=h.nenkin_shotoku,
                sonota_shotoku=h.sonota_shotoku,
                fuyo_shinzoku=h.fuyo_shinzoku,
                rojin=h.rojin,
                label=f"{h.kankei}（手入力）",
            )
        )
    return tuple(out)
