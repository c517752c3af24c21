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
    INTERNAL_UNIT = "internal_unit", _("内设机构或直属单位党组织")
    SOE_COMMITTEE = "soe_committee", _("国有企业党委")
    UNIVERSITY_COMMITTEE = "university_committee", _("高校党委")
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
