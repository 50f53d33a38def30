"""The ``campaign-sandbox`` command line."""

from __future__ import annotations

from pathlib import Path

import click

from sandbox.config import DEFAULT_FIXTURES_DIR, DEFAULT_PORT, Config
from sandbox.vendors import VENDOR_MODULES


@click.group()
@click.version_option(package_name="campaign-sandbox")
def main() -> None:
    """campaign-sandbox: local, stateful emulator of Webex Campaign, Infobip 10DLC, Zexa and DailyStory."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option("--memory", is_flag=True, help="Keep all state in memory (the default without --data-dir).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), help="Persist state here.")
@click.option(
    "--fixtures",
    "fixtures_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=DEFAULT_FIXTURES_DIR,
    show_default=True,
    help="Demo tenant and reference data, one folder per vendor.",
)
@click.option("--strict", is_flag=True, help="Accept only known credentials (fixtures or /_sandbox/credentials).")
@click.option("--seed", type=int, help="Seed for the random parts of ids (deterministic runs).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64), help="Request threads.")
def serve(
    host: str,
    port: int,
    memory: bool,
    data_dir: Path | None,
    fixtures_dir: Path,
    strict: bool,
    seed: int | None,
    threads: int,
) -> None:
    """Serve every vendor on one port, each under its own prefix."""
    if memory and data_dir is not None:
        raise click.UsageError("--memory and --data-dir exclude each other")
    config = Config(memory=data_dir is None, data_dir=data_dir, fixtures_dir=fixtures_dir, strict=strict, seed=seed)
    from sandbox.server import serve as run

    root = f"http://{host}:{port}"
    for vendor in VENDOR_MODULES:
        click.echo(f"{vendor:<11} {root}/{vendor}")
    click.echo(f"{'control':<11} {root}/_sandbox")
    click.echo(f"storage     {config.store_path or 'memory'}")

    def ready() -> None:
        click.echo(f"campaign-sandbox ready on {root}")

    run(config, host, port, threads, ready)
