"""The log line format every process shares (Django, gunicorn, Celery): one JSON object per line on stdout by
default, for whatever collects the container logs, or plain text with LOG_FORMAT=plain. No Django here:
gunicorn's config file reads it before Django starts."""

FORMATTERS = {
    "json": {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    },
    "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
}


def stdout_handler(log_format: str) -> dict:
    return {
        "class": "logging.StreamHandler",
        "stream": "ext://sys.stdout",
        "formatter": "plain" if log_format == "plain" else "json",
    }
