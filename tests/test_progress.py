"""Progress where there is no terminal: lines on stderr while work goes on
and at the end, and one log line per advance."""

from __future__ import annotations

import time

from newsflow.progress import progress


def test_without_a_terminal_each_advance_is_logged_and_stderr_gets_the_final_count(capsys):
    logged: list[str] = []
    with progress(3, "Files", logged.append, interval=3600) as advance:
        advance(2)
        advance(1)
    assert logged == ["Files: 2/3", "Files: 3/3"]
    assert capsys.readouterr().err == "Files: 3/3 (0 s)\n"


def test_without_a_terminal_stderr_hears_from_a_long_stage_between_advances(capsys):
    heard = ""
    with progress(10, "Files", lambda line: None, interval=0.01) as advance:
        advance(4)
        deadline = time.monotonic() + 30
        while "Files: 4/10" not in heard and time.monotonic() < deadline:
            time.sleep(0.01)
            heard += capsys.readouterr().err
    assert "Files: 4/10 (" in heard
