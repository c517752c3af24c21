"""`shuping offline load | results | status` — the venue laptop's side of the offline venue pack (MTG-6).

load     verifies a venue pack (SM3 digest and HMAC-SM3 signature under the pairing secret printed on the
         paper pack) and sets up its ballot box here, with a clerk account; prints what to open next.
results  writes the sealed results file of a closed box, from its stored ballots, to carry back.
status   lists the packs loaded on this laptop and the state of their boxes.

Design and threat model: docs/adr/0005-offline-venue.md.
"""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.urls import reverse

from shuping.core.errors import DomainError
from shuping.core.management.audited import AuditedCommand

from ... import offline
from ...models import OfflineVenue


class Command(AuditedCommand):
    help = "离线会场（笔记本）：load 载入会场包；results 生成结果文件；status 查看已载入的会场包。"

    def add_arguments(self, parser: Any) -> None:
        commands = parser.add_subparsers(dest="subcommand", required=True, metavar="{load,results,status}")
        load = commands.add_parser("load", help="校验并载入离线会场包，建立本机票箱和工作人员账号")
        load.add_argument("pack", help="离线会场包文件（总部导出的 .json）")
        load.add_argument("--secret", default="", help="会场包封面上打印的配对密钥（不填则提示输入）")
        load.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="本机网页地址，用于提示打开哪些页面（默认 http://127.0.0.1:8000）",
        )
        results = commands.add_parser("results", help="票箱封箱后，生成带签名的结果文件")
        results.add_argument("--out", required=True, help="结果文件保存位置，例如 U 盘上的 结果.json")
        results.add_argument("--serial", default="", help="会场包编号（本机载入了多个会场包时必填）")
        commands.add_parser("status", help="列出本机已载入的会场包")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        try:
            if subcommand == "load":
                self._load(options["pack"], options["secret"], options["base_url"].rstrip("/"))
            elif subcommand == "results":
                self._results(options["out"], options["serial"])
            else:
                self._status()
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _load(self, path: str, secret: str, base: str) -> None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"无法读取会场包文件：{path}（{exc.strerror}）") from exc
        if not secret:
            secret = getpass.getpass("请输入会场包封面上打印的配对密钥：")
        loaded = offline.load_pack(data=data, secret=secret)
        venue = loaded.venue
        payload = venue.pack["payload"]
        box = venue.box
        counts = "、".join(f"{k} {v} 张" for k, v in sorted(payload["slip_counts"].items()))
        w = self.stdout.write
        w(self.style.SUCCESS("会场包校验通过（SM3 摘要和签名一致），已载入。"))
        w(f"会议：{payload['meeting']['title']}（{payload['meeting']['held_on']}）")
        w(f"会场：{payload['meeting']['venue']}")
        w(
            f"票箱：{box.title}，测评对象 {box.subjects.count()} 位，凭条 {box.credentials.count()} 张（{counts}）"
        )
        w(f"会场包编号：{venue.serial}")
        w("")
        w(f"工作人员账号：{loaded.clerk_username}")
        w(f"初始密码：{loaded.clerk_password}（只显示这一次；首次登录须修改）")
        w("")
        w("接下来：")
        w("  1. 在会场局域网中启动本机服务，例如：shuping runserver 0.0.0.0:8000")
        if payload.get("vote_url"):
            w(f"     凭条二维码指向 {payload['vote_url']}，请让本机使用这个地址（IP 和端口）。")
        w(f"  2. 打开票箱页面并登录，开始投票：{base}{reverse('ballots:detail', args=[box.pk])}")
        w(f"     手机投票地址：{base}{reverse('vote:page')}（扫描凭条二维码，或打开后输入凭证码）")
        w(f"     纸质票录入：{base}{reverse('ballots:paper', args=[box.pk])}")
        w(f"     清点核对和计票结果报告单：{base}{reverse('ballots:reconcile', args=[box.pk])}")
        w("  3. 结束投票并封箱后，在票箱页面“离线会场结果文件”中点“导出结果文件”，带回总部导入；")
        w("     也可在命令行生成：shuping offline results --out 结果文件.json")

    def _results(self, out: str, serial: str) -> None:
        venues = OfflineVenue.objects.select_related("box")
        if serial:
            venue = venues.filter(serial=serial).first() if _is_uuid(serial) else None
            if venue is None:
                raise CommandError(f"本机没有编号为 {serial} 的会场包。")
        else:
            found = list(venues[:2])
            if not found:
                raise CommandError("本机尚未载入离线会场包：请先运行 shuping offline load 会场包文件。")
            if len(found) > 1:
                raise CommandError(
                    "本机载入了多个会场包，请用 --serial 指定会场包编号（见 shuping offline status）。"
                )
            venue = found[0]
        data = offline.venue_results(venue=venue)
        target = Path(out)
        try:
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"无法写入结果文件：{out}（{exc.strerror}）") from exc
        venue.refresh_from_db()
        w = self.stdout.write
        w(self.style.SUCCESS(f"结果文件已生成：{target}"))
        w(
            f"选票 {len(offline.json.loads(data)['payload']['tally_inputs'])} 张；文件 SM3 摘要：{venue.results_sm3}"
        )
        w("请把摘要抄在计票结果报告单上由监票人签字，结果文件带回总部在会议页面“导入离线会场结果”。")

    def _status(self) -> None:
        venues = list(OfflineVenue.objects.select_related("box"))
        if not venues:
            self.stdout.write("本机尚未载入离线会场包。")
            return
        for v in venues:
            written = f"结果文件已生成（SM3 {v.results_sm3[:16]}…）" if v.results_sm3 else "尚未生成结果文件"
            self.stdout.write(f"{v.serial}  {v.box.title}  票箱：{v.box.get_status_display()}  {written}")


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
