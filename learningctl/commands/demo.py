"""`demo`: fill a tenant with a realistic story across all five services (learningctl/story/), then report.

    learningctl demo                       # tenant "demo", the one .learning/dev-token is for
    learningctl demo --tenant acme --json  # the summary as JSON on stdout

An author publishes three courses, a learning path and a maturity rubric (found again on later runs, so a second
run only adds learners); four learners train (pass, fail then pass, exhaust, abandon), take quizzes and submit an
exercise a mentor reviews; the admin assesses the organization's maturity. Then it waits for the outboxes to
deliver and prints what the services report: certificates, evidence records, audit events. Exit status 1 when a
call fails or something expected has not arrived within --wait seconds.

Tokens: user tokens for each persona, minted with the development key (learningctl/devkeys.py).
"""

from __future__ import annotations

import json
from typing import Annotated

import grpc
import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from learningctl.devkeys import DevMinter, MintRefused
from learningctl.options import (
    DEFAULT_AUDIENCE,
    DEFAULT_ISSUER,
    AssessmentAddress,
    Audience,
    AuditAddress,
    CatalogAddress,
    EvidenceAddress,
    Issuer,
    KeyFile,
    ProgressAddress,
    Tenant,
    console,
    out,
    refuse,
)
from learningctl.story.cast import CAST
from learningctl.story.content import COURSES
from learningctl.story.publish import assess_maturity, ensure_course, ensure_path, ensure_rubric
from learningctl.story.settle import Delivered, expected_count, settle, tenant_totals
from learningctl.story.world import StoryError, World
from learningctl.views import AuditLog


def _steps(world: World) -> list:
    """The story as (label, action) in order; later steps use what earlier ones published."""
    courses, published = {}, {}
    return [
        ("the author publishes three courses", lambda: courses.update(
            {spec.key: ensure_course(world, spec) for spec in COURSES})),
        ("the author publishes a learning path", lambda: published.update(path=ensure_path(world, courses))),
        ("the author publishes a maturity rubric", lambda: published.update(rubric=ensure_rubric(world))),
        *((label, lambda act=act: act(world, courses, published["path"])) for label, act in CAST),
        ("the admin assesses the organization", lambda: assess_maturity(world, published["rubric"])),
    ]


def summary(world: World, delivered: Delivered, totals: dict[str, int]) -> dict:
    return {
        "tenant": world.tenant,
        "created": {"learners": len(world.learners), **world.done},  # in story order
        "learners": [{"name": lr.name, "user_id": lr.user_id, "outcome": lr.outcome,
                      "certificates": delivered.certificates.get(lr.user_id, 0)} for lr in world.learners],
        "this_run": {"certificates": sum(delivered.certificates.values()), "evidence_records": len(delivered.evidence),
                     "audit_events": sum(delivered.audit.values()),
                     "audit_events_by_action": dict(sorted(delivered.audit.items()))},
        "tenant_totals": totals,
        "missing": delivered.missing(world),
    }


def _print(report: dict) -> None:
    story = Table(title=f"The demo story in tenant {report['tenant']}")
    for column in ("", "this run", "tenant total"):
        story.add_column(column, justify="right" if column else "left")
    for what, n in report["created"].items():
        story.add_row(what, str(n), "")
    for what in ("certificates", "evidence_records", "audit_events"):
        story.add_row(what.replace("_", " "), str(report["this_run"][what]), str(report["tenant_totals"][what]))
    learners = Table(title="Learners")
    for column in ("learner", "what happened", "certificates"):
        learners.add_column(column)
    for learner in report["learners"]:
        learners.add_row(learner["name"], learner["outcome"], str(learner["certificates"]))
    actions = Table(title="Audit events since the run started")
    actions.add_column("action")
    actions.add_column("events", justify="right")
    for action, n in report["this_run"]["audit_events_by_action"].items():
        actions.add_row(action, str(n))
    for table in (story, learners, actions):
        out.print(table)


def demo_command(
        tenant: Tenant = "demo",
        wait: Annotated[float, typer.Option(min=0, help="Seconds to wait for the outboxes to deliver.")] = 120.0,
        as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON instead of tables.")] = False,
        key_file: KeyFile = None, issuer: Issuer = DEFAULT_ISSUER, audience: Audience = DEFAULT_AUDIENCE,
        catalog: CatalogAddress = None, progress: ProgressAddress = None, assessment: AssessmentAddress = None,
        evidence: EvidenceAddress = None, audit: AuditAddress = None) -> None:
    """Fill a tenant with a realistic story across all five services and summarize what they report."""
    try:
        minter = DevMinter(key_file, issuer, audience)
    except MintRefused as refused:
        raise refuse(str(refused)) from None
    world = World.open(tenant, minter, {"catalog": catalog, "progress": progress, "assessment": assessment,
                                        "evidence": evidence, "audit": audit})
    label = "reading the audit log's head"
    try:
        audit_log = AuditLog(world.auditor_connection("audit"), tenant)
        started_at = audit_log.head()
        steps = _steps(world)
        with Progress(TextColumn("{task.description:<44}"), BarColumn(), MofNCompleteColumn(), console=console,
                      transient=True) as bar:
            task = bar.add_task("story", total=len(steps))
            for label, action in steps:
                bar.update(task, description=label)
                action()
                bar.advance(task)
            label = "waiting for the outboxes to deliver"
            waiting = bar.add_task(label, total=expected_count(world))
            delivered = settle(world, audit_log, started_at, wait, lambda n: bar.update(waiting, completed=n))
        label = "counting what the services report"
        report = summary(world, delivered, tenant_totals(world, audit_log))
    except (grpc.RpcError, StoryError) as error:
        why = f"{error.code().name}: {error.details()}" if isinstance(error, grpc.RpcError) else str(error)
        console.print(f"[bold red]failed[/] while {label}: {escape(why)}", soft_wrap=True)
        raise typer.Exit(1) from None
    finally:
        world.close()
    if as_json:
        typer.echo(json.dumps(report, indent=1))
    else:
        _print(report)
    if report["missing"]:
        console.print(f"[bold red]not delivered within {wait:g} s[/]: {'; '.join(report['missing'])}", soft_wrap=True)
        raise typer.Exit(1)
