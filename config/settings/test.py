from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES
from config.settings.env import env_bool, env_int

SECRET_KEY = "test-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Unit tests run Celery tasks inline; integration tests start a real worker and a
# real web server as subprocesses with JC_CELERY_EAGER=0.
CELERY_TASK_ALWAYS_EAGER = env_bool("JC_CELERY_EAGER", True)
CELERY_TASK_EAGER_PROPAGATES = True
WHITENOISE_USE_FINDERS = True
JC_LOGIN_LOCK_MINUTES = 30

# Tests roll their transactions back, which a process-wide cache would outlive: off,
# except in tenants/tests/test_platform_cache.py, which turns it on.
JC_PLATFORM_CACHE_SECONDS = env_int("JC_PLATFORM_CACHE_SECONDS", 0)
