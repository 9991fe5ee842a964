# The dashboard as a server with sign-in, in one command (see README, "Shared use"):
#
#   docker build -t socialkapital .
#   docker run -d --name socialkapital -p 127.0.0.1:8501:8501 \
#     -v "$PWD/secrets.toml:/app/.streamlit/secrets.toml:ro" \
#     -v socialkapital-data:/srv/socialkapital socialkapital
#
# Written without a Docker daemon at hand: this file has not been built or run yet.
# Without a secrets.toml with [auth], `socialkapital serve` listens on 127.0.0.1 inside the
# container, which nothing outside can reach: the safe way to fail.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    # The store, its key file and the audit log, on a volume; data/ in the image holds the
    # questionnaire and the texts, not results.
    SOCIALKAPITAL_DB=/srv/socialkapital/socialkapital.duckdb

WORKDIR /app
COPY pyproject.toml README.md ./
COPY socialkapital socialkapital
COPY queries queries
COPY dashboard dashboard
COPY data data
COPY .streamlit/config.toml .streamlit/config.toml
# Editable: the code finds data/ next to itself (socialkapital.PROJECT_DATA).
RUN pip install -e . \
    && useradd --system --uid 10001 --home-dir /srv/socialkapital socialkapital \
    && mkdir -p /srv/socialkapital \
    && chown socialkapital /srv/socialkapital

USER socialkapital
VOLUME /srv/socialkapital
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"
# With [auth] in /app/.streamlit/secrets.toml this listens on 0.0.0.0 (sign-in required).
CMD ["socialkapital", "serve", "--port", "8501"]
