"""`etalase preview PRODUCT`: render one product's post into a folder and print the paths."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from pipeline.catalog.reader import load_catalog
from pipeline.cli.common import project
from pipeline.common.errors import ContentError, NotFound
from pipeline.render.inputs import DaySettings, inputs_for
from pipeline.render.post import render

ORDER = 30


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("preview", help="render one product's cover, slides, caption and video to look at",
                       description="Render cover.jpg, slides/NN.jpg, caption.txt and video.mp4 for one product "
                                   "(approved or not) and print where they are.")
    p.add_argument("product", metavar="PRODUCT", help="the product's slug (its file name in content/products/)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: exports/preview/<slug>/)")
    p.add_argument("--fast", action="store_true",
                   help="draft video: 540x960 with x264's ultrafast preset (the images stay full size)")
    p.add_argument("--no-video", action="store_true", help="skip video.mp4, the slowest part")
    p.add_argument("--template", metavar="NAME", default="default", help="video template in templates/videos/")
    p.add_argument("--post", metavar="N", type=_post_number, default=1,
                   help="render the product's Nth post (another hero, motions, transitions, bed, headline)")
    p.set_defaults(func=run)


def _post_number(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r}: a post number is 1 (the first post) or more")
    return int(value)


def run(args: argparse.Namespace) -> int:
    proj = project(args)
    catalog = load_catalog(proj.content)
    slug = args.product.removesuffix(".yaml")
    if slug in catalog.invalid:
        raise ContentError(catalog.problems_for(catalog.invalid[slug]) or [])
    if slug not in catalog.products:
        near = difflib.get_close_matches(slug, list(catalog.products), n=3)
        raise NotFound(f"no product `{slug}` in {proj.content / 'products'}"
                       + (f"; did you mean: {', '.join(near)}?" if near else ""))
    out = Path(args.out) if args.out else proj.exports / "preview" / slug
    day = DaySettings(template=args.template, formats="carousel" if args.no_video else "both", draft=args.fast,
                      post_number=args.post)
    inputs, blobs = inputs_for(proj, catalog, slug, day)  # the build's own path: same inputs, same render
    result = render(inputs, out, blobs, progress=sys.stderr.isatty())
    for warning in [*inputs.brand.warnings, *result.warnings]:
        print(f"warning: {warning}", file=sys.stderr)
    for check in result.checks:
        if not check.get("ok", True):
            print(f"{check.get('severity')}: {check['file']}: {check.get('name')}: {check.get('message')}",
                  file=sys.stderr)
    files = result.files
    video = [files["video"]] if "video" in files else []
    for rel in [files["cover"], *files.get("slides", []), files["caption"], *video]:
        print(out / rel)
    return 0
