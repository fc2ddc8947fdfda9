"""Build registry data through the real services (仮登録 then 本登録), inside a town."""

from __future__ import annotations

from datetime import date
from typing import Any

from juminkiroku.codes import IdoJiyu, JuminShubetsu, Sex, Zokugara
from juminkiroku.models import Atena, Ido
from juminkiroku.services.ido import PersonChange, ido_approve, ido_enter
from tenants.accesslog.services import Actor
from tenants.models import StaffUser


def actor_for(username: str) -> Actor:
    user = StaffUser.objects.get(username=username)
    return Actor(user_id=user.pk, username=username, terminal="T-TEST")


def person_fields(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "shimei": "山田　太郎",
        "shimei_kana": "ヤマダ　タロウ",
        "birth_date": "1980-05-05",
        "sex": Sex.MALE,
        "shubetsu": JuminShubetsu.NIHONJIN,
        "postal_code": "2400112",
        "jusho_code": "0010001",
        "jusho": "神奈川県三浦郡葉山町堀内",
        "banchi": "2135番地",
        "zokugara": Zokugara.HONNIN,
        "setai_order": 1,
        "honseki": "神奈川県三浦郡葉山町堀内2135番地",
        "hittosha": "山田　太郎",
        "tennyu_mae_jusho": "東京都千代田区霞が関二丁目1番2号",
    }
    base.update(overrides)
    return base


def approve(ido: Ido, *, reviewer: str) -> Ido:
    return ido_approve(ido_id=ido.pk, actor=actor_for(reviewer))


def household_tennyu(
    town_slug: str,
    *,
    members: list[dict[str, Any]] | None = None,
    ido_date: date = date(2020, 4, 1),
    approve_it: bool = True,
) -> tuple[Ido, list[Atena]]:
    """A 転入 of a new household (head first), entered by the clerk, approved by 審査者."""
    members = members or [person_fields()]
    ido = ido_enter(
        jiyu=IdoJiyu.TENNYU,
        ido_date=ido_date,
        todoke_date=ido_date,
        changes=[PersonChange(atena_id=None, fields=m) for m in members],
        setai_mode="new",
        actor=actor_for(f"{town_slug}-clerk"),
    )
    if not approve_it:
        return ido, []
    approve(ido, reviewer=f"{town_slug}-shinsa")
    atenas = list(Atena.objects.filter(rireki__ido=ido).order_by("setai_order", "id").distinct())
    return ido, atenas


def family(surname: str = "山田", kana: str = "ヤマダ") -> list[dict[str, Any]]:
    return [
        person_fields(shimei=f"{surname}　太郎", shimei_kana=f"{kana}　タロウ"),
        person_fields(
            shimei=f"{surname}　花子",
            shimei_kana=f"{kana}　ハナコ",
            sex=Sex.FEMALE,
            birth_date="1982-07-07",
            zokugara=Zokugara.TSUMA,
            setai_order=2,
        ),
        person_fields(
            shimei=f"{surname}　一郎",
            shimei_kana=f"{kana}　イチロウ",
            birth_date="2010-04-01",
            zokugara=Zokugara.KO,
            setai_order=3,
        ),
    ]


def three_generations(surname: str = "山田", kana: str = "ヤマダ") -> list[dict[str, Any]]:
    """The household of the 連帯納付義務 tests (後期高齢者医療 第108条, 介護保険 第132条): the
    世帯主 一郎 (born 1975), his 父 太郎 (1948-05-01) and 母 松子 (1949-08-20), the parents
    over 75 and 65 in 令和7年度. One fixture for kokuho's and kaigo's tests."""
    return [
        person_fields(
            shimei=f"{surname}　一郎", shimei_kana=f"{kana}　イチロウ", birth_date="1975-05-05"
        ),
        person_fields(
            shimei=f"{surname}　太郎",
            shimei_kana=f"{kana}　タロウ",
            birth_date="1948-05-01",
            zokugara="05",
            setai_order=2,
        ),
        person_fields(
            shimei=f"{surname}　松子",
            shimei_kana=f"{kana}　マツコ",
            birth_date="1949-08-20",
            sex="2",
            zokugara="06",
            setai_order=3,
        ),
    ]


TENSHUTSU_SAKI = "東京都新宿区西新宿二丁目8番1号"


