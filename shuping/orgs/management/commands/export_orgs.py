"""`shuping export_orgs CODE FILE`: export an organization's subtree in the import template's columns (ORG-4)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from shuping.orgs.exports import export_organizations
from shuping.orgs.models import Organization, subtree_q


class Command(BaseCommand):
    help = "把一个党组织及其全部下级导出为 .xlsx 或 .csv（列与导入模板一致，可直接重新导入）"

    def add_arguments(self, parser):
        parser.add_argument("code", help="子树根组织的组织代码")
        parser.add_argument("file", help="输出文件，扩展名 .xlsx 或 .csv")

    def handle(self, *args, **options):
        root = Organization.objects.filter(code=options["code"]).first()
        if root is None:
            raise CommandError(_("找不到组织代码：%(code)s") % {"code": options["code"]})
        path = Path(options["file"])
        fmt = "csv" if path.suffix.lower() == ".csv" else "xlsx"
        organizations = Organization.objects.filter(subtree_q(root.path))
        path.write_bytes(export_organizations(organizations, fmt=fmt))
        self.stdout.write(
            _("已导出 %(count)s 个党组织到 %(path)s") % {"count": organizations.count(), "path": path}
        )
