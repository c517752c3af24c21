"""Database triggers refusing UPDATE and DELETE on audit rows, per vendor (INT-2, shuping/audit/guard.py).

A later migration that rebuilds `audit_auditevent` or `audit_checkpoint` on SQLite (Django remakes the
table for most ALTERs) drops these triggers with the old table: it must call `guard.install` again.
"""

from django.db import migrations


def install(apps, schema_editor):
    from shuping.audit import guard

    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    from shuping.audit import guard

    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
