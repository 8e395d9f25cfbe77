"""`kcopt rules`: the rule set in force, with each rate's legal basis and confidence."""

from __future__ import annotations

from pathlib import Path

import typer

from kcopt.cli.common import user_errors


@user_errors
def rules_command(
    province: str | None = typer.Option(None, "--province", help="Show overrides for one "
                                        "province (any spelling)."),
    scenario: Path | None = typer.Option(None, "--scenario", help="Apply a scenario's "
                                         "rate_overrides."),
    as_csv: bool = typer.Option(False, "--csv", help="Print CSV instead of a table."),
) -> None:
    """Print support rates and ceilings per content type and fund, with legal basis.

    Example: kcopt rules --province "Đắk Lắk" --scenario scenarios/demo/demo.yaml
    """
    import pandas as pd

    from kcopt.errors import InputError
    from kcopt.geo import load_geography
    from kcopt.rules import DECREE32_BASIS, load_rules
    from kcopt.scenario import load_scenario

    rules = load_rules()
    prov = None
    if province:
        res = load_geography().resolve(province)
        if res.name is None:
            raise InputError(f"unknown province '{province}'")
        prov = res.name
    if scenario:
        rules = rules.with_overrides(list(load_scenario(scenario).rate_overrides))
    table = rules.table(prov)
    if as_csv:
        typer.echo(table.to_csv(index=False), nl=False)
        return
    typer.echo(f"Rule set {rules.version}" + (f" — {prov}" if prov else " — national"))
    typer.echo(f"{'category':26} {'fund':7} {'rate':>6} {'ceiling':>9}  {'verified':8}  basis")
    for r in table.to_dict("records"):
        rate = "—" if pd.isna(r["rate"]) else f"{r['rate']:.0%}"
        ceiling = "—" if pd.isna(r["ceiling"]) else f"{r['ceiling']:,.0f}"
        typer.echo(f"{r['category']:26} {r['fund']:7} {rate:>6} {ceiling:>9}  "
                   f"{('yes' if r['verified'] else 'NO'):8}  {r['basis']} [{r['confidence']}]")
    typer.echo(f"\nIndustrial-cluster infrastructure: all state support ≤ 30% of total "
               f"investment, counting support already received ({DECREE32_BASIS}).")
    typer.echo("Ceilings in million VND. Unverified rates: set them with rate_overrides.")
