"""web sessions: screens signed in by scanning (tickets that become sessions)

Reviewed by hand: only hashes are stored (ticket, requester secret, session secret), each unique
where it is looked up; the CHECKs keep the ticket's life in order (confirmed by a user, collected
only after that).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 21:59:35.300348

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('web_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_hash', sa.String(length=64), nullable=False),
    sa.Column('requester_hash', sa.String(length=64), nullable=False),
    sa.Column('ticket_expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('secret_hash', sa.String(length=64), nullable=True),
    sa.Column('collected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(user_id IS NULL) = (confirmed_at IS NULL)', name=op.f('ck_web_sessions_confirmed_by_user')),
    sa.CheckConstraint('secret_hash IS NULL OR confirmed_at IS NOT NULL', name=op.f('ck_web_sessions_collected_after_confirmed')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_web_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_sessions')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_web_sessions_secret_hash')),
    sa.UniqueConstraint('ticket_hash', name=op.f('uq_web_sessions_ticket_hash'))
    )
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_web_sessions_ticket_expires', ['ticket_expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_web_sessions_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('web_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_web_sessions_user_id'))
        batch_op.drop_index('ix_web_sessions_ticket_expires')

    op.drop_table('web_sessions')
