"""Rendering on several cores gives exactly what rendering on one gives, images included."""

from __future__ import annotations

from pathlib import Path

from qa2anki import render
from qa2anki.models import Card, Item

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _jobs(folder: Path, count: int) -> list[tuple[Card, dict]]:
    (folder / "dot.png").write_bytes(PNG)
    jobs = []
    for index in range(count):
        answer = f"Answer {index}\n\n```python\nx = {index}\n```"
        if index % 7 == 0:
            answer += "\n\n![dot](dot.png)"
        if index % 11 == 0:
            answer += "\n\n![gone](missing.png)"
        item = Item(question=f"Q {index}?", answer=answer, source="s.md", ref=f"Q{index}", line=index + 1)
        jobs.append((Card(items=(item,)), render.NoteSpec(guid=f"g{index}", deck="D", position=index)))
    return jobs


def test_parallel_render_matches_sequential(tmp_path: Path, monkeypatch):
    jobs = _jobs(tmp_path, 60)
    folders = {"s.md": tmp_path}
    one = render.render_notes(jobs, folders, workers=1)
    monkeypatch.setattr(render, "PARALLEL_MIN_CARDS", 10)
    two = render.render_notes(jobs, folders, workers=2)
    assert [n.fields for n in two.notes] == [n.fields for n in one.notes]
    assert [n.guid for n in two.notes] == [f"g{i}" for i in range(60)]
    assert two.media == one.media and len(one.media) == 1
    assert set(two.diagnostics) == set(one.diagnostics) and len(one.diagnostics) >= 1
    assert any("missing.png" in d.message for d in two.diagnostics)
