"""cafe: menu, orders (item snapshots), pickup counters, payments

Reviewed by hand: CHECKs on stock >= 0 and order states are the backstops of the
services; (site_id, local_date, number) unique keeps pickup numbers unique per café per day.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 02:06:20.929793

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cafe_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('number', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total_fen', sa.Integer(), nullable=False),
    sa.Column('fulfilment', sa.String(length=10), nullable=False),
    sa.Column('table_no', sa.String(length=10), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('out_trade_no', sa.String(length=32), nullable=False),
    sa.Column('prepay_id', sa.String(length=64), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("fulfilment IN ('pickup', 'table')", name=op.f('ck_cafe_orders_fulfilment')),
    sa.CheckConstraint("status IN ('pending_payment', 'paid', 'accepted', 'ready', 'completed', 'cancelled', 'expired', 'refunding', 'refunded')", name=op.f('ck_cafe_orders_status')),
    sa.CheckConstraint('total_fen > 0', name=op.f('ck_cafe_orders_total_positive')),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_cafe_orders_site_id_sites'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cafe_orders_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cafe_orders')),
    sa.UniqueConstraint('out_trade_no', name=op.f('uq_cafe_orders_out_trade_no')),
    sa.UniqueConstraint('site_id', 'local_date', 'number', name=op.f('uq_cafe_orders_site_id_local_date_number'))
    )
    with op.batch_alter_table('cafe_orders', schema=None) as batch_op:
        batch_op.create_index('ix_cafe_orders_site_status', ['site_id', 'status'], unique=False)
        batch_op.create_index('ix_cafe_orders_status_expires', ['status', 'expires_at'], unique=False)
        batch_op.create_index('ix_cafe_orders_user_created', ['user_id', 'created_at'], unique=False)

    op.create_table('menu_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_menu_categories_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_categories')),
    sa.UniqueConstraint('site_id', 'name', name=op.f('uq_menu_categories_site_id_name'))
    )
    op.create_table('pickup_counters',
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('last_value', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_pickup_counters_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('site_id', 'local_date', name=op.f('pk_pickup_counters'))
    )
    op.create_table('cafe_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('transaction_id', sa.String(length=64), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('refund_status', sa.String(length=10), nullable=False),
    sa.Column('out_refund_no', sa.String(length=64), nullable=True),
    sa.Column('refund_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("refund_status IN ('none', 'due', 'requested', 'refunded')", name=op.f('ck_cafe_payments_refund_status')),
    sa.ForeignKeyConstraint(['order_id'], ['cafe_orders.id'], name=op.f('fk_cafe_payments_order_id_cafe_orders'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cafe_payments')),
    sa.UniqueConstraint('order_id', name=op.f('uq_cafe_payments_order_id')),
    sa.UniqueConstraint('out_refund_no', name=op.f('uq_cafe_payments_out_refund_no')),
    sa.UniqueConstraint('transaction_id', name=op.f('uq_cafe_payments_transaction_id'))
    )
    with op.batch_alter_table('cafe_payments', schema=None) as batch_op:
        batch_op.create_index('ix_cafe_payments_refund_status', ['refund_status'], unique=False)

    op.create_table('menu_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('price_fen', sa.Integer(), nullable=False),
    sa.Column('image_url', sa.String(length=500), nullable=False),
    sa.Column('sign_video_url', sa.String(length=500), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price_fen >= 0', name=op.f('ck_menu_items_price_not_negative')),
    sa.CheckConstraint('stock IS NULL OR stock >= 0', name=op.f('ck_menu_items_stock_not_negative')),
    sa.ForeignKeyConstraint(['category_id'], ['menu_categories.id'], name=op.f('fk_menu_items_category_id_menu_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['site_id'], ['sites.id'], name=op.f('fk_menu_items_site_id_sites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_items'))
    )
    with op.batch_alter_table('menu_items', schema=None) as batch_op:
        batch_op.create_index('ix_menu_items_site_category', ['site_id', 'category_id'], unique=False)

    op.create_table('cafe_order_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('unit_price_fen', sa.Integer(), nullable=False),
    sa.Column('qty', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.CheckConstraint('qty BETWEEN 1 AND 20', name=op.f('ck_cafe_order_items_qty')),
    sa.ForeignKeyConstraint(['item_id'], ['menu_items.id'], name=op.f('fk_cafe_order_items_item_id_menu_items'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['cafe_orders.id'], name=op.f('fk_cafe_order_items_order_id_cafe_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cafe_order_items'))
    )
    with op.batch_alter_table('cafe_order_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cafe_order_items_order_id'), ['order_id'], unique=False)



def downgrade():
    with op.batch_alter_table('cafe_order_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cafe_order_items_order_id'))

    op.drop_table('cafe_order_items')
    with op.batch_alter_table('menu_items', schema=None) as batch_op:
        batch_op.drop_index('ix_menu_items_site_category')

    op.drop_table('menu_items')
    with op.batch_alter_table('cafe_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_cafe_payments_refund_status')

    op.drop_table('cafe_payments')
    op.drop_table('pickup_counters')
    op.drop_table('menu_categories')
    with op.batch_alter_table('cafe_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_cafe_orders_user_created')
        batch_op.drop_index('ix_cafe_orders_status_expires')
        batch_op.drop_index('ix_cafe_orders_site_status')

    op.drop_table('cafe_orders')
