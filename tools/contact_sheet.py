"""A contact sheet of one sample product's first posts: what "no two posts alike" looks like.

Renders posts 1..N of a product (draft videos, the build's own `render`), takes the middle frame
of each scene of each video (from the same scene plan the renderer used), and lays them out one post
per row beside its cover, with the headline, hero and post number above the row. The PNG is
palette-quantised to stay small (docs/ keeps it).

A development tool, not part of the installed package. Regenerate with
``.venv/bin/python tools/contact_sheet.py [--product SLUG] [--posts 3] [--out docs/contact-sheet.png]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import av
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.catalog.reader import load_catalog  # noqa: E402
from pipeline.common.project import Project  # noqa: E402
from pipeline.render import variation  # noqa: E402
from pipeline.render.crops import for_video  # noqa: E402
from pipeline.render.inputs import DaySettings, inputs_for  # noqa: E402
from pipeline.render.post import render  # noqa: E402
from pipeline.render.scenes import load_video_template, plan_video  # noqa: E402

THUMB = (108, 192)
GAP = 6
LABEL = 26
FONT = ROOT / "pipeline" / "defaults" / "templates" / "fonts" / "Manrope-SemiBold.ttf"


def middles(inputs, blobs, n: int) -> list[int]:
    """The middle frame of each scene of post n's video, as the renderer planned it."""
    product = variation.ordered(inputs.localised(blobs)[0], n)
    template = load_video_template(inputs.templates, inputs.day.template)
    with for_video(product, n) as shown:
        plan = plan_video(variation.for_post(inputs.templates, template, shown, n, inputs.music), shown)
    return [start + scene.frames // 2 for start, scene in zip(plan.starts, plan.scenes, strict=True)]


def frames(video: Path, wanted: list[int]) -> list[Image.Image]:
    with av.open(str(video)) as box:
        every = [f.to_image() for f in box.decode(video=0)]
    return [every[min(i, len(every) - 1)] for i in wanted]


def sheet(product: str, posts: int, columns: int) -> Image.Image:
    """One row per post: the cover, then up to `columns` scene frames."""
    project = Project.at(ROOT)
    catalog = load_catalog(project.content)
    rows = []
    with tempfile.TemporaryDirectory(prefix="contact-sheet-") as tmp:
        for n in range(1, posts + 1):
            inputs, blobs = inputs_for(project, catalog, product, DaySettings(draft=True, post_number=n))
            out = Path(tmp) / str(n)
            result = render(inputs, out, blobs)
            cover = Image.open(out / "cover.jpg").convert("RGB")
            video = result.video
            label = (f"post {n}: \"{video['title']}\" ({video['title_source']}), hero {video['hero']}, "
                     f"{video['photos']} photos")
            rows.append((label, [cover, *frames(out / "video.mp4", middles(inputs, blobs, n)[:columns])]))
    width = GAP + max(len(pictures) for _, pictures in rows) * (THUMB[0] + GAP)
    height = GAP + posts * (LABEL + THUMB[1] + GAP)
    canvas = Image.new("RGB", (width, height), (250, 247, 240))
    draw = ImageDraw.Draw(canvas)
    font = ImageFont.truetype(str(FONT), 14)
    y = GAP
    for label, pictures in rows:
        draw.text((GAP, y + 4), label, fill=(40, 30, 20), font=font)
        y += LABEL
        for i, picture in enumerate(pictures):
            x = GAP + i * (THUMB[0] + GAP)
            canvas.paste(picture.resize(THUMB, Image.Resampling.LANCZOS), (x, y))
        y += THUMB[1] + GAP
    return canvas


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--product", default="tikar-pandan-bunga-tanjung", help="a sample product's slug")
    p.add_argument("--posts", type=int, default=3, help="how many posts (rows)")
    p.add_argument("--frames", type=int, default=8, help="at most this many scene frames per row, beside the cover")
    p.add_argument("--out", type=Path, default=ROOT / "docs" / "contact-sheet.png")
    args = p.parse_args(argv)
    image = sheet(args.product, args.posts, args.frames)
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        args.out, "PNG", optimize=True)
    print(f"{args.out}: {image.width}x{image.height}, {args.out.stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
