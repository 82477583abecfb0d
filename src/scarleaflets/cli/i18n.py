"""The ``i18n`` command group: extract, init, update, compile, status and check the gettext catalogs, each a
thin call into the i18n stage's workflow, its output printed and any catalog problem mapped to exit code 1.
"""

from __future__ import annotations

import datetime as dt
import json

import click

from .. import i18n
from ..config import Project
from ..content import approval_date, signer_field
from ..errors import Problem
from ..i18n import approval as signoff
from ..i18n import extract_project
from ..i18n.manifest import record_review
from .app import DATE, _count, _fail_on, _now, _project, cli


def _locales(project: Project, chosen: tuple[str, ...]) -> list[str]:
    available = i18n.discover_locales(project)
    unknown = [code for code in chosen if code not in available]
    if unknown:
        raise click.UsageError(
            f"no catalog for {', '.join(unknown)}; available: {', '.join(available) or 'none'} "
            "(start one with `scarleaflets i18n init LOCALE`)"
        )
    return list(chosen) or available


@cli.group("i18n")
def i18n_group() -> None:
    """Translation catalogs: extract, init, update, compile, status, check, approve, review-diff.

    Translators work in standard gettext files, locales/LOCALE/LC_MESSAGES/messages.po, with any PO editor
    (Poedit, Weblate, pybabel). A typical round: `extract` after content or templates change, `update` to
    merge the new English into every catalog (changed texts become fuzzy), translate, then `check` and
    `compile`. See docs/translators-guide.md.
    """


@i18n_group.command("extract")
@click.pass_context
def i18n_extract(ctx: click.Context) -> None:
    """Validate all content, then write locales/messages.pot with every content and template message.

    Uses the project's babel.cfg, the same mapping as `pybabel extract -F babel.cfg -o locales/messages.pot .`
    """
    project = _project(ctx)
    catalog = extract_project(project, _now())
    path = i18n.write_template(project, catalog)
    click.echo(f"wrote {i18n.shown(project, path)}: {_count(len(catalog), 'message')}")


@i18n_group.command("init")
@click.argument("locale")
@click.option(
    "--translated-by",
    default="not recorded",
    show_default=True,
    help="Who or what translates this catalog (a role or a tool, not a person's name), for translation.toml.",
)
@click.pass_context
def i18n_init(ctx: click.Context, locale: str, translated_by: str) -> None:
    """Start a catalog for LOCALE (for example pl, he or pt_BR) from locales/messages.pot.

    Plural rules and text direction come from CLDR, so a new language needs no code change. A
    translation.toml next to the catalog records that the translation awaits review. A regional variant
    (en_GB, es_MX, pt_PT next to a pt catalog) falls back to its base message by message: translate only
    the messages that differ and leave the others empty.
    """
    project = _project(ctx)
    path = i18n.init_locale(project, locale, _now(), translated_by)
    click.echo(f"created {i18n.shown(project, path)}; translate it, then run `scarleaflets i18n check`")
    chain = i18n.fallback_locales(project, locale)
    if chain:
        click.echo(
            f"{locale} is a regional variant: translate only the messages that differ; every message left "
            f"empty falls back to {i18n.describe_chain(chain)}"
        )


@i18n_group.command("update")
@click.argument("locales", nargs=-1)
@click.option(
    "--plural-rule",
    type=click.Choice(["keep", "cldr"]),
    default="keep",
    show_default=True,
    help="keep: each catalog keeps the plural rule its Plural-Forms header states. cldr: adopt the installed "
    "Babel's CLDR rule where it differs; the translated plural entries become fuzzy for a translator to review.",
)
@click.pass_context
def i18n_update(ctx: click.Context, locales: tuple[str, ...], plural_rule: i18n.PluralChoice) -> None:
    """Merge locales/messages.pot into the catalogs (all, or the LOCALES named).

    Existing translations are kept; a message whose English changed is marked fuzzy (not published until a
    translator confirms it), with the old English kept as a "#| msgid" comment so PO editors show what
    changed; new messages arrive untranslated. Catalogs are written the way GNU gettext writes them, so
    msgfmt, Poedit and Weblate read them and their own saves give small diffs.

    A catalog's plural rule is its own: a newer Babel whose CLDR data counts a language's plural forms
    differently only causes a warning in `scarleaflets check`. To move a catalog to the CLDR rule on purpose,
    run `scarleaflets i18n update --plural-rule=cldr LOCALE`; until a translator confirms the plural entries
    it marks fuzzy, they fall back to English and the language may be withheld for being incomplete.
    """
    project = _project(ctx)
    for item in i18n.update_locales(project, _locales(project, locales), plural_rule=plural_rule):
        click.echo(f"updated {i18n.shown(project, item.path)}")
        if item.plural_rule is not None:
            click.echo(
                f"  Plural-Forms is now {item.plural_rule.header} (CLDR); "
                f"{_count(item.plural_fuzzy, 'plural entry', 'plural entries')} marked fuzzy for the translator"
            )


