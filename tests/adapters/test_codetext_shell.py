"""The shell-command recogniser is language-neutral (audit fix): each case failed before it."""

from __future__ import annotations

import pytest

from qa2anki.codetext import code_language


@pytest.mark.parametrize("line", [
    "cargo build --release",
    "mvn clean install -DskipTests",
    "gradle test",
    "dotnet new console -o App",
    "go run main.go",
    "node server.js",
    "java -jar target/app.jar",
    "terraform apply -auto-approve",
    "aws s3 ls s3://bucket",
    "gcloud run deploy api --region europe-west1",
    "psql -U postgres -d shop",
    "ssh deploy@example.com",
    "tar -xzf release.tar.gz",
    "systemctl restart nginx",
    "uv pip install requests",
    "$ rustup update stable",
    "$ ./gradlew bootRun",
    "pip3 install fastapi uvicorn",  # the Python web commands still are
    "uvicorn main:app --reload",
    "docker compose up -d",
])
def test_commands_of_any_ecosystem_are_shell(line):
    assert code_language(line) == "bash"


@pytest.mark.parametrize("line", [
    "go ahead and write the handler first",
    "find the slow query in the log",
    "make sure the cache is warm",
    "java developers often prefer Maven",
    "$5 per month buys the small plan",
])
def test_command_words_in_prose_are_not_shell(line):
    assert code_language(line) != "bash"
