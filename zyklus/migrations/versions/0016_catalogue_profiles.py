"""indicator.publication_lag, and the catalogue's three corrections in indicators adopted before them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 14:00:00

Every indicator gets the years its source takes to publish a year's value (1, the reminders'
behaviour so far); an adopted catalogue indicator gets its entry's lag, so its next reminder asks
for the year that has been published. The three errors of the old catalogue are corrected where
the adopted row still says what the catalogue said (a municipality's own change is left alone):
- the share of women in the council was "more is better"; it is a parity target, a band of one
  value (50 to 50) to move towards and hold. Rows with targets of their own keep "increase" (a
  band has no targets, and their council decided those targets);
- Langzeitarbeitslosigkeit was defined as a share of the unemployed; the set's
  Langzeitarbeitslosenquote relates to all civilian labour force (Erwerbspersonen);
- drinking water is the private households' consumption, litres per inhabitant and day.
Ten entries now carry the set's own names; adopted rows still under the old name take the new one.
The old texts are compared literally, so the migration needs no import of today's catalogue;
the lags are written here for the same reason (the catalogue may change, this step may not).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

LAGS = {
    'kinderarmut': 2, 'altersarmut': 2, 'stickstoffueberschuss': 3, 'vorzeitige-sterblichkeit': 2,
    'schulabgaenger-ohne-abschluss': 2, 'betreuungsquote-u3': 2, 'frauenanteil-rat': 1, 'langzeitarbeitslose': 1,
    'breitband-100': 1, 'verunglueckte-verkehr': 2, 'pkw-dichte': 1, 'erholungsflaeche': 2,
    'trinkwasserverbrauch': 3, 'abfallmenge': 2, 'thg-haushalte': 2, 'ee-strom-anteil': 2,
    'endenergie-je-einwohner': 2, 'steuereinnahmen': 2, 'kassenkredite': 2,
}
"""The catalogue's publication lags of the 19 entries shipped before this revision."""

RENAMES = {
    'stickstoffueberschuss': ('Stickstoffüberschuss', 'Stickstoffüberschuss der Landwirtschaft'),
    'schulabgaenger-ohne-abschluss': ('Schulabgänger:innen ohne Abschluss', 'Schulabbrecherquote'),
    'betreuungsquote-u3': ('Betreuungsquote unter 3-Jähriger', 'Betreuung von Kindern (unter 3-Jährige)'),
    'frauenanteil-rat': ('Frauenanteil im Stadtrat / Kreistag', 'Frauenanteil im Stadtrat bzw. Kreistag'),
    'langzeitarbeitslose': ('Langzeitarbeitslosigkeit', 'Langzeitarbeitslosenquote'),
    'breitband-100': ('Breitbandversorgung ≥ 100 Mbit/s', 'Breitbandversorgung – Private Haushalte'),
    'verunglueckte-verkehr': ('Verunglückte im Straßenverkehr', 'Verunglückte im Verkehr'),
    'erholungsflaeche': ('Naherholungsfläche', 'Naherholungsflächen'),
    'trinkwasserverbrauch': ('Trinkwasserverbrauch', 'Trinkwasserverbrauch – Private Haushalte'),
    'kassenkredite': ('Kassenkredite', 'Liquiditätskredite'),
}
"""(old name, new name): the set's own names, which the catalogue now uses; an adopted row still
under the old catalogue name takes the new one, so it keeps its English name in English output
(engine.indicators.catalogue.indicator_name matches the catalogue's current name)."""

CORRECTIONS = {
    'langzeitarbeitslose': (
        'Anteil der Arbeitslosen, die ein Jahr oder länger arbeitslos sind, an allen Arbeitslosen.',
        'Anteil der Langzeitarbeitslosen (ein Jahr und länger arbeitslos gemeldet) an allen zivilen '
        'Erwerbspersonen.'),
    'trinkwasserverbrauch': (
        'Trinkwasserverbrauch in Litern je Einwohner:in und Tag.',
        'Wasserabgabe der öffentlichen Wasserversorgung an private Haushalte (einschließlich Kleingewerbe) '
        'in Litern je Einwohner:in und Tag.'),
}
"""(old definition, new definition) of the two definitions that were wrong."""

indicator = sa.table('indicator', sa.column('id', sa.Integer), sa.column('catalogue_id', sa.String),
                     sa.column('name', sa.String), sa.column('definition', sa.Text),
                     sa.column('direction', sa.String), sa.column('band_low', sa.Float),
                     sa.column('band_high', sa.Float), sa.column('publication_lag', sa.Integer))
target = sa.table('indicator_target', sa.column('indicator_id', sa.Integer))


def upgrade() -> None:
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.add_column(sa.Column('publication_lag', sa.Integer(), nullable=False, server_default='1'))
    for key, lag in LAGS.items():
        op.execute(indicator.update().where(indicator.c.catalogue_id == key).values(publication_lag=lag))
    has_targets = sa.exists().where(target.c.indicator_id == indicator.c.id)
    op.execute(indicator.update()
               .where(indicator.c.catalogue_id == 'frauenanteil-rat', indicator.c.direction == 'increase',
                      ~has_targets)
               .values(direction='band', band_low=50.0, band_high=50.0))
    for key, (old_name, new_name) in RENAMES.items():
        op.execute(indicator.update().where(indicator.c.catalogue_id == key, indicator.c.name == old_name)
                   .values(name=new_name))
    for key, (old_definition, new_definition) in CORRECTIONS.items():
        op.execute(indicator.update().where(indicator.c.catalogue_id == key, indicator.c.definition == old_definition)
                   .values(definition=new_definition))

def downgrade() -> None:
    """The lag goes; the corrections stay (the old texts were wrong, and a downgrade should not
    bring an error back into a council's programme)."""
    with op.batch_alter_table('indicator') as batch_op:
        batch_op.drop_column('publication_lag')
