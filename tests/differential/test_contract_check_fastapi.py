"""Differential tests: the `contract-check` lab's HTTP answer against a real FastAPI endpoint.

The lab shows what an endpoint returns for an answer: `200 OK` with the typed object, or `422
Unprocessable Content` with FastAPI's `{"detail": [...]}` body. Here the same contract becomes a
Pydantic model (`build_model` from test_contract_check_pydantic.py), the model becomes the body of
a real FastAPI route (`POST /answer`, returning the model), and FastAPI's test client posts the
answer as the request body. For every lax-mode case whose answer is a JSON object the status and
the body must agree: the same typed object, or the same errors with FastAPI's leading "body" in
`loc` (FastAPI adds a `url` key only when configured to; it is dropped if present).

One difference is pinned instead of hidden: FastAPI parses the body with `json.loads` and then
validates Python objects, while the lab validates the text in Pydantic's JSON mode (its reference,
see test_contract_check_pydantic.py). The two modes word one error differently — a list where
the input is not one is "a valid list" in Python mode and "a valid array" in JSON mode — and the
test maps that wording and nothing else. Answers that are not an object (a JSON array or string)
get another error type in Python mode and are left to the Pydantic tests.

The status line: RFC 9110 names 422 "Unprocessable Content". FastAPI's status constant is
`HTTP_422_UNPROCESSABLE_CONTENT` (the old name is deprecated), FastAPI's test client on httpx2
reports that phrase, and Python's `http.HTTPStatus` takes it from 3.13 on (3.12 still says
"Unprocessable Entity") — as the ai-backends article says. The last test checks all of that.

Run: `python3 -m pytest tests/differential/test_contract_check_fastapi.py` after `cargo build`
(`AULA_LAB_BIN_DIR` overrides the binaries' folder, default `target/debug`). Needs `fastapi` and
`httpx2` (tests/differential/requirements.txt).
"""

import http
import json
import subprocess
import sys
import warnings

import pytest
from fastapi import FastAPI, status
from fastapi.testclient import TestClient

from test_contract_check_pydantic import CASES, CHAT, LAB, build_model, lab_outcome, same

# The lab in lax mode, on answers that are JSON objects: what a FastAPI request body can be.
BODY_CASES = [
    (contract, answer)
    for contract, answer, strict in CASES
    if not strict and isinstance(json.loads(answer), dict)
]

# Python-mode wording → JSON-mode wording, the one place the two modes' messages differ here.
PYTHON_TO_JSON_MODE = {"Input should be a valid list": "Input should be a valid array"}


def post_to_fastapi(contract, answer):
    """FastAPI's response to `answer` as the body of a route whose body is the contract's model."""
    model = build_model(contract)
    app = FastAPI()

    @app.post("/answer")
    def answer_endpoint(body: model):  # noqa: ANN001 — the model is built at run time
        return body

    return TestClient(app).post(
        "/answer", content=answer, headers={"content-type": "application/json"}
    )


def fastapi_outcome(contract, answer):
    response = post_to_fastapi(contract, answer)
    if response.status_code != 422:
        return response.status_code, response.json()
    detail = []
    for error in response.json()["detail"]:
        error = {k: v for k, v in error.items() if k != "url"}
        error["msg"] = PYTHON_TO_JSON_MODE.get(error["msg"], error["msg"])
        detail.append(error)
    return 422, detail


def test_the_cases_cover_both_outcomes():
    outcomes = {lab_outcome(contract, answer, False)[0] for contract, answer in BODY_CASES}
    assert outcomes == {200, 422}, outcomes
    assert len(BODY_CASES) >= 50, len(BODY_CASES)


@pytest.mark.parametrize("index", range(len(BODY_CASES)))
def test_lab_answers_like_a_fastapi_endpoint(index):
    contract, answer = BODY_CASES[index]
    expected = fastapi_outcome(contract, answer)
    actual = lab_outcome(contract, answer, False)
    assert actual[0] == expected[0], f"status for {answer}: lab {actual}, FastAPI {expected}"
    assert same(actual[1], expected[1]), f"for {answer}:\nlab     {actual[1]}\nFastAPI {expected[1]}"


def lab_status_line(answer):
    assert LAB.exists(), f"build the labs first: {LAB} is missing (set AULA_LAB_BIN_DIR)"
    lines = []
    for lang in ("en", "es"):
        request = {"lang": lang, "input": {"contract": CHAT, "raw_answer": answer}}
        done = subprocess.run(
            [str(LAB)], input=json.dumps(request), capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stdout
        blocks = json.loads(done.stdout)["blocks"]
        (line,) = [b["text"] for b in blocks if b["type"] == "text" and b["text"].startswith("HTTP/1.1")]
        lines.append(line)
    assert lines[0] == lines[1], lines  # the status line is protocol text, not translated
    return lines[0]


def test_the_422_status_line_is_rfc_9110s_and_fastapis_constant():
    answer = json.dumps({"answer": "", "confidence": 0.5, "intent": "question", "sources": []})
    line = lab_status_line(answer)
    assert line == "HTTP/1.1 422 Unprocessable Content", line
    phrase = line.split(" ", 2)[2]
    constant = "HTTP_422_" + phrase.upper().replace(" ", "_")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the current name, not a deprecated alias
        assert getattr(status, constant) == 422
    # Python's own table of reason phrases took the new name in 3.13.
    if sys.version_info >= (3, 13):
        assert http.HTTPStatus(422).phrase == phrase
    else:
        assert http.HTTPStatus(422).phrase == "Unprocessable Entity"
    # FastAPI's test client (on httpx2) reports the RFC 9110 phrase the lab prints.
    response = post_to_fastapi(CHAT, answer)
    assert (response.status_code, response.reason_phrase) == (422, phrase)
