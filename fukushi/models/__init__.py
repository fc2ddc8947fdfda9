from fukushi.models.fuyoteate import *  # noqa: F403
from fukushi.models.hoiku import *  # noqa: F403
from fukushi.models.iryo import *  # noqa: F403
from fukushi.models.jidoteate import *  # noqa: F403  児童手当
