"""`flask devices import-classes FILE.csv`: ISO 9999 subclasses and divisions (columns `code,name`)."""
import click
from flask.cli import AppGroup

devices_cli = AppGroup("devices", help="Assistive-device reference data.")


@devices_cli.command("import-classes")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def import_classes(path: str) -> None:
    """Load subclasses and divisions; a file with any bad line loads nothing."""
    from .catalogue import import_classes as load
    with open(path, encoding="utf-8-sig") as f:
        loaded, errors = load(f.read())
    if errors:
        for e in errors:
            click.echo(f"line {e.line}: {e.field}: {e.message}", err=True)
        raise click.ClickException(f"{len(errors)} bad line(s): nothing loaded")
    click.echo(f"{loaded} classes loaded")
