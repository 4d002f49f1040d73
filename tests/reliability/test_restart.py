"""A conversation survives the Rasa server being killed (SIGKILL) in the middle of the safety
checklist: after a restart it continues where it was, with every earlier event kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.replies import has_instructions, text_of
from tests.servers import (
    action_server,
    base_env,
    free_port,
    rasa_server,
    say,
    sqlite_tracker,
    start_together,
    tracker,
    write_endpoints,
)

pytestmark = [pytest.mark.e2e, pytest.mark.services]


@pytest.mark.parametrize("store", ["sqlite", "postgresql"])
def test_sigkill_mid_screening_and_continue(store: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    tracker_section = sqlite_tracker(tmp_path) if store == "sqlite" else request.getfixturevalue("tracker_db")
    env = base_env()
    action_port, rasa_port = free_port(), free_port()
    endpoints = write_endpoints(tmp_path, action_port, tracker_section)
    actions, rasa = start_together(action_server(tmp_path, action_port, env), rasa_server(tmp_path, rasa_port, endpoints, env))
    url = f"http://127.0.0.1:{rasa_port}"
    sender = f"restart-{store}"
    try:
        say(url, sender, "my lower back hurts")
        say(url, sender, "yes")  # "which one?" is being asked
        before = tracker(url, sender)
        assert before["active_loop"]["name"] == "screening_form"

        rasa.kill()  # SIGKILL: no chance to flush anything
        rasa = rasa_server(tmp_path, rasa_port, endpoints, env).start()

        after = tracker(url, sender)
        assert after["events"][: len(before["events"])] == before["events"]
        assert after["active_loop"]["name"] == "screening_form"
        assert after["slots"]["checklist_answer"] == "yes" and after["slots"]["requested_slot"] == "checklist_item"
        again = say(url, sender, "sorry, I meant no")  # the correction asks the list again
        assert not has_instructions(again)
        replies = say(url, sender, "/deny")
        assert has_instructions(replies), text_of(replies)
    finally:
        rasa.stop()
        actions.stop()
