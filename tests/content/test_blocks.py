"""content/blocks.py: one registry of block kinds; whoever dispatches on a kind must handle every one."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from scarleaflets.config import open_project
from scarleaflets.content import blocks
from scarleaflets.content.blocks import (
    BLOCKS,
    BlockKind,
    BlockRegistry,
    Paragraph,
    UnhandledBlockKindError,
    block_document,
    block_messages,
    check_handled,
)
from scarleaflets.content.readability import prose_texts
from scarleaflets.content.validation import Msg, Text
from scarleaflets.views import templating, topic

from ..conftest import FIXTURE_TODAY


@dataclass(frozen=True)
class Video:
    caption: Msg


VIDEO = BlockKind(
    "video", Video, Text, lambda v, note: Video(v), lambda b: (b.caption,), lambda b: (b.caption,)
)


def test_todays_kinds_in_the_order_messages_name_them():
    assert BLOCKS.names == ("paragraph", "list", "callout", "table", "figure")


def test_every_registered_kind_has_a_view():
    check_handled(topic.BLOCK_VIEWS, who="topic view model")  # does not raise
    assert set(topic.BLOCK_VIEWS) == set(BLOCKS.names)


def test_a_new_kind_without_a_view_fails_when_a_renderer_starts(mini_project, monkeypatch):
    monkeypatch.setattr(blocks, "BLOCKS", BLOCKS.with_kind(VIDEO))
    with pytest.raises(UnhandledBlockKindError) as info:
        templating.make_environment(open_project(mini_project))
    assert str(info.value) == (
        "the topic view model does not match the block registry: no handler for the block kinds video; "
        "every kind in scarleaflets.content.blocks.BLOCKS needs exactly one handler"
    )


def test_a_handler_for_a_kind_that_is_not_registered_is_an_error():
    with pytest.raises(UnhandledBlockKindError, match="handlers for unregistered kinds video"):
        check_handled({**topic.BLOCK_VIEWS, "video": object()}, who="topic view model")


def test_a_new_kind_is_validated_extracted_and_read_through_its_entry():
    registry = BLOCKS.with_kind(VIDEO)
    assert list(block_document(registry).model_fields) == [*registry.names, "note"]
    video = Video(Msg("A short film.", 3))
    assert list(registry.kind_of(video).messages(video)) == [video.caption]
    assert list(registry.kind_of(video).prose(video)) == [video.caption]


def test_a_block_of_an_unregistered_type_is_never_silently_dropped():
    with pytest.raises(UnhandledBlockKindError, match="Video is not a registered kind of block"):
        list(block_messages(Video(Msg("A short film.", 3))))  # type: ignore[arg-type]


def test_the_registry_refuses_a_kind_twice_and_the_note_key():
    with pytest.raises(UnhandledBlockKindError, match="registered twice"):
        BLOCKS.with_kind(BLOCKS.kinds[0])
    note = BlockKind("note", Paragraph, Text, lambda v, n: Paragraph(v), lambda b: (), lambda b: ())
    with pytest.raises(UnhandledBlockKindError, match="not a kind of block"):
        BlockRegistry((note,))


def test_readability_reads_what_each_block_gives(mini_project):
    from scarleaflets.content import load_content

    sample = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    read = list(prose_texts(sample))
    extracted = [msg for context, msg in sample.messages() if not context.endswith("/review")]
    assert read == extracted  # today every block's prose is its messages; figures count once, with the topic


@pytest.mark.parametrize(
    ("part", "who"),
    [("build", "validation"), ("messages", "catalog extractor"), ("prose", "readability measure")],
)
def test_a_kind_registered_without_what_a_stage_needs_is_refused_at_start_up(part, who):
    """BLOCKS is made when the package is imported: a kind without its extractor or readability entry (or its
    builder) cannot be registered, so no stage meets a block it would have to skip."""
    parts = {"build": VIDEO.build, "messages": VIDEO.messages, "prose": VIDEO.prose, part: None}
    with pytest.raises(UnhandledBlockKindError) as info:
        BlockKind("video", Video, Text, **parts)  # type: ignore[arg-type]
    assert (
        str(info.value)
        == f"the block kind 'video' has nothing for the {who}: BlockKind.{part} must be a function"
    )


def test_a_fake_kind_fails_loudly_in_every_stage_until_it_is_registered(mini_project, monkeypatch):
    """A video block in a topic: the renderer refuses to start, the extractor and the readability measure raise
    instead of skipping it; once registered (with a view), it is extracted and read like any other block."""
    from dataclasses import replace

    from scarleaflets.content import load_content

    topic = load_content(mini_project, FIXTURE_TODAY).topics["sample"]
    video = Video(Msg("A short film about scars.", 3))
    section = replace(topic.sections[0], blocks=(*topic.sections[0].blocks, video))
    topic = replace(topic, sections=(section, *topic.sections[1:]))  # type: ignore[arg-type]
    with pytest.raises(UnhandledBlockKindError, match="Video is not a registered kind of block"):
        list(topic.messages())  # the catalog extractor
    with pytest.raises(UnhandledBlockKindError, match="Video is not a registered kind of block"):
        list(prose_texts(topic))  # the readability measure
    monkeypatch.setattr(blocks, "BLOCKS", BLOCKS.with_kind(VIDEO))
    with pytest.raises(
        UnhandledBlockKindError, match=r"topic view model .* no handler for the block kinds video"
    ):
        templating.make_environment(open_project(mini_project))
    assert video.caption in [msg for _, msg in topic.messages()]
    assert video.caption in list(prose_texts(topic))
