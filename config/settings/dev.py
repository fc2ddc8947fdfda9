from config.settings.base import *  # noqa: F403
from config.settings.base import JC_DEMO

# A developer's machine gets Django's debug pages; the demo does not (issue 12: its 500 page
# listed 宛名番号 rows). The demo serves collected static files through whitenoise.
DEBUG = not JC_DEMO
WHITENOISE_USE_FINDERS = True
