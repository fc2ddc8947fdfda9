import os
from urllib.parse import urlsplit, urlunsplit

from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, MEDIA_ROOT, REDIS_URL, STORAGES
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

# Under `pytest -n N` (pytest-xdist; bin/test-all) every worker has its own test database
# (pytest-django suffixes the name with the worker id) and, here, its own Redis database
# and MEDIA_ROOT: both workers build towns with the same schema names, so cache keys,
# lock keys and file paths would otherwise meet. The integration tests' subprocesses get
# these values explicitly (tests/integration/conftest.py drops PYTEST_* variables).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    _redis = urlsplit(REDIS_URL)
    _base_db = int(_redis.path.lstrip("/") or 0)
    REDIS_URL = urlunsplit(_redis._replace(path=f"/{_base_db + 1 + int(_XDIST_WORKER[2:])}"))
    CACHES = {name: {**cache, "LOCATION": REDIS_URL} for name, cache in CACHES.items()}
    CELERY_BROKER_URL = REDIS_URL
    MEDIA_ROOT = MEDIA_ROOT / _XDIST_WORKER
