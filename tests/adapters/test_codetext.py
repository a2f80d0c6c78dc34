"""Code inside scraped text: glued prose, code lines, languages, flattened and dedented samples."""

from __future__ import annotations

import pytest

from qa2anki.codetext import (
    code_language,
    guess_language,
    language_label,
    looks_flattened,
    lost_python_indentation,
    split_glued_prose,
)


@pytest.mark.parametrize(
    ("line", "code", "prose"),
    [
        ('return {"message": "Hello World"}This is enough to serve JSON.',
         'return {"message": "Hello World"}', "This is enough to serve JSON."),
        ("pip3 install fastapiYou typically install it inside a virtual environment.",
         "pip3 install fastapi", "You typically install it inside a virtual environment."),
        ("pip3 install uvicornStandard install (adds extras):",
         "pip3 install uvicorn", "Standard install (adds extras):"),
        ('pip3 install "uvicorn[standard]"The standard extras bring in performance.',
         'pip3 install "uvicorn[standard]"', "The standard extras bring in performance."),
        ("uvicorn main:app --reloadThis is intended for local development.",
         "uvicorn main:app --reload", "This is intended for local development."),
        ("return x / yFastAPI uses these annotations to parse inputs.",
         "return x / y", "FastAPI uses these annotations to parse inputs."),
        ("self.age = ageClass-based dependencies can hold state per request.",
         "self.age = age", "Class-based dependencies can hold state per request."),
        ('uvicorn.run("main:app", host="127.0.0.1", reload=True)This is useful for scripts.',
         'uvicorn.run("main:app", host="127.0.0.1", reload=True)', "This is useful for scripts."),
        ('templates = Jinja2Templates(directory="templates")This sets the folder.',
         'templates = Jinja2Templates(directory="templates")', "This sets the folder."),
        ("...Startup handlers are executed once per process.", "...",
         "Startup handlers are executed once per process."),
        ('<img src="{{ url_for(\'static\', path=\'a.png\') }}" />Using url_for keeps paths correct.',
         '<img src="{{ url_for(\'static\', path=\'a.png\') }}" />', "Using url_for keeps paths correct."),
        ('ws.send("hello");Use wss:// in production when served over HTTPS.',
         'ws.send("hello");', "Use wss:// in production when served over HTTPS."),
        ("data = handle.read()Reading the whole file at once is fine for small files and",
         "data = handle.read()", "Reading the whole file at once is fine for small files and"),
    ],
)
def test_glued_prose_is_split_where_the_sentence_begins(line, code, prose):
    assert split_glued_prose(line) == (code, prose)


@pytest.mark.parametrize(
    "line",
    [
        'raise HTTPException(status_code=404, detail="Item not found")',  # capital inside a string
        'print("Hello World")',
        "POST = Create, GET = Read, PUT = Update, DELETE = Delete. PATCH is for partial updates.",
        "app = FastAPI(redirect_slashes=True)",
        "- Code on demand These are the classic REST constraints.",  # a list item, not code
        '@app.get("/items")and@app.get("/items/"). - Use the',  # damaged inline code in prose
        "templates = Jinja2Templates(directory=x)",  # "Jinja2|Templates": no prose follows
    ],
)
def test_lines_without_glue_are_left_whole(line):
    assert split_glued_prose(line) == (line, "")


def test_a_closing_bracket_line_splits_when_it_continues_a_statement():
    assert split_glued_prose(")These settings control which origins may call.", continuation=True) == (
        ")", "These settings control which origins may call.")
    assert split_glued_prose(")These settings control which origins may call.") == (
        ")These settings control which origins may call.", "")


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("from fastapi import FastAPI", "python"),
        ("async def get_db(): # called once", "python"),
        ("except WebSocketDisconnect:", "python"),
        ("id: int", "python"),
        ("app.add_middleware(", "python"),
        ("uvicorn main:app --reload", "bash"),
        ("pip install .", "bash"),
        ('var ws = new WebSocket("ws://localhost:8000/ws");', "javascript"),
        ('<script src="app.js"></script>', "html"),
        ("{", "json"),
        ('"detail": [', "json"),
        ("FROM python:3.12-slim", "dockerfile"),
        ("FastAPI is a modern framework.", None),
        ("Options:", None),
        ("Yes", None),
        ("Content-Type: application/json.", None),
        ("for body params, [1, 2] for query params, [3] for", None),
        ("make sure the server is running", None),
        ("# a comment alone", None),
    ],
)
def test_code_language_of_one_line(line, language):
    assert code_language(line) == language


def test_language_label_lines():
    assert language_label("python") == "python"
    assert language_label("JavaScript") == "javascript"
    assert language_label("Dockerfile") == "dockerfile"
    assert language_label("go", "Go is a language.") is None  # an ordinary word before prose
    assert language_label("go", "fmt.Println(x)") == "go"
    assert language_label("    python") is None  # indented: part of a list or code
    assert language_label("python is great") is None
    assert language_label("Python", "Python is a language with many uses.") is None
    assert language_label("SQL", "SELECT name FROM users WHERE active ORDER BY name") == "sql"


def test_guess_language_of_a_block():
    assert guess_language(["{", '"a": 1', "}"]) == "json"
    assert guess_language(["pip install fastapi", "uvicorn main:app"]) == "bash"
    assert guess_language(['var ws = new WebSocket("ws://x");', 'ws.send("hi");']) == "javascript"
    assert guess_language(["import os", "print(os.getcwd())"]) == "python"


@pytest.mark.parametrize(
    ("code", "language", "flattened"),
    [
        ("from pydantic import BaseModel class Item(BaseModel): name: str", "python", True),
        ("def get_db(): db = SessionLocal() try: yield db finally: db.close()", "python", True),
        ("app.add_middleware( CORSMiddleware, allow_origins=['*'], )", "python", True),
        ("data = encode(item) # to a dict redis.set('item', data)", "python", True),
        ("DbSession = Annotated[Session, Depends(get_db)]", "python", False),
        ("x = compute()  # explained", "python", False),
        ("uvicorn main:app --host 0.0.0.0 --port 8000 --workers 4", "bash", False),
        ("pip install fastapi uvicorn", "bash", False),
        ("docker run \\ -p 80:80 image", "bash", True),
        ('{"a": 1, "b": [1, 2]}', "json", False),
        ('{ "a": 1, "b": 2 }', "json", True),
        ("name: app version: 2", "yaml", True),
        ("name: app", "yaml", False),
        ("FROM python:3.12 RUN pip install x", "dockerfile", True),
        ("SELECT * FROM users WHERE id = 1", "sql", False),
        ("line one\nline two", "python", False),
    ],
)
def test_looks_flattened(code, language, flattened):
    assert looks_flattened(code, language) is flattened


def test_lost_python_indentation():
    assert lost_python_indentation(["def f():", "return 1"])
    assert lost_python_indentation(["if x:  # why", "y()"])
    assert not lost_python_indentation(["def f():", "    return 1"])
    assert not lost_python_indentation(["app = FastAPI()", "app.add_middleware(", "X,", ")"])
    assert not lost_python_indentation(["@app.get('/')", "def index(): ..."])
