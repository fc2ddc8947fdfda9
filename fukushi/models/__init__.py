from fukushi.models.jidoteate import *  # noqa: F403  児童手当
