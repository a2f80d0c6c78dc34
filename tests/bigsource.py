"""Generated markdown sources of any size, for the scale, progress and kill-mid-build tests."""

from __future__ import annotations

from pathlib import Path

_CODE = '''```python
def handler_{n}(request):
    """Answer request {n}."""
    if request.user is None:
        raise PermissionError("login first")
    return {{"id": {n}, "items": [i * {n} for i in range(3)]}}
```'''


def question_block(n: int) -> str:
    """One question with a paragraph answer; every third one carries a code sample."""
    answer = (
        f"Item {n} explains how the framework treats case {n}: it validates the input, "
        "runs the dependencies, calls the handler and serialises what it returns. "
        "Keep handlers small and push work into services you can test alone."
    )
    code = f"\n\n{_CODE.format(n=n)}" if n % 3 == 0 else ""
    return f"## Q{n}. How does the framework handle case {n}?\n\n{answer}{code}\n\n"


def write_markdown(path: Path, *, items: int | None = None, size: int | None = None) -> int:
    """Write ``items`` questions, or as many as fill ``size`` bytes; returns the item count."""
    count = 0
    written = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("# Generated interview questions\n\n")
        while (items is not None and count < items) or (size is not None and written < size):
            count += 1
            block = question_block(count)
            out.write(block)
            written += len(block)
    return count