@i18n_group.command("compile")
@click.argument("locales", nargs=-1)
@click.pass_context
def i18n_compile(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Write messages.mo for the catalogs (all, or the LOCALES named) after the quality gate.

    Refuses to write any .mo when a catalog has a problem, and exits 1 listing them all. Fuzzy
    entries are left out.
    """
    project = _project(ctx)
    for path in i18n.compile_locales(project, _locales(project, locales)):
        click.echo(f"compiled {i18n.shown(project, path)}")


@i18n_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@click.pass_context
def i18n_status(ctx: click.Context, as_json: bool) -> None:
    """Per locale: translated, fuzzy and untranslated messages, completeness, and review status.

    A regional variant (en_GB, es_MX…) counts the messages its base supplies as translated; a second line
    says how many messages it overrides, and how many of its own texts are fuzzy (shown from the base).
    """
    project = _project(ctx)
    template = i18n.read_template(project)
    statuses = [i18n.locale_status(project, code, template) for code in i18n.discover_locales(project)]
    threshold = project.settings.min_completeness
    if as_json:
        payload = {"min_completeness": threshold, "locales": [s.as_dict() for s in statuses]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(
        f"{'locale':<8} {'language':<24} {'translated':>12} {'fuzzy':>6} {'missing':>8} {'%':>6}  review"
    )
    for s in statuses:
        review = (
            f"reviewed by {s.manifest.reviewed_by} on {s.manifest.reviewed_on}"
            if s.manifest.reviewed
            else "draft: awaits review by a qualified medical translator"
        )
        flag = "" if s.percent >= threshold else "  (below threshold: not published)"
        problems = f"  {_count(s.problems, 'problem')}: run `scarleaflets i18n check`" if s.problems else ""
        click.echo(
            f"{s.locale:<8} {s.native_name[:24]:<24} {s.translated:>5}/{s.total:<6} {s.fuzzy:>6} "
            f"{s.untranslated:>8} {s.percent:>6.1f}  {review}{flag}{problems}"
        )
        if s.variant:
            stale = (
                f", {s.fuzzy_overrides} of its own fuzzy (shown from the base)" if s.fuzzy_overrides else ""
            )
            click.echo(
                f"{'':<8} regional variant: overrides {_count(s.overrides, 'message')}{stale}; "
                f"the rest from {i18n.describe_chain(s.fallback)}"
            )


@i18n_group.command("check")
@click.argument("locales", nargs=-1)
@click.pass_context
def i18n_check(ctx: click.Context, locales: tuple[str, ...]) -> None:
    """Run the quality gate on the catalogs (all, or the LOCALES named); exit 1 on any problem.

    Rejects: a catalog that does not parse; a Plural-Forms header that is missing, does not parse or maps a
    count to a form that does not exist; a plural entry with another number of forms than the header's
    nplurals; placeholders missing, renamed or added; markup other than the English's; links or e-mail
    addresses not in the English. Each problem names the .po file and line. A Plural-Forms rule that differs
    from the installed Babel's CLDR rule is a warning only (see `i18n update --plural-rule`).
    """
    project = _project(ctx)
    chosen = _locales(project, locales)
    problems, warnings = i18n.check_locales(project, chosen)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    _fail_on(problems)
    click.echo(f"OK: {_count(len(chosen), 'catalog')} passed the quality gate")


@i18n_group.command("approve")
@click.argument("locale")
@click.option("--by", "by", required=True, metavar="NAME", help="The approving medical translator's name.")
@click.option("--role", required=True, metavar="ROLE", help="Their role or qualification.")
@click.option(
    "--date", type=DATE, default=None, help="The day of the approval (default: today; never later)."
)
@click.pass_context
def i18n_approve(ctx: click.Context, locale: str, by: str, role: str, date: dt.datetime | None) -> None:
    """Record that a medical translator approved LOCALE's catalog as it stands now.

    Writes locales/LOCALE/approval.toml: who, their role, the day, and each message as approved (its context,
    its English and a hash of its translation). Any later change to the catalog voids the approval:
    `scarleaflets check` says so, and `scarleaflets i18n review-diff LOCALE` lists exactly the messages
    added, changed or removed since, for the next review. Approving again replaces the record.

    It also marks locales/LOCALE/translation.toml reviewed (by ROLE, on the day). From then on leaflets and
    emails in the language say the translation was reviewed by a medical translator on that day, for as long
    as the catalog still matches the approval; after any change they say it awaits review again.
    """
    project = _project(ctx)
    (code,) = _locales(project, (locale,))
    today = _now().date()
    name, title = signer_field(by, "--by"), signer_field(role, "--role")
    day = approval_date(date.date() if date else today, today)
    record = signoff.write_approval(project, code, name, title, day)
    record_review(project, code, title, day)
    click.echo(
        f"recorded in {i18n.shown(project, signoff.approval_path(project, code))}: "
        f"{i18n.shown(project, i18n.catalog_path(project, code))} approved by {name} ({title}) on "
        f"{day.isoformat()}, {_count(len(record.messages), 'message')} as they stand now"
    )


@i18n_group.command("review-diff")
@click.argument("locale")
@click.pass_context
def i18n_review_diff(ctx: click.Context, locale: str) -> None:
    """List the messages of LOCALE's catalog added, changed or removed since its approval.

    For the medical translator's review: each message with its change, its .po line, its context, its
    English and its translation now. Without an approval every message is listed. Always exits 0.
    """
    project = _project(ctx)
    (code,) = _locales(project, (locale,))
    problems: list[Problem] = []
    record = signoff.read_approval(project, code, problems)
    _fail_on(problems)
    po = i18n.shown(project, i18n.catalog_path(project, code))
    found = signoff.review_diff(record, signoff.catalog_entries(project, code))
    if record is None:
        click.echo(f"{po} has no approval yet: every message is to review ({_count(len(found), 'message')}).")
    else:
        click.echo(
            f"{po}: approved by {record.by} ({record.role}) on {record.date.isoformat()}; "
            f"{_count(len(found), 'message')} changed since."
        )
    for item in found:
        where = f"{po}:{item.line}" if item.line else po
        click.echo(f"\n{item.change.upper()}  {where}  [{item.context}]")
        click.echo(f"  English:     {item.english}")
        if item.change != "removed":
            click.echo(f"  Translation: {item.translation}")
