"""Well-formed Python snippets from a small grammar, for the repair property tests.

The grammar writes code the way people write it in answers: imports, assignments, decorated
(async) functions that end in a return, classes with annotated fields and methods, if/else,
try/except, for/while, with, comments at line ends and above definitions.
"""

from __future__ import annotations

import random

NAMES = ["a", "b", "data", "items", "total", "value", "result", "user", "count", "payload", "row"]
FUNCTIONS = ["load", "save", "fetch", "parse", "check", "render", "compute", "notify", "build", "clean"]
CLASSES = ["User", "Item", "Order", "Settings", "Report", "Account"]
WORDS = ["keep", "the", "value", "cached", "slow", "call", "runs", "once", "per", "request", "note",
         "validated", "here", "cheap", "copy", "first", "then", "retry", "later", "works"]  # fmt: skip
MODULES = ["os", "json", "time", "logging", "asyncio"]
CALLEES = ["lookup", "store", "emit"]  # called in bodies; never the enclosing function itself


class Snippet:
    """Builds one snippet line by line; ``lines`` holds (indent level, text)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.lines: list[tuple[int, str]] = []
        self.functions = list(FUNCTIONS)
        self.rng.shuffle(self.functions)
        self.classes = list(CLASSES)
        self.rng.shuffle(self.classes)

    def source(self) -> str:
        return "\n".join("    " * level + text for level, text in self.lines) + "\n"

    # -- pieces

    def comment(self) -> str:
        return "# " + " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 5)))

    def maybe_comment(self, text: str) -> str:
        return f"{text}  {self.comment()}" if self.rng.random() < 0.25 else text

    def name(self) -> str:
        return self.rng.choice(NAMES)

    def expr(self, depth: int = 0) -> str:
        choice = self.rng.randint(0, 7 if depth < 2 else 2)
        if choice == 0:
            return self.name()
        if choice == 1:
            return str(self.rng.randint(0, 99))
        if choice == 2:
            return repr(self.rng.choice(["id", "name", "ok", "/items"]))
        if choice == 3:
            return f"{self.name()}.{self.rng.choice(['id', 'name', 'items'])}"
        if choice == 4:
            return f"{self.expr(depth + 1)} + {self.expr(depth + 1)}"
        if choice == 5:
            return f"{self.rng.choice(CALLEES)}({self.expr(depth + 1)})"
        if choice == 6:
            return f'{{"key": {self.expr(depth + 1)}}}'
        return f"[{self.expr(depth + 1)}, {self.expr(depth + 1)}]"

    def condition(self) -> str:
        return self.rng.choice([f"{self.name()} > {self.rng.randint(0, 9)}", f"not {self.name()}",
                                f"{self.name()} is None", f"{self.name()} in {self.name()}"])  # fmt: skip

    def simple(self, level: int, in_async: bool = False) -> None:
        kind = self.rng.randint(0, 4)
        if kind == 0:
            text = f"{self.name()} = {self.expr()}"
        elif kind == 1:
            text = f"{self.name()} += {self.rng.randint(1, 9)}"
        elif kind == 2:
            text = f"assert {self.condition()}"
        elif kind == 3 and in_async:
            text = f"{self.name()} = await {self.rng.choice(CALLEES)}({self.name()})"
        else:
            text = f"{self.name()}.{self.rng.choice(['append', 'update', 'send'])}({self.expr()})"
        self.lines.append((level, self.maybe_comment(text)))

    def terminal(self, level: int) -> None:
        if self.rng.random() < 0.5:
            self.lines.append((level, self.maybe_comment(f"return {self.expr()}")))
        else:
            self.lines.append((level, self.maybe_comment(f'raise ValueError("bad {self.name()}")')))

    def multiline_call(self, level: int) -> None:
        self.lines.append((level, f"{self.name()} = {self.rng.choice(CALLEES)}("))
        for _ in range(self.rng.randint(1, 3)):
            self.lines.append((level + 1, f"{self.expr()},"))
        self.lines.append((level, ")"))

    # -- blocks inside a function body

    def closed_block(self, level: int, in_async: bool) -> None:
        """A block whose every branch ends the function (return/raise), so what follows is clear."""
        if self.rng.random() < 0.6:
            self.lines.append((level, self.maybe_comment(f"if {self.condition()}:")))
            self.body(level + 1, in_async, 0, 1)
            self.terminal(level + 1)
            return
        self.lines.append((level, "try:"))
        self.body(level + 1, in_async, 1, 2)
        self.lines.append((level, self.rng.choice(["except ValueError:", "except KeyError as error:"])))
        self.terminal(level + 1)

    def open_block(self, level: int, in_async: bool) -> None:
        """A block that may end in ordinary statements: only the final return may follow it."""
        kind = self.rng.randint(0, 4)
        if kind == 0:
            self.lines.append((level, f"if {self.condition()}:"))
            self.body(level + 1, in_async, 1, 2)
            self.lines.append((level, "else:"))
            self.body(level + 1, in_async, 1, 2)
        elif kind == 1:
            self.lines.append((level, self.maybe_comment(f"for {self.name()} in {self.name()}:")))
            if self.rng.random() < 0.4:
                self.lines.append((level + 1, f"if {self.condition()}:"))
                self.lines.append((level + 2, self.rng.choice(["continue", "break"])))
            self.body(level + 1, in_async, 1, 2)
        elif kind == 2:
            self.lines.append((level, f"while {self.condition()}:"))
            self.body(level + 1, in_async, 1, 2)
        elif kind == 3:
            self.lines.append((level, f"with open({self.name()}) as handle:"))
            self.body(level + 1, in_async, 1, 2)
        else:
            self.lines.append((level, "try:"))
            self.body(level + 1, in_async, 1, 2)
            self.lines.append((level, "except Exception:"))
            self.body(level + 1, in_async, 1, 1)
            self.lines.append((level, "finally:"))
            self.body(level + 1, in_async, 1, 1)

    def body(self, level: int, in_async: bool, low: int, high: int) -> None:
        for _ in range(self.rng.randint(low, high)):
            self.simple(level, in_async)

    # -- definitions

    def function(self, level: int = 0, method: bool = False) -> bool:
        """Write a function; True when its final return follows an open block (if/else, loop, with)."""
        name = self.functions.pop() if self.functions else "helper"
        is_async = not method and self.rng.random() < 0.4
        if self.rng.random() < 0.5:
            decorator = "@property" if method else f'@app.get("/{name}")'
            self.lines.append((level, decorator))
        params = ["self"] if method else []
        params += [f"{p}: int" for p in self.rng.sample(["a", "b", "count"], self.rng.randint(0, 2))]
        prefix = "async def" if is_async else "def"
        self.lines.append((level, self.maybe_comment(f"{prefix} {name}({', '.join(params)}):")))
        inner = level + 1
        if self.rng.random() < 0.3:
            self.multiline_call(inner)
        self.body(inner, is_async, 0, 2)
        if self.rng.random() < 0.4:
            self.closed_block(inner, is_async)
        open_block = self.rng.random() < 0.5
        if open_block:
            self.open_block(inner, is_async)
        self.lines.append((inner, self.maybe_comment(f"return {self.expr()}")))
        return open_block

    def klass(self) -> str:
        name = self.classes.pop() if self.classes else "Thing"
        base = self.rng.choice(["", "(BaseModel)", "(Exception)"])
        self.lines.append((0, f"class {name}{base}:"))
        for _ in range(self.rng.randint(1, 3)):
            field = self.rng.choice(["id: int", "name: str", "active: bool = True", 'kind = "plain"'])
            self.lines.append((1, self.maybe_comment(field)))
        for _ in range(self.rng.randint(0, 2)):
            self.function(level=1, method=True)
        return name

    def module(self) -> str:
        for _ in range(self.rng.randint(0, 2)):
            module = self.rng.choice(MODULES)
            statement = self.rng.choice([f"import {module}", f"from {module} import {self.name()}"])
            self.lines.append((0, statement))
        last_class = ""
        after_open_block = False  # a plain assignment after such a function could belong to it
        for _ in range(self.rng.randint(1, 3)):
            kind = self.rng.randint(1 if after_open_block else 0, 3)
            if self.rng.random() < 0.2:
                self.lines.append((0, self.comment()))
            if kind == 0:
                # after a class body only code that uses the class is clearly outside it
                value = f"{last_class}()" if last_class else self.expr()
                self.lines.append((0, self.maybe_comment(f"{self.name()} = {value}")))
            elif kind in (1, 2):
                after_open_block = self.function()
            else:
                last_class = self.klass()
                after_open_block = False
                continue
            last_class = ""
            after_open_block = after_open_block and kind != 0
        return self.source()


def snippet(seed: int) -> str:
    return Snippet(random.Random(seed)).module()
