"""Organization kinds and administrative levels (ORG-1, Art. 3)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    LOCAL_COMMITTEE = "local_committee", _("地方党委")
    TOWNSHIP_COMMITTEE = "township_committee", _("乡镇（街道）党（工）委")
    ORGANS_WORK_COMMITTEE = "organs_work_committee", _("机关工委")
    SASAC_COMMITTEE = "sasac_committee", _("国资委党委")
    EDUCATION_WORK_COMMITTEE = "education_work_committee", _("教育（高校）工委")
    NON_PUBLIC_WORK_COMMITTEE = "non_public_work_committee", _("非公工委（两新工委）")
    DEPARTMENT_ORGAN_COMMITTEE = "department_organ_committee", _("机关党委 / 党组")
    INTERNAL_UNIT = "internal_unit", _("内设机构党组织")
    AFFILIATED_UNIT = "affiliated_unit", _("直属单位党组织")
    SOE_COMMITTEE = "soe_committee", _("国有企业党委")
    UNIVERSITY_COMMITTEE = "university_committee", _("高校党委")
    COLLEGE_COMMITTEE = "college_committee", _("院系党委")
    HOSPITAL_COMMITTEE = "hospital_committee", _("公立医院党委")
    PUBLIC_INSTITUTION = "public_institution", _("其他事业单位党组织")
    VILLAGE_COMMITTEE = "village_committee", _("村（社区）党组织")
    GRASSROOTS = "grassroots", _("基层党组织（党总支 / 党支部）")


class AdminLevel(models.TextChoices):
    CENTRAL = "central", _("中央")
    PROVINCE = "province", _("省（自治区、直辖市）")
    PREFECTURE = "prefecture", _("市（地、州、盟）")
    COUNTY = "county", _("县（市、区、旗）")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")
    NONE = "none", _("无行政层级")


class GuidanceKind(models.TextChoices):
    """Art. 8: 组织部门会同机关工委、国资委党委、教育工委等加强指导 — a relation besides affiliation (ORG-5)."""

    ORGANS_WORK_COMMITTEE = "organs_work_committee", _("机关工委指导")
    SASAC_COMMITTEE = "sasac_committee", _("国资委党委指导")
    EDUCATION_WORK_COMMITTEE = "education_work_committee", _("教育（高校）工委指导")
    NON_PUBLIC_WORK_COMMITTEE = "non_public_work_committee", _("非公工委（两新工委）指导")
    ORGANIZATION_DEPARTMENT = "organization_department", _("组织部门指导")
    OTHER = "other", _("其他业务指导")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class SecretaryTitle(models.TextChoices):
    """The secretary's post (ORG-3): who reports under Art. 3 depends on the organization's kind."""

    SECRETARY = "secretary", _("书记")
    PARTY_GROUP_SECRETARY = "party_group_secretary", _("党组书记")
    WORKING_COMMITTEE_SECRETARY = "working_committee_secretary", _("党工委书记")
    GENERAL_BRANCH_SECRETARY = "general_branch_secretary", _("党总支书记")
    BRANCH_SECRETARY = "branch_secretary", _("党支部书记")


class TenureFlag(models.TextChoices):
    """Flags shown to the organizer for an assessed year (ORG-3); codes match shuping.orgs.rules."""

    MID_YEAR_CHANGE = "mid_year_change", _("年中调整")
    UNDER_SIX_MONTHS = "under_six_months", _("任职不满半年")
