"""RCT-2 guard (INT-4): "never close your own item" holds for people who DO hold closing rights — an
assessee's liaison, and the assessee, who are also organizer staff of the campaign."""

from __future__ import annotations

import pytest

from shuping.accounts.models import Role, RoleGrant, User
from shuping.rectification import permissions, services
from shuping.rectification.choices import ItemStatus

from .test_services import confirmed_list


@pytest.mark.req("RCT-2", "INT-4")
@pytest.mark.parametrize("who", ["liaison", "assessee"])
def test_staff_with_closing_rights_still_never_close_their_own_item(world, who):
    campaign, _assessment, rlist = confirmed_list(world)
    item = rlist.items.first()
    services.add_progress(actor=world.liaison, item=item, text="已整改完毕", marks_done=True)
    user = getattr(world, who)
    RoleGrant.objects.create(
        user=user, role=Role.ORGANIZER_STAFF, organization=campaign.organizer, include_subtree=True
    )
    user = User.objects.get(pk=user.pk)  # no cached roles
    # They hold closing rights for the campaign — for every other item they could close it …
    assert permissions.can_manage_rectification(user, campaign)
    item.refresh_from_db()
    assert not permissions.can_close_item(user, item)
    with pytest.raises(services.RectificationConflict):
        services.close_items(actor=user, items=[item])
    item.refresh_from_db()
    assert item.status == ItemStatus.DONE_REPORTED
    # … and someone else's closing rights close it.
    services.close_items(actor=world.organizer_staff, items=[item])
    item.refresh_from_db()
    assert item.status == ItemStatus.CLOSED
