"""`shuping check`: Django's system checks, then the fonts documents are set in (DOC-4).

Says which GB/T 9704 roles (小标宋, 仿宋, 黑体, 楷体) are set in a stand-in and how to install the licensed
fonts (SHUPING_FONT_DIR); a machine without any Chinese font is reported as an error (exit status 1).
"""

from __future__ import annotations

from django.core.management.base import CommandError
from django.core.management.commands.check import Command as DjangoCheck

from shuping.core.errors import DomainError


class Command(DjangoCheck):
    help = "系统检查，并报告公文所用字体（缺少正式字体时使用的替代字体及安装方法）。"

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        from shuping.documents.fonts import configured_fonts

        try:
            fonts = configured_fonts()
        except DomainError as error:
            raise CommandError(f"公文字体：{error.message}") from error
        for attribute, role in (("title", "小标宋"), ("body", "仿宋"), ("heading", "黑体"), ("kai", "楷体")):
            face = getattr(fonts, attribute)
            self.stdout.write(f"公文字体 {role}：{face.family}（{face.path}）")
        report = fonts.report()
        if report:
            self.stdout.write(self.style.WARNING(report))
        else:
            self.stdout.write(self.style.SUCCESS("公文字体：四种字体均为正式字体。"))
