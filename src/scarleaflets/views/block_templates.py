"""Templates that render a section's blocks, checked against the block registry when an environment is made.

A template renders blocks with an ``{% if block.kind == "paragraph" %} … {% elif block.kind == … %}`` chain
inside its ``{% for block in section.blocks %}`` loop. :func:`check_templates` parses every template of the
project (a clinic's overrides included: a broken one stops every environment) and raises
:class:`~scarleaflets.content.blocks.UnhandledBlockKindError` unless every loop over blocks holds such a
chain, and every chain has one branch for each kind of :data:`~scarleaflets.content.blocks.BLOCKS`, none for
another kind, and ends in ``{% else %}{{ unhandled_block(block.kind) }}``. :func:`unhandled_block`, a global of
every environment, is what that branch calls: a block that reaches a template without a branch for it stops
the render with its kind and the template named, instead of vanishing from the page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from functools import lru_cache
from typing import NoReturn

from jinja2 import Environment, nodes, pass_context
from jinja2.runtime import Context

from ..content import blocks
from ..content.blocks import BlockRegistry, UnhandledBlockKindError

UNHANDLED = "unhandled_block"
ELSE = "{% else %}{{ unhandled_block(block.kind) }}"


@pass_context
def unhandled_block(context: Context, kind: str) -> NoReturn:
    """The ``{% else %}`` of every ``kind ==`` chain: a block no branch took is an error, never dropped."""
    raise UnhandledBlockKindError(
        f"template {context.name} has no branch for the block kind '{kind}'; every kind in "
        "scarleaflets.content.blocks.BLOCKS needs one in every template that renders blocks"
    )


def check_templates(env: Environment, registry: BlockRegistry | None = None) -> None:
    """Raise :class:`UnhandledBlockKindError` unless every template of ``env`` that renders blocks has one
    branch for each registered kind and an ``{% else %}`` that calls :func:`unhandled_block`."""
    registry = registry or blocks.BLOCKS
    assert env.loader is not None
    for name in env.list_templates(extensions=["j2"]):
        source = env.loader.get_source(env, name)[0]
        if ".blocks" in source or ".kind" in source:  # a cheap test first: most templates never parse
            check_template(source, name, registry, tuple(env.extensions))


@lru_cache(maxsize=64)  # one parse per template text, however many environments are made (a passed check)
def check_template(source: str, name: str, registry: BlockRegistry, extensions: tuple[str, ...] = ()) -> None:
    """One template: its loops over blocks and its ``kind ==`` chains (see the module's docstring).

    ``extensions`` are those of the environment the template is for (its tags must parse)."""
    tree = Environment(extensions=list(extensions)).parse(source, name)  # noqa: S701 (parsed, never rendered)
    problems = [
        f"the loop over blocks at line {loop.lineno} has no `{variable}.kind ==` chain"
        for loop, variable in _block_loops(tree)
        if not any(_kind(chain.test, variable) for chain in loop.find_all(nodes.If))
    ]
    for chain in _chains(tree):
        kinds = [kind for branch in (chain, *chain.elif_) if (kind := _kind(branch.test)) is not None]
        missing = [kind for kind in registry.names if kind not in kinds]
        unknown = sorted(set(kinds) - set(registry.names))
        twice = sorted(kind for kind, count in Counter(kinds).items() if count > 1)
        where = f"the chain at line {chain.lineno}"
        problems += [f"{where} has no branch for the block kinds {', '.join(missing)}"] if missing else []
        problems += [f"{where} has branches for unregistered kinds {', '.join(unknown)}"] if unknown else []
        problems += [f"{where} has two branches for the block kinds {', '.join(twice)}"] if twice else []
        if not _calls_unhandled(chain.else_):
            problems.append(f"{where} does not end in `{ELSE}`")
    if problems:
        raise UnhandledBlockKindError(
            f"the template {name} does not match the block registry: {'; '.join(problems)}; every kind in "
            "scarleaflets.content.blocks.BLOCKS needs exactly one `{% elif block.kind == … %}` branch in every "
            f"template that renders blocks, and the chain ends in `{ELSE}`"
        )


def _block_loops(tree: nodes.Node) -> Iterator[tuple[nodes.For, str]]:
    """The loops over a section's blocks (``{% for block in section.blocks %}``), with their variable."""
    for loop in tree.find_all(nodes.For):
        over_blocks = isinstance(loop.iter, nodes.Getattr) and loop.iter.attr == "blocks"
        if over_blocks and isinstance(loop.target, nodes.Name):
            yield loop, loop.target.name


def _chains(tree: nodes.Node) -> Iterator[nodes.If]:
    """Each ``{% if x.kind == "…" %}`` chain once (its ``elif`` branches are If nodes of their own)."""
    branches = {id(branch) for chain in tree.find_all(nodes.If) for branch in chain.elif_}
    for chain in tree.find_all(nodes.If):
        if id(chain) not in branches and _kind(chain.test) is not None:
            yield chain


def _kind(test: nodes.Node, variable: str | None = None) -> str | None:
    """The kind a test such as ``block.kind == "paragraph"`` names (of ``variable``, when given)."""
    if not (isinstance(test, nodes.Compare) and len(test.ops) == 1 and test.ops[0].op == "eq"):
        return None
    subject, value = test.expr, test.ops[0].expr
    if not (isinstance(subject, nodes.Getattr) and subject.attr == "kind"):
        return None
    if not isinstance(subject.node, nodes.Name) or variable not in (None, subject.node.name):
        return None
    return value.value if isinstance(value, nodes.Const) and isinstance(value.value, str) else None


def _calls_unhandled(body: list[nodes.Node]) -> bool:
    return any(
        isinstance(call.node, nodes.Name) and call.node.name == UNHANDLED
        for statement in body
        for call in statement.find_all(nodes.Call)
    )
