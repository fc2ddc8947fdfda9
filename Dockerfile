# 自治体クラウド — one image for web (gunicorn, WSGI), celery worker and celery beat.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Japanese fonts for PDFs (Noto CJK has U+20BB7 𠮷, IPAex does not) and WeasyPrint's Pango;
# pg_dump (bookworm's postgresql-client is 15, the server's major version) for the
# template DDL new towns are cloned from (tenants/services/schema_template.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        fonts-noto-cjk fonts-ipaexfont fonts-ipamj-mincho libpango-1.0-0 libpangoft2-1.0-0 \
        postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 jcloud \
    && useradd --system --uid 10001 --gid jcloud --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin jcloud

WORKDIR /app

# Dependencies first (their own layer, rebuilt only when pyproject.toml changes).
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
RUN pip install --no-deps .

# Static files are baked into the image (served by whitenoise). The secret and URLs
# here are build-time placeholders; nothing connects to a database during collectstatic.
RUN DJANGO_SETTINGS_MODULE=config.settings.prod \
    DJANGO_SECRET_KEY=build-only-not-a-secret \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    JC_BASE_DOMAIN=build.invalid \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media && chown jcloud:jcloud /app/media

USER jcloud
EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "-c", "config/gunicorn_conf.py", "-w", "4", "-b", "0.0.0.0:8000", "--access-logfile", "-"]
