"""異動: 仮登録 (enter), 本登録 (apply after a second clerk's review), 差戻し, 取消.

The registry changes only in ``ido_approve``. Everything before it is a proposal in
``Ido.payload``; everything after it is history that is closed or superseded, never
edited or deleted (see juminkiroku.models.atena).

- ``fields``    what may be typed into a 異動 and how it is cleaned
- ``enter``     仮登録: validation, 抑止 checks, one pending 異動 per person
- ``kinds``     the checks of the kinds chapter 4 adds (再転入, 帰化, 番号, 世帯主不在 …)
- ``rebase``    取消 of an older 修正 under later 異動
- ``torikeshi`` 仮登録 of an 異動の取消し
- ``review``    本登録, 差戻し, 一括本登録 (the transaction that changes the registry)
- ``apply``     how a 本登録 writes the 宛名 and its versions
- ``publish``   the domain events of a 本登録 (juminkiroku.events)

Payload shape (JSON)::

    {"persons": [{"atena_id": 12 | null, "fields": {<PersonFields name>: value}}],
     "setai": {"mode": "keep" | "new" | "existing", "setai_id": 34 | null},
     "acknowledged_alerts": [<yokushi id>, ...]}

Dates in ``fields`` are ISO strings. ``atena_id`` null means a person new to the town.
"""

from juminkiroku.services.ido.enter import PersonChange, ido_enter
from juminkiroku.services.ido.fields import EDITABLE_FIELDS, FIELD_LABELS, IdoError
from juminkiroku.services.ido.review import (
    BulkResult,
    can_approve,
    ido_approve,
    ido_bulk_approve,
    ido_reject,
)
from juminkiroku.services.ido.torikeshi import ido_cancel_enter

__all__ = [
    "EDITABLE_FIELDS",
    "FIELD_LABELS",
    "BulkResult",
    "IdoError",
    "PersonChange",
    "can_approve",
    "ido_approve",
    "ido_bulk_approve",
    "ido_cancel_enter",
    "ido_enter",
    "ido_reject",
]
