"""API-1: docs/integration.md's curl examples run, in order, against the running application.

The guide is executed, not just read: every ```sh block of it runs in one bash session with the
guide's variables pointed at a live server and a real token, so an example that stops working fails here.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from shuping.accounts.choices import Role
from shuping.accounts.models import RoleGrant
from shuping.accounts.services import issue_api_token
from shuping.campaigns.models import Assessment, Campaign
from shuping.orgs.models import Organization

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "integration.md"


def guide_blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.req("API-1", "API-2")
def test_the_integration_guide_runs_against_the_application(live_server, transactional_db):
    from tests.personas import build_world

    assert shutil.which("curl"), "curl is needed to run the guide (Makefile APT_PACKAGES)"
    world = build_world()
    clerk = world.users["organizer_staff"]
    RoleGrant.objects.create(user=clerk, role=Role.ORGANIZER_STAFF, organization=world.county)
    _token, token = issue_api_token(actor=clerk, name="县委组织部系统")
    blocks = guide_blocks()
    assert len(blocks) >= 6 and all("curl" in b or "export" in b for b in blocks)
    # The first block sets the variables for a real deployment; point them at this server instead.
    setup = (
        f'export SHUPING="{live_server.url}"\nexport TOKEN="{token}"\nexport ORG_CODE="{world.county.code}"\n'
    )
    script = (
        "set -euo pipefail\n"
        + setup
        + "\n".join(f"echo '=== block {i}'\n{b}" for i, b in enumerate(blocks[1:], 1))
    )
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    # What the guide says happened, happened — through the same services, in the token's account's name.
    town = Organization.objects.get(code="QS-TOWN")
    assert town.parent_id == world.county.pk
    campaign = Campaign.objects.get(organizer=world.county, year=2026)
    assert campaign.is_scope_confirmed
    assert Assessment.objects.filter(campaign=campaign, organization=town, is_excluded=False).exists()
    # The last example shows the error body: 422 with a Chinese detail naming the field.
    error = json.loads(result.stdout.strip().splitlines()[-1])
    assert error["detail"] and any(e["field"] == "year" for e in error["errors"])
