"""A deterministic synthetic corpus: realistic Q&A with code and ~20% near-duplicate questions.

The same seed always gives the same files, so figures from two runs compare like for like.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

SUBJECTS = [
    "dependency injection", "middleware", "background tasks", "response models", "path parameters",
    "query parameters", "request bodies", "cookies", "headers", "websockets", "OAuth2 scopes",
    "JWT tokens", "database sessions", "connection pooling", "rate limiting", "CORS", "static files",
    "lifespan events", "settings management", "exception handlers", "streaming responses",
    "file uploads", "form data", "pagination", "caching", "API versioning", "test clients",
    "async generators", "thread pools", "event loops", "type hints", "Pydantic validators",
    "field aliases", "OpenAPI tags", "security schemes", "sub-applications", "routers",
    "GraphQL integration", "gzip compression", "health checks", "structured logging", "tracing",
]
CONTEXTS = [
    "FastAPI", "Starlette", "Pydantic v2", "SQLAlchemy 2", "a production deployment",
    "a microservice", "an async worker", "Uvicorn", "Gunicorn", "Docker", "Kubernetes", "pytest",
]
TEMPLATES = [
    "What is {s} in {c}?",
    "How do you configure {s} with {c}?",
    "Why would you use {s} in {c}?",
    "What are the trade-offs of {s} in {c}?",
    "How do you test {s} in {c}?",
    "When should you avoid {s} in {c}?",
    "How does {c} implement {s} internally?",
    "What goes wrong with {s} in {c} under load?",
]
REWORDINGS = [
    ("What is", "Explain what is meant by"),
    ("How do you", "Describe how you would"),
    ("Why would you", "For what reasons would you"),
    ("What are the trade-offs of", "Discuss the trade-offs of"),
    ("When should you avoid", "In which cases should you not use"),
]
SENTENCES = [
    "It keeps the request path free of blocking work, so the event loop stays responsive.",
    "The framework resolves it once per request and caches the result for sub-dependencies.",
    "Validation happens before the handler runs, and errors become a structured 422 response.",
    "In production you pair it with an ASGI server such as Uvicorn behind a reverse proxy.",
    "The trade-off is extra indirection, which pays off once several routes share the logic.",
    "Tests override the dependency to inject fakes without touching the application code.",
    "Because the schema is generated from type hints, the docs never drift from the code.",
    "Keep the handler thin and move side effects into services that are easy to test.",
    "Measure before optimising: most latency comes from I/O, not from the framework itself.",
    "Configuration comes from the environment, parsed and validated at start-up.",
]


def _code(rng: random.Random, subject: str) -> str:
    name = "_".join(subject.lower().replace("-", " ").split())[:30] or "thing"
    return "\n".join([
        "from fastapi import Depends, FastAPI, HTTPException",
        "",
        "app = FastAPI()",
        "",
        "",
        f"async def get_{name}(limit: int = {rng.randint(1, 100)}) -> dict:",
        f'    """Return the current {subject} settings."""',
        f"    return {{\"limit\": limit, \"enabled\": {rng.choice(['True', 'False'])}}}",
        "",
        "",
        f'@app.get("/{name.replace("_", "-")}/{{item_id}}")',
        f"async def read_item(item_id: int, settings: dict = Depends(get_{name})):",
        f"    if item_id > {rng.randint(100, 999)}:",
        '        raise HTTPException(status_code=404, detail="not found")',
        "    return {\"id\": item_id, **settings}",
    ])


def _answer(rng: random.Random, subject: str) -> str:
    parts = [" ".join(rng.sample(SENTENCES, 3))]
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {s}" for s in rng.sample(SENTENCES, 3)))
    if rng.random() < 0.6:
        parts.append("Example:\n```python\n" + _code(rng, subject) + "\n```")
    parts.append(" ".join(rng.sample(SENTENCES, 2)))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class SyntheticItem:
    question: str
    answer: str


def items(count: int, seed: int = 7, duplicate_share: float = 0.2) -> list[SyntheticItem]:
    """``count`` items; about ``duplicate_share`` of them reword an earlier question."""
    rng = random.Random(seed)
    out: list[SyntheticItem] = []
    originals = 0
    while len(out) < count:
        if out and rng.random() < duplicate_share:
            base = out[rng.randrange(len(out))]
            question = base.question
            for old, new in REWORDINGS:
                if question.startswith(old):
                    question = new + question[len(old):]
                    break
            else:
                question = "Can you explain: " + question
            out.append(SyntheticItem(question, base.answer.replace("It keeps", "This keeps")))
            continue
        subject = rng.choice(SUBJECTS)
        context = rng.choice(CONTEXTS)
        template = rng.choice(TEMPLATES)
        originals += 1
        question = template.format(s=subject, c=context) + f" (case {originals})"
        out.append(SyntheticItem(question, _answer(rng, subject)))
    return out


def write_markdown(path: Path, chunk: list[SyntheticItem], start: int) -> None:
    lines = ["# Synthetic interview questions", ""]
    for number, item in enumerate(chunk, start=start):
        lines += [f"## Q{number}. {item.question}", item.answer, ""]
    path.write_text("\n".join(lines), encoding="utf-8")


def write_json(path: Path, chunk: list[SyntheticItem], start: int) -> None:
    records = [
        {"id": f"q{number}", "question": item.question, "answer": item.answer}
        for number, item in enumerate(chunk, start=start)
    ]
    path.write_text(json.dumps({"questions": records}, indent=1), encoding="utf-8")


def write_corpus(folder: Path, count: int, seed: int = 7, per_file: int = 500,
                 formats: tuple[str, ...] = ("markdown",)) -> Path:
    """Write ``count`` items as files of ``per_file`` items and a manifest; returns the manifest."""
    folder.mkdir(parents=True, exist_ok=True)
    all_items = items(count, seed)
    sources = []
    writers = {"markdown": (write_markdown, "md"), "json": (write_json, "json")}
    for index, start in enumerate(range(0, count, per_file)):
        kind = formats[index % len(formats)]
        writer, ext = writers[kind]
        path = folder / f"part-{index:04d}.{ext}"
        writer(path, all_items[start:start + per_file], start + 1)
        sources.append(path.name)
    manifest = folder / "qa2anki.yaml"
    manifest.write_text(
        "decks:\n  - name: Bench\n    output: decks/bench.apkg\n    sources:\n"
        + "".join(f"      - {name}\n" for name in sources),
        encoding="utf-8",
    )
    return manifest
