"""Differential tests: the `contract-check` lab against real Pydantic v2 models.

Each case is a contract (the lab's JSON format), a raw answer and a mode. The contract is turned
into a real Pydantic model with `create_model` (fields in alphabetical order, as the lab validates
them, because the lab's JSON objects carry no key order), the answer is validated with
`Model.model_validate_json(answer, strict=...)` — Pydantic's JSON mode, the lab's reference — and
the outcomes must agree exactly:

- 422: the same list of errors, in the same order, with the same `type`, `loc` (the lab adds
  FastAPI's leading "body"), `msg`, `input` and `ctx`;
- 200: the same typed object, compared as JSON text so that 1 and 1.0 differ.

The lab finds the JSON first (the whole answer, a ``` fence, or an object in the prose); for
answers that are not JSON the reference is `model_validate_json` of the text the lab took: the
fence's content for a broken fence (`json_invalid`, never a nested object validated instead), the
whole answer when there is no JSON at all.

Extra keys in the answers are written in alphabetical order for the same reason as the fields.

Run: `python3 -m pytest tests/differential/test_contract_check_pydantic.py` after `cargo build`
(`AULA_LAB_BIN_DIR` overrides the binaries' folder, default `target/debug`).
"""

import json
import os
import subprocess
from enum import Enum
from pathlib import Path
from typing import Annotated, List, Literal, Optional

import pytest
from pydantic import ConfigDict, Field, ValidationError, create_model

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("AULA_LAB_BIN_DIR", "target/debug"))
if not BIN_DIR.is_absolute():
    BIN_DIR = ROOT / BIN_DIR
LAB = BIN_DIR / "contract-check"


# --- contract → Pydantic model ----------------------------------------------------------------

def python_type(spec, name):
    kind = spec["type"]
    bounds = {k: spec[k] for k in ("ge", "gt", "le", "lt", "min_length", "max_length") if k in spec}
    if kind == "string":
        base = str
    elif kind == "integer":
        base = int
    elif kind == "number":
        base = float
    elif kind == "boolean":
        base = bool
    elif kind == "enum":
        base = Enum(name.capitalize(), {v: v for v in spec["values"]}, type=str)
    elif kind == "literal":
        base = Literal[tuple(spec["values"])]
    elif kind == "object":
        base = build_model(spec)
    elif kind == "list":
        base = List[python_type(spec["items"], name)]
    else:
        raise ValueError(kind)
    if bounds:
        base = Annotated[base, Field(**bounds)]
    if spec.get("nullable"):
        base = Optional[base]
    return base


def build_model(contract):
    fields = {}
    for name in sorted(contract["fields"]):
        spec = contract["fields"][name]
        annotation = python_type(spec, name)
        if "default" in spec:
            fields[name] = (annotation, spec["default"])
        elif spec.get("required") is False:
            fields[name] = (annotation, None)
        else:
            fields[name] = (annotation, ...)
    config = ConfigDict(extra=contract.get("extra", "ignore"))
    return create_model(contract.get("name", "Model"), __config__=config, **fields)


def pydantic_outcome(contract, answer, strict):
    model = build_model(contract)
    try:
        typed = model.model_validate_json(answer, strict=strict)
    except ValidationError as error:
        detail = []
        for e in error.errors(include_url=False):
            item = {"type": e["type"], "loc": ["body", *e["loc"]], "msg": e["msg"], "input": e["input"]}
            if "ctx" in e:
                item["ctx"] = e["ctx"]
            detail.append(item)
        return 422, json.loads(json.dumps(detail, default=str))
    return 200, json.loads(typed.model_dump_json())


# --- the lab ------------------------------------------------------------------------------------

