"""A deterministic synthetic corpus: realistic Q&A with varied code and ~20% planted duplicates.

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


#: Syllables of the made-up API name each original question asks about (its own, as a real
#: question names its own function or option); every other word of a question is common.
_SYLLABLES = ["ac", "bo", "cri", "da", "el", "fen", "gu", "hal", "in", "jo", "ka", "lum", "mo", "ner",
              "op", "pra", "qui", "ros", "sa", "tor", "ul", "vex", "wi", "xan", "yo", "zel"]
_CODE_SHAPES = ("python", "python-class", "javascript", "sql", "bash", "yaml")


def _name(rng: random.Random, taken: set[str]) -> str:
    while True:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))
        if name not in taken:
            taken.add(name)
            return name


def _code(rng: random.Random, subject: str, name: str) -> tuple[str, str]:
    """A code sample in one of several languages and shapes, so highlighting is not one sample
    repeated; returns (language, code)."""
    slug = "_".join(subject.lower().replace("-", " ").split())[:30] or "thing"
    number, limit = rng.randint(1, 100), rng.randint(100, 999)
    shape = rng.choice(_CODE_SHAPES)
    if shape == "python":
        return "python", "\n".join([
            "from fastapi import Depends, FastAPI, HTTPException", "", "app = FastAPI()", "", "",
            f"async def get_{name}(limit: int = {number}) -> dict:",
            f'    """Return the current {subject} settings."""',
            f"    return {{\"limit\": limit, \"enabled\": {rng.choice(['True', 'False'])}}}", "", "",
            f'@app.get("/{slug.replace("_", "-")}/{{item_id}}")',
            f"async def read_item(item_id: int, settings: dict = Depends(get_{name})):",
            f"    if item_id > {limit}:",
            '        raise HTTPException(status_code=404, detail="not found")',
            "    return {\"id\": item_id, **settings}",
        ])
    if shape == "python-class":
        return "python", "\n".join([
            "from dataclasses import dataclass, field", "", "",
            "@dataclass", f"class {name.capitalize()}Config:",
            f"    {slug}: int = {number}",
            f"    retries: list[int] = field(default_factory=lambda: [{limit}])", "",
            "    def scaled(self, factor: float) -> float:",
            f"        return self.{slug} * factor / {rng.randint(2, 9)}",
        ])
    if shape == "javascript":
        return "javascript", "\n".join([
            f"export async function {name}(req, res) {{",
            f"  const limit = Number(req.query.limit ?? {number});",
            f"  const rows = await db.{slug}.findMany({{ take: limit }});",
            f"  if (rows.length > {limit}) {{",
            "    return res.status(413).json({ error: 'too many' });",
            "  }",
            "  res.json(rows.map((row) => ({ ...row, seen: true })));",
            "}",
        ])
    if shape == "sql":
        return "sql", "\n".join([
            f"SELECT u.id, count(*) AS {name}_count",
            "FROM users AS u",
            f"JOIN {slug} AS s ON s.user_id = u.id",
            f"WHERE s.created_at > now() - interval '{number} days'",
            "GROUP BY u.id",
            f"HAVING count(*) > {limit}",
            "ORDER BY 2 DESC;",
        ])
    if shape == "bash":
        return "bash", "\n".join([
            "#!/usr/bin/env bash", "set -euo pipefail",
            f'for attempt in $(seq 1 {number % 9 + 1}); do',
            f'  curl -fsS "http://localhost:8000/{slug}?limit={limit}" && break',
            '  sleep "$attempt"', "done",
        ])
    return "yaml", "\n".join([
        f"{name}:", f"  image: registry.example/{slug.replace('_', '-')}:{number}", "  env:",
        f"    LIMIT: \"{limit}\"", "  ports:", f"    - \"{8000 + number}:8000\"",
    ])


_OPENERS = ["In practice", "Under load", "In tests", "In production", "By default", "With async code",
            "Behind a proxy", "On start-up", "For each request", "In a worker", "During a deploy",
            "With several replicas", "After a timeout", "On a retry", "For large payloads"]
_ACTIONS = ["validates", "caches", "batches", "retries", "streams", "logs", "rejects", "wraps",
            "resolves", "serialises", "measures", "isolates", "defers", "pools", "signs"]
_ACTORS = ["it", "the framework", "the middleware", "the dependency", "the server", "the client"]
_OBJECTS = ["the {subject} settings", "every {subject} call", "the {subject} state",
            "each {subject} handler", "the {subject} cache", "all {subject} errors",
            "the {subject} schema", "slow {subject} paths", "the {subject} queue"]
_REASONS = ["so the event loop stays free", "before the handler runs", "once per process",
            "to keep latency flat", "so tests can replace it", "to avoid a second round trip",
            "because the client may disconnect", "unless the header says otherwise",
            "so that retries stay idempotent", "to bound memory", "which keeps the schema honest"]


def _sentence(rng: random.Random, subject: str, name: str) -> str:
    thing = rng.choice(_OBJECTS).format(subject=subject)
    actor, action, reason = rng.choice(_ACTORS), rng.choice(_ACTIONS), rng.choice(_REASONS)
    return f"{rng.choice(_OPENERS)}, {actor} {action} {thing} {reason}."


def _answer(rng: random.Random, subject: str, name: str) -> str:
    """Sentences built from the subject and name (two answers rarely share one), a list, maybe
    code, and one of the general remarks any answer might make."""
    def sentences(count: int) -> list[str]:
        return [_sentence(rng, subject, name) for _ in range(count)]

    parts = [f"`{name}` is one way to handle {subject}. " + " ".join(sentences(2))]
    if rng.random() < 0.5:
        parts.append("\n".join(f"- {s}" for s in sentences(3)))
    if rng.random() < 0.6:
        language, code = _code(rng, subject, name)
        parts.append(f"Example:\n```{language}\n{code}\n```")
    parts.append(" ".join([*sentences(1), rng.choice(SENTENCES)]))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class SyntheticItem:
    question: str
    answer: str
    #: the number of the original this item asks again (its own number if it is one)
    original: int = 0


#: Some questions are asked by many sources: the planted groups include some this large, past
#: any "too common to index" cut-off a candidate search might use.
POPULAR_COPIES = 30


def _reworded(question: str) -> str:
    for old, new in REWORDINGS:
        if question.startswith(old):
            return new + question[len(old):]
    return "Can you explain: " + question


def items(count: int, seed: int = 7, duplicate_share: float = 0.2) -> list[SyntheticItem]:
    """``count`` items; about ``duplicate_share`` of them ask an earlier question again, reworded,
    with its answer lightly edited. A third of those ask the current popular question, which
    changes after :data:`POPULAR_COPIES` copies, so planted groups range from 2 to 31 items."""
    rng = random.Random(seed)
    names: set[str] = set()
    out: list[SyntheticItem] = []
    originals: list[SyntheticItem] = []
    popular, copies = 0, 0
    while len(out) < count:
        if originals and rng.random() < duplicate_share:
            if rng.random() < 1 / 3:
                if copies >= POPULAR_COPIES or not popular:
                    popular, copies = rng.randrange(len(originals)) + 1, 0
                copies += 1
                base = originals[popular - 1]
            else:
                base = originals[rng.randrange(len(originals))]
            answer = base.answer.replace("It keeps", "This keeps").replace(" so the ", " so that the ")
            out.append(SyntheticItem(_reworded(base.question), answer, base.original))
            continue
        subject, context, template = rng.choice(SUBJECTS), rng.choice(CONTEXTS), rng.choice(TEMPLATES)
        name = _name(rng, names)
        question = template.format(s=f"{subject} with `{name}`", c=context)
        original = SyntheticItem(question, _answer(rng, subject, name), len(originals) + 1)
        originals.append(original)
        out.append(original)
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
