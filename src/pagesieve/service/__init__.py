"""The HTTP service: the JSON API over `classify_page`, the feedback store, the moderation page.

Needs the ``serve`` extra (fastapi, uvicorn, sqlalchemy, python-multipart, prometheus-client).
"""

from __future__ import annotations

from .app import create_app, create_app_from_env

__all__ = ["create_app", "create_app_from_env"]
