"""The logging configuration: readable lines locally, one JSON object per line
in production (python-json-logger), each with the request id."""

JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s"


def logging_config(*, level: str, json_lines: bool) -> dict:
    formatter = (
        {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
        if json_lines
        else {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": "mlqa_site.observability.requestid.RequestIdFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-health-check logs every failed check with its traceback, at each
        # probe; /healthz itself says what failed. Its unexpected errors remain.
        "loggers": {"health_check": {"level": "ERROR"}},
    }