def tenkyo(
    atenas: list[Atena],
    *,
    ido_date: date,
    todoke_date: date,
    fields: dict[str, Any] | None = None,
    town_slug: str = "hayama",
) -> Ido:
    """A 転居 of ``atenas`` (default: to 葉山町一色1番地), entered and approved."""
    ido = ido_enter(
        jiyu=IdoJiyu.TENKYO,
        ido_date=ido_date,
        todoke_date=todoke_date,
        changes=[
            PersonChange(a.pk, fields or {"jusho": "神奈川県三浦郡葉山町一色", "banchi": "1番地"})
            for a in atenas
        ],
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(ido, reviewer=f"{town_slug}-shinsa")


def tenshutsu(
    atena: Atena,
    *,
    ido_date: date,
    todoke_date: date,
    saki: str = TENSHUTSU_SAKI,
    town_slug: str = "hayama",
    tokurei: bool = False,
) -> Ido:
    """A 転出 of one person, entered and approved. A 世帯主 leaving two or more behind
    leaves the household without one (標準仕様書 4.0.4, confirmed by the clerk).
    ``tokurei``: a 特例転出 (標準仕様書 4.1.3.0.4)."""
    ido = ido_enter(
        jiyu=IdoJiyu.TENSHUTSU,
        ido_date=ido_date,
        todoke_date=todoke_date,
        changes=[PersonChange(atena.pk, {"tenshutsu_saki_jusho": saki})],
        setainushi_fuzai_ok=True,
        tokurei=tokurei,
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(ido, reviewer=f"{town_slug}-shinsa")


def katagaki_set(atena_id: int, katagaki: str) -> None:
    """Give a person a 方書 directly (tests of other modules' printing and exports)."""
    Atena.objects.filter(pk=atena_id).update(katagaki=katagaki)


def shien_set(atena_id: int, *, days: int = 30) -> None:
    """An active 支援措置 (the person its 申出者) from today, directly (tests of other
    modules' extractions)."""
    from datetime import timedelta

    from django.utils import timezone

    from juminkiroku.models import ShienSochi

    today = timezone.localdate()
    ShienSochi.objects.create(
        atena_id=atena_id,
        start_date=today,
        end_date=today + timedelta(days=days),
        moshide_date=today,
        created_by="test",
    )


def shibo_then_cancel(person: Atena, *, town_slug: str = "hayama") -> Ido:
    """A 死亡 entered by mistake (2024-03-03), approved, then cancelled and approved:
    returns the approved 取消."""
    from juminkiroku.services.ido import ido_cancel_enter

    shibo = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=date(2024, 3, 3),
        todoke_date=date(2024, 3, 4),
        changes=[PersonChange(person.pk, {})],
        setainushi_fuzai_ok=True,
        actor=actor_for(f"{town_slug}-clerk"),
    )
    approve(shibo, reviewer=f"{town_slug}-shinsa")
    cancel = ido_cancel_enter(
        cancels_id=shibo.pk,
        ido_date=date(2024, 3, 10),
        note="別人の死亡届",
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(cancel, reviewer=f"{town_slug}-shinsa")


def old_johyo(town_slug: str, *, shimei: str, kana: str) -> Atena:
    """A household of one that moved in on 2012-04-01 and left on 2019-03-31 (to
    TENSHUTSU_SAKI): a 除票 whose 消除 is more than five years old (標準仕様書 9.3)."""
    _, (person,) = household_tennyu(
        town_slug,
        members=[person_fields(shimei=shimei, shimei_kana=kana, hittosha=shimei)],
        ido_date=date(2012, 4, 1),
    )
    tenshutsu(
        person, ido_date=date(2019, 3, 31), todoke_date=date(2019, 3, 20), town_slug=town_slug
    )
    person.refresh_from_db()
    return person


# --- for other modules' tests (they may import only this module of juminkiroku's tests) --


def shibo(person: Atena, *, ido_date: date, town_slug: str = "hayama") -> Ido:
    """A 死亡 of one person on ``ido_date``, entered and approved."""
    ido = ido_enter(
        jiyu=IdoJiyu.SHIBO,
        ido_date=ido_date,
        todoke_date=ido_date,
        changes=[PersonChange(person.pk, {})],
        setainushi_fuzai_ok=True,
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(ido, reviewer=f"{town_slug}-shinsa")


def shussei(setai_id: int, *, ido_date: date, town_slug: str = "hayama", **fields: Any) -> Atena:
    """A 出生 on ``ido_date`` into household ``setai_id``, entered and approved."""
    ido = ido_enter(
        jiyu=IdoJiyu.SHUSSEI,
        ido_date=ido_date,
        todoke_date=ido_date,
        changes=[
            PersonChange(
                atena_id=None,
                fields=person_fields(
                    **{
                        "shimei": "山田　次郎",
                        "shimei_kana": "ヤマダ　ジロウ",
                        "birth_date": ido_date.isoformat(),
                        "zokugara": Zokugara.KO,
                        "setai_order": 9,
                        "tennyu_mae_jusho": "",
                        **fields,
                    }
                ),
            )
        ],
        setai_mode="existing",
        setai_id=setai_id,
        actor=actor_for(f"{town_slug}-clerk"),
    )
    approve(ido, reviewer=f"{town_slug}-shinsa")
    return Atena.objects.filter(rireki__ido=ido).distinct().get()


def setai_bunri(person: Atena, *, ido_date: date, town_slug: str = "hayama") -> Ido:
    """A 世帯分離: ``person`` becomes 世帯主 of a new household, entered and approved."""
    ido = ido_enter(
        jiyu=IdoJiyu.SETAI_BUNRI,
        ido_date=ido_date,
        todoke_date=ido_date,
        changes=[PersonChange(person.pk, {"zokugara": Zokugara.HONNIN, "setai_order": 1})],
        setai_mode="new",
        actor=actor_for(f"{town_slug}-clerk"),
    )
    approve(ido, reviewer=f"{town_slug}-shinsa")
    ido.refresh_from_db()
    return ido


def torikeshi(cancels: Ido, *, ido_date: date, town_slug: str = "hayama") -> Ido:
    """A 取消 of ``cancels``, entered and approved."""
    from juminkiroku.services.ido import ido_cancel_enter

    cancel = ido_cancel_enter(
        cancels_id=cancels.pk,
        ido_date=ido_date,
        note="誤入力",
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(cancel, reviewer=f"{town_slug}-shinsa")


def shokken_shusei(
    person: Atena, *, fields: dict[str, Any], ido_date: date, town_slug: str = "hayama"
) -> Ido:
    """A 職権修正 (M07) of ``fields`` on ``ido_date`` (what a 長官通知 of a 在留資格 change
    becomes, juminkiroku.nyukan.torikomi), entered and approved."""
    ido = ido_enter(
        jiyu=IdoJiyu.SHOKKEN_SHUSEI,
        ido_date=ido_date,
        todoke_date=None,
        changes=[PersonChange(person.pk, fields)],
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(ido, reviewer=f"{town_slug}-shinsa")


def setainushi_henko(
    new_head: Atena, old_head: Atena, *, ido_date: date, town_slug: str = "hayama"
) -> Ido:
    """A 世帯主変更 (M05): ``new_head`` becomes 世帯主, ``old_head`` their spouse (妻/夫 by
    sex), entered and approved."""
    spouse = Zokugara.OTTO if old_head.sex == Sex.MALE else Zokugara.TSUMA
    ido = ido_enter(
        jiyu=IdoJiyu.SETAINUSHI_HENKO,
        ido_date=ido_date,
        todoke_date=ido_date,
        changes=[
            PersonChange(new_head.pk, {"zokugara": Zokugara.HONNIN, "setai_order": 1}),
            PersonChange(old_head.pk, {"zokugara": spouse, "setai_order": 2}),
        ],
        actor=actor_for(f"{town_slug}-clerk"),
    )
    return approve(ido, reviewer=f"{town_slug}-shinsa")


def jutogai(
    *,
    shimei: str,
    kana: str,
    jusho: str = "東京都港区芝公園一丁目1番1号",
    town_slug: str = "hayama",
) -> Atena:
    """A 住登外者 (an owner of property who lives elsewhere), registered by the clerk."""
    from juminkiroku.services.jutogai import jutogai_register

    return jutogai_register(
        fields={
            "shimei": shimei,
            "shimei_kana": kana,
            "birth_date": "1970-01-15",
            "sex": Sex.FEMALE,
            "postal_code": "1050011",
            "jusho": jusho,
        },
        actor=actor_for(f"{town_slug}-clerk"),
    )
