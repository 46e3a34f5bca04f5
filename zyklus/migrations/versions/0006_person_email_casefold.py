"""person.email in lower case, enforced by a CHECK constraint

Mail systems treat ``Anna.Koch@erfurt.example`` and ``anna.koch@erfurt.example`` as one mailbox
(see engine.validate.email), so zyklus stores every address in lower case, and the existing
unique (municipality_id, email) key then refuses the same address in another letter case.

Existing addresses are lower-cased. Two rows of one municipality that differ only in case are
the same mailbox registered twice; refusing the upgrade would leave the operator without a
command to remove one of them, so they are merged instead: the earlier registration is kept
with its name and choices, the roles of both are united (nobody loses a permission or a
reminder), consent to publication is kept only if both gave it (Art. 6(1)(a) GDPR: when in
doubt, no consent), and each merge is logged with the address.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 23:50:00
"""

from __future__ import annotations

import json
import logging

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

log = logging.getLogger("zyklus.migrations")
CONSTRAINT = "ck_person_email_lower"


def _roles(value: object) -> set[str]:
    return set(json.loads(value) if isinstance(value, str) else value or [])  # type: ignore[arg-type]


def _merge_case_duplicates(conn: sa.Connection) -> None:
    rows = conn.execute(sa.text("SELECT id, municipality_id, email, roles, consent_publish FROM person "
                                "ORDER BY municipality_id, created_at, id")).all()
    kept: dict[tuple[int, str], dict[str, object]] = {}
    for row in rows:
        folded = (row.municipality_id, row.email.lower())
        if folded not in kept:
            kept[folded] = {"id": row.id, "email": row.email, "roles": _roles(row.roles),
                            "consent": bool(row.consent_publish)}
            continue
        first = kept[folded]
        first["roles"] = first["roles"] | _roles(row.roles)  # type: ignore[operator]
        first["consent"] = bool(first["consent"]) and bool(row.consent_publish)
        conn.execute(sa.text("DELETE FROM person WHERE id = :id"), {"id": row.id})
        conn.execute(sa.text("UPDATE person SET roles = :roles, consent_publish = :consent WHERE id = :id"),
                     {"roles": json.dumps(sorted(first["roles"])), "consent": first["consent"],  # type: ignore[arg-type]
                      "id": first["id"]})
        log.warning("%s was registered twice for municipality id %s (%s, %s): merged into one person",
                    folded[1], row.municipality_id, first["email"], row.email)


def upgrade() -> None:
    conn = op.get_bind()
    _merge_case_duplicates(conn)
    conn.execute(sa.text("UPDATE person SET email = lower(email) WHERE email <> lower(email)"))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_check_constraint(CONSTRAINT, "email = lower(email)")


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(CONSTRAINT, type_='check')
