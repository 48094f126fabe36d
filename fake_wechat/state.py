"""Everything the fake remembers, in memory, behind one lock (the server is threaded).

Time comes from `State.now()`, which the control API can move forward, so tests can see a
login code or a token expire without waiting."""

from __future__ import annotations

import secrets
import threading
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field

from app.core import clock

CODE_TTL = 300  # a login code is good once, for 5 minutes
TOKEN_TTL = 7200
TOKEN_OVERLAP = 300  # a superseded token keeps working this long
ACTIVE_WINDOW = 7200  # msg_sec_check wants a user seen in the last 2 hours (61010)
LOGIN_RATE = 100  # code exchanges per openid per minute before 45011

SEVERITY = {"pass": 0, "review": 1, "risky": 2}
DEFAULT_LABELS = {"pass": 100, "review": 21000, "risky": 21000}


@dataclass
class LoginCode:
    openid: str
    unionid: str | None
    minted_at: float
    errcode: int | None = None  # answer this instead of a session (40226, 45011, -1 ...)
    used: bool = False


@dataclass
class Token:
    expires_at: float
    valid_until: float  # earlier than expires_at once superseded or invalidated
    invalidated: bool = False


@dataclass
class Fault:
    delay: float = 0.0
    errcode: int | None = None
    status: int | None = None
    drop: bool = False
    times: int | None = None  # None: until reset


