"""Factories for organizations, people and secretaryships; they write through the services.

org = OrganizationFactory(parent=world.county)             # a township under the persona county
person = PersonFactory(name="张三")
SecretaryshipFactory(person=person, organization=org, started_on=date(2024, 3, 1))
"""

from __future__ import annotations

from datetime import date

import factory

from shuping.orgs import services
from shuping.orgs.choices import AdminLevel, Gender, OrgKind, SecretaryTitle
from shuping.orgs.models import GuidanceRelation, Organization, Person, Secretaryship


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"中共测试{n}镇委员会")
    short_name = factory.Sequence(lambda n: f"测试{n}镇党委")
    code = factory.Sequence(lambda n: f"F-{n:06d}")
    kind = OrgKind.TOWNSHIP_COMMITTEE
    admin_level = AdminLevel.TOWNSHIP
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_organization(**kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Faker("name", locale="zh_CN")
    gender = Gender.MALE
    ethnicity = "汉族"
    birth_month = date(1975, 6, 1)
    position = "党委书记"
    phone = ""
    user = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_person(actor=None, source="system", **kwargs)


class SecretaryshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Secretaryship

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    title = SecretaryTitle.SECRETARY
    started_on = date(2021, 1, 1)
    ended_on = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_secretaryship(actor=None, source="system", **kwargs)


class GuidanceRelationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidanceRelation

    guiding = factory.SubFactory(
        OrganizationFactory, kind=OrgKind.ORGANS_WORK_COMMITTEE, admin_level=AdminLevel.NONE
    )
    guided = factory.SubFactory(
        OrganizationFactory, kind=OrgKind.DEPARTMENT_ORGAN_COMMITTEE, admin_level=AdminLevel.NONE
    )
    kind = "organs_work_committee"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return services.create_guidance_relation(actor=None, source="system", **kwargs)
