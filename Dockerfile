FROM python:3.11-slim

# WeasyPrint needs Pango and HarfBuzz; fonts so PDFs and pages render without network fonts.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-liberation \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install .
COPY . .
# collectstatic only needs throwaway values; the real ones come from the environment at run time.
RUN DJANGO_SETTINGS_MODULE=llr_academy.settings.production SECRET_KEY=build ALLOWED_HOSTS=build \
    REDIS_URL=redis://build DATABASE_URL=sqlite:////tmp/build.sqlite3 python manage.py collectstatic --noinput
# The media volumes take their owner from these directories, so the app user can write certificates and packs.
RUN useradd --create-home --uid 1000 llr && mkdir -p /app/media /app/private-media \
    && chown llr /app/media /app/private-media
USER llr
EXPOSE 8000
CMD ["gunicorn", "llr_academy.wsgi", "--config", "gunicorn.conf.py"]
