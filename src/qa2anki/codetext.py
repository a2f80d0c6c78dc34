"""Recognising code inside scraped plain text: which lines are code, in which language, whether a
sample lost its newlines or its indentation, and where prose got glued onto the last code line.

Scraped pages lose the markup that separated code from prose; these pure functions recover it
from the text alone, so the scraped-text adapters (and the repair stage) can share them.
"""

from __future__ import annotations

import ast
import functools
import json
import re
import warnings

#: A line holding only one of these names labels the code sample below it (value: fence language).
LANGUAGE_NAMES: dict[str, str] = {
    "python": "python", "py": "python", "python3": "python",
    "bash": "bash", "sh": "bash", "shell": "bash", "zsh": "bash", "console": "console",
    "terminal": "bash", "powershell": "powershell",
    "json": "json", "yaml": "yaml", "yml": "yaml", "toml": "toml", "ini": "ini", "xml": "xml",
    "javascript": "javascript", "js": "javascript", "typescript": "typescript", "ts": "typescript",
    "jsx": "jsx", "tsx": "tsx", "html": "html", "css": "css", "sql": "sql", "graphql": "graphql",
    "dockerfile": "dockerfile", "docker": "dockerfile", "makefile": "makefile", "nginx": "nginx",
    "http": "http", "go": "go", "golang": "go", "rust": "rust", "java": "java", "kotlin": "kotlin",
    "c": "c", "cpp": "cpp", "c++": "cpp", "csharp": "csharp", "c#": "csharp", "ruby": "ruby",
    "php": "php", "diff": "diff", "jinja": "jinja", "jinja2": "jinja", "text": "text",
    "plaintext": "text", "hcl": "hcl",
}
#: Labels that are also ordinary words: trusted only when code follows.
AMBIGUOUS_LABELS = frozenset({"c", "go", "text", "http", "docker", "console", "terminal", "shell"})

