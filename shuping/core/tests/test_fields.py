"""SEC-7: encrypted personal fields at rest and their blind index, through a real database table.

The test model lives in its own app registry (`Meta.apps`), so it never joins the project's models:
`makemigrations --check` and other tests cannot see it. Its table is created once per module outside
the per-test transaction (SQLite's schema editor refuses to run inside one) and dropped afterwards.
"""

from __future__ import annotations

import base64

import pytest
from django.apps.registry import Apps
from django.core.exceptions import FieldError
from django.db import connection, models
from django.db.migrations.writer import MigrationWriter
from django.test import override_settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shuping.core import crypto
from shuping.core.crypto import DecryptionError, blind_index
from shuping.core.fields import BlindIndexField, EncryptedTextField, update_blind_indexes

pytestmark = pytest.mark.req("SEC-7")

isolated_apps = Apps(installed_apps=[])


class SecretPerson(models.Model):
    """A person with two encrypted personal fields, one of them searchable."""

    name = models.CharField(max_length=50)
    phone = EncryptedTextField(blank=True, null=True)
    phone_index = BlindIndexField(source="phone")
    id_number = EncryptedTextField(blank=True, default="")

    class Meta:
        app_label = "core"
        apps = isolated_apps
        db_table = "core_test_secret_person"

    def __str__(self) -> str:
        return self.name


@pytest.fixture(scope="module")
def person_table(django_db_setup, django_db_blocker):
    """Create the test table in this worker's test database for the module, then drop it."""
    with django_db_blocker.unblock():
        table = SecretPerson._meta.db_table
        if table in connection.introspection.table_names():  # left over by an interrupted --reuse-db run
            with connection.schema_editor() as editor:
                editor.delete_model(SecretPerson)
        with connection.schema_editor() as editor:
            editor.create_model(SecretPerson)
        yield
        with connection.schema_editor() as editor:
            editor.delete_model(SecretPerson)


@pytest.fixture
def people(person_table, db):
    """Transactions of `db` roll each test's rows back; the table itself stays for the module."""
    crypto.reset_provider()
    yield SecretPerson.objects
    crypto.reset_provider()


