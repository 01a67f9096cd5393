"""JSON log lines; personal data redacted before anything is written.

The HTTP layer puts what identifies a request (request id, method, path) into `g.log_context`;
every line logged while it is handled carries it.
"""
import json
import logging
import re
import sys

from flask import Flask, g, has_app_context

# Mainland mobile numbers, 18-character ID numbers (and 20-character certificate numbers that start with one).
_REDACT = [
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "[phone]"),
    (re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](\d{2})?(?![0-9A-Za-z])"), "[id-number]"),
    (re.compile(r"(session_key|access_token|token|secret)=([^&\s]+)", re.I), r"\1=[redacted]"),
]


def redact(text: str) -> str:
    for pattern, repl in _REDACT:
        text = pattern.sub(repl, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), "level": record.levelname,
                 "logger": record.name, "message": redact(record.getMessage())}
        if has_app_context():
            entry.update(g.get("log_context") or {})
        if record.exc_info:
            entry["exc"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    # urllib3 logs full URLs (access tokens in the query string) at DEBUG.
    logging.getLogger("urllib3").setLevel(logging.INFO)