def lab_outcome(contract, answer, strict):
    assert LAB.exists(), f"build the labs first: {LAB} is missing (set AULA_LAB_BIN_DIR)"
    request = {
        "lang": "en",
        "input": {"contract": contract, "raw_answer": answer, "mode": "strict" if strict else "lax"},
    }
    done = subprocess.run(
        [str(LAB)], input=json.dumps(request), capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout
    blocks = json.loads(done.stdout)["blocks"]
    (code,) = [b["code"] for b in blocks if b["type"] == "code"]
    (status,) = [b["text"] for b in blocks if b["type"] == "text" and b["text"].startswith("HTTP/1.1")]
    if "200" in status:
        return 200, json.loads(code)
    return 422, json.loads(code)["detail"]


def same(a, b):
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


# --- shared cases -------------------------------------------------------------------------------

CHAT = {
    "name": "ChatResponse",
    "fields": {
        "answer": {"type": "string", "min_length": 1, "max_length": 40},
        "confidence": {"type": "number", "ge": 0, "le": 1},
        "escalate": {"type": "boolean", "default": False},
        "intent": {"type": "enum", "values": ["question", "complaint"]},
        "sources": {
            "type": "list",
            "max_length": 2,
            "items": {
                "type": "object",
                "name": "Source",
                "fields": {
                    "title": {"type": "string"},
                    "url": {"type": "string", "min_length": 1},
                },
            },
        },
        "tokens": {"type": "integer", "required": False, "default": 0},
    },
}
STRICT_CHAT = {**CHAT, "extra": "forbid"}
NUMBERS = {
    "name": "Numbers",
    "fields": {
        "count": {"type": "integer", "gt": -5, "ge": 0, "lt": 20, "le": 10},
        "maybe": {"type": "integer", "nullable": True},
        "note": {"type": "string", "required": False},
        "ratio": {"type": "number", "gt": -1.25, "lt": 2.5},
        "tags": {"type": "list", "min_length": 1, "items": {"type": "string", "min_length": 2}},
        "flag": {"type": "boolean", "nullable": True, "default": None},
    },
}
EXTRAS = {"name": "Loose", "extra": "allow", "fields": {"id": {"type": "integer"}}}
ONE = {"name": "One", "fields": {"kind": {"type": "enum", "values": ["a", "it's", "c"]}}}
LITERAL = {
    "name": "Reply",
    "fields": {
        "intent": {"type": "literal", "values": ["question", "complaint"]},
        "only": {"type": "literal", "values": ["it's"], "default": "it's"},
        "tags": {"type": "list", "items": {"type": "literal", "values": ["a", 'b"c']}, "default": []},
        "maybe": {"type": "literal", "values": ["x"], "nullable": True, "required": False},
    },
}

GOOD = {"answer": "Hi", "confidence": 0.5, "intent": "question", "sources": []}


def chat(**changes):
    body = {**GOOD, **changes}
    return json.dumps({k: v for k, v in body.items() if v is not DROP})


DROP = object()

CASES = [
    # plain successes, defaults, ignored extras
    (CHAT, chat(), False),
    (CHAT, chat(zzz=1), False),
    (CHAT, chat(confidence=1, tokens=7, escalate=True), False),
    (CHAT, chat(sources=[{"title": "a", "url": "u"}, {"title": "b", "url": "v"}]), False),
    # lax coercions and their strict refusals
    (CHAT, chat(confidence="0.25", tokens="42", escalate="yes"), False),
    (CHAT, chat(confidence="0.25", tokens="42", escalate="yes"), True),
    (CHAT, chat(tokens=" +4 "), False),
    (CHAT, chat(tokens="4.00"), False),
    (CHAT, chat(tokens="1_000"), False),
    (CHAT, chat(tokens="4.5"), False),
    (CHAT, chat(tokens="4."), False),
    (CHAT, chat(tokens=4.0), False),
    (CHAT, chat(tokens=4.0), True),
    (CHAT, chat(tokens=4.5), False),
    (CHAT, chat(tokens=True), False),
    (CHAT, chat(tokens=True), True),
    (CHAT, chat(tokens=None), False),
    (CHAT, chat(tokens=1e20), False),
    (CHAT, chat(tokens=[1]), False),
    (CHAT, chat(confidence=True), False),
    (CHAT, chat(confidence=1), True),
    (CHAT, chat(confidence="1_0.5"), False),
    (CHAT, chat(confidence="high"), False),
    (CHAT, chat(confidence=-0.1), False),
    (CHAT, chat(confidence=1.5), False),
    (CHAT, chat(escalate="OFF"), False),
    (CHAT, chat(escalate="maybe"), False),
    (CHAT, chat(escalate=1), False),
    (CHAT, chat(escalate=2), False),
    (CHAT, chat(escalate=0.5), False),
    (CHAT, chat(escalate=1.0), False),
    (CHAT, chat(escalate=None), False),
    (CHAT, chat(answer=42), False),
    (CHAT, chat(answer=""), False),
    (CHAT, chat(answer="x" * 41), False),
    (CHAT, chat(answer="😀" * 40), False),
    (CHAT, chat(intent="Question"), False),
    (CHAT, chat(intent=1), False),
    (CHAT, chat(sources="none"), False),
    (CHAT, chat(sources={"title": "a"}), False),
    (CHAT, chat(sources=[{"title": "a"}, "x", {"title": 1, "url": ""}]), False),
    (CHAT, chat(sources=[{"title": "a", "url": "u"}] * 3), False),
    (CHAT, chat(sources=[{"title": "a", "url": "u"}, {"title": "b"}, {"title": "c", "url": "w"}]), False),
    (CHAT, chat(answer=DROP, confidence=DROP), False),
    (CHAT, "{}", False),
    (CHAT, "[1, 2]", False),
    (CHAT, '"just a string"', False),
    (CHAT, chat(answer="", confidence="high", intent="Question", sources=[{"title": "F"}], tokens=12.5, escalate=None), False),
    # extra = forbid, with unknown keys listed alphabetically
    (STRICT_CHAT, chat(aaa=1, zzz=2), False),
    (STRICT_CHAT, chat(aaa=1, answer=""), False),
    # bounds order, nullable, optional without default, list item errors
    (NUMBERS, json.dumps({"count": -7, "maybe": None, "ratio": 0, "tags": ["ab"]}), False),
    (NUMBERS, json.dumps({"count": 30, "maybe": 1, "ratio": 3, "tags": ["ab"]}), False),
    (NUMBERS, json.dumps({"count": 15, "maybe": "2", "ratio": -1.25, "tags": []}), False),
    (NUMBERS, json.dumps({"count": 3, "maybe": "x", "ratio": 2.5, "tags": ["a", "bc", 3]}), False),
    (NUMBERS, json.dumps({"count": 3, "maybe": None, "ratio": "inf", "tags": ["ab"], "note": None}), False),
    (NUMBERS, json.dumps({"count": 3, "maybe": None, "ratio": 1, "tags": ["ab"], "note": "n", "flag": None}), False),
    (NUMBERS, json.dumps({"count": 3, "ratio": 1, "tags": ["ab"], "flag": "t"}), False),
    (NUMBERS, json.dumps({"count": "3", "maybe": None, "ratio": "1", "tags": ["ab"]}), True),
    # extra = allow keeps unknown keys
    (EXTRAS, json.dumps({"a": [1, {"b": 2}], "id": "5", "z": None}), False),
    # enum wording with three values and a quote
    (ONE, json.dumps({"kind": "b"}), False),
    (ONE, json.dumps({"kind": "it's"}), False),
    # Literal[...] of strings: literal_error, exact match in lax and strict mode alike
    (LITERAL, json.dumps({"intent": "question"}), False),
    (LITERAL, json.dumps({"intent": "complaint", "only": "it's", "tags": ["a", 'b"c']}), True),
    (LITERAL, json.dumps({"intent": "Question"}), False),
    (LITERAL, json.dumps({"intent": "Question"}), True),
    (LITERAL, json.dumps({"intent": 1, "only": "its"}), False),
    (LITERAL, json.dumps({"intent": None, "tags": ["a", "b", "c"]}), False),
    (LITERAL, json.dumps({"intent": True, "maybe": None}), False),
    (LITERAL, json.dumps({"intent": ["question"], "maybe": "y"}), False),
    (LITERAL, json.dumps({}), False),
]


@pytest.mark.parametrize("index", range(len(CASES)))
def test_lab_agrees_with_pydantic(index):
    contract, answer, strict = CASES[index]
    expected = pydantic_outcome(contract, answer, strict)
    actual = lab_outcome(contract, answer, strict)
    assert actual[0] == expected[0], f"status for {answer}: lab {actual}, pydantic {expected}"
    assert same(actual[1], expected[1]), f"for {answer}:\nlab      {actual[1]}\npydantic {expected[1]}"


def test_answers_wrapped_in_prose_are_validated_like_their_json():
    body = chat(tokens="7")
    expected = pydantic_outcome(CHAT, body, False)
    for wrapped in (
        f"Sure! Here you go:\n```json\n{body}\n```\nAnything else?",
        f"The answer is {body} as requested.",
    ):
        assert same(lab_outcome(CHAT, wrapped, False), expected)


LISTS = {
    "name": "Lists",
    "fields": {
        "l": {
            "type": "list",
            "min_length": 3,
            "max_length": 4,
            "items": {"type": "string", "min_length": 2},
        }
    },
}


@pytest.mark.parametrize(
    "items",
    [["a"], ["aa"], ["a", "bb", "c", "dd", "e", "f", "g"], [1, 2, 3, 4, 5], ["a", "bb", "cc", "dd"], ["aa", "bb", "cc"]],
)
def test_list_lengths_are_checked_when_pydantic_checks_them(items):
    answer = json.dumps({"l": items})
    assert same(lab_outcome(LISTS, answer, False), pydantic_outcome(LISTS, answer, False))


BROKEN = [
    '{"answer": "Hi", "confidence": 0.5, "intent": "question", "sources": [],}',
    '{"answer": "Hi", "confidence": 0.5, "intent": "question", "sources": [{"title": "a", "url": "u"}]',
    "{'answer': 'Hi'}",
    '{answer: "Hi"}',
    '{"answer" "Hi"}',
    '{"answer": "Hi" "confidence": 1}',
    '{"answer": "Hi", "sources": [{"title": "a", "url": "u"},]}',
    '{"answer": "Hi"} and more',
    '{"answer": "tab\there"}',
    '{"answer": "bad \\x escape"}',
    '{"answer": tru}',
    '{"confidence": 01}',
    '{"confidence": -}',
    '{\n  "answer": "Hi",\n  "sources": [\n    {"title": "a", "url": "u"}\n  ],\n}',
    '"unterminated',
    '[1, 2,',
]


@pytest.mark.parametrize("broken", BROKEN)
def test_a_broken_fence_is_json_invalid_like_pydantic(broken):
    # The fence's content is what the lab validates; it must not fall back to an object
    # nested inside it (several of these contain a valid {"title": ..., "url": ...}).
    expected = pydantic_outcome(CHAT, broken, False)
    assert expected[0] == 422 and expected[1][0]["type"] == "json_invalid"
    for wrapped in (f"```json\n{broken}\n```", f"Here you go:\n```\n{broken}\n```\nBye."):
        actual = lab_outcome(CHAT, wrapped, False)
        assert same(actual, expected), f"{wrapped}\nlab      {actual}\npydantic {expected}"


@pytest.mark.parametrize(
    "answer",
    ["Sorry, I cannot help with that.", "", "   ", "{not json} nope", "Maybe [1, 2"],
)
def test_an_answer_without_json_is_json_invalid_like_pydantic(answer):
    expected = pydantic_outcome(CHAT, answer, False)
    assert same(lab_outcome(CHAT, answer, False), expected), answer
