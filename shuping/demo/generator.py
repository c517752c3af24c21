"""The demo province (示范省), as pure data: deterministic, realistic, no database access.

`generate(scale=…, year=…)` returns the organization rows in the ORG-4 import template's columns, the
secretaries (Faker zh_CN with a fixed seed) and their secretaryships, and the persona accounts. The
`demo` command writes them: organizations through the bulk importer, people in bulk, accounts one by one
(Argon2 is slow, so only the personas get accounts).

Shape (scale "full"): 示范省委 with ~8 prefectures, ~60 counties/districts, ~700 townships and
subdistricts, villages/communities in a few townships; the four work committees (机关工委, 国资委党委,
教育工委, 两新工委) at province, prefecture and county level; provincial organs with internal units under
the organs' work committee; SOEs (some with second-level units) under the SASAC committee; universities
under the education work committee; public hospitals under the health commission's Party group.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

SEED = 20191230  # the regulation's date of issue

ETHNIC_MINORITIES = (
    "回族",
    "壮族",
    "满族",
    "苗族",
    "土家族",
    "彝族",
    "蒙古族",
    "藏族",
    "侗族",
    "瑶族",
    "白族",
)

PREFECTURES = ("青川", "云岭", "临江", "白石", "安平", "嘉禾", "南屏", "泉阳")
#: Syllables for county and township names: two of them make a plausible place name.
FIRST = "东西南北上下金银石云青白安长永兴丰和平清河沙龙凤桃柳松杉梅竹新古双三高宝仁义太明华富".replace(
    " ", ""
)
SECOND = "山川河湖岭阳江溪口坪坝桥林原峰泉塘湾洲台田岗湖沟堡集营店寨庄铺源浦川亭州"

PROVINCIAL_ORGANS = (
    ("发展和改革委员会", ("办公室", "规划处", "投资处", "经济研究所")),
    ("教育厅", ("办公室", "基础教育处", "教育考试院")),
    ("财政厅", ("办公室", "预算处", "国库处", "财政信息中心")),
    ("人力资源和社会保障厅", ("办公室", "就业促进处")),
    ("自然资源厅", ("办公室", "国土空间规划局")),
    ("生态环境厅", ("办公室",)),
    ("住房和城乡建设厅", ("办公室", "村镇建设处")),
    ("交通运输厅", ("办公室", "公路局")),
    ("农业农村厅", ("办公室", "乡村振兴处")),
    ("卫生健康委员会", ("办公室", "医政医管处")),
    ("民政厅", ("办公室",)),
    ("审计厅", ("办公室",)),
)
SOES = (
    ("示范能源投资集团有限公司", ("示范电力有限公司", "示范煤业有限公司")),
    ("示范交通投资集团有限公司", ("示范高速公路运营有限公司",)),
    ("示范建工集团有限公司", ("示范建工第一建设有限公司", "示范建工第二建设有限公司", "示范路桥有限公司")),
    ("示范农业发展集团有限公司", ()),
    ("示范文化旅游投资集团有限公司", ()),
    ("示范国有资本运营有限公司", ("示范产业投资基金管理有限公司",)),
)
#: ORG-1: the units that are affiliated (直属单位), not internal bodies (内设机构), of a provincial organ.
AFFILIATED_SUFFIXES = ("研究所", "考试院", "中心")
#: ORG-1: the colleges of a university, each with its own Party committee (院系党委, Art. 3 ¶4).
COLLEGES = ("马克思主义学院", "文学院", "计算机科学与技术学院")
UNIVERSITIES = (
    "示范大学",
    "示范师范大学",
    "示范理工大学",
    "示范医科大学",
    "示范农业大学",
    "示范职业技术学院",
)
HOSPITALS = ("示范省人民医院", "示范省中医院", "示范医科大学附属第一医院", "示范省妇幼保健院")
PREFECTURE_ORGANS = ("发展和改革委员会", "教育局", "财政局", "卫生健康委员会")


@dataclass(frozen=True)
class Scale:
    prefectures: int
    counties_per_prefecture: tuple[int, int]
    townships_per_county: tuple[int, int]
    village_townships: int
    villages_per_township: int
    provincial_organs: int
    soes: int
    universities: int
    hospitals: int


SCALES = {
    "full": Scale(
        8, (7, 8), (11, 13), 6, 8, len(PROVINCIAL_ORGANS), len(SOES), len(UNIVERSITIES), len(HOSPITALS)
    ),
    "small": Scale(2, (2, 2), (3, 3), 1, 3, 3, 2, 2, 1),
}


@dataclass
class OrgRow:
    """One organization in the import template's terms (Chinese labels for kind and level)."""

    code: str
    name: str
    short_name: str
    kind: str
    level: str
    parent: str
    is_central_soe: bool = False
    title: str = "书记"  # the secretary's post, as SecretaryTitle's label
    position: str = ""  # the secretary's position, e.g. 中共青川市委书记

    def cells(self) -> list[str]:
        return [
            self.code,
            self.name,
            self.short_name,
            self.kind,
            self.level,
            self.parent,
            "是" if self.is_central_soe else "否",
            "否",
            "2019-12-30",
            "",
            "",
        ]


