"""`etalase preview PRODUCT`: render one product's post into a folder and print the paths."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from pipeline.catalog.reader import load_catalog
from pipeline.cli.common import project
from pipeline.common.errors import ContentError, NotFound
from pipeline.render.brand import load_brand
from pipeline.render.images import render_post_images
from pipeline.render.video import render_video

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
    p.set_defaults(func=run)


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
    product = catalog.products[slug]
    brand = load_brand(proj)
    out = Path(args.out) if args.out else proj.exports / "preview" / slug
    images = render_post_images(proj, catalog, product, out, brand=brand)
    for warning in [*brand.warnings, *images.warnings]:
        print(f"warning: {warning}", file=sys.stderr)
    for path in images.paths:
        print(path)
    if not args.no_video:
        video = render_video(proj, catalog, product, out / "video.mp4", brand=brand, template=args.template,
                             draft=args.fast, progress=sys.stderr.isatty())
        for warning in video.warnings:
            if warning not in images.warnings:  # the video's cover repeats the images' warnings
                print(f"warning: {warning}", file=sys.stderr)
        for check in video.checks:
            if not check.ok:
                print(f"{check.severity}: video.mp4: {check.name}: {check.message}", file=sys.stderr)
        print(video.path)
    return 0
