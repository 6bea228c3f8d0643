"""Etalase: turns a crafts council's curated products into ready-to-upload TikTok posts."""

__version__ = "0.1.0"