@dataclass
class PersonRow:
    key: str
    name: str
    gender: str  # "male" / "female"
    ethnicity: str
    birth_month: date
    position: str


@dataclass
class PostRow:
    person: str  # PersonRow.key
    org_code: str
    title: str
    started_on: date
    ended_on: date | None


@dataclass
class Persona:
    username: str
    full_name: str
    role_label: str
    password: str = ""  # set by `shuping demo` on each run (secrets), never part of the source
    role: str = ""  # accounts.Role value; empty for administrators
    org_code: str = ""
    include_subtree: bool = False
    admin_role: str = ""
    person_of: str = ""  # org code whose current secretary this account is (the assessee)
    post: str = ""  # 职务, shown beside the name on documents (field team, transfers, commentary)


@dataclass
class Demo:
    year: int
    orgs: list[OrgRow] = field(default_factory=list)
    people: list[PersonRow] = field(default_factory=list)
    posts: list[PostRow] = field(default_factory=list)
    personas: list[Persona] = field(default_factory=list)

    def count(self, level: str | None = None, kind: str | None = None) -> int:
        return sum(
            1 for o in self.orgs if (level is None or o.level == level) and (kind is None or o.kind == kind)
        )


# Labels exactly as shuping.orgs.choices spells them (the importer accepts labels).
K_LOCAL = "地方党委"
K_TOWNSHIP = "乡镇（街道）党（工）委"
K_ORGANS = "机关工委"
K_SASAC = "国资委党委"
K_EDU = "教育（高校）工委"
K_NONPUBLIC = "非公工委（两新工委）"
K_DEPT = "机关党委 / 党组"
K_INTERNAL = "内设机构党组织"
K_AFFILIATED = "直属单位党组织"
K_COLLEGE = "院系党委"
K_SOE = "国有企业党委"
K_UNIV = "高校党委"
K_HOSPITAL = "公立医院党委"
K_VILLAGE = "村（社区）党组织"
L_PROVINCE = "省（自治区、直辖市）"
L_PREFECTURE = "市（地、州、盟）"
L_COUNTY = "县（市、区、旗）"
L_TOWNSHIP = "乡镇（街道）"
L_VILLAGE = "村（社区）"
L_NONE = "无行政层级"


def _place_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = rng.choice(FIRST) + rng.choice(SECOND)
        if name not in taken and name[0] != name[1]:
            taken.add(name)
            names.append(name)
    return names


def _work_committees(prefix: str, place: str, parent: str, level_word: str) -> list[OrgRow]:
    """The four work committees of one local committee (Art. 8 guidance)."""
    return [
        OrgRow(
            f"{parent}-JG",
            f"中共{place}{level_word}直属机关工作委员会",
            f"{place}{level_word}直机关工委",
            K_ORGANS,
            L_NONE,
            parent,
            position=f"中共{place}{level_word}直属机关工委书记",
        ),
        OrgRow(
            f"{parent}-GZ",
            f"中共{place}{level_word}人民政府国有资产监督管理委员会委员会",
            f"{place}{level_word}国资委党委",
            K_SASAC,
            L_NONE,
            parent,
            position=f"{place}{level_word}国资委党委书记",
        ),
        OrgRow(
            f"{parent}-JY",
            f"中共{place}{level_word}委教育工作委员会",
            f"{place}{level_word}委教育工委",
            K_EDU,
            L_NONE,
            parent,
            position=f"中共{place}{level_word}委教育工委书记",
        ),
        OrgRow(
            f"{parent}-LX",
            f"中共{place}{level_word}委非公有制经济组织和社会组织工作委员会",
            f"{place}{level_word}委两新工委",
            K_NONPUBLIC,
            L_NONE,
            parent,
            position=f"中共{place}{level_word}委两新工委书记",
        ),
    ]


