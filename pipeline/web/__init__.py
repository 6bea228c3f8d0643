"""The dashboard for the admin and the curators: FastAPI, server-rendered Jinja2 pages, a JSON API."""

from pipeline.web.app import create_app

__all__ = ["create_app"]
