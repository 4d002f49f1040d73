"""The HTTP API (model replacement, trackers) refuses requests without the token."""

from __future__ import annotations

import pytest
import requests

from tests.servers import Bot


@pytest.mark.e2e
def test_model_and_tracker_api_refuse_requests_without_the_token(bot: Bot) -> None:
    assert requests.put(f"{bot.url}/model", json={"model_file": "/tmp/evil.tar.gz"}, timeout=10).status_code in (401, 403)
    assert requests.get(f"{bot.url}/conversations/x/tracker", timeout=10).status_code in (401, 403)
    wrong = requests.put(f"{bot.url}/model", params={"token": "wrong"}, json={"model_file": "/tmp/evil.tar.gz"}, timeout=10)
    assert wrong.status_code in (401, 403)
