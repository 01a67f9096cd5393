"""reports: volunteer certificates; indexes on the moments the report's metrics count at

Reviewed by hand: certificate numbers unique (random, not a sequence); one certificate per
(volunteer, period, minutes) so asking again gives the same number; the read indexes of
backend/reports/models.py (one per moment column, so a period is a range scan).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 00:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'  # after device part 2 (0009) and loans (0012): its read indexes cover their tables
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('volunteer_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=24), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_name', sa.String(length=64), nullable=False),
    sa.Column('volunteer_no', sa.String(length=20), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('period_from', sa.Date(), nullable=False),
    sa.Column('period_to', sa.Date(), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('verification_code', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_volunteer_certificates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_certificates')),
    sa.UniqueConstraint('number', name=op.f('uq_volunteer_certificates_number')),
    sa.UniqueConstraint('user_id', 'period_from', 'period_to', 'minutes', name='uq_volunteer_certificates_period'),
    )
    with op.batch_alter_table('volunteer_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_volunteer_certificates_user_id'), ['user_id'], unique=False)
    op.create_index('ix_reports_residents_created_at', 'residents', ['created_at'], unique=False)
    op.create_index('ix_reports_residents_verified_at', 'residents', ['verified_at'], unique=False)
    op.create_index('ix_reports_activities_completed_at', 'activities', ['completed_at'], unique=False)
    op.create_index('ix_reports_activities_cancelled_at', 'activities', ['cancelled_at'], unique=False)
    op.create_index('ix_reports_activity_signups_created_at', 'activity_signups', ['created_at'], unique=False)
    op.create_index('ix_reports_activity_signups_attended_at', 'activity_signups', ['attended_at'], unique=False)
    op.create_index('ix_reports_activity_signups_credited_at', 'activity_signups', ['credited_at'], unique=False)
    op.create_index('ix_reports_rehab_appointments_created_at', 'rehab_appointments', ['created_at'], unique=False)
    op.create_index('ix_reports_rehab_appointments_status_changed_at', 'rehab_appointments', ['status_changed_at'], unique=False)
    op.create_index('ix_reports_device_cases_created_at', 'device_cases', ['created_at'], unique=False)
    op.create_index('ix_reports_device_cases_delivered_at', 'device_cases', ['delivered_at'], unique=False)
    op.create_index('ix_reports_device_assessments_created_at', 'device_assessments', ['created_at'], unique=False)
    op.create_index('ix_reports_device_supply_orders_created_at', 'device_supply_orders', ['created_at'], unique=False)
    op.create_index('ix_reports_cafe_orders_paid_at', 'cafe_orders', ['paid_at'], unique=False)
    op.create_index('ix_reports_cafe_payments_refunded_at', 'cafe_payments', ['refunded_at'], unique=False)
    op.create_index('ix_reports_device_followups_recorded_at', 'device_followups', ['recorded_at'], unique=False)
    op.create_index('ix_reports_device_followups_due_on', 'device_followups', ['due_on'], unique=False)
    op.create_index('ix_reports_device_loans_checked_out_at', 'device_loans', ['checked_out_at'], unique=False)
    op.create_index('ix_reports_device_loans_due_on', 'device_loans', ['due_on'], unique=False)


def downgrade():
    op.drop_index('ix_reports_device_loans_due_on', table_name='device_loans')
    op.drop_index('ix_reports_device_loans_checked_out_at', table_name='device_loans')
    op.drop_index('ix_reports_device_followups_due_on', table_name='device_followups')
    op.drop_index('ix_reports_device_followups_recorded_at', table_name='device_followups')
    op.drop_index('ix_reports_cafe_payments_refunded_at', table_name='cafe_payments')
    op.drop_index('ix_reports_cafe_orders_paid_at', table_name='cafe_orders')
    op.drop_index('ix_reports_device_supply_orders_created_at', table_name='device_supply_orders')
    op.drop_index('ix_reports_device_assessments_created_at', table_name='device_assessments')
    op.drop_index('ix_reports_device_cases_delivered_at', table_name='device_cases')
    op.drop_index('ix_reports_device_cases_created_at', table_name='device_cases')
    op.drop_index('ix_reports_rehab_appointments_status_changed_at', table_name='rehab_appointments')
    op.drop_index('ix_reports_rehab_appointments_created_at', table_name='rehab_appointments')
    op.drop_index('ix_reports_activity_signups_credited_at', table_name='activity_signups')
    op.drop_index('ix_reports_activity_signups_attended_at', table_name='activity_signups')
    op.drop_index('ix_reports_activity_signups_created_at', table_name='activity_signups')
    op.drop_index('ix_reports_activities_cancelled_at', table_name='activities')
    op.drop_index('ix_reports_activities_completed_at', table_name='activities')
    op.drop_index('ix_reports_residents_verified_at', table_name='residents')
    op.drop_index('ix_reports_residents_created_at', table_name='residents')
    with op.batch_alter_table('volunteer_certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_volunteer_certificates_user_id'))
    op.drop_table('volunteer_certificates')
