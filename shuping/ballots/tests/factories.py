"""Building ballot boxes for tests, through the services (CONVENTIONS)."""

from __future__ import annotations

from shuping.ballots import services
from shuping.ballots.models import BallotBox


def make_box(
    world,
    *,
    organization=None,
    subjects: int = 3,
    categories: dict[str, int] | None = None,
    weights: dict[str, float] | None = None,
    open_box: bool = True,
    title: str = "2024年度书记述职民主测评",
    **options,
) -> tuple[BallotBox, list[services.Slip]]:
    """A box owned by world.province (default) with `subjects` subjects and slips per category."""
    actor = world.organizer_staff if organization is None else options.pop("actor", world.outsider)
    organization = organization or world.province
    categories = categories or {"市级领导": 3, "部门负责人": 5}
    weights = weights or {}
    box = services.create_box(actor=actor, organization=organization, title=title, **options)
    services.set_up_box(
        actor=actor,
        box=box,
        subjects=[
            services.SubjectInput(
                name=f"对象{i + 1}", post=f"第{i + 1}县委书记", section="on_site" if i % 3 else "written"
            )
            for i in range(subjects)
        ],
        categories=[services.CategoryInput(name, weights.get(name)) for name in categories],
    )
    ids = dict(box.categories.values_list("name", "id"))
    slips = services.generate_credentials(
        actor=actor, box=box, counts={ids[n]: c for n, c in categories.items()}
    )
    if open_box:
        box = services.open_box(actor=actor, box=box)
    box.refresh_from_db()
    return box, slips


def vote(box: BallotBox, slip: services.Slip, grade: str = "good", **extra) -> str:
    """Vote `grade` for every subject with `slip`; return the receipt."""
    session = services.start_session(code=slip.code)
    ratings = {str(pk): grade for pk in box.subjects.values_list("id", flat=True)}
    return services.submit_ballot(token=session.token, ratings=ratings, **extra)
