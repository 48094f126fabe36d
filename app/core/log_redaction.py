"""No personal data in the logs (README "Privacy"): every log record this process makes — the app's,
the libraries', gunicorn's access lines — is redacted as it is made, message and traceback alike
(a database error's text quotes the parameters of its statement, an openid among them).

What is redacted: WeChat openids and unionids (by shape, and as the value of such a key), bearer
tokens and the values of token, session_key, signature and phone keys, and mainland mobile numbers.
Comment and report texts cannot be recognised by shape: the code never logs them (jobs carry ids,
errors carry codes), and tests/privacy/test_log_scan.py checks a whole run for them."""

from __future__ import annotations

import logging
import re
import traceback

MASK = "[redacted]"

_PATTERNS = (
    # A key and its value, in a query string, a JSON body or a repr: openid=…, "session_key": "…".
    (
        re.compile(
            r"(?i)\b(open_?id|union_?id|session_key|access_token|refresh_token|token|signature|msg_signature|keeper_phone|phone)"
            # key=value, or a quoted key and its value ("token": "…"); not prose ("token: refused")
            r"""((?:["']\s*:|\s*=)\s*["']?)([^"'&\s,;}\])]+)"""
        ),
        rf"\1\2{MASK}",
    ),
    (re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]+"), rf"\1{MASK}"),
    # PostgreSQL's detail of a constraint error quotes the row's key: Key (openid)=(…).
    (re.compile(r"(Key \([^)]*\)=\()([^)]*)"), rf"\1{MASK}"),
    # An openid alone: 28 characters of WeChat's alphabet starting with "o".
    (re.compile(r"(?<![A-Za-z0-9_-])o[A-Za-z0-9_-]{27}(?![A-Za-z0-9_-])"), MASK),
    # A mainland mobile number (11 digits from 13…19), with or without +86.
    (re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)"), MASK),
)


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a record whose arguments do not fit its format: leave it to the handler
        return record
    record.msg, record.args = redact(message), ()
    if record.exc_info and record.exc_info[0] is not None:
        # Formatters reuse exc_text when it is set: the traceback is redacted once, here.
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip("\n"))
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install() -> None:
    """Redact every record this process makes from now on (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "redacting", False):
        return

    def make(*args, **kwargs) -> logging.LogRecord:
        return _redacted(factory(*args, **kwargs))

    make.redacting = True
    logging.setLogRecordFactory(make)