_PY_START = re.compile(
    r"^(?:from\s+[\w.]+\s+import\b|import\s+[\w.]|(?:async\s+)?def\s+\w|class\s+\w|@[\w.]+|return\b|"
    r"yield\b|await\s|raise\b|pass$|if\s|elif\s|for\s|while\s|with\s|async\s+(?:with|for)\s|assert\s|"
    r"del\s|global\s|nonlocal\s|print\(|\.\.\.)"
)
_PY_ASSIGN = re.compile(r"^[A-Za-z_][\w.]*(?:\[[^\]]*\])?\s*(?::\s*[^=]+?)?\s*[-+*/|&]?=(?!=)")
_PY_CALL = re.compile(r"^[A-Za-z_][\w.]*\(")
_PY_CLAUSE = re.compile(r"^(?:(?:else|try|finally)\s*:|(?:elif|except)\b.*:)$")
#: A command after a ``$`` prompt: ``$ cargo build``, ``$ ./run.sh`` (not ``$5``).
_PROMPTED = re.compile(r"^\$\s+[a-z./~][\w./~+-]*(?:\s|$)")
_COMMAND = re.compile(r"^(?P<cmd>[a-z][\w.+-]*)\s+\S")
#: Command-line tools of every ecosystem whose invocations pages show as one-line commands.
CLI_COMMANDS = frozenset({
    # shell and system
    "cd", "ls", "mkdir", "rm", "cp", "mv", "cat", "echo", "export", "source", "sudo", "touch", "chmod",
    "chown", "ln", "grep", "find", "sed", "awk", "tar", "unzip", "zip", "curl", "wget", "ssh", "scp",
    "rsync", "systemctl", "journalctl", "service", "kill", "ps", "env", "openssl", "ping", "dig", "make",
    "cmake", "brew", "apt", "apt-get", "yum", "dnf", "apk", "pacman", "snap", "choco", "winget",
    # version control, containers, cloud
    "git", "gh", "docker", "docker-compose", "podman", "kubectl", "minikube", "helm", "terraform",
    "ansible", "vagrant", "aws", "gcloud", "az", "heroku", "firebase", "vercel", "netlify", "flyctl",
    # JavaScript / TypeScript
    "node", "npm", "npx", "yarn", "pnpm", "bun", "deno", "tsc", "ng", "vite", "webpack", "jest", "eslint",
    "prettier",
    # Python
    "python", "python3", "pip", "pip3", "pipx", "poetry", "pipenv", "conda", "uv", "mypy", "pytest",
    "ruff", "black", "flake8", "tox", "uvicorn", "gunicorn", "hypercorn", "fastapi", "alembic", "celery",
    "deta", "django-admin", "flask",
    # JVM, .NET, native, other languages
    "java", "javac", "mvn", "gradle", "gradlew", "kotlinc", "sbt", "dotnet", "cargo", "rustc", "rustup",
    "go", "gcc", "g++", "clang", "ruby", "gem", "bundle", "rails", "rake", "php", "composer", "artisan",
    "swift", "xcodebuild", "flutter", "dart", "adb", "mix", "elixir", "stack", "cabal",
    # databases
    "psql", "mysql", "mongosh", "mongo", "redis-cli", "sqlite3", "pg_dump",
})
#: Commands that are also English words: they need a CLI-looking argument (``-x``, a path, ``a=b``,
#: ``main.go``) before a line counts as a command.
_WORDY_COMMANDS = frozenset({
    "cat", "cd", "cp", "echo", "export", "make", "mv", "rm", "source", "touch", "find", "kill", "ping",
    "go", "stack", "mix", "bundle", "swift", "dart", "service", "env", "black", "flask", "node", "java",
    "ruby", "rails", "snap", "dig", "ln", "ps", "gem", "helm", "tox", "sed",
})
_CLI_ARGUMENT = re.compile(r"\s[-./~$]|[=/]|\w\.\w")
_JS = re.compile(
    r"^(?:(?:var|let|const)\s+\w+\s*=|function\s+\w+\s*\(|console\.\w+\(|import\s+.+\s+from\s+['\"]|"
    r"export\s+(?:default|const|function)\b)"
)
#: Lines only Java (or its C-family cousins) writes: typed declarations, System.out, public class.
_JAVA = re.compile(
    r"^(?:System\.(?:out|err)\.\w+\("
    r"|(?:public|private|protected)\s+(?:static\s+)?(?:final\s+)?[\w<>\[\]]+\s+\w+|"
    r"(?:final\s+)?(?:String|Integer|Long|Double|Boolean|Object|[A-Z]\w*<[\w<>, ?]+>)"
    r"(?:\[\])?\s+\w+\s*(?:=|;))"
)
_GO = re.compile(
    r"^(?:func\s+(?:\(\w+\s+\*?\w+\)\s*)?\w*\(|package\s+\w+$|go\s+(?:func\b|\w+\()|defer\s+\w|"
    r"var\s+\w+\s+[\w.\[\]*]+$|\w+(?:,\s*\w+)*\s*:=\s*\S|for\s.*:=\s*range\b|type\s+\w+\s+(?:struct|interface)\b|"
    r"fmt\.\w+\()"
)
_HTML = re.compile(r"^<(?:[a-zA-Z][\w-]*|!DOCTYPE|/[a-zA-Z][\w-]*)[\s>/]")
_JSON = re.compile(r"^(?:[{\[]|[}\]],?|\"[^\"]+\"\s*:\s*\S.*)$")
#: A YAML mapping line: ``key:`` opening a block, or ``key: scalar`` (a one-word or quoted value).
_YAML = re.compile(
    r"^(?:-\s+)?[a-z_][\w.-]*:(?:\s+(?:\"[^\"]*\"|'[^']*'|[\w./@$:-]+|\[[^\]]*\]|\{[^}]*\}|[|>][-+]?))?$"
)
#: A Python annotation naming a built-in type (``id: int``), which YAML would not write.
_PY_FIELD = re.compile(r"^\w+:\s*(?:int|str|float|bool|bytes|list|dict|set|tuple|None)\b")
_SQL = re.compile(r"^(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX)|ALTER\s+TABLE)\b")
_DOCKER = re.compile(r"^(?:FROM|RUN|COPY|CMD|WORKDIR|ENV|EXPOSE|ENTRYPOINT|ARG|ADD)\s+\S")
_CODE_CHARS = re.compile(r"[()\[\]{}=@:]|^\.\.\.")
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)]*$")
_WORD = re.compile(r"[(\"'“‘]?[A-Za-z][A-Za-z'’-]*[)\"'”’,.;:!?]*")
_FIRST_WORD = re.compile(r"[A-Z][A-Za-z]*(?:[-'’][A-Za-z]+)*[,:;.]?")


def language_label(line: str, next_line: str = "") -> str | None:
    """The fence language when ``line`` is only a language name (``python``, ``bash``...)."""
    name = line.strip().lower()
    language = LANGUAGE_NAMES.get(name)
    if language is None or line != line.strip() and line.startswith("  "):
        return None
    if name in AMBIGUOUS_LABELS and code_language(next_line) is None:
        return None
    if line.strip() != name and code_language(next_line) is None and looks_like_prose(next_line):
        return None  # "Python" above a sentence is a heading; code labels are lower case
    return language


