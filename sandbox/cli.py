"""The ``campaign-sandbox`` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from sandbox.config import DEFAULT_FIXTURES_DIR, DEFAULT_PORT, DEFAULT_SCENARIOS_DIR, Config
from sandbox.vendors import VENDOR_MODULES


@click.group()
@click.version_option(package_name="campaign-sandbox")
def main() -> None:
    """campaign-sandbox: local, stateful emulator of Webex Campaign, Infobip 10DLC, Zexa and DailyStory."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option("--memory", is_flag=True, help="Keep all state in memory (the default without --data-dir).")
# readable=False: click's own check would refuse an unreadable dir in a four-line usage error; check_data_dir
# says it in one line, with what to do (issue 13, item 1).
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, readable=False),
    help="Persist state here (a folder, made if missing).",
)
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
@click.option(
    "--threads",
    default=32,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Request threads, for control calls and for vendor calls while a scenario is active (a delay holds one).",
)
@click.option(
    "--scenarios",
    "scenario_dirs",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="More scenario files (a folder or a file), besides the ready-made ones. Repeatable.",
)
@click.option("--scenario", "active", multiple=True, help="Activate this scenario for everyone. Repeatable.")
@click.option("--demo", is_flag=True, help="Fill the demo tenant with a story worth presenting (see /_sandbox/).")
@click.option(
    "--max-tenants",
    default=Config.max_tenants,
    show_default=True,
    type=click.IntRange(0),
    help="Tenants held at most; a new key's tenant replaces the one idle longest (0: no cap).",
)
@click.option(
    "--body-timeout",
    default=Config.body_timeout_seconds,
    show_default=True,
    type=click.FloatRange(0.1, 3600),
    help="Seconds a request body may take to arrive; bodies are read before a request thread is taken.",
)
@click.option(
    "--control-token",
    envvar="SANDBOX_CONTROL_TOKEN",
    help="Every call under /_sandbox then needs X-Sandbox-Token: TOKEN (env SANDBOX_CONTROL_TOKEN).",
)
@click.option(
    "--webhook-allow",
    multiple=True,
    help="Let webhooks reach this address, network (CIDR) or host name (*.glob), even link-local. Repeatable.",
)
def serve(
    host: str,
    port: int,
    memory: bool,
    data_dir: Path | None,
    fixtures_dir: Path,
    strict: bool,
    seed: int | None,
    threads: int,
    scenario_dirs: tuple[Path, ...],
    active: tuple[str, ...],
    demo: bool,
    max_tenants: int,
    body_timeout: float,
    control_token: str | None,
    webhook_allow: tuple[str, ...],
) -> None:
    """Serve every vendor on one port, each under its own prefix."""
    if memory and data_dir is not None:
        raise click.UsageError("--memory and --data-dir exclude each other")
    config = Config(
        memory=data_dir is None,
        data_dir=data_dir,
        fixtures_dir=fixtures_dir,
        strict=strict,
        seed=seed,
        scenarios_dirs=(DEFAULT_SCENARIOS_DIR, *scenario_dirs),
        active_scenarios=active,
        demo=demo,
        max_tenants=max_tenants,
        body_timeout_seconds=body_timeout,
        control_token=control_token or None,
        control_hosts=(host,),
        webhook_allow=webhook_allow,
    )
    if scenario_dirs or active:
        # Checked here, where an error can be printed; the ready-made files are checked by the test suite,
        # so a plain `serve` does not pay for loading the app twice.
        _library(config)
    from sandbox.server import serve as run

    listener = _listen(host, port, config)  # a failed start is one line, before anything else is printed
    if not config.control_token and not _loopback(listener.getsockname()[0]):
        click.echo(
            f"Warning: listening on {host}, beyond this machine, and the control API (/_sandbox: reset, state, "
            "keys) takes calls from anyone who reaches it; give --control-token (or SANDBOX_CONTROL_TOKEN)",
            err=True,
        )
    root = f"http://{f'[{host}]' if ':' in host else host}:{listener.getsockname()[1]}"

    def ready() -> None:
        for vendor in VENDOR_MODULES:
            click.echo(f"{vendor:<11} {root}/{vendor}")
        click.echo(f"{'control':<11} {root}/_sandbox")
        click.echo(f"storage     {config.store_path or 'memory'}")
        click.echo(f"campaign-sandbox ready on {root}")

    run(config, listener, threads, ready)


def _loopback(address: str) -> bool:
    import ipaddress

    return ipaddress.ip_address(address.split("%", 1)[0]).is_loopback


def _listen(host: str, port: int, config: Config) -> Any:
    """The server's socket, once the data dir looks usable; else exit 1 with ``Error: what, where, what to do``."""
    from sandbox.server import StartupError, check_data_dir, listen

    try:
        if config.data_dir is not None:
            check_data_dir(config.data_dir)
        return listen(host, port)
    except StartupError as problem:
        raise click.ClickException(str(problem)) from None


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.pass_context
def demo(ctx: click.Context, host: str, port: int) -> None:
    """Serve in memory with the demo story: every vendor's records at telling points; open /_sandbox/."""
    ctx.invoke(serve, host=host, port=port, memory=True, demo=True)


@main.group()
def scenarios() -> None:
    """Ready-made and custom scenarios: documented vendor failures on demand."""


@scenarios.command("list")
@click.option("--scenarios", "scenario_dirs", multiple=True, type=click.Path(exists=True, path_type=Path))
def list_scenarios(scenario_dirs: tuple[Path, ...]) -> None:
    """List every scenario: its name, vendors and what it does."""
    library = _library(Config(scenarios_dirs=(DEFAULT_SCENARIOS_DIR, *scenario_dirs)))
    for scenario in sorted(library.values(), key=lambda s: s.name):
        click.echo(f"{scenario.name:<48} {','.join(scenario.vendors) or '-':<11} {scenario.description}")


@scenarios.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def validate_scenarios(paths: tuple[Path, ...]) -> None:
    """Check scenario files (or folders of them) as `serve --scenarios` would: schema, catalogues, name clashes."""
    # With the ready-made ones, as serve loads them: a name already taken there is refused too.
    library = _library(Config(scenarios_dirs=(DEFAULT_SCENARIOS_DIR, *paths)))
    given = [path.resolve() for path in paths]
    checked = [s for s in library.values() if any(Path(s.source).resolve().is_relative_to(p) for p in given)]
    click.echo(f"ok: {len(checked)} scenario(s) valid")


def _library(config: Config) -> dict[str, Any]:
    """The scenarios ``config`` loads, or exit 1 listing every problem as ``file:line: field: message``."""
    from sandbox.app import create_app
    from sandbox.core.scenario_files import ScenarioError

    sandbox = None
    try:
        sandbox = create_app(config).extensions["sandbox"]
        return dict(sandbox.scenarios.library)
    except ScenarioError as error:
        problems = error.problems
    finally:
        if sandbox is not None:
            for note in sandbox.scenarios.notes:  # files that are no scenario: skipped, not fatal
                click.echo(f"note: {note}", err=True)
            sandbox.close()
    for problem in problems:
        click.echo(problem, err=True)
    raise SystemExit(1)
