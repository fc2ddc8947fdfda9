"""Settings shared by every environment, read from environment variables.

dev.py, test.py and prod.py only change what must differ; nothing behaves in
production in a way that tests cannot exercise.
"""

from __future__ import annotations

from pathlib import Path

from celery.schedules import crontab

from config.settings.env import database_from_url, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = env_str("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = env_bool("DJANGO_DEBUG", False)
# The demo (bin/demo sets JC_DEMO=1): synthetic data, demo-only commands such as
# `manage.py totp_now`, and no Django debug pages (config/settings/dev.py). Never in prod.
JC_DEMO = env_bool("JC_DEMO", False)

# Staff reach a town on ``<subdomain>.<JC_BASE_DOMAIN>``; the consortium portal is the
# base domain itself. In the demo the base domain is ``localhost`` (browsers resolve
# ``hayama.localhost`` to loopback).
JC_BASE_DOMAIN = env_str("JC_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = [JC_BASE_DOMAIN, f".{JC_BASE_DOMAIN}", *env_list("DJANGO_EXTRA_HOSTS", [])]

# Client addresses are taken from X-Forwarded-For only when the direct peer is one of
# these proxies (comma-separated CIDRs). Anything else is the peer address itself.
JC_TRUSTED_PROXIES = env_list("JC_TRUSTED_PROXIES", [])
# Networks from which the consortium portal (public host) may be reached.
JC_PORTAL_NETWORKS = env_list("JC_PORTAL_NETWORKS", ["127.0.0.0/8", "::1/128"])

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "tenants.params",
    "billing",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "django_celery_beat",
]
# Apps whose tables live in every municipality's own schema.
TENANT_APPS = [
    "tenants.accesslog",
    "tenants.events",
    "tenants.grants",
    "tenants.jobs",
    "tenants.params.tenant",
    "juminkiroku",
    "zeimu",
    "migration_io",
    "kokuho",
    "kaigo",
    "fukushi",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Municipality"
TENANT_DOMAIN_MODEL = "tenants.Domain"
AUTH_USER_MODEL = "tenants.StaffUser"

MIDDLEWARE = [
    # Outermost: times the whole request for the SLA figures (one Redis round trip).
    "tenants.sla.middleware.ResponseTimeMiddleware",
    "tenants.middleware.TenantHostMiddleware",
    "tenants.middleware.NetworkAllowListMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Inside WhiteNoise: every answer but a static file is marked no-store.
    "tenants.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.middleware.StaffSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "tenants.middleware.ModuleGateMiddleware",
    "tenants.textguard.TextGuardMiddleware",
]

ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.platform",
            ],
            "builtins": ["tenants.templatetags.wareki_tags", "tenants.templatetags.jp"],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASE_URL = env_str("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/jcloud")
DATABASES = {"default": database_from_url(DATABASE_URL)}
# Sessions run without PostgreSQL's JIT compiler. Our statements are short batch and OLTP
# ones; costs planned on statistics older than a running job's writes push them over
# jit_above_cost, and compiling then takes 200–300 ms for a statement that runs in 10 ms
# (the 収納 ledger's 期別 lookup in a 固定資産税 chunk: JIT 293 ms, execution 9 ms;
# docs/benchmarks.md, issue 17). JC_PG_JIT=1 keeps the server's own setting.
PG_SESSION_OPTIONS = "" if env_bool("JC_PG_JIT", False) else "-c jit=off"
DATABASES["default"]["OPTIONS"] = {"options": PG_SESSION_OPTIONS}
# Django's own psycopg 3 pool (checked with django-tenants in STACK-NOTES). Never put
# PgBouncer in transaction mode in front: it loses the session's search_path.
if env_bool("JC_DB_POOL", False):
    DATABASES["default"]["OPTIONS"] = {
        "options": PG_SESSION_OPTIONS,
        "pool": {"min_size": 2, "max_size": 10},
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("JC_DB_CONN_MAX_AGE", 60)
# ReadReplicaRouter first: it sends reads inside config.routers.replica_reads() to the
# replica below (when configured) and refuses any migration there.
DATABASE_ROUTERS = ["config.routers.ReadReplicaRouter", "django_tenants.routers.TenantSyncRouter"]
# EUC extractions (migration_io.euc) read on a replica when one is named here (a hot
# standby of the same cluster: same schemas); every session on it is read-only. Without
# it they read the default database inside a READ ONLY savepoint (docs/migration.md).
JC_READONLY_DATABASE_URL = env_str("JC_READONLY_DATABASE_URL", "")
if JC_READONLY_DATABASE_URL:
    DATABASES["readonly"] = {
        **database_from_url(JC_READONLY_DATABASE_URL),
        "CONN_MAX_AGE": env_int("JC_DB_CONN_MAX_AGE", 60),
        "OPTIONS": {"options": f"-c default_transaction_read_only=on {PG_SESSION_OPTIONS}"},
        # under the test runner the replica is the test database itself, not a second one
        "TEST": {"MIRROR": "default"},
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        # Cache keys carry the schema name, or towns would read each other's entries.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    },
    # Platform-wide entries (not per town): the generation of tenants.platform_cache.
    "platform": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "jc-platform",
    },
}
# How long a process may reuse host → town, its networks and subscriptions (it drops
# them at once on any change; tenants.platform_cache). 0 = no cache.
JC_PLATFORM_CACHE_SECONDS = env_int("JC_PLATFORM_CACHE_SECONDS", 30)

# Sessions live in the public schema with the staff accounts (one login, several towns;
# django-tenants issue #52). Each session is bound to the host it was created on by
# StaffSessionMiddleware; cookies are host-only (no SESSION_COOKIE_DOMAIN).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("JC_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # idle timeout: every request extends the session
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = False

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"

# Lockout after repeated failed logins (password or second factor).
JC_LOGIN_MAX_FAILURES = env_int("JC_LOGIN_MAX_FAILURES", 5)
JC_LOGIN_LOCK_MINUTES = env_int("JC_LOGIN_LOCK_MINUTES", 30)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env_str("JC_MEDIA_ROOT", str(BASE_DIR / ".data" / "media")))
MEDIA_URL = "/media/"
STORAGES = {
    # Every tenant's files under MEDIA_ROOT/<schema>/ (django-tenants).
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"

# The Ed25519 key that signs exit bundles (migration_io.bundle): a PEM (PKCS#8) file.
# Empty: a development key generated on first use under .data/keys/ (never committed);
# a data centre names its own key file here (docs/operations.md, 移行バンドルの署名鍵).
JC_BUNDLE_SIGNING_KEY = env_str("JC_BUNDLE_SIGNING_KEY", "")
JC_BUNDLE_DEV_KEY = BASE_DIR / ".data" / "keys" / "bundle_signing_ed25519.pem"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.api.authentication.ApiClientAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # The API reads JSON bodies only (an upload view names its own parsers): a form
    # encoding cannot carry null, nested objects or lists as the documents describe them.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "自治体クラウド API",
    "DESCRIPTION": "共同利用型基幹業務システムの REST API",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Every operation documents the platform's error answers (tenants.api.openapi_errors).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "tenants.api.openapi_errors.add_error_responses",
        "tenants.api.schema.document_text_rules",
    ],
    # 3.1 (JSON Schema 2020-12): ``propertyNames`` says which keys a body may carry.
    "OAS_VERSION": "3.1.0",
    "ENUM_NAME_OVERRIDES": {
        "JobStatusEnum": "tenants.jobs.models.JobStatus",
        # 上限額管理の結果 1〜3 (fukushi): named, so the 高額障害福祉サービス等給付費's 決定 field
        # "kekka" (支給・却下) does not rename it
        "KekkaEnum": "fukushi.models.jogen_kanri.JogenKanriKubun",
        "KogakuJotaiEnum": "fukushi.models.kogaku.KogakuJotai",
        "IdoStatusEnum": "juminkiroku.codes.IdoStatus",
        "InkanStatusEnum": "juminkiroku.codes.InkanStatus",
        # (named, so adding another enum called "kind" never renames an existing one)
        "KindEnum": "juminkiroku.codes.ShomeiKind",
        "ShinkokuKindEnum": "zeimu.models.kazei.ShinkokuKind",
        "KazeiShiryoKindEnum": "zeimu.services.kazei_layouts.KIND_CHOICES",
        # 分離課税の譲渡所得: one choice set for the 長期 and the 短期 特別控除
        "JotoTokureiEnum": "zeimu.models.kazei.TOKUREI_CHOICES",
        # 介護保険 has a 区分 and 取得・喪失事由 too: every one is named, so that none is
        # renamed when another module adds a field of the same name
        "ShutokuJiyuEnum": "kokuho.models.shikaku.ShutokuJiyu",
        "SoshitsuJiyuEnum": "kokuho.models.shikaku.SoshitsuJiyu",
        "KubunEnum": "juminkiroku.codes.AtenaKubun",
        "HihokenshaKubunEnum": "kaigo.models.shikaku.Kubun",
        "KaigoShutokuJiyuEnum": "kaigo.models.shikaku.ShutokuJiyu",
        "KaigoSoshitsuJiyuEnum": "kaigo.models.shikaku.SoshitsuJiyu",
        "IryoHokenEnum": "kaigo.models.shikaku.IryoHoken",
        # 要介護認定 (kaigo.models.nintei)
        "NinteiShinseiStatusEnum": "kaigo.models.nintei.ShinseiStatus",
        "YokaigoKubunEnum": "kaigo.models.nintei.YokaigoKubun",
        "NinteiShinseiKubunEnum": "kaigo.models.nintei.ShinseiKubun",
        "TokuteiShippeiEnum": "kaigo.models.nintei.TokuteiShippei",
        "NinteiDaikoEnum": "kaigo.models.nintei.Daiko",
        # 住民記録's 状態 and 償却資産's 種類 keep their names now that 児童扶養手当 has a
        # 状態 (jotai) and a 年金の種類 (shurui) too
        "JotaiEnum": "juminkiroku.codes.JuminJotai",
        "ShuruiEnum": "zeimu.models.kotei_shokyaku.ShisanShurui",
        "FuyoJotaiEnum": "fukushi.models.fuyoteate.FuyoJotai",
        "FuyoNenkinShuruiEnum": "fukushi.models.fuyoteate.FuyoNenkinShurui",
        # 返還金 (its name of before) and its 分割納付 (fukushi/api/fuyoteate_bunno.py)
        "FuyoKabaraiOutJotaiEnum": "fukushi.models.fuyoteate_henkan.FuyoKabaraiJotai",
        "FuyoKabaraiBunnoJotaiEnum": "fukushi.models.fuyoteate_henkan.FuyoKabaraiBunnoJotai",
        "KyufuhiSeikyuJotaiEnum": "fukushi.models.hoiku_kyufu.KyufuhiSeikyuJotai",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# A killed worker must not lose a chunk (STACK-NOTES: ack-on-receipt lost 2,000 rows).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_MAX_TASKS_PER_CHILD = env_int("JC_WORKER_MAX_TASKS_PER_CHILD", 200)
# A pool child whose RSS passed this after a task is replaced (the task finishes first), as
# gunicorn's max_requests bounds a web worker. The 45-minute soak (docs/benchmarks.md,
# 2026-12-07) saw the children at 0.6 and 1.0 GiB, still growing 13–19 MiB in its second
# half: bounded here rather than trusted to level off.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("JC_WORKER_MAX_MEMORY_MIB", 1536) * 1024  # KiB
CELERY_TASK_ALWAYS_EAGER = env_bool("JC_CELERY_EAGER", False)
CELERY_TASK_DEFAULT_QUEUE = env_str("JC_CELERY_QUEUE", "celery")
# Jobs whose worker died (tenants/jobs/heartbeat.py). A killed worker's message comes back
# only after the broker's visibility timeout (an hour), so the platform does not wait for
# it: a running chunk beats every JC_JOB_HEARTBEAT_SECONDS from a thread beside the work
# (one UPDATE of one row: 10 s costs nothing and keeps detection quick); a chunk with no
# beat for JC_JOB_DEAD_AFTER_SECONDS is dead and is sent again by the watchdog, which beat
# runs in every municipality every JC_JOB_WATCHDOG_SECONDS (one indexed query per schema).
# 60 s is six missed beats: a stalled machine or a database switch-over shorter than that
# does not send a live chunk again (if it did, the fence keeps the result single, at the
# cost of the work done twice). A dead chunk is sent again at most 60 + 30 = 90 s after
# its process died (issue 12 asks for two minutes), provided a worker is there to take it.
JC_JOB_HEARTBEAT_SECONDS = env_int("JC_JOB_HEARTBEAT_SECONDS", 10)
JC_JOB_DEAD_AFTER_SECONDS = env_int("JC_JOB_DEAD_AFTER_SECONDS", 60)
JC_JOB_WATCHDOG_SECONDS = env_int("JC_JOB_WATCHDOG_SECONDS", 30)
# A chunk silent this long was not sent again by the watchdog (is beat running?): the job
# page then offers to send it again by hand.
JC_JOB_STALE_SECONDS = env_int("JC_JOB_STALE_SECONDS", 600)

# 住基ネット CS (juminkiroku.cs): the CS's base URL ("" = not connected; the queue screen
# says so and nothing is lost: records wait in the town's queue). One CS answers for every
# town of the data centre (住基ネット共同利用, 標準仕様書 7.1.1.1); requests carry the town's
# 市町村コード. Timeout per request in seconds; retries back off from 30 s to 1 h.
JC_CS_URL = env_str("JC_CS_URL", "")
JC_CS_TIMEOUT_SECONDS = env_int("JC_CS_TIMEOUT_SECONDS", 10)
# The town's 戸籍附票システム (標準仕様書 7.2.4): 管内本籍人's 附票記載事項通知 go there
# (juminkiroku.fuhyo); empty: notices wait on the queue screen. The simulator:
# ``python -m juminkiroku.fuhyo.simulator``.
JC_FUHYO_URL = env_str("JC_FUHYO_URL", "")
JC_FUHYO_TIMEOUT_SECONDS = env_int("JC_FUHYO_TIMEOUT_SECONDS", 10)
JC_CS_RETRY_BASE_SECONDS = env_int("JC_CS_RETRY_BASE_SECONDS", 30)
JC_CS_RETRY_MAX_SECONDS = env_int("JC_CS_RETRY_MAX_SECONDS", 3600)
# 団体内統合宛名システム (住民記録標準仕様書 7.1.2.3); empty: the link does nothing.
JC_TOGO_URL = env_str("JC_TOGO_URL", "")
JC_TOGO_TIMEOUT_SECONDS = env_int("JC_TOGO_TIMEOUT_SECONDS", 10)
JC_TOGO_RETRY_BASE_SECONDS = env_int("JC_TOGO_RETRY_BASE_SECONDS", 30)
JC_TOGO_RETRY_MAX_SECONDS = env_int("JC_TOGO_RETRY_MAX_SECONDS", 3600)
# 他業務へのファイル連携 (7.2.1): each town's files go to <root>/<schema>/; empty: off.
JC_PF_OUTBOX_ROOT = env_str("JC_PF_OUTBOX_ROOT", "")

# 他業務連携 (住民記録 標準仕様書 7.2.1, 7.2.2; juminkiroku.tagyo): other business systems
# drop CSV files of their items into <JC_TAGYO_INBOX>/<団体コード>/; beat takes them in
# every JC_TAGYO_INTAKE_SECONDS (7.2.1「数分間隔」: 5 minutes). Files taken in move to
# done/, refused ones to error/ (the screen lists the errors by line and item).
JC_TAGYO_INBOX = Path(env_str("JC_TAGYO_INBOX", str(BASE_DIR / ".data" / "tagyo_inbox")))
JC_TAGYO_INTAKE_SECONDS = env_int("JC_TAGYO_INTAKE_SECONDS", 300)

# Per-town backups (tenants/backup, docs/operations.md): each night at JC_BACKUP_HOUR:
# JC_BACKUP_MINUTE every town is dumped to <JC_BACKUP_ROOT>/<schema>/<stamp>/, copied to
# the second location <JC_BACKUP_SECOND_ROOT>/<schema>/<stamp>/ (empty: no copy; in
# production a mount of the other data centre), and JC_BACKUP_GENERATIONS (世代) are kept
# in each place. JC_BACKUP_JOBS connections dump and restore in parallel.
JC_BACKUP_ROOT = Path(env_str("JC_BACKUP_ROOT", str(BASE_DIR / ".data" / "backup")))
JC_BACKUP_SECOND_ROOT = env_str("JC_BACKUP_SECOND_ROOT", "")
JC_BACKUP_GENERATIONS = env_int("JC_BACKUP_GENERATIONS", 7)
JC_BACKUP_JOBS = env_int("JC_BACKUP_JOBS", 2)
JC_BACKUP_HOUR = env_int("JC_BACKUP_HOUR", 2)
JC_BACKUP_MINUTE = env_int("JC_BACKUP_MINUTE", 0)
# SLA figures (tenants/sla/): response times and active users counted in Redis under
# this prefix; /metrics (Prometheus) answers only the networks listed and, when a token
# is set, only requests bearing it (``Authorization: Bearer <token>``).
JC_SLA_METRICS = env_bool("JC_SLA_METRICS", True)
JC_SLA_REDIS_PREFIX = env_str("JC_SLA_REDIS_PREFIX", "jc:sla:")
JC_METRICS_TOKEN = env_str("JC_METRICS_TOKEN", "")
JC_METRICS_NETWORKS = env_list("JC_METRICS_NETWORKS", ["127.0.0.0/8", "::1/128"])
# The web component's probe: the URL of /healthz as the data centre's monitor reaches it
# (empty: the probe runs the health view in-process, which proves the code and the
# database answer but not the web server).
JC_SLA_WEB_PROBE_URL = env_str("JC_SLA_WEB_PROBE_URL", "")

# The access log's archive before purge (tenants/accesslog/retention.py): one folder per
# town under this; point it at storage that is copied to the second site.
JC_ACCESSLOG_ARCHIVE_DIR = Path(
    env_str("JC_ACCESSLOG_ARCHIVE_DIR", str(BASE_DIR / ".data" / "accesslog_archive"))
)

CELERY_BEAT_SCHEDULE = {
    # SLA figures: the health probe of every component, and the fold of the response
    # times and users counted in Redis, each minute (tenants/sla/). Public schema. A probe
    # message no worker took within the minute is dropped: that minute counts as down.
    "sla-probe": {
        "task": "tenants.tasks.sla_probe",
        "schedule": 60.0,
        "options": {"expires": 55.0},
    },
    "sla-metrics-flush": {
        "task": "tenants.tasks.sla_metrics_flush",
        "schedule": 60.0,
        "options": {"expires": 60.0},
    },
    # アクセスログの封印: each town's new rows join its hash chain every minute, so a log
    # row stays one INSERT (tenants/accesslog/chain.py). A missed round is caught up.
    "accesslog-seal": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 60.0,
        "args": ["tenants.accesslog.tasks.accesslog_seal_task"],
        "kwargs": {"expires": 60.0},
    },
    # Nightly: verify every town's chain against its anchor, then archive and purge what
    # is past the town's retention (the purge refuses a chain with findings).
    "accesslog-verify-and-purge": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 86400.0,
        "args": ["tenants.accesslog.tasks.accesslog_nightly_task"],
        "kwargs": {"expires": 3600.0},
    },
    # 他業務連携: files of other business systems from each town's drop folder (7.2.1).
    "juminkiroku-tagyo-torikomi": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": float(JC_TAGYO_INTAKE_SECONDS),
        "args": ["juminkiroku.tagyo.tasks.tagyo_torikomi_task"],
        "kwargs": {"expires": float(JC_TAGYO_INTAKE_SECONDS)},
    },
    # 住基ネット: send what the registry changed and take in the CS's messages (7.1.1.1).
    "jukinet-cs-sync": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 60.0,
        "args": ["juminkiroku.cs.tasks.cs_sync_task"],
        "kwargs": {"expires": 60.0},
    },
    # 戸籍附票記載事項通知 to the 附票システム (管内) and through the CS (管外) each minute
    # (標準仕様書 7.2.4, 7.1.1.1; 住民基本台帳法 第19条「遅滞なく」).
    "fuhyo-sync": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 60.0,
        "args": ["juminkiroku.fuhyo.tasks.fuhyo_sync_task"],
        "kwargs": {"expires": 60.0},
    },
    # 団体内統合宛名システム: records of the new changes made and sent each minute (7.1.2.3).
    "togo-atena-sync": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 60.0,
        "args": ["juminkiroku.togo.tasks.togo_sync_task"],
        "kwargs": {"expires": 60.0},
    },
    # 他業務へのファイル連携: the changes since the last file, every five minutes (7.2.1).
    "pf-file-round": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 300.0,
        "args": ["juminkiroku.togo.tasks.pf_file_task"],
        "kwargs": {"expires": 300.0},
    },
    # Nightly per-town backup with generations and the second location (issue 22).
    "town-backup-nightly": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": crontab(hour=JC_BACKUP_HOUR, minute=JC_BACKUP_MINUTE),
        "args": ["tenants.backup.tasks.town_backup_nightly"],
        "kwargs": {"expires": 20 * 3600.0},
    },
    # 住基ネット: 整合性確認 with the CS once a day (7.1.1.2).
    "jukinet-cs-seigo": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 86400.0,
        "args": ["juminkiroku.cs.tasks.cs_seigo_task"],
    },
    # Dispatched to every active municipality by tenants.tasks (one task per schema).
    "redeliver-pending-events": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 300.0,
        "args": ["tenants.events.tasks.redeliver_pending_events"],
    },
    # Rounds that wait behind busy workers expire: the next round does the same work.
    "requeue-dead-job-chunks": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": float(JC_JOB_WATCHDOG_SECONDS),
        "args": ["tenants.jobs.tasks.requeue_dead_chunks"],
        "kwargs": {"expires": float(JC_JOB_WATCHDOG_SECONDS)},
        "options": {"expire_seconds": JC_JOB_WATCHDOG_SECONDS},
    },
    # 転出確定 (住民記録 標準仕様書 1.1.5): 転出 whose 転出予定日 has come become 除票. Every
    # hour, so a town switches soon after midnight and a missed run is caught up by the
    # next; each run is idempotent (juminkiroku.services.tenshutsu.tenshutsu_kakutei_due).
    "juminkiroku-tenshutsu-kakutei": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 3600.0,
        "args": ["juminkiroku.tasks.tenshutsu_kakutei_daily"],
        "kwargs": {"expires": 3600.0},
    },
    # 国保: insured persons whose 75th birthday has come move to 後期高齢者医療 (高齢者の
    # 医療の確保に関する法律第52条). Hourly like the 転出確定; idempotent and catching up
    # (kokuho.services.koki).
    "kokuho-koki-ido": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 3600.0,
        "args": ["kokuho.tasks.koki_ido_daily"],
        "kwargs": {"expires": 3600.0},
    },
    # 介護保険: residents who reach 65 (the day before the birthday) become 第1号被保険者
    # (介護保険法第10条第4号). Hourly; idempotent and catching up (kaigo.services.nenrei).
    "kaigo-nenrei-totatsu": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 3600.0,
        "args": ["kaigo.tasks.nenrei_totatsu_daily"],
        "kwargs": {"expires": 3600.0},
    },
    # 要介護認定: the 認定 ending within the town's N days with no 更新申請 are remembered for
    # the reminder list (kaigo.services.nintei_shuryo). Daily; idempotent.
    "kaigo-nintei-koshin-yokoku": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 86400.0,
        "args": ["kaigo.tasks.nintei_koshin_yokoku_daily"],
        "kwargs": {"expires": 86400.0},
    },
    # 心身障害者医療: the 受給者証 一斉更新 (SG-18) from a month before the town's 更新月, then
    # the renewed certificates printed (fukushi.shinshin_jobs.koshin_schedule_due). Daily;
    # idempotent: a year's job is started once, its print once.
    "fukushi-shinshin-koshin": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 86400.0,
        "args": ["fukushi.tasks.shinshin_koshin_daily"],
        "kwargs": {"expires": 86400.0},
    },
    # 国保税: the daily 更正候補 sweep (資格 and 所得 changed since the 賦課); the job
    # replaces each household's open candidate, so a repeated run adds nothing.
    "kokuho-fuka-kosei": {
        "task": "tenants.tasks.dispatch_for_all_municipalities",
        "schedule": 86400.0,
        "args": ["kokuho.tasks.fuka_kosei_daily"],
        "kwargs": {"expires": 3600.0},
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Personal data never reaches a log (tenants/logging.py): every record is scrubbed when it
# is created (the record factory installed by LOGGING_CONFIG, which also covers gunicorn's
# and Celery's loggers), every handler below scrubs the extras callers attach, and Django's
# error reports (ADMINS mail, DEBUG page) show no request or local values.
LOGGING_CONFIG = "tenants.logging.configure_logging"
DEFAULT_EXCEPTION_REPORTER = "tenants.logging.PersonalDataExceptionReporter"
DEFAULT_EXCEPTION_REPORTER_FILTER = "tenants.logging.PersonalDataReporterFilter"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "scrub_personal_data": {"()": "tenants.logging.ScrubPersonalData"},
        "tenant_context": {"()": "django_tenants.log.TenantContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {
            "format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s %(message)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["scrub_personal_data", "tenant_context"],
            "formatter": "plain",
        },
        # Django's own mail handler, redefined so that it scrubs too (sends only with ADMINS).
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["scrub_personal_data", "require_debug_false"],
        },
    },
    "loggers": {
        # Django's defaults attach their own console and mail handlers to these two; ours
        # replace them (the console one through the root).
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # Celery attaches the raw traceback to its failure records (record.data): scrubbed
        # here, before any handler, pytest's included, sees it.
        "celery.app.trace": {"filters": ["scrub_personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env_str("JC_LOG_LEVEL", "INFO")},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
JC_EXTRA_SUBSCRIBER_MODULES = env_list("JC_EXTRA_SUBSCRIBER_MODULES", [])

# 住民記録 (juminkiroku)
# Upper limit of one 一括本登録 (標準仕様書 4.0.10 一括入力).
JC_IDO_BULK_LIMIT = env_int("JC_IDO_BULK_LIMIT", 50)
# How long a 抑止の一時解除 lasts before the lock is back by itself.
JC_YOKUSHI_TEMP_UNLOCK_MINUTES = env_int("JC_YOKUSHI_TEMP_UNLOCK_MINUTES", 30)

# データ移行 (migration_io): the largest file of a 中間標準レイアウト bundle an import takes,
# each (screen, command and job alike). A 380,000-person town's 住民票履歴情報 CSV is about
# 0.6 GB (≈1.5 KB a version, ≈1.1 versions a person): 2 GB leaves room for a long history.
JC_MIGRATION_IMPORT_MAX_BYTES = env_int("JC_MIGRATION_IMPORT_MAX_BYTES", 2 * 1024**3)
# From so many bytes of files in all, an import reads them with two processes (a forked
# child checks part of the files while the importing process checks and COPYs the rest);
# below it one process (a fork costs more than it gives). -1: always one process.
JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES = env_int(
    "JC_MIGRATION_IMPORT_TWO_PROCESSES_BYTES", 8 * 1024**2
)
