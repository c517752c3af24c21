# MTG-2, BAL-6 — docs/adr/0006-recusal-boxes.md.
#
# Before: an attendee who is also a reporter voted in a 回避 box of their own (`recusing_attendee`), rating
# every other reporter alone — a single-voter box whose tally showed exactly how they rated each colleague.
# After: per venue a main box without the recused reporters, and one 单列 box per recused reporter
# (`recused_assessment`) in which everybody but them votes.
#
# Existing rows cannot be turned into the new design without re-voting (their ballots are sealed as they
# were cast), so a box made the old way is kept, still counted, and marked `is_legacy_recusal` with the
# recusing attendee's own assessment in `recused_assessment` — the meeting page warns that its own tally
# identifies its voter. Nothing is deleted.

import django.db.models.deletion
from django.db import migrations, models


def mark_legacy_recusal_boxes(apps, schema_editor):
    MeetingBox = apps.get_model("meetings", "MeetingBox")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for mb in MeetingBox.objects.filter(recusing_attendee__isnull=False).select_related("recusing_attendee"):
        person_id = mb.recusing_attendee.person_id
        item = (
            AgendaItem.objects.filter(meeting_id=mb.meeting_id, assessment__person_id=person_id).first()
            if person_id
            else None
        )
        mb.is_legacy_recusal = True
        mb.recused_assessment_id = item.assessment_id if item else None
        mb.save(update_fields=["is_legacy_recusal", "recused_assessment"])


def unmark_legacy_recusal_boxes(apps, schema_editor):
    MeetingBox = apps.get_model("meetings", "MeetingBox")
    Attendee = apps.get_model("meetings", "Attendee")
    for mb in MeetingBox.objects.filter(is_legacy_recusal=True).select_related("recused_assessment"):
        person_id = mb.recused_assessment.person_id if mb.recused_assessment_id else None
        attendee = Attendee.objects.filter(group__venue_id=mb.venue_id, person_id=person_id).first()
        mb.recusing_attendee_id = attendee.pk if attendee else None
        mb.save(update_fields=["recusing_attendee"])
    if MeetingBox.objects.filter(is_legacy_recusal=False, recused_assessment__isnull=False).exists():
        raise RuntimeError("会议中已有按单列票箱建立的回避票箱（ADR 0006），旧模型无法表示，不能回退此迁移。")


class Migration(migrations.Migration):
    dependencies = [
        ("ballots", "0004_subject_assessment"),
        ("campaigns", "0002_predecessor"),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="meetingbox",
            name="is_legacy_recusal",
            field=models.BooleanField(default=False, editable=False, verbose_name="旧式回避票箱（单人投票）"),
        ),
        migrations.AddField(
            model_name="meetingbox",
            name="recused_assessment",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="recusal_boxes",
                to="campaigns.assessment",
                verbose_name="单列测评的述职人（本人回避）",
            ),
        ),
        migrations.RunPython(mark_legacy_recusal_boxes, unmark_legacy_recusal_boxes),
        migrations.AlterModelOptions(
            name="meetingbox",
            options={
                "ordering": ["meeting", "venue", "pk"],
                "verbose_name": "会议票箱",
                "verbose_name_plural": "会议票箱",
            },
        ),
        migrations.RemoveField(model_name="meetingbox", name="recusing_attendee"),
        migrations.AddConstraint(
            model_name="meetingbox",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_legacy_recusal", False), ("recused_assessment__isnull", False)),
                fields=("venue", "recused_assessment"),
                name="meetings_box_one_recusal_box_per_venue_reporter",
            ),
        ),
    ]
