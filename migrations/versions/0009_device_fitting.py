"""device fitting: signed handovers, deliveries, training sessions, follow-ups, repairs

Reviewed by hand. Handovers are generic (a delivery, later a loan, points at one); the signature is
stored encrypted (Fernet text), and the CHECKs keep the signer kinds. A supply order is no longer
unique per case (a re-assessed case goes round again): the partial unique index keeps one *open*
order per case. One open repair per delivery (partial unique index); one follow-up per (delivery,
seq); a training session counts a rehab appointment once (unique appointment_id).
Downgrading with several orders of one case fails on the restored unique constraint, on purpose.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 00:35:36.736192

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('device_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('resident_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('signed_by', sa.String(length=20), nullable=False),
    sa.Column('signer_name', sa.String(length=64), nullable=False),
    sa.Column('signature_enc', sa.Text(), nullable=True),
    sa.Column('signature_bytes', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('text_version', sa.String(length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=True),
    sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('delivery', 'loan')", name=op.f('ck_device_handovers_kind')),
    sa.CheckConstraint("signed_by IN ('resident', 'guardian', 'staff_for_resident')", name=op.f('ck_device_handovers_signed_by')),
    sa.ForeignKeyConstraint(['resident_id'], ['residents.id'], name=op.f('fk_device_handovers_resident_id_residents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_device_handovers_site_id_sites'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['users.id'], name=op.f('fk_device_handovers_staff_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_handovers'))
    )
    with op.batch_alter_table('device_handovers', schema=None) as batch_op:
        batch_op.create_index('ix_device_handovers_resident', ['resident_id', 'id'], unique=False)

    op.create_table('device_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('supply_order_id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('serial_no', sa.String(length=64), nullable=False),
    sa.Column('fitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fitted_by_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['device_cases.id'], name=op.f('fk_device_deliveries_case_id_device_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fitted_by_id'], ['users.id'], name=op.f('fk_device_deliveries_fitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handover_id'], ['device_handovers.id'], name=op.f('fk_device_deliveries_handover_id_device_handovers'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['product_id'], ['device_products.id'], name=op.f('fk_device_deliveries_product_id_device_products'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['supply_order_id'], ['device_supply_orders.id'], name=op.f('fk_device_deliveries_supply_order_id_device_supply_orders'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_deliveries')),
    sa.UniqueConstraint('handover_id', name=op.f('uq_device_deliveries_handover_id')),
    sa.UniqueConstraint('supply_order_id', name=op.f('uq_device_deliveries_supply_order_id'))
    )
    with op.batch_alter_table('device_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_deliveries_case_id'), ['case_id'], unique=False)

    op.create_table('device_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('offset_days', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('method', sa.String(length=12), nullable=True),
    sa.Column('in_use', sa.Boolean(), nullable=True),
    sa.Column('not_used_reason', sa.Text(), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('overdue_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'done') = (recorded_at IS NOT NULL)", name=op.f('ck_device_followups_recorded')),
    sa.CheckConstraint("method IS NULL OR method IN ('phone', 'visit', 'appointment')", name=op.f('ck_device_followups_method')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('continue', 'adjust', 'repair', 'reassess', 'close')", name=op.f('ck_device_followups_outcome')),
    sa.CheckConstraint("status IN ('pending', 'done', 'cancelled')", name=op.f('ck_device_followups_status')),
    sa.CheckConstraint('satisfaction IS NULL OR satisfaction BETWEEN 1 AND 4', name=op.f('ck_device_followups_satisfaction')),
    sa.ForeignKeyConstraint(['case_id'], ['device_cases.id'], name=op.f('fk_device_followups_case_id_device_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['device_deliveries.id'], name=op.f('fk_device_followups_delivery_id_device_deliveries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_device_followups_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_device_followups_site_id_sites'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_followups')),
    sa.UniqueConstraint('delivery_id', 'seq', name=op.f('uq_device_followups_delivery_id_seq'))
    )
    with op.batch_alter_table('device_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_followups_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_device_followups_site_due', ['site_id', 'status', 'due_on'], unique=False)

    op.create_table('device_training_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('appointment_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('minutes BETWEEN 1 AND 600', name=op.f('ck_device_training_sessions_minutes')),
    sa.ForeignKeyConstraint(['appointment_id'], ['rehab_appointments.id'], name=op.f('fk_device_training_sessions_appointment_id_rehab_appointments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_device_training_sessions_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['device_cases.id'], name=op.f('fk_device_training_sessions_case_id_device_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['device_deliveries.id'], name=op.f('fk_device_training_sessions_delivery_id_device_deliveries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_training_sessions')),
    sa.UniqueConstraint('appointment_id', name=op.f('uq_device_training_sessions_appointment_id'))
    )
    with op.batch_alter_table('device_training_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_training_sessions_case_id'), ['case_id'], unique=False)

    op.create_table('device_repairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('followup_id', sa.Integer(), nullable=True),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('cost_fen', sa.Integer(), nullable=False),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('requested', 'in_progress', 'done', 'replaced')", name=op.f('ck_device_repairs_status')),
    sa.CheckConstraint('cost_fen >= 0', name=op.f('ck_device_repairs_cost')),
    sa.ForeignKeyConstraint(['case_id'], ['device_cases.id'], name=op.f('fk_device_repairs_case_id_device_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['device_deliveries.id'], name=op.f('fk_device_repairs_delivery_id_device_deliveries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['followup_id'], ['device_followups.id'], name=op.f('fk_device_repairs_followup_id_device_followups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_device_repairs_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_device_repairs_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_device_repairs_site_id_sites'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_device_repairs'))
    )
    with op.batch_alter_table('device_repairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_device_repairs_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_device_repairs_site_status', ['site_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_device_repairs_open', ['delivery_id'], unique=True, postgresql_where=sa.text("status IN ('requested', 'in_progress')"), sqlite_where=sa.text("status IN ('requested', 'in_progress')"))

    with op.batch_alter_table('device_supply_orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipped_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('received_by_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_device_supply_orders_case_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_device_supply_orders_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_device_supply_orders_open', ['case_id'], unique=True, postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.create_foreign_key(batch_op.f('fk_device_supply_orders_shipped_by_id_users'), 'users', ['shipped_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_device_supply_orders_received_by_id_users'), 'users', ['received_by_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('device_supply_orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_device_supply_orders_received_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_device_supply_orders_shipped_by_id_users'), type_='foreignkey')
        batch_op.drop_index('uq_device_supply_orders_open', postgresql_where=sa.text("status = 'open'"), sqlite_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_device_supply_orders_case_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_device_supply_orders_case_id'), ['case_id'])
        batch_op.drop_column('received_by_id')
        batch_op.drop_column('received_at')
        batch_op.drop_column('shipped_by_id')

    with op.batch_alter_table('device_repairs', schema=None) as batch_op:
        batch_op.drop_index('uq_device_repairs_open', postgresql_where=sa.text("status IN ('requested', 'in_progress')"), sqlite_where=sa.text("status IN ('requested', 'in_progress')"))
        batch_op.drop_index('ix_device_repairs_site_status')
        batch_op.drop_index(batch_op.f('ix_device_repairs_case_id'))

    op.drop_table('device_repairs')
    with op.batch_alter_table('device_training_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_training_sessions_case_id'))

    op.drop_table('device_training_sessions')
    with op.batch_alter_table('device_followups', schema=None) as batch_op:
        batch_op.drop_index('ix_device_followups_site_due')
        batch_op.drop_index(batch_op.f('ix_device_followups_case_id'))

    op.drop_table('device_followups')
    with op.batch_alter_table('device_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_device_deliveries_case_id'))

    op.drop_table('device_deliveries')
    with op.batch_alter_table('device_handovers', schema=None) as batch_op:
        batch_op.drop_index('ix_device_handovers_resident')

    op.drop_table('device_handovers')