def _orgs(scale: Scale, rng: random.Random) -> list[OrgRow]:
    rows: list[OrgRow] = []
    add = rows.append
    add(OrgRow("SF", "中共示范省委员会", "示范省委", K_LOCAL, L_PROVINCE, "", position="中共示范省委书记"))
    rows.extend(_work_committees("SF", "示范", "SF", "省"))
    for n, (organ, units) in enumerate(PROVINCIAL_ORGANS[: scale.provincial_organs], start=1):
        code = f"SF-JG-{n:02d}"
        add(
            OrgRow(
                code,
                f"中共示范省{organ}党组",
                f"省{organ}党组",
                K_DEPT,
                L_NONE,
                "SF-JG",
                title="党组书记",
                position=f"示范省{organ}党组书记",
            )
        )
        for m, unit in enumerate(units, start=1):
            affiliated = unit.endswith(AFFILIATED_SUFFIXES)
            add(
                OrgRow(
                    f"{code}-{m:02d}",
                    f"示范省{organ}{unit}党{'总支' if affiliated else '支部'}",
                    f"{unit}党{'总支' if affiliated else '支部'}",
                    K_AFFILIATED if affiliated else K_INTERNAL,
                    L_NONE,
                    code,
                    title="党总支书记" if affiliated else "党支部书记",
                    position=f"示范省{organ}{unit}{'党总支书记' if affiliated else '负责人'}",
                )
            )
        if organ == "卫生健康委员会":
            for h, hospital in enumerate(HOSPITALS[: scale.hospitals], start=1):
                add(
                    OrgRow(
                        f"SF-YY-{h:02d}",
                        f"中共{hospital}委员会",
                        f"{hospital}党委",
                        K_HOSPITAL,
                        L_NONE,
                        code,
                        position=f"{hospital}党委书记",
                    )
                )
    for n, (soe, subsidiaries) in enumerate(SOES[: scale.soes], start=1):
        code = f"SF-GZ-{n:02d}"
        add(
            OrgRow(
                code,
                f"中共{soe}委员会",
                f"{soe.replace('有限公司', '')}党委",
                K_SOE,
                L_NONE,
                "SF-GZ",
                position=f"{soe}党委书记、董事长",
            )
        )
        for m, sub in enumerate(subsidiaries, start=1):
            add(
                OrgRow(
                    f"{code}-{m:02d}",
                    f"中共{sub}委员会",
                    f"{sub.replace('有限公司', '')}党委",
                    K_SOE,
                    L_NONE,
                    code,
                    position=f"{sub}党委书记、董事长",
                )
            )
    add(
        OrgRow(
            "SF-ZY-01",
            "中国示范电网有限公司示范省分公司委员会",
            "示范电网省公司党委",
            K_SOE,
            L_NONE,
            "SF",
            is_central_soe=True,
            position="中国示范电网示范省分公司党委书记",
        )
    )
    for n, university in enumerate(UNIVERSITIES[: scale.universities], start=1):
        add(
            OrgRow(
                f"SF-JY-{n:02d}",
                f"中共{university}委员会",
                f"{university}党委",
                K_UNIV,
                L_NONE,
                "SF-JY",
                position=f"{university}党委书记",
            )
        )
        for c, college in enumerate(COLLEGES, start=1):
            add(
                OrgRow(
                    f"SF-JY-{n:02d}-{c:02d}",
                    f"中共{university}{college}委员会",
                    f"{college}党委",
                    K_COLLEGE,
                    L_NONE,
                    f"SF-JY-{n:02d}",
                    position=f"{university}{college}党委书记",
                )
            )
    taken: set[str] = set(PREFECTURES)
    village_budget = scale.village_townships
    for p, place in enumerate(PREFECTURES[: scale.prefectures], start=1):
        pcode = f"SF{p:02d}"
        add(
            OrgRow(
                pcode,
                f"中共{place}市委员会",
                f"{place}市委",
                K_LOCAL,
                L_PREFECTURE,
                "SF",
                position=f"中共{place}市委书记",
            )
        )
        rows.extend(_work_committees(pcode, place, pcode, "市"))
        for o, organ in enumerate(PREFECTURE_ORGANS, start=1):
            add(
                OrgRow(
                    f"{pcode}-JG-{o:02d}",
                    f"中共{place}市{organ}党组",
                    f"{place}市{organ}党组",
                    K_DEPT,
                    L_NONE,
                    f"{pcode}-JG",
                    title="党组书记",
                    position=f"{place}市{organ}党组书记",
                )
            )
        counties = rng.randint(*scale.counties_per_prefecture)
        for c, cname in enumerate(_place_names(rng, counties, taken), start=1):
            suffix = "区" if c <= 2 else rng.choice("县县县市")
            ccode = f"{pcode}{c:02d}"
            full = f"{cname}{suffix}"
            add(
                OrgRow(
                    ccode,
                    f"中共{full}委员会",
                    f"{full}委",
                    K_LOCAL,
                    L_COUNTY,
                    pcode,
                    position=f"中共{full}委书记",
                )
            )
            rows.extend(_work_committees(ccode, cname, ccode, suffix))
            townships = rng.randint(*scale.townships_per_county)
            for t, tname in enumerate(_place_names(rng, townships, set()), start=1):
                tcode = f"{ccode}{t:03d}"
                kind_word = "街道" if suffix == "区" and t <= 4 else rng.choice(("镇", "镇", "镇", "乡"))
                if kind_word == "街道":
                    add(
                        OrgRow(
                            tcode,
                            f"中共{full}{tname}街道工作委员会",
                            f"{tname}街道党工委",
                            K_TOWNSHIP,
                            L_TOWNSHIP,
                            ccode,
                            title="党工委书记",
                            position=f"{full}{tname}街道党工委书记",
                        )
                    )
                else:
                    add(
                        OrgRow(
                            tcode,
                            f"中共{full}{tname}{kind_word}委员会",
                            f"{tname}{kind_word}党委",
                            K_TOWNSHIP,
                            L_TOWNSHIP,
                            ccode,
                            position=f"{full}{tname}{kind_word}党委书记",
                        )
                    )
                if village_budget > 0 and t == 1 and c <= 2:
                    village_budget -= 1
                    for v, vname in enumerate(_place_names(rng, scale.villages_per_township, set()), start=1):
                        word = "社区" if kind_word == "街道" else "村"
                        add(
                            OrgRow(
                                f"{tcode}{v:03d}",
                                f"中共{tname}{kind_word}{vname}{word}委员会",
                                f"{vname}{word}党委",
                                K_VILLAGE,
                                L_VILLAGE,
                                tcode,
                                position=f"{vname}{word}党组织书记",
                            )
                        )
    return rows


