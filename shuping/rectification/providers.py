"""Problem sources for the 整改清单 (RCT-1): every problem pointed out becomes an item, and an item may have
several sources. One batch query per source kind (PERF-5).

Registered here: inspection / 巡察 / audit / supervision findings (campaigns, CMP-5), the opinion's problems
(evaluations, EVA-3 — a problem the opinion drew from field findings also names the field source, since the
fieldwork app exposes no findings of its own), and the final commentary's structured problems (meetings,
MTG-3; the 点评稿 stays hidden, EVA-9).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .choices import SourceKind
from .sources import Problem, register_problem_source

_FINDING_KIND = {
    "inspection": SourceKind.INSPECTION,
    "circuit_inspection": SourceKind.INSPECTION,
    "audit": SourceKind.AUDIT,
    "supervision": SourceKind.SUPERVISION,
}


@register_problem_source("inspection")
def inspection_findings(assessments: Sequence[Any]) -> dict[int, list[Problem]]:
    from shuping.campaigns.models import InspectionFinding

    out: dict[int, list[Problem]] = {}
    rows = InspectionFinding.objects.filter(assessment__in=[a.pk for a in assessments]).order_by("pk")
    for f in rows:
        out.setdefault(f.assessment_id, []).append(
            Problem(
                _FINDING_KIND.get(f.source, SourceKind.OTHER),
                f"campaigns.InspectionFinding:{f.pk}",
                f.description,
            )
        )
    return out


@register_problem_source("opinion")
def opinion_problems(assessments: Sequence[Any]) -> dict[int, list[Problem]]:
    from shuping.evaluations.choices import EvaluationStatus
    from shuping.evaluations.models import Evaluation

    out: dict[int, list[Problem]] = {}
    rows = Evaluation.objects.filter(
        assessment__in=[a.pk for a in assessments], status=EvaluationStatus.APPROVED
    ).only("pk", "assessment_id", "problems")
    for e in rows:
        for index, p in enumerate(e.problems or []):
            text = str(p.get("text", "")).strip()
            if not text:
                continue
            problems = out.setdefault(e.assessment_id, [])
            problems.append(Problem(SourceKind.OPINION, f"evaluations.Evaluation:{e.pk}#{index}", text))
            if str(p.get("source", "")) == "field":
                problems.append(
                    Problem(SourceKind.FIELD, f"fieldwork.FieldAssessment:a{e.assessment_id}", text)
                )
    return out


@register_problem_source("commentary")
def commentary_problems(assessments: Sequence[Any]) -> dict[int, list[Problem]]:
    try:
        from shuping.meetings.choices import CommentaryStatus
        from shuping.meetings.models import CommentaryProblem
    except ImportError:  # meetings not installed
        return {}
    out: dict[int, list[Problem]] = {}
    rows = (
        CommentaryProblem.objects.filter(
            commentary__assessment__in=[a.pk for a in assessments],
            commentary__status=CommentaryStatus.FINAL,
        )
        .select_related("commentary")
        .order_by("commentary_id", "position", "pk")
    )
    for p in rows:
        out.setdefault(p.commentary.assessment_id, []).append(
            Problem(SourceKind.COMMENTARY, f"meetings.CommentaryProblem:{p.pk}", p.text)
        )
    return out
