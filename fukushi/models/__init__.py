from fukushi.models.hoiku import *  # noqa: F403
