from config.settings.base import *  # noqa: F403
from config.settings.env import env_bool, env_str

SECRET_KEY = env_str("DJANGO_SECRET_KEY")
DEBUG = False
# Demo-only commands (totp_now) stay refused whatever the environment says.
JC_DEMO = False
SESSION_COOKIE_SECURE = env_bool("JC_HTTPS", True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
