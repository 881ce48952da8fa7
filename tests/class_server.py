"""The class J-LIS of tests/serve (kept for its import; the helper is tests/jlis_server.py)."""

from jlis_server import CODE, LECTURER_TOKEN, ClassServer

__all__ = ["CODE", "LECTURER_TOKEN", "ClassServer"]
