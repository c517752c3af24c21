"""DSC-3: the receipt columns in clear are dropped, once 0006 converted their rows (its own transaction,
so PostgreSQL alters the tables after the converted rows are committed)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ballots", "0006_receipt_digests")]

    operations = [
        migrations.RemoveField(model_name="ballot", name="receipt"),
        migrations.RemoveField(model_name="papercheck", name="receipt"),
        migrations.RemoveField(model_name="ballotsession", name="receipt"),
        migrations.RemoveField(model_name="ballotsession", name="receipt_due"),
        migrations.AddConstraint(
            model_name="ballot",
            constraint=models.UniqueConstraint(fields=("box", "receipt_hash"), name="ballots_ballot_unique_receipt"),
        ),
        migrations.AddConstraint(
            model_name="papercheck",
            constraint=models.UniqueConstraint(fields=("box", "receipt_hash"), name="ballots_papercheck_unique"),
        ),
    ]