def stored(pk: int, column: str) -> str | None:
    """The raw column value, bypassing the field (what a database administrator sees)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM core_test_secret_person WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def field(name: str) -> EncryptedTextField:
    return SecretPerson._meta.get_field(name)  # type: ignore[return-value]


# --- without a database ---------------------------------------------------------------------------


def test_prep_value_is_base64_ciphertext_bound_to_model_and_field():
    prepared = field("phone").get_prep_value("13800000000")
    token = base64.b64decode(prepared)
    assert "13800000000" not in prepared
    assert crypto.decrypt(token, associated_data=b"core.secretperson.phone") == b"13800000000"
    assert field("phone").from_db_value(prepared, None, connection) == "13800000000"


def test_none_and_empty_are_not_encrypted():
    assert field("phone").get_prep_value(None) is None
    assert field("phone").get_prep_value("") == ""
    assert field("phone").from_db_value(None, None, connection) is None
    assert field("phone").from_db_value("", None, connection) == ""


def test_a_value_from_another_column_is_refused():
    prepared = field("phone").get_prep_value("13800000000")
    with pytest.raises(DecryptionError, match=r"core\.secretperson\.id_number"):
        field("id_number").from_db_value(prepared, None, connection)


def test_a_stored_value_that_is_not_base64_is_refused():
    with pytest.raises(DecryptionError):
        field("phone").from_db_value("13800000000 plaintext!", None, connection)


@hypothesis_settings(deadline=None)
@given(value=st.text(min_size=1, max_size=500))
def test_any_text_survives_prep_and_load(value):
    prepared = field("id_number").get_prep_value(value)
    assert field("id_number").from_db_value(prepared, None, connection) == value


def test_an_explicit_binding_survives_a_rename():
    renamed = EncryptedTextField(binding="core.secretperson.phone")
    renamed.set_attributes_from_name("mobile")
    prepared = field("phone").get_prep_value("13800000000")
    assert renamed.from_db_value(prepared, None, connection) == "13800000000"


def test_fields_serialise_into_migrations_and_reconstruct():
    for original in (
        EncryptedTextField(blank=True),
        EncryptedTextField(binding="accounts.person.phone", null=True),
        BlindIndexField(source="phone"),
        BlindIndexField(source="phone", label="mobile", db_index=False, null=False),
    ):
        original.set_attributes_from_name("f")
        name, path, args, kwargs = original.deconstruct()
        assert path.startswith("shuping.core.fields.")
        rebuilt = type(original)(*args, **kwargs)
        rebuilt.set_attributes_from_name("f")
        assert rebuilt.deconstruct() == (name, path, args, kwargs)
        source, imports = MigrationWriter.serialize(original)
        assert "import shuping.core.fields" in imports
        assert source.startswith("shuping.core.fields.")


def test_blind_index_migration_kwargs_stay_minimal():
    index = BlindIndexField(source="phone")
    index.set_attributes_from_name("phone_index")
    assert index.deconstruct()[3] == {"source": "phone"}


def test_blind_index_with_a_mistyped_source_fails_the_system_check():
    local_apps = Apps(installed_apps=[])

    class Broken(models.Model):
        phone_index = BlindIndexField(source="phnoe")

        class Meta:
            app_label = "core"
            apps = local_apps

        def __str__(self) -> str:
            return "broken"

    assert [error.id for error in Broken._meta.get_field("phone_index").check()] == ["core.E701"]
    assert SecretPerson._meta.get_field("phone_index").check() == []


# --- through the database ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["13800000000", "张三 身份证 11010519491231002X", "emoji 🙂 and NUL \x00 inside", "长" * 5000],
)
def test_values_round_trip_through_the_database_and_are_stored_encrypted(people, value):
    person = people.create(name="p", phone=value, id_number=value)
    raw = stored(person.pk, "phone")
    assert value not in raw
    assert base64.b64decode(raw)[0] == crypto.FORMAT_V1
    loaded = people.get(pk=person.pk)
    assert (loaded.phone, loaded.id_number) == (value, value)
    assert people.filter(pk=person.pk).values_list("phone", flat=True).get() == value


def test_the_same_value_twice_is_stored_differently(people):
    first = people.create(name="a", phone="13800000000")
    second = people.create(name="b", phone="13800000000")
    assert stored(first.pk, "phone") != stored(second.pk, "phone")


def test_null_and_empty_round_trip(people):
    person = people.create(name="p", phone=None, id_number="")
    loaded = people.get(pk=person.pk)
    assert loaded.phone is None and loaded.id_number == ""
    assert loaded.phone_index is None
    assert people.filter(phone__isnull=True).count() == 1


def test_lookup_by_blind_index_finds_the_person_however_the_number_is_typed(people):
    zhang = people.create(name="张三", phone="+86 138-0000-0000")
    people.create(name="李四", phone="13900000000")
    for typed in ("13800000000", "138 0000 0000", "0086-138-0000-0000"):
        assert list(people.filter(phone_index=blind_index("phone", typed))) == [zhang]
    assert stored(zhang.pk, "phone_index") == blind_index("phone", "13800000000")


def test_the_index_follows_the_value_on_save_and_clears_with_it(people):
    person = people.create(name="p", phone="13800000000")
    person.phone = "13900000000"
    person.save()
    assert people.filter(phone_index=blind_index("phone", "13900000000")).get() == person
    assert not people.filter(phone_index=blind_index("phone", "13800000000")).exists()
    person.phone = ""
    person.save()
    assert stored(person.pk, "phone_index") is None


def test_bulk_create_and_bulk_update_keep_the_index(people):
    created = people.bulk_create([SecretPerson(name=str(n), phone=f"1380000000{n}") for n in range(3)])
    assert people.filter(phone_index=blind_index("phone", "13800000001")).count() == 1
    for person in created:
        person.phone = person.phone.replace("138", "139")
        update_blind_indexes(person)
    people.bulk_update(created, ["phone", "phone_index"])
    assert people.filter(phone_index=blind_index("phone", "13900000002")).get().name == "2"


def test_a_tampered_row_raises_instead_of_returning_garbage(people):
    person = people.create(name="p", phone="13800000000")
    token = bytearray(base64.b64decode(stored(person.pk, "phone")))
    token[20] ^= 0x01
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_test_secret_person SET phone = %s WHERE id = %s",
            [base64.b64encode(bytes(token)).decode(), person.pk],
        )
    with pytest.raises(DecryptionError, match=r"core\.secretperson\.phone"):
        people.get(pk=person.pk)


def test_a_ciphertext_swapped_into_another_column_is_refused(people):
    person = people.create(name="p", phone="13800000000", id_number="110105194912310021")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_test_secret_person SET id_number = phone WHERE id = %s", [person.pk])
    with pytest.raises(DecryptionError):
        people.get(pk=person.pk)


def test_rows_written_under_another_key_cannot_be_read(people):
    with override_settings(SHUPING_DATA_KEY=base64.b64encode(bytes(range(32))).decode()):
        person = people.create(name="p", phone="13800000000")
    with pytest.raises(DecryptionError):
        people.get(pk=person.pk)


def test_sql_comparisons_on_encrypted_columns_are_refused_with_a_pointer_to_the_index(people):
    with pytest.raises(FieldError, match="BlindIndexField"):
        people.filter(phone="13800000000")
    with pytest.raises(FieldError, match="BlindIndexField"):
        people.filter(phone__startswith="138")
