"""DSC-3: receipts kept only as keyed digests — ballots, paper checks and ballot sessions.

Existing rows are converted in place: a ballot's and a paper check's receipt becomes its HMAC-SM3 digest
under the "ballot-receipt-digest" subkey; an open session's receipt is sealed (SM4-GCM, bound to its token
hash) and digested, an accepted one marked `is_accepted`. Backwards the columns come back empty. On
PostgreSQL the dropped columns' bytes stay in the table files until rewritten: run
`VACUUM FULL ballots_ballot, ballots_papercheck, ballots_ballotsession` after upgrading (ADR 0004).
"""

from django.db import migrations, models


def _digest(receipt):
    from shuping.core import crypto

    return crypto.hmac_sm3("ballot-receipt-digest", receipt.encode("ascii", "ignore")).hex()


def _seal(receipt, token_hash):
    from shuping.core import crypto

    return crypto.encrypt(
        receipt.encode("ascii"), associated_data=f"ballots.session.receipt/{token_hash}".encode()
    )


def digest_receipts(apps, schema_editor):
    Ballot = apps.get_model("ballots", "Ballot")
    PaperCheck = apps.get_model("ballots", "PaperCheck")
    BallotSession = apps.get_model("ballots", "BallotSession")
    for model in (Ballot, PaperCheck):
        for pk, receipt in model.objects.values_list("pk", "receipt").iterator():
            model.objects.filter(pk=pk).update(receipt_hash=_digest(receipt), receipt="")
    for pk, token_hash, receipt, due in BallotSession.objects.values_list(
        "pk", "token_hash", "receipt", "receipt_due"
    ).iterator():
        given = receipt or due
        if not given:  # a session from before receipts were derived: the voter starts again
            continue
        BallotSession.objects.filter(pk=pk).update(
            receipt_hash=_digest(given),
            receipt_sealed=_seal(given, token_hash),
            is_accepted=bool(receipt),
            receipt="",
            receipt_due="",
        )


class Migration(migrations.Migration):
    dependencies = [("ballots", "0005_box_slip_key")]

    operations = [
        migrations.RemoveConstraint(model_name="ballot", name="ballots_ballot_unique_receipt"),
        migrations.RemoveConstraint(model_name="papercheck", name="ballots_papercheck_unique"),
        migrations.AddField(
            model_name="ballot",
            name="receipt_hash",
            field=models.CharField(default="", max_length=64, verbose_name="回执码摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="papercheck",
            name="receipt_hash",
            field=models.CharField(default="", max_length=64, verbose_name="回执码摘要"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="ballotsession",
            name="receipt_hash",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AddField(
            model_name="ballotsession",
            name="receipt_sealed",
            field=models.BinaryField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="ballotsession",
            name="is_accepted",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(digest_receipts, migrations.RunPython.noop, elidable=False),
    ]