def _person(fake: Faker, rng: random.Random, key: str, position: str, year: int) -> PersonRow:
    female = rng.random() < 0.22
    name = fake.name_female() if female else fake.name_male()
    ethnicity = "汉族" if rng.random() < 0.9 else rng.choice(ETHNIC_MINORITIES)
    birth = date(rng.randint(year - 58, year - 36), rng.randint(1, 12), 1)
    return PersonRow(key, name, "female" if female else "male", ethnicity, birth, position)


def _posts(demo: Demo, fake: Faker, rng: random.Random) -> None:
    """One secretary per organization; a few mid-year changes and a few tenures under six months."""
    year = demo.year
    candidates = [o for o in demo.orgs if o.level in (L_COUNTY, L_TOWNSHIP)]
    changed = {o.code: "mid" for o in rng.sample(candidates, min(12, len(candidates) // 6))}
    rest = [o for o in candidates if o.code not in changed]
    changed.update({o.code: "late" for o in rng.sample(rest, min(8, len(rest) // 8))})
    for org in demo.orgs:
        key = f"P{len(demo.people) + 1:05d}"
        mode = changed.get(org.code)
        if mode is None:
            person = _person(fake, rng, key, org.position, year)
            demo.people.append(person)
            started = date(rng.randint(year - 5, year - 1), rng.randint(1, 12), rng.randint(1, 28))
            demo.posts.append(PostRow(key, org.code, org.title, started, None))
            continue
        # A handover in the assessed year: the predecessor's post ends, the successor's starts next day.
        predecessor = _person(fake, rng, key, "", year)
        predecessor.position = "（已调任）"
        demo.people.append(predecessor)
        handover = (
            date(year, rng.randint(3, 5), rng.randint(1, 28))
            if mode == "mid"
            else date(year, rng.randint(8, 10), rng.randint(1, 28))
        )
        started = date(rng.randint(year - 6, year - 2), rng.randint(1, 12), rng.randint(1, 28))
        demo.posts.append(PostRow(key, org.code, org.title, started, handover - timedelta(days=1)))
        successor_key = f"P{len(demo.people) + 1:05d}"
        demo.people.append(_person(fake, rng, successor_key, org.position, year))
        demo.posts.append(PostRow(successor_key, org.code, org.title, handover, None))


def _personas(first_prefecture: str, first_county: str) -> list[Persona]:
    """The demo's accounts: people named by name, with their post (职务) kept beside the name. Passwords are
    not part of the data: `shuping demo` generates them on every run and prints them once."""
    return [
        Persona(
            "sheng_zuzhi",
            "王建华",
            "组织部门工作人员（示范省委，含下级）",
            role="organizer_staff",
            org_code="SF",
            include_subtree=True,
            post="示范省委组织部组织一处副处长",
        ),
        Persona(
            "sheng_buzhang",
            "李志明",
            "部门领导（示范省委，含下级）",
            role="department_leader",
            org_code="SF",
            include_subtree=True,
            post="示范省委常委、组织部部长",
        ),
        Persona(
            "shi_zuzhi",
            "赵晓燕",
            "组织部门工作人员（青川市委，含下级）",
            role="organizer_staff",
            org_code=first_prefecture,
            include_subtree=True,
            post="青川市委组织部组织科科长",
        ),
        Persona(
            "xian_zuzhi",
            "钱立新",
            "组织部门工作人员（首个县区委，含下级）",
            role="organizer_staff",
            org_code=first_county,
            include_subtree=True,
            post="县委组织部组织股股长",
        ),
        Persona(
            "lianluoyuan",
            "孙丽娟",
            "联络员（青川市委）",
            role="liaison",
            org_code=first_prefecture,
            post="青川市委办公室综合科科长",
        ),
        Persona("shuji", "", "考核对象（青川市委书记）", person_of=first_prefecture),
        # Sent by the province to guide 青川市's round (Art. 8): a standing guidance grant over 青川市 and the
        # counties under it; the demo assigns them to the prefecture's campaign and names them at its meeting.
        Persona(
            "zhidao",
            "周文斌",
            "上级指导人员（省委组织部派出，指导青川市委及所属县区）",
            role="guidance_staff",
            org_code=first_prefecture,
            include_subtree=True,
            post="示范省委组织部组织二处二级调研员",
        ),
        # The field team's leader: no standing grant; the demo's field plan grants FIELD_ASSESSOR on the
        # provincial campaign (campaign roles, SEC-1).
        Persona("kaohe", "郑卫东", "实地考核组组长（省委第一考核组）", post="示范省委组织部组织一处处长"),
        # The three administrators (三员分立) are people too, named by name and post like everyone else.
        Persona("xitong", "何俊峰", "系统管理员", admin_role="system", post="示范省委组织部信息中心工程师"),
        Persona("anquan", "林晓敏", "安全管理员", admin_role="security", post="示范省委组织部信息中心保密员"),
        Persona(
            "shenji", "邓国强", "审计管理员", admin_role="audit", post="示范省委组织部干部监督处主任科员"
        ),
    ]


def generate(*, scale: str = "full", year: int = 2025, seed: int = SEED) -> Demo:
    """The whole demo province as data; the same arguments always give the same result."""
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    demo = Demo(year=year)
    demo.orgs = _orgs(SCALES[scale], rng)
    _posts(demo, fake, rng)
    demo.personas = _personas("SF01", "SF0101")
    secretary = {post.org_code: post.person for post in demo.posts if post.ended_on is None}
    names = {person.key: person.name for person in demo.people}
    short = {org.code: org.short_name for org in demo.orgs}
    for persona in demo.personas:
        if persona.person_of:
            persona.full_name = names[secretary[persona.person_of]]
            persona.post = next(o.position for o in demo.orgs if o.code == persona.person_of)
        persona.role_label = persona.role_label.replace("首个县区委", short["SF0101"])
        persona.post = persona.post.replace("县委组织部", short["SF0101"] + "组织部")
    return demo
