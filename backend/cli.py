"""Flask CLI: `users grant-admin|grant-staff`, `seed-demo`, `worker`."""
import click
from flask import Flask
from flask.cli import AppGroup

users_cli = AppGroup("users", help="Bootstrap admins and staff.")


@users_cli.command("grant-admin")
@click.argument("openid")
def grant_admin(openid: str) -> None:
    """Make the user with OPENID (who has logged in once) a federation admin."""
    from .extensions import db
    from .identity import tokens
    from .identity.services import user_by_openid
    user = user_by_openid(openid)
    user.is_admin = True
    tokens.revoke_all(user.id)
    db.session.commit()
    click.echo(f"user {user.id} is now an admin")


@users_cli.command("grant-staff")
@click.argument("openid")
@click.argument("site_id", type=int)
@click.option("--manager", is_flag=True, help="Manager rather than staff.")
def grant_staff(openid: str, site_id: int, manager: bool) -> None:
    """Assign the user with OPENID to SITE_ID as staff (or manager)."""
    from .identity.services import user_by_openid
    from .sites.services import grant_staff_cli
    user = user_by_openid(openid)
    a = grant_staff_cli(user, site_id, "manager" if manager else "staff")
    click.echo(f"user {user.id} is now {a.role} at site {site_id}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has sites.")
def seed_demo(if_empty: bool) -> None:
    """Demo data: a home, a rehab station, a café, their staff, an admin, a resident and family."""
    from .demo import seed
    click.echo(seed(if_empty=if_empty))


def register(app: Flask) -> None:
    from .errors import DomainError

    def _wrap(cmd):
        callback = cmd.callback

        def run(*args, **kwargs):
            try:
                return callback(*args, **kwargs)
            except DomainError as e:
                raise click.ClickException(e.message) from None
        cmd.callback = run
        return cmd

    for cmd in users_cli.commands.values():
        _wrap(cmd)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    from .worker import worker_command
    app.cli.add_command(worker_command)
