"""What the dashboard reads from the environment: the same SENSORCTL_* endpoints as the CLI, plus its own knobs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

STORES = ("postgres", "mongo")
STORE_LABELS = {"postgres": "PostgreSQL", "mongo": "MongoDB"}

# The CLI's defaults (README, Configuration), so both point at the same place when nothing is set.
DEFAULT_POSTGRES_URL = "postgresql://sensorctl@127.0.0.1:5432/sensorctl"
DEFAULT_MONGO_URL = "mongodb://127.0.0.1:27017/sensorctl"

_SECRET_PARAMETERS = ("password", "secret", "token")


class SettingsError(ValueError):
    """A malformed SENSORCTL_DASHBOARD_* value; the message names the variable."""


def _number(env: dict[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} is not a number") from None
    if value <= 0:
        raise SettingsError(f"{name}={raw!r} must be positive")
    return value


@dataclass(frozen=True)
class Settings:
    store: str
    postgres_url: str
    mongo_url: str
    refresh_s: float
    online_ttl_s: float
    stale_s: float

    @staticmethod
    def from_env(env: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if env is None else env)
        store = env.get("SENSORCTL_DASHBOARD_STORE", "").strip().lower() or "postgres"
        if store not in STORES:
            raise SettingsError(f"SENSORCTL_DASHBOARD_STORE={store!r}: expected one of {', '.join(STORES)}")
        return Settings(
            store=store,
            postgres_url=env.get("SENSORCTL_POSTGRES_URL") or DEFAULT_POSTGRES_URL,
            mongo_url=env.get("SENSORCTL_MONGO_URL") or DEFAULT_MONGO_URL,
            refresh_s=_number(env, "SENSORCTL_DASHBOARD_REFRESH_S", 2.0),
            online_ttl_s=_number(env, "SENSORCTL_DASHBOARD_ONLINE_TTL_S", 30.0),
            stale_s=_number(env, "SENSORCTL_DASHBOARD_STALE_S", 60.0),
        )

    def url(self, store: str) -> str:
        return self.postgres_url if store == "postgres" else self.mongo_url


def redact(url: str) -> str:
    """The URL with its password (and any password/secret/token parameter) replaced by ***."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<malformed URL>"
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, hosts = netloc.rsplit("@", 1)
        if ":" in userinfo:
            userinfo = userinfo.split(":", 1)[0] + ":***"
        netloc = f"{userinfo}@{hosts}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        masked = [(k, "***" if any(s in k.lower() for s in _SECRET_PARAMETERS) else v) for k, v in pairs]
        query = urlencode(masked, safe="*")
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def password_of(url: str) -> str | None:
    try:
        return urlsplit(url).password
    except ValueError:
        return None
