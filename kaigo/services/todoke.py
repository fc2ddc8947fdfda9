"""届 entered on the screens for what the registry cannot see: 住所地特例 (our insured
person placed in another town's facility, 介護保険法第13条), 他市町村の住所地特例者 (another
town's insured in one of our facilities), 適用除外施設 (介護保険法施行法第11条, 施行規則
第170条) and the 第2号被保険者 who applies for 認定 (第9条第2号). Each is one durable
transaction with its history row and access-log row (kaigo.services.shikaku).

Messages are Japanese and name no person.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from juminkiroku.public import residents_among
from kaigo.models import (
    CauseKind,
    JushochiTokurei,
    Kubun,
    RirekiKind,
    Shikaku,
    ShutokuJiyu,
    SoshitsuJiyu,
    TashiJutoku,
    TekiyoJogai,
)
from kaigo.rules.shikaku import ShikakuParameters, is_dai1_on, is_dai2_age_on, soshitsu_date
from kaigo.services.shikaku import (
    Cause,
    excluded_reason,
    open_shikaku,
    rireki_write,
    shutoku,
    soshitsu,
    void,
)
from tenants.accesslog.services import Actor
from tenants.checkdigits import is_valid_dantai_code
from tenants.selectors.current import current_municipality

SCREEN = "kaigo.todoke"


class TodokeRefused(ValueError):
    """A 届 the rules refuse; the message is Japanese and names no person."""


def _cause(actor: Actor, todoke_date: date | None = None, note: str = "") -> Cause:
    return Cause(
        kind=CauseKind.TODOKE, actor=actor, todoke_date=todoke_date, screen=SCREEN, note=note
    )


def _other_town(code: str) -> None:
    if not is_valid_dantai_code(code):
        raise TodokeRefused("市町村の団体コードは6桁で、検査数字が正しくありません。")
    if code == current_municipality().dantai_code:
        raise TodokeRefused("町内の施設です。住所地特例は他の市町村の施設に入所するときの届です。")


def _dai1_after(atena_id: int, day: date, jiyu: str, actor: Actor) -> Shikaku | None:
    """After an exclusion ends: 第1号 from ``day`` if the person lives here, is 65 and has
    no period open."""
    resident = residents_among([atena_id], day).get(atena_id)
    params = ShikakuParameters.for_date(day)
    if resident is None or not is_dai1_on(resident.birth_date, day, params):
        return None
    if open_shikaku(atena_id) is not None or excluded_reason(atena_id, day):
        return None
    return shutoku(atena_id=atena_id, kubun=Kubun.DAI1, day=day, jiyu=jiyu, cause=_cause(actor))


# --- 住所地特例 (our insured in another town's facility) ----------------------------------


def jutoku_nyusho(
    *,
    atena_id: int,
    shisetsu_shurui: str,
    shisetsu_name: str,
    shozai_dantai_code: str,
    shozai_name: str,
    nyusho_date: date,
    todoke_date: date,
    actor: Actor,
) -> JushochiTokurei:
    """住所地特例適用届: the person stays insured here after moving into the facility."""
    _other_town(shozai_dantai_code)
    if nyusho_date > todoke_date:
        raise TodokeRefused("入所日が届出日より後です。")
    with transaction.atomic(durable=True):
        current = open_shikaku(atena_id)
        if current is None:
            raise TodokeRefused("この方は介護保険の資格を持っていません。")
        if JushochiTokurei.objects.filter(atena_id=atena_id, taisho_date__isnull=True).exists():
            raise TodokeRefused("この方の住所地特例はすでに登録されています。")
        row = JushochiTokurei.objects.create(
            atena_id=atena_id,
            shisetsu_shurui=shisetsu_shurui,
            shisetsu_name=shisetsu_name,
            shozai_dantai_code=shozai_dantai_code,
            shozai_name=shozai_name,
            nyusho_date=nyusho_date,
            todoke_date=todoke_date,
            created_by=actor.username,
        )
        rireki_write(
            shikaku=current,
            atena_id=atena_id,
            kind=RirekiKind.JUTOKU,
            jiyu=f"{shozai_name}の施設に入所",
            effective=nyusho_date,
            cause=_cause(actor, todoke_date),
        )
        return row


def jutoku_taisho(
    *, atena_id: int, taisho_date: date, stays_there: bool, actor: Actor
) -> JushochiTokurei:
    """住所地特例終了: the facility is left. Staying in the facility's town (a home there):
    the town there insures from the 退所日 and 資格 here ends that day (第11条第1項
    ただし書). Coming back here: 資格 goes on (the 転入 finds it open)."""
    with transaction.atomic(durable=True):
        row = (
            JushochiTokurei.objects.select_for_update()
            .filter(atena_id=atena_id, taisho_date__isnull=True)
            .first()
        )
        if row is None:
            raise TodokeRefused("この方の住所地特例は登録されていません。")
        if taisho_date < row.nyusho_date:
            raise TodokeRefused("退所日が入所日より前です。")
        row.taisho_date = taisho_date
        row.save(update_fields=["taisho_date"])
        current = open_shikaku(atena_id)
        cause = _cause(actor)
        rireki_write(
            shikaku=current,
            atena_id=atena_id,
            kind=RirekiKind.JUTOKU_END,
            jiyu="施設所在市町村に住所" if stays_there else "退所して町内に住所",
            effective=taisho_date,
            cause=cause,
        )
        if stays_there and current is not None:
            params = ShikakuParameters.for_date(taisho_date)
            soshitsu(
                shikaku=current,
                day=soshitsu_date(SoshitsuJiyu.JUTOKU_TAISHO, taisho_date, params),
                jiyu=SoshitsuJiyu.JUTOKU_TAISHO,
                cause=cause,
            )
        return row


# --- 他市町村の住所地特例者 (another town's insured in our facility) ------------------------


def tashi_jutoku_register(
    *,
    atena_id: int,
    hokensha_dantai_code: str,
    hokensha_name: str,
    shisetsu_shurui: str,
    shisetsu_name: str,
    nyusho_date: date,
    actor: Actor,
) -> TashiJutoku:
    """Record a resident whom another town insures. The 資格 the 転入 gave here (from
    the 入所日 on) never applied: it is made void, and no job insures them while in."""
    _other_town(hokensha_dantai_code)
    with transaction.atomic(durable=True):
        if residents_among([atena_id], nyusho_date).get(atena_id) is None:
            raise TodokeRefused(
                "入所日に町の住民ではありません。転入の届出の後に登録してください。"
            )
        if TashiJutoku.objects.filter(atena_id=atena_id, taisho_date__isnull=True).exists():
            raise TodokeRefused("この方はすでに他市町村の住所地特例者として登録されています。")
        current = open_shikaku(atena_id)
        if current is not None and current.shutoku_date < nyusho_date:
            raise TodokeRefused(
                "この方は入所の前から当町の被保険者です。町内の施設への入所は住所地特例になりません。"
            )
        row = TashiJutoku.objects.create(
            atena_id=atena_id,
            hokensha_dantai_code=hokensha_dantai_code,
            hokensha_name=hokensha_name,
            shisetsu_shurui=shisetsu_shurui,
            shisetsu_name=shisetsu_name,
            nyusho_date=nyusho_date,
            created_by=actor.username,
        )
        cause = _cause(actor)
        if current is not None:
            void(shikaku=current, jiyu=f"{hokensha_name}の住所地特例者", cause=cause)
        else:
            rireki_write(
                shikaku=None,
                atena_id=atena_id,
                kind=RirekiKind.TASHI_JUTOKU,
                jiyu=f"{hokensha_name}の住所地特例者",
                effective=nyusho_date,
                cause=cause,
            )
        return row


def tashi_jutoku_taisho(*, atena_id: int, taisho_date: date, actor: Actor) -> TashiJutoku:
    """The other town's 住所地特例者 leaves our facility. Living on here (a home in the
    town): insured here from the 退所日 when 65 (第10条)."""
    with transaction.atomic(durable=True):
        row = (
            TashiJutoku.objects.select_for_update()
            .filter(atena_id=atena_id, taisho_date__isnull=True)
            .first()
        )
        if row is None:
            raise TodokeRefused("この方は他市町村の住所地特例者として登録されていません。")
        if taisho_date < row.nyusho_date:
            raise TodokeRefused("退所日が入所日より前です。")
        row.taisho_date = taisho_date
        row.save(update_fields=["taisho_date"])
        rireki_write(
            shikaku=None,
            atena_id=atena_id,
            kind=RirekiKind.TASHI_JUTOKU_END,
            jiyu=f"{row.hokensha_name}の住所地特例の終了",
            effective=taisho_date,
            cause=_cause(actor),
        )
        _dai1_after(atena_id, taisho_date, ShutokuJiyu.JUTOKU_TAISHO, actor)
        return row


# --- 適用除外施設 -------------------------------------------------------------------------


def jogai_nyusho(
    *, atena_id: int, shisetsu_shurui: str, shisetsu_name: str, nyusho_date: date, actor: Actor
) -> TekiyoJogai:
    """適用除外施設に入所: not insured while in; 資格 ends (its day from the params)."""
    with transaction.atomic(durable=True):
        if residents_among([atena_id], nyusho_date).get(atena_id) is None:
            raise TodokeRefused("入所日に町の住民ではありません。")
        if TekiyoJogai.objects.filter(atena_id=atena_id, taisho_date__isnull=True).exists():
            raise TodokeRefused("この方は適用除外施設に入所中として登録されています。")
        row = TekiyoJogai.objects.create(
            atena_id=atena_id,
            shisetsu_shurui=shisetsu_shurui,
            shisetsu_name=shisetsu_name,
            nyusho_date=nyusho_date,
            created_by=actor.username,
        )
        current = open_shikaku(atena_id)
        cause = _cause(actor)
        if current is not None:
            params = ShikakuParameters.for_date(nyusho_date)
            soshitsu(
                shikaku=current,
                day=soshitsu_date(SoshitsuJiyu.TEKIYO_JOGAI, nyusho_date, params),
                jiyu=SoshitsuJiyu.TEKIYO_JOGAI,
                cause=cause,
            )
        else:
            rireki_write(
                shikaku=None,
                atena_id=atena_id,
                kind=RirekiKind.JOGAI,
                jiyu="適用除外施設に入所（資格なし）",
                effective=nyusho_date,
                cause=cause,
            )
        return row


def jogai_taisho(*, atena_id: int, taisho_date: date, actor: Actor) -> TekiyoJogai:
    """適用除外施設を退所: insured again from the 退所日 (第1号, when 65)."""
    with transaction.atomic(durable=True):
        row = (
            TekiyoJogai.objects.select_for_update()
            .filter(atena_id=atena_id, taisho_date__isnull=True)
            .first()
        )
        if row is None:
            raise TodokeRefused("この方の適用除外施設の入所は登録されていません。")
        if taisho_date <= row.nyusho_date:
            raise TodokeRefused("退所日が入所日以前です。")
        row.taisho_date = taisho_date
        row.save(update_fields=["taisho_date"])
        made = _dai1_after(atena_id, taisho_date, ShutokuJiyu.JOGAI_TAISHO, actor)
        if made is None:
            rireki_write(
                shikaku=None,
                atena_id=atena_id,
                kind=RirekiKind.JOGAI_END,
                jiyu="適用除外施設を退所",
                effective=taisho_date,
                cause=_cause(actor),
            )
        return row


# --- 第2号被保険者 -----------------------------------------------------------------------


def dai2_register(*, atena_id: int, iryo_hoken: str, shinsei_date: date, actor: Actor) -> Shikaku:
    """A person aged 40–64 in a 医療保険 applies for 要介護認定: recorded as 第2号 from the
    申請日 (第9条第2号). The legal 取得日 is earlier (40歳到達, 転入 or joining the
    医療保険); the 認定 needs only that they are 第2号 on the 申請日, and the registry
    cannot tell this module when they joined their 医療保険."""
    with transaction.atomic(durable=True):
        resident = residents_among([atena_id], shinsei_date).get(atena_id)
        if resident is None:
            raise TodokeRefused("申請日に町の住民ではありません。")
        params = ShikakuParameters.for_date(shinsei_date)
        if not is_dai2_age_on(resident.birth_date, shinsei_date, params):
            raise TodokeRefused("第2号被保険者は申請日に40歳以上65歳未満の方です。")
        if open_shikaku(atena_id) is not None:
            raise TodokeRefused("この方はすでに介護保険の資格を持っています。")
        reason = excluded_reason(atena_id, shinsei_date)
        if reason:
            raise TodokeRefused(f"資格を取得できません（{reason}）。")
        return shutoku(
            atena_id=atena_id,
            kubun=Kubun.DAI2,
            day=shinsei_date,
            jiyu=ShutokuJiyu.DAI2_SHINSEI,
            cause=_cause(actor, shinsei_date),
            iryo_hoken=iryo_hoken,
            shinsei_date=shinsei_date,
        )
