"""Flask CLI: `users grant-admin|grant-staff`, `seed-demo`, `worker`, and the domains' own commands."""
import click
from flask import Flask
from flask.cli import AppGroup

from .errors import DomainError

users_cli = AppGroup("users", help="Bootstrap admins and staff.")


@users_cli.command("grant-admin")
@click.argument("openid")
def grant_admin(openid: str) -> None:
    """Make the user with OPENID (who has logged in once) a federation admin."""
    from .identity.services import user_by_openid
    from .identity.staff import grant_admin_cli
    user = user_by_openid(openid)
    grant_admin_cli(user)
    click.echo(f"user {user.id} is now an admin")


@users_cli.command("grant-staff")
@click.argument("openid")
@click.argument("site_id", type=int)
@click.option("--manager", is_flag=True, help="Manager rather than staff.")
def grant_staff(openid: str, site_id: int, manager: bool) -> None:
    """Assign the user with OPENID to SITE_ID as staff (or manager)."""
    from .identity.services import user_by_openid
    from .identity.staff import grant_staff_cli
    user = user_by_openid(openid)
    a = grant_staff_cli(user, site_id, "manager" if manager else "staff")
    click.echo(f"user {user.id} is now {a['role']} at site {site_id}")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database already has sites.")
def seed_demo(if_empty: bool) -> None:
    """Demo data of every domain: sites, staff, an admin, a resident and family, activities, ..."""
    from .demo import seed
    click.echo(seed(if_empty=if_empty))


def _domain_errors_as_messages(cmd):
    """A DomainError from a command is a message for the operator, not a traceback."""
    if isinstance(cmd, click.Group):
        for sub in cmd.commands.values():
            _domain_errors_as_messages(sub)
        return cmd
    callback = cmd.callback

    def run(*args, **kwargs):
        try:
            return callback(*args, **kwargs)
        except DomainError as e:
            raise click.ClickException(e.message) from None
    cmd.callback = run
    return cmd


def register(app: Flask, domain_commands: list) -> None:
    from .worker import worker_command
    for cmd in users_cli.commands.values():
        _domain_errors_as_messages(cmd)
    app.cli.add_command(users_cli)
    app.cli.add_command(seed_demo)
    app.cli.add_command(worker_command)
    for cmd in domain_commands:
        app.cli.add_command(_domain_errors_as_messages(cmd))
