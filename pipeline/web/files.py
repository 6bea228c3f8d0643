"""Serving photos and export files, and nothing else: only content/media/ and exports/ are reachable.

Every path is checked after symlinks are resolved, so `..`, encoded dots, absolute paths, hidden
files (an export's temp folder, the state database) and links pointing out of the folder all end
in 404. Thumbnails are derived from content/media photos and cached under state/ by a hash of the
source's name, size and mtime: their names are never built from the request.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from pathlib import Path, PurePosixPath

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response
from PIL import Image, ImageOps

from pipeline.catalog.media import MediaError, to_rgb
from pipeline.common.atomic import write_bytes
from pipeline.common.errors import NotFound
from pipeline.export.folders import download_name, read_manifest
from pipeline.web.auth import viewer, web

THUMB_WIDTHS = (160, 480, 1080)


def safe_file(root: Path, relative: str) -> Path:
    """The file `relative` names inside `root`, or NotFound; never a path outside `root`."""
    root = root.resolve()
    rel = PurePosixPath(relative)
    if ("\0" in relative or "\\" in relative or rel.is_absolute() or not rel.parts
            or any(part in ("", ".", "..") or part.startswith(".") for part in rel.parts)):
        raise NotFound(relative)
    try:
        resolved = (root / rel).resolve(strict=True)
    except (OSError, RuntimeError):
        raise NotFound(relative) from None
    if not resolved.is_relative_to(root) or not resolved.is_file():
        raise NotFound(relative)
    return resolved


def media_url(file: str) -> str:
    return "/media/" + file


def thumb_url(file: str, width: int = 480) -> str:
    return f"/foto/{width}/{file}"


router = APIRouter(dependencies=[Depends(viewer)], include_in_schema=False)


@router.get("/media/{relative:path}")
def media(request: Request, relative: str):
    return FileResponse(safe_file(web(request).project.content / "media", relative),
                        headers={"Cache-Control": "private, max-age=300"})


@router.get("/ekspor/{relative:path}")
def export_file(request: Request, relative: str):
    exports = web(request).project.exports
    path = safe_file(exports, relative)
    download = request.query_params.get("unduh") == "1"
    name = None
    if download:  # a day's file saved on the phone under the day and product, not as one more `video.mp4`
        day, *inside = PurePosixPath(relative).parts
        name = download_name(read_manifest(exports / day), "/".join(inside)) or path.name
    headers = {"Cache-Control": "private, no-cache"}
    if path.suffix == ".html" and not download:
        headers["Content-Security-Policy"] = page_csp(path.read_bytes())
    return FileResponse(path, filename=name, content_disposition_type="attachment" if download else "inline",
                        headers=headers)


INLINE = re.compile(rb"<(script|style)>(.*?)</\1>", re.S)


def page_csp(html: bytes) -> str:
    """The dashboard's CSP for an export page, plus the hashes of that page's own inline <style> and <script>
    blocks: the pages work opened from a folder, so they carry their style and script inside (the export
    templates escape every value, so only the template's own blocks are there to be hashed)."""
    hashes = {"script": [], "style": []}
    for kind, body in INLINE.findall(html):
        hashes[kind.decode()].append("'sha256-" + base64.b64encode(hashlib.sha256(body).digest()).decode() + "'")
    style, script = " ".join(hashes["style"]), " ".join(hashes["script"])
    return (f"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self' {style}; "
            f"script-src 'self' {script}; object-src 'none'; base-uri 'none'; form-action 'self'; "
            "frame-ancestors 'none'")


@router.get("/foto/{width}/{relative:path}")
def thumbnail(request: Request, width: int, relative: str):
    if width not in THUMB_WIDTHS:
        raise NotFound(f"width {width}")
    state = web(request)
    source = safe_file(state.project.content / "media", relative)
    st = source.stat()
    key = hashlib.sha256(f"{relative}\n{st.st_size}\n{st.st_mtime_ns}\n{width}".encode()).hexdigest()[:32]
    cached = state.project.state / "cache" / "thumbs" / f"{key}.jpg"
    if not cached.exists():
        write_bytes(cached, _thumbnail(source, width))
    return FileResponse(cached, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=86400"})


def _thumbnail(source: Path, width: int) -> bytes:
    try:
        with Image.open(source) as im:
            im.draft("RGB", (width, width * 4))  # JPEG decodes at 1/2, 1/4, 1/8 size: far faster
            im.load()
            im = to_rgb(ImageOps.exif_transpose(im) or im)
    except (OSError, SyntaxError, ValueError, MediaError, Image.DecompressionBombError):
        raise NotFound(str(source.name)) from None
    if im.width > width:
        im = im.resize((width, max(1, round(im.height * width / im.width))), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()


def zip_response(files: list[tuple[Path, str]], name: str) -> Response:
    """A small zip (a day's slides, each as (file, name inside)) built in memory: JPEGs are stored, not
    recompressed."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for path, inside in files:
            zf.write(path, inside)
    return Response(buf.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
