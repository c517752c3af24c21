"""The journey's county: 乙县委 assessing its townships, under the persona world (tests/personas.py).

Built through services (setup, not the user actions the journey checks): fifteen townships with secretaries,
乙县委组织部's staff and leader, 丙镇党委's secretary (an account linked to their Person) and its liaison.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant, User
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization
from shuping.orgs.services import create_organization, create_person, create_secretaryship
from tests.personas import PASSWORD

YEAR = 2024
#: 丙镇 (the persona world's township) and these fourteen: a county's fifteen townships, the scale at which the
#: county clerk's batch forms are measured (为基层减负).
TOWNSHIPS = (
    ("丁镇", "吴建华"),
    ("戊镇", "郑丽"),
    ("己镇", "冯国强"),
    ("庚镇", "韩梅"),
    ("辛镇", "杨帆"),
    ("壬镇", "许志刚"),
    ("癸镇", "邓小燕"),
    ("东河乡", "曹军"),
    ("西岭乡", "彭亮"),
    ("南坪镇", "曾静"),
    ("北山乡", "吕文斌"),
    ("青石镇", "苏红"),
    ("白水乡", "蒋涛"),
    ("红岩镇", "蔡丽萍"),
)


@dataclass
class County:
    county: Organization
    township: Organization
    staff: User  # 乙县委组织部 组织股
    leader: User  # 乙县委组织部 部长
    secretary: User  # 丙镇党委书记, the township secretary whose burden is counted
    liaison: User  # 丙镇党委办公室的联络员, whose burden is counted
    townships: list[Organization]


def _account(username: str, full_name: str) -> User:
    user = User(username=username, full_name=full_name)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_county(world) -> County:
    staff = _account("xian_zuzhi", "乙县委组织部 组织股 钱干事")
    leader = _account("xian_buzhang", "乙县委组织部 部长 孙")
    secretary = _account("zhen_shuji", "丙镇党委书记 刘洋")
    liaison = _account("zhen_lianluo", "丙镇党委办公室 联络员 何静")
    RoleGrant.objects.create(
        user=staff, role=Role.ORGANIZER_STAFF, organization=world.county, include_subtree=True
    )
    RoleGrant.objects.create(
        user=leader, role=Role.DEPARTMENT_LEADER, organization=world.county, include_subtree=True
    )
    RoleGrant.objects.create(user=liaison, role=Role.LIAISON, organization=world.township)
    person = create_person(actor=None, name="刘洋", user=secretary)
    create_secretaryship(actor=None, person=person, organization=world.township, started_on=date(2021, 6, 1))
    townships = [world.township]
    for i, (place, name) in enumerate(TOWNSHIPS):
        org = create_organization(
            name=f"中共{place}委员会",
            short_name=f"{place}党委",
            code=f"J-TOWN{i}",
            kind=OrgKind.TOWNSHIP_COMMITTEE,
            admin_level=AdminLevel.TOWNSHIP,
            parent=world.county,
        )
        create_secretaryship(
            actor=None,
            person=create_person(actor=None, name=name),
            organization=org,
            started_on=date(2020, 3, 1),
        )
        townships.append(org)
    return County(world.county, world.township, staff, leader, secretary, liaison, townships)
