"""The one fixed cast of test personas (CONVENTIONS), built through services and factories.

A small tree: 示范省委 → 甲市委 → 乙县委 → 丙镇党委, and an out-of-scope 邻省委 → 邻市委.
Voters are credentials, not accounts, so they are not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shuping.accounts.choices import AdminRole, Role
from shuping.accounts.models import RoleGrant, User
from shuping.orgs.choices import AdminLevel, OrgKind
from shuping.orgs.models import Organization
from shuping.orgs.services import create_organization

PASSWORD = "Shuping-Test-Passw0rd!"

PERSONAS = (
    "organizer_staff",
    "department_leader",
    "liaison",
    "assessee",
    "guidance_staff",
    "outsider",
    "system_admin",
    "security_admin",
    "audit_admin",
)


@dataclass
class World:
    province: Organization
    prefecture: Organization
    county: Organization
    township: Organization
    other_province: Organization
    other_prefecture: Organization
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> User:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def _user(username: str, full_name: str, admin_role: str = "") -> User:
    user = User(username=username, full_name=full_name, admin_role=admin_role)
    user.set_password(PASSWORD)
    user.save()
    return user


def build_world() -> World:
    org = create_organization
    province = org(
        name="中共示范省委员会",
        short_name="示范省委",
        code="T-PROV",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PROVINCE,
        parent=None,
    )
    prefecture = org(
        name="中共甲市委员会",
        short_name="甲市委",
        code="T-PREF",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PREFECTURE,
        parent=province,
    )
    county = org(
        name="中共乙县委员会",
        short_name="乙县委",
        code="T-CNTY",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.COUNTY,
        parent=prefecture,
    )
    township = org(
        name="中共丙镇委员会",
        short_name="丙镇党委",
        code="T-TOWN",
        kind=OrgKind.TOWNSHIP_COMMITTEE,
        admin_level=AdminLevel.TOWNSHIP,
        parent=county,
    )
    other_province = org(
        name="中共邻省委员会",
        short_name="邻省委",
        code="T-OPROV",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PROVINCE,
        parent=None,
    )
    other_prefecture = org(
        name="中共邻市委员会",
        short_name="邻市委",
        code="T-OPREF",
        kind=OrgKind.LOCAL_COMMITTEE,
        admin_level=AdminLevel.PREFECTURE,
        parent=other_province,
    )
    world = World(province, prefecture, county, township, other_province, other_prefecture)
    u = world.users
    u["organizer_staff"] = _user("organizer", "组织科 王干事")
    u["department_leader"] = _user("leader", "组织部 李部长")
    u["liaison"] = _user("liaison", "甲市委 联络员 赵")
    u["assessee"] = _user("assessee", "甲市委书记 陈")
    u["guidance_staff"] = _user("guidance", "上级指导 周")
    u["outsider"] = _user("outsider", "邻省 组织科 孙")
    u["system_admin"] = _user("sysadmin", "系统管理员", AdminRole.SYSTEM)
    u["security_admin"] = _user("secadmin", "安全管理员", AdminRole.SECURITY)
    u["audit_admin"] = _user("auditadmin", "审计管理员", AdminRole.AUDIT)
    grant = RoleGrant.objects.create
    grant(user=u["organizer_staff"], role=Role.ORGANIZER_STAFF, organization=province, include_subtree=True)
    grant(
        user=u["department_leader"], role=Role.DEPARTMENT_LEADER, organization=province, include_subtree=True
    )
    grant(user=u["liaison"], role=Role.LIAISON, organization=prefecture)
    grant(user=u["guidance_staff"], role=Role.GUIDANCE_STAFF, organization=prefecture, include_subtree=True)
    grant(user=u["outsider"], role=Role.ORGANIZER_STAFF, organization=other_province, include_subtree=True)
    return world
