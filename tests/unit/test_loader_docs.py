"""The documented format and the editor schema agree with the loader.

docs/routine-format.md's complete example must load and validate; assets/routine.schema.json
must be a valid JSON Schema (draft 2020-12) that accepts every valid routine (the built-ins,
the example, generated ones) and rejects the structurally broken files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from routine_strategies import routines

from routineplayer.core.library import Library
from routineplayer.core.loader import include_problems, load_routine_text
from routineplayer.core.model import Routine, StepKind
from routineplayer.core.paths import assets_dir, builtin_routines_dir
from routineplayer.core.saver import dump_routine

# The hand-written routines in the repository point to the schema beside them; files the app
# writes go elsewhere, where this path leads nowhere, and carry no such line (core/saver.py).
SCHEMA_COMMENT = "# yaml-language-server: $schema=../assets/routine.schema.json"
DOC = Path(__file__).resolve().parents[2] / "docs" / "routine-format.md"
BROKEN = Path(__file__).resolve().parent.parent / "data" / "broken"
# Broken files whose mistake is in the structure, which the schema can see too.
SCHEMA_REJECTS = [
    "bad-duration.yaml",
    "breathing-length.yaml",
    "kind-conflict.yaml",
    "list-for-mapping.yaml",
    "mapping-for-list.yaml",
    "missing-format.yaml",
    "missing-required.yaml",
    "negative-duration.yaml",
    "newer-format.yaml",
    "no-kind.yaml",
    "not-allowed-key.yaml",
    "one-side.yaml",
    "string-for-list.yaml",
    "top-level-list.yaml",
    "unknown-key.yaml",
    "wrong-type.yaml",
    "zero-duration.yaml",
]


def _example() -> str:
    match = re.search(r"<!-- complete-example[^\n]*-->\n```yaml\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/routine-format.md lost its marked complete example"
    return match.group(1)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((assets_dir() / "routine.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]


def test_the_complete_example_loads_and_validates() -> None:
    routine = load_routine_text(_example(), str(DOC))
    assert include_problems(routine, Library()) == []
    # "Complete": it shows every kind of step.
    assert {s.kind for s in routine.steps} == set(StepKind)


def test_the_example_and_built_ins_carry_the_schema_line() -> None:
    assert _example().splitlines()[0] == SCHEMA_COMMENT
    for path in builtin_routines_dir().glob("*.yaml"):
        assert path.read_text().splitlines()[0] == SCHEMA_COMMENT, path
    # The comment's relative path leads from routines/ to the schema file.
    relative = SCHEMA_COMMENT.split("$schema=", 1)[1]
    assert (builtin_routines_dir() / relative).resolve() == (
        assets_dir() / "routine.schema.json"
    ).resolve()


def test_schema_accepts_the_built_ins_and_the_example(
    validator: jsonschema.Draft202012Validator,
) -> None:
    for path in sorted(builtin_routines_dir().glob("*.yaml")):
        assert _errors(validator, yaml.safe_load(path.read_text())) == [], path
    assert _errors(validator, yaml.safe_load(_example())) == []


@pytest.mark.parametrize("name", SCHEMA_REJECTS)
def test_schema_rejects_structural_mistakes(
    name: str, validator: jsonschema.Draft202012Validator
) -> None:
    assert _errors(validator, yaml.safe_load((BROKEN / name).read_text())) != []


@settings(max_examples=100, deadline=None)
@given(routines)
def test_schema_accepts_every_routine_the_saver_writes(routine: Routine) -> None:
    schema = json.loads((assets_dir() / "routine.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    assert _errors(validator, yaml.safe_load(dump_routine(routine))) == []
