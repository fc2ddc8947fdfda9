from fukushi.models.fuyoteate import *  # noqa: F403
