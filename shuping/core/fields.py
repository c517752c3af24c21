"""Model fields for personal data at rest (SEC-7): SM4-GCM encrypted text and its blind index.

Declare the encrypted column and, when it must be searchable by equality, a blind index beside it::

    from shuping.core.crypto import blind_index
    from shuping.core.fields import BlindIndexField, EncryptedTextField

    class Person(models.Model):
        phone = EncryptedTextField(blank=True)
        phone_index = BlindIndexField(source="phone")          # label defaults to "phone"

    Person.objects.filter(phone_index=blind_index("phone", "+86 138-0000-0000"))

The index is recomputed in `pre_save`, i.e. by `save()`, `create()` and `bulk_create()`. Three paths skip
`pre_save` and must keep the index themselves:

- `save(update_fields=[...])` — list the index with its source: `update_fields=["phone", "phone_index"]`;
- `bulk_update(objs, fields)` — call `update_blind_indexes(obj)` on each object and list the index field;
- `QuerySet.update(phone=...)` — also pass `phone_index=blind_index("phone", value)`.

Encrypted columns cannot be filtered, ordered or compared in SQL (each value has a random nonce); only
`__isnull` is allowed, anything else raises FieldError pointing here.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core import checks
from django.core.exceptions import FieldError
from django.db import models
from django.db.backends.base.base import BaseDatabaseWrapper

from shuping.core import crypto


class EncryptedTextField(models.TextField):
    """Text stored as base64 of an SM4-GCM token; decrypted transparently when a row is loaded.

    The token's associated data is the field's *binding* — by default "<app_label>.<model>.<field>"
    (e.g. "accounts.person.phone") — so a ciphertext copied into another column or table fails to
    decrypt instead of showing one person's phone number as another's ID number. Renaming the model or
    field changes the default binding: pass `binding="<old value>"` to keep reading existing rows.

    None is stored as NULL and "" as "" (nothing to hide, and a column added with default "" stays
    readable); every other value is encrypted.
    """

    description = "Text encrypted with SM4-GCM (SEC-7)"

    def __init__(self, *args: Any, binding: str | None = None, **kwargs: Any) -> None:
        """`binding` pins the associated data; leave it unset unless a rename must keep old rows."""
        self.binding = binding
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Migrations record `binding` only when it was set explicitly."""
        name, path, args, kwargs = super().deconstruct()
        if self.binding is not None:
            kwargs["binding"] = self.binding
        return name, path, args, kwargs

    @property
    def associated_data(self) -> bytes:
        """The bytes every token of this column is bound to."""
        binding = self.binding or f"{self.model._meta.label_lower}.{self.name}"
        return binding.encode("utf-8")

    def to_python(self, value: Any) -> str | None:
        """Plaintext in, plaintext out: forms and fixtures (dumpdata/loaddata) carry plaintext."""
        if value is None or isinstance(value, str):
            return value
        return str(value)

    def get_prep_value(self, value: Any) -> Any:
        """Encrypt for the database; expressions and NULL/empty pass through untouched."""
        if hasattr(value, "resolve_expression"):
            return value
        value = self.to_python(value)
        if not value:
            return value
        token = crypto.encrypt(value.encode("utf-8"), associated_data=self.associated_data)
        return base64.b64encode(token).decode("ascii")

    def from_db_value(
        self, value: str | None, expression: Any, connection: BaseDatabaseWrapper
    ) -> str | None:
        """Decrypt a loaded value; a tampered or misplaced token raises DecryptionError, never garbage."""
        if not value:
            return value
        return self.decrypt_stored(value)

    def decrypt_stored(self, stored: str) -> str:
        """Plaintext of one stored (base64) value of this column — for raw queries and tools."""
        try:
            token = base64.b64decode(stored, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise crypto.DecryptionError(
                f"{self.associated_data.decode()}: 存储值不是合法的密文 / stored value is not a ciphertext"
            ) from exc
        try:
            plaintext = crypto.decrypt(token, associated_data=self.associated_data)
        except crypto.DecryptionError as exc:
            # Name the column: the generic message alone does not say which row/field to investigate.
            raise crypto.DecryptionError(f"{self.associated_data.decode()}: {exc}") from exc
        return plaintext.decode("utf-8")

    def get_lookup(self, lookup_name: str) -> Any:
        """Only `__isnull`: SQL comparisons against randomised ciphertext would silently match nothing."""
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"加密字段 {self.name} 不能按 {lookup_name!r} 查询，请使用盲索引（BlindIndexField）/ "
            f"Encrypted field {self.name!r} does not support the {lookup_name!r} lookup; "
            "query its BlindIndexField with crypto.blind_index() instead."
        )


class BlindIndexField(models.CharField):
    """Hex HMAC-SM3 of another field's normalised value, kept up to date in `pre_save`.

    `label` (default: the source field's name) selects both the key and the normaliser — "phone"
    strips spaces, dashes and +86 — so queries must use the same label:
    `filter(phone_index=blind_index("phone", typed))`. Empty source values give NULL.

    Leakage: equal values have equal indexes, so whoever reads the table learns which rows share a
    value (and how often) — accepted for exact-match lookups (docs/adr/0003-crypto-provider.md).
    """

    description = "Blind index (HMAC-SM3) of an encrypted field (SEC-7)"

    _defaults: dict[str, Any] = {
        "max_length": 64,
        "editable": False,
        "null": True,
        "blank": True,
        "db_index": True,
    }

    def __init__(self, *args: Any, source: str, label: str | None = None, **kwargs: Any) -> None:
        """`source` names the (usually encrypted) field on the same model whose value is indexed."""
        self.source = source
        self.label = label or source
        for key, default in self._defaults.items():
            kwargs.setdefault(key, default)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        """Keep migrations short: only what differs from the defaults above."""
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.label != self.source:
            kwargs["label"] = self.label
        for key, default in self._defaults.items():
            if kwargs.get(key, models.NOT_PROVIDED) == default:
                del kwargs[key]
            elif key not in kwargs and key != "max_length":
                # Field.deconstruct omits Field's own defaults; record ours being overridden back to them.
                kwargs[key] = getattr(self, key)
        return name, path, args, kwargs

    def compute(self, model_instance: models.Model) -> str | None:
        """The index for the instance's current source value."""
        value = getattr(model_instance, self.source)
        if value is None or value == "":
            return None
        return crypto.blind_index(self.label, str(value))

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        """Recompute from the source on every save so the index can never drift from the value."""
        digest = self.compute(model_instance)
        setattr(model_instance, self.attname, digest)
        return digest

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        """Fail fast on a typo in `source`, which would otherwise surface as an AttributeError on save."""
        errors = super().check(**kwargs)
        try:
            self.model._meta.get_field(self.source)
        except Exception:
            errors.append(
                checks.Error(
                    f"BlindIndexField {self.name!r}: source field {self.source!r} does not exist.",
                    obj=self,
                    id="core.E701",
                )
            )
        return errors


def update_blind_indexes(instance: models.Model) -> None:
    """Recompute every blind index of `instance` in memory (before `bulk_update`)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, BlindIndexField):
            field.pre_save(instance, add=False)
