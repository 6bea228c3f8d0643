"""Rendering: the post context, text fitting, layouts as data, images (and the video, in video.py)."""