@functools.lru_cache(maxsize=8192)  # pages repeat lines; classifying one parses it with ast
def python_parses(line: str) -> bool:
    """Whether one line is a plausible Python statement (block openers and decorators allowed)."""
    code = line.strip()
    bare = strip_comment(code).rstrip()
    if not bare:
        return code.startswith("#")
    if _PY_CLAUSE.match(bare):
        return True
    if bare.startswith("@"):
        code = f"{bare}\ndef _(): pass"
    elif bare.endswith(":"):
        code = f"{bare}\n    pass"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ast.parse(code)
        except (SyntaxError, ValueError):
            return False
    return True


def strip_comment(code: str) -> str:
    """``code`` without a trailing ``# comment`` (a ``#`` inside a string is kept)."""
    quote = ""
    for index, char in enumerate(code):
        if quote:
            if char == quote and code[index - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return code[:index]
    return code


def bracket_depth(code: str) -> int:
    """Open brackets minus closed ones, outside strings and comments."""
    depth, quote = 0, ""
    for index, char in enumerate(code):
        if quote:
            if char == quote and code[index - 1] != "\\":
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#" and (index == 0 or code[index - 1] in " \t"):
            break
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
    return depth


@functools.lru_cache(maxsize=8192)
def code_language(line: str) -> str | None:
    """The language of ``line`` when it is a line of code on its own, else ``None``."""
    text = line.strip()
    if not text or text.startswith("#"):
        return None  # a comment line is code only next to code: the caller knows the context
    if _ends_like_a_sentence(text) and not (_PY_START.match(text) and python_parses(text)):
        return None  # prose, unless a statement ending in a string: return "Hello, World!"
    if _HTML.match(text) and ">" in text:
        return "html"
    if _JS.match(text):
        return "javascript"
    if _JAVA.match(text):
        return "java"
    if _GO.match(text):
        return "go"
    if _SQL.match(text):
        return "sql"
    if _DOCKER.match(text):
        return "dockerfile"
    if is_shell_command(text):
        return "bash"
    if _JSON.match(text) and not _PY_CALL.match(text):
        return "json"
    if _YAML.match(text) and not (_PY_START.match(text) or _PY_CLAUSE.match(text) or _PY_FIELD.match(text)):
        return "yaml"
    if _is_python(text):
        return "python"
    return None


def is_shell_command(text: str) -> bool:
    """A one-line command: after a ``$`` prompt, or a known CLI followed by its arguments."""
    if _PROMPTED.match(text):
        return True
    command = _COMMAND.match(text)
    if not command or command["cmd"] not in CLI_COMMANDS:
        return False
    return command["cmd"] not in _WORDY_COMMANDS or bool(_CLI_ARGUMENT.search(text))


def _ends_like_a_sentence(text: str) -> bool:
    """Prose ends with ``.``, ``!`` or ``?``; code rarely does (``...``, ``pip install .`` aside)."""
    if " " not in text or re.search(r"(?:\.\.\.|\s\.)$", text):
        return False
    return bool(re.search(r"[.!?][\"'”’]?$", text))


def _is_python(text: str) -> bool:
    starts = _PY_START.match(text) or _PY_ASSIGN.match(text) or _PY_CALL.match(text)
    if not (starts or _CODE_CHARS.search(text)):
        return False
    if python_parses(text):
        return True
    # A line that opens a bracket continued below (``app.add_middleware(``, ``async def f(``).
    return bool(starts) and bracket_depth(text) > 0 and _quotes_balanced(text)


def _quotes_balanced(code: str) -> bool:
    quote = ""
    for index, char in enumerate(code):
        if quote:
            if char == quote and code[index - 1] != "\\":
                quote = ""
        elif char in "\"'" and not (char == "'" and 0 < index < len(code) - 1
                                      and code[index - 1].isalpha() and code[index + 1].isalpha()):
            quote = char
    return not quote


def looks_like_prose(text: str) -> bool:
    """Whether ``text`` reads as a sentence: a capitalised word first, mostly words, an end mark
    (or enough words that the line was clearly wrapped mid-sentence)."""
    words = text.split()
    if len(words) < 3 or not _FIRST_WORD.fullmatch(words[0]):
        return False
    wordy = sum(1 for word in words if _WORD.fullmatch(word))
    if wordy / len(words) < 0.6:
        return False
    # A sentence end, or a long run of words that a hard wrap cut off mid-sentence.
    return bool(_SENTENCE_END.search(text.rstrip())) or wordy >= 8


#: Longer lines are not searched for a glued sentence: the search costs the square of the line's
#: length (a 75 kB one-line page took minutes), and a line that lost its newline is rarely long.
MAX_GLUED_LINE = 2000


def split_glued_prose(line: str, *, continuation: bool = False) -> tuple[str, str]:
    """Split a code line whose newline before the next sentence was lost.

    ``return {"message": "Hello World"}This is enough…`` -> (``return {…}``, ``This is enough…``).
    The split is where a capital follows a character other than a space or capital, the part before is code
    and the part after reads as prose; without such a point the whole line is code: ``(line, "")``.
    ``continuation`` says the line continues a statement from the lines above (inside brackets),
    so its code part need only be a plausible fragment, not a whole statement.
    """
    if len(line) > MAX_GLUED_LINE:
        return line, ""
    for match in re.finditer(r"(?<=[^\sA-Z])[A-Z]", line):  # never inside a capitalised word
        code, prose = line[: match.start()], line[match.start():]
        if looks_like_prose(prose) and _is_code_part(code, continuation):
            return code.rstrip(), prose.strip()
    return line, ""


def _is_code_part(code: str, continuation: bool) -> bool:
    stripped = code.strip()
    if not stripped or not _quotes_balanced(stripped) or stripped[-1] in "=(,[{+-*/<\\:":
        return False
    return continuation or code_language(stripped) is not None


def guess_language(lines: list[str]) -> str:
    """The fence language of a block of code lines (``text`` when nothing fits)."""
    text = "\n".join(line.strip() for line in lines)
    if not text:
        return "text"
    if text[0] in "{[":
        try:
            json.loads(text)
            return "json"
        except ValueError:
            pass
    votes = [code_language(line) for line in lines]
    for language in ("javascript", "java", "go", "html", "sql", "dockerfile"):
        if language in votes:
            return language
    known = [vote for vote in votes if vote]
    if known and all(vote == "bash" for vote in known):
        return "bash"
    if "python" in votes:
        return "python"
    return known[0] if known else "text"


def lost_python_indentation(lines: list[str]) -> bool:
    """Whether a Python block lost its indentation: a block opener with the next line not indented."""
    for line, following in zip(lines, lines[1:], strict=False):
        bare = strip_comment(line).rstrip()
        if bare.endswith(":") and re.match(
            r"(?:async\s+)?(?:def|class|if|elif|else|for|while|with|try|except|finally)\b", bare.lstrip()
        ) and len(following) - len(following.lstrip()) <= len(line) - len(line.lstrip()):
            return True
    return False


def _comment_swallows_code(text: str) -> bool:
    """``x = f() # note y = g()``: a mid-line comment followed by more statements."""
    comment = text[len(strip_comment(text)):]
    statement = r"\s(?:[\w.\[\]\"']+\s*=\s|return\b|def\s|@\w)|\s[\w.]+\([^()]*\)$"
    return bool(comment) and bool(re.search(statement, comment.rstrip()))


def looks_flattened(code: str, language: str) -> bool:
    """Whether a one-line sample is really several lines joined (newlines and indentation lost)."""
    if "\n" in code.strip():
        return False
    text = code.strip()
    spaced_brackets = bool(re.search(r"[(\[{] \S|\S ,? ?[)\]}](?!\S)|, [)\]}]", text))
    if language == "python":
        return spaced_brackets or not python_parses(text) or _comment_swallows_code(text)
    if language in ("bash", "console", "shell", "powershell"):
        return bool(re.search(r"\s\\\s+\S|\s\$\s+\w", text))
    if language == "yaml":
        return len(re.findall(r"(?:^|\s)[\w-]+:(?:\s|$)", text)) >= 2 and not text.startswith("{")
    if language == "toml":
        pairs = re.findall(r"(?:^|\s)[\w.-]+\s*=\s", text)
        return len(pairs) >= 2 or bool(re.match(r"\[[\w.]+\]\s+\S", text))
    if language == "dockerfile":
        return len(re.findall(r"(?:^|\s)(?:FROM|RUN|COPY|CMD|WORKDIR|ENV|EXPOSE|ENTRYPOINT)\s", text)) >= 2
    if language == "sql":
        return bool(re.search(r";\s+\S", text))
    return spaced_brackets or bool(re.search(r";\s+\S", text))


def plain_fence(code: str, language: str) -> str:
    """A fenced markdown block (a longer fence when the code itself holds a fence)."""
    fence = "````" if "```" in code else "```"
    return f"{fence}{'' if language == 'text' else language}\n{code.rstrip()}\n{fence}"
