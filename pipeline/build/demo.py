"""The out-of-the-box demo: approve the sample products as a sample curator, then build the week.

Meant for the bundled sample catalogue. It only approves products nobody has reviewed yet (or
that sit in the queue), so a real curator's rejection or request for changes is never overridden,
and every approval it records carries the sample curator's name and a note saying it was the demo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.build.orchestrate import BuildReport, Options, Reporter, build
from pipeline.catalog.reader import load_catalog
from pipeline.common.clock import Clock, SystemClock
from pipeline.common.project import Project
from pipeline.curation import reviews as R
from pipeline.curation import rules as C
from pipeline.curation import users as U
from pipeline.plan.schedule import load_settings
from pipeline.store.db import open_project

CURATOR = "kurator-contoh"
NOTE = "Persetujuan contoh oleh `etalase demo` (katalog contoh)."


@dataclass
class DemoResult:
    approved: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    left: dict[str, str] = field(default_factory=dict)  # slug -> state it was left in
    report: BuildReport | None = None


def approve_samples(project: Project, clock: Clock | None = None) -> DemoResult:
    settings = C.load_settings(project.content)
    clock = clock or SystemClock(load_settings(project.schedule).timezone)
    catalog = load_catalog(project.content)
    result = DemoResult()
    conn = open_project(project)
    try:
        curator = U.ensure(conn, CURATOR, C.CURATOR, clock)
        for st in R.statuses(conn, catalog, settings):
            if not st.valid:
                result.left[st.product] = "has errors"
            elif st.state == C.APPROVED:
                result.already.append(st.product)
            elif st.state in C.QUEUE or (st.state == C.DRAFT and st.last is None):
                if st.state == C.DRAFT:
                    R.submit(conn, catalog, st.product, curator, NOTE, settings=settings, clock=clock)
                R.approve(conn, catalog, st.product, curator, NOTE, R.all_checks(settings), settings=settings,
                          clock=clock)
                result.approved.append(st.product)
            else:
                result.left[st.product] = st.state
    finally:
        conn.close()
    return result


def run_demo(project: Project, options: Options | None = None, *, clock: Clock | None = None,
             reporter: Reporter | None = None) -> DemoResult:
    result = approve_samples(project, clock)
    result.report = build(project, options or Options(days=7), clock=clock, reporter=reporter)
    return result