@dataclass
class State:
    appid: str
    secret: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    clock_offset: float = 0.0
    codes: dict[str, LoginCode] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    current_token: str | None = None
    last_seen: dict[str, float] = field(default_factory=dict)  # openid -> last wx.login
    logins: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    verdicts: dict[str, tuple[str, int]] = field(default_factory=dict)  # text -> (suggest, label)
    consents: Counter = field(default_factory=Counter)  # (openid, template_id) -> messages allowed
    templates: set[str] = field(default_factory=set)
    messages: list[dict] = field(default_factory=list)
    faults: dict[str, Fault] = field(default_factory=dict)
    calls: Counter = field(default_factory=Counter)
    token_fetches: int = 0
    # DevTools mode (development only, off unless the fake is started with it): a code this fake
    # never minted — what WeChat DevTools' own wx.login hands the mini-program — logs in as this
    # openid, once. Codes minted here keep every rule (once, 5 minutes, injected errcodes).
    devtools_start: str | None = None  # what the fake was started with; reset() returns to it
    devtools_openid: str | None = None

    def __post_init__(self) -> None:
        self.devtools_openid = self.devtools_openid or self.devtools_start

    def now(self) -> float:
        return clock.now().timestamp() + self.clock_offset

    def reset(self) -> None:
        with self.lock:
            fresh = State(self.appid, self.secret, devtools_start=self.devtools_start)
            for name in self.__dataclass_fields__:
                if name != "lock":
                    setattr(self, name, getattr(fresh, name))

    # login codes -----------------------------------------------------------------------

    def mint_code(self, openid: str, unionid: str | None, errcode: int | None) -> str:
        code = secrets.token_urlsafe(24)
        with self.lock:
            now = self.now()
            self.codes[code] = LoginCode(openid, unionid, now, errcode)
            self.last_seen[openid] = now  # minting a code is the user opening the mini-program
        return code

    def exchange_code(self, code: str) -> LoginCode | int:
        """The code's login, or the errcode WeChat would answer."""
        with self.lock:
            login = self.codes.get(code)
            if login is None and self.devtools_openid:
                login = self.codes[code] = LoginCode(self.devtools_openid, None, self.now())
                self.last_seen[login.openid] = login.minted_at
            if login is None or self.now() - login.minted_at > CODE_TTL:
                return 40029
            if login.used:
                return 40163
            login.used = True
            if login.errcode is not None:
                return login.errcode
            if not self._login_allowed(login.openid):
                return 45011
            return login

    def set_devtools(self, openid: str | None) -> None:
        with self.lock:
            self.devtools_openid = openid

    def _login_allowed(self, openid: str) -> bool:
        recent, now = self.logins[openid], self.now()
        while recent and now - recent[0] > 60:
            recent.popleft()
        recent.append(now)
        return len(recent) <= LOGIN_RATE

    def known_openid(self, openid: str) -> bool:
        with self.lock:
            return openid in self.last_seen

    def recently_active(self, openid: str) -> bool:
        with self.lock:
            seen = self.last_seen.get(openid)
            return seen is not None and self.now() - seen <= ACTIVE_WINDOW

    # access tokens ---------------------------------------------------------------------

    def issue_token(self) -> str:
        token = secrets.token_urlsafe(96)
        with self.lock:
            now = self.now()
            previous = self.tokens.get(self.current_token or "")
            if previous is not None:
                previous.valid_until = min(previous.valid_until, now + TOKEN_OVERLAP)
            self.tokens[token] = Token(expires_at=now + TOKEN_TTL, valid_until=now + TOKEN_TTL)
            self.current_token = token
            self.token_fetches += 1
        return token

    def token_error(self, token: str | None) -> int | None:
        """None when the token is good, else WeChat's errcode for it."""
        if not token:
            return 41001
        with self.lock:
            found = self.tokens.get(token)
            now = self.now()
            if found is None or found.invalidated:
                return 40001
            if now >= found.expires_at:
                return 42001
            if now >= found.valid_until:
                return 40001  # superseded by a newer token and past the overlap
            return None

    def end_tokens(self, how: str) -> int:
        """Make every token issued so far stop working: 'expire' (42001) or 'invalidate' (40001)."""
        with self.lock:
            now = self.now()
            for token in self.tokens.values():
                if how == "expire":
                    token.expires_at = min(token.expires_at, now)
                else:
                    token.invalidated = True
            return len(self.tokens)

    # content checks ---------------------------------------------------------------------

    def set_verdict(self, text: str, suggest: str, label: int | None) -> None:
        with self.lock:
            self.verdicts[text] = (suggest, label if label is not None else DEFAULT_LABELS[suggest])

    def verdict_for(self, content: str) -> tuple[str, int]:
        """The most severe verdict whose text occurs in the content; pass when none does."""
        with self.lock:
            matches = [v for text, v in self.verdicts.items() if text in content]
        return max(matches, key=lambda v: SEVERITY[v[0]], default=("pass", DEFAULT_LABELS["pass"]))

    # subscribe messages -----------------------------------------------------------------

    def grant_consent(self, openid: str, template_id: str, count: int) -> int:
        with self.lock:
            self.templates.add(template_id)
            self.consents[(openid, template_id)] += count
            self.last_seen.setdefault(openid, self.now())
            return self.consents[(openid, template_id)]

    def known_template(self, template_id: str) -> bool:
        with self.lock:
            return template_id in self.templates

    def deliver(self, message: dict) -> bool:
        """Record the message if the user's consent allows one more; each consent is used up."""
        key = (message["touser"], message["template_id"])
        with self.lock:
            if self.consents[key] <= 0:
                return False
            self.consents[key] -= 1
            self.messages.append({**message, "sent_at": self.now()})
            return True

    def sent_messages(self, openid: str | None = None, template_id: str | None = None) -> list[dict]:
        with self.lock:
            return [m for m in self.messages if openid in (None, m["touser"]) and template_id in (None, m["template_id"])]

    # faults and counters ------------------------------------------------------------------

    def set_fault(self, path: str, fault: Fault) -> None:
        with self.lock:
            self.faults[path] = fault

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    def take_fault(self, path: str) -> Fault | None:
        """Count the call, and the fault that applies to it (spending one of its `times`)."""
        with self.lock:
            self.calls[path] += 1
            fault = self.faults.get(path) or self.faults.get("*")
            if fault is None:
                return None
            if fault.times is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults = {p: f for p, f in self.faults.items() if f is not fault}
            return fault

    def advance(self, seconds: float) -> float:
        with self.lock:
            self.clock_offset += seconds
            return self.now()

    def stats(self) -> dict:
        with self.lock:
            return {
                "token_fetches": self.token_fetches,
                "calls": dict(self.calls),
                "faults": sorted(self.faults),
                "messages": len(self.messages),
                "now": self.now(),
            }
