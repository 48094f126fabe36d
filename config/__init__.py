"""Settings per environment. Nothing is read at import time: `load_config` reads the
environment when the application is created, so tests and tools can pass their own."""

from config.settings import ConfigError, load_config

__all__ = ["ConfigError", "load_config"]
