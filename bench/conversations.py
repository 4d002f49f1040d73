"""The conversations each virtual user has, one script per bot, the same number of turns.

Ours: a lower-back request, "why do you ask?" and the checklist answered with one tap, then
the next exercise, follow-ups (too intense), the session report that the log writes, a source,
dosing, a ball recommendation and its follow-up, evidence, care and thanks. Bare (`rasa init`):
its own intents (greet, mood_great / mood_unhappy, affirm, bot_challenge, goodbye), 13 turns too.
"""

from __future__ import annotations

from typing import Any, Dict, List, Tuple

Turn = Tuple[str, str]  # (step name for per-step statistics, message)

OURS: List[Turn] = [
    ("area", "my lower back hurts"),
    ("why", "why do you ask?"),
    ("checklist", "/deny"),
    ("next_exercise", "/next_exercise"),
    ("too_intense", "that's way too intense"),
    ("log", "done, it's a 3 now"),  # the session log: one write to the user-data store
    ("source", "where is that from?"),
    ("dosing", "how often should I do this"),
    ("ball", "which ball should I get"),
    ("compare", "foam roller or massage ball for my calves?"),
    ("evidence", "does it really work"),
    ("care", "how do I clean it"),
    ("thanks", "thanks"),
]

BARE: List[Turn] = [
    ("greet", "hello"),
    ("unhappy", "I am sad"),
    ("affirm", "yes"),
    ("great", "great"),
    ("greet2", "hey there"),
    ("unhappy2", "very unhappy"),
    ("affirm2", "of course"),
    ("great2", "I am feeling very good"),
    ("bot", "are you a bot?"),
    ("greet3", "good morning"),
    ("great3", "perfect"),
    ("affirm3", "yes"),
    ("goodbye", "bye"),
]

# channels/rest.py answers with this apology when the bot produced nothing: an error for us
NO_REPLY_TEXT = "Sorry, I'm having a technical problem right now."


def reply_error(messages: Any) -> str:
    """'' when a webhook reply is a real answer, else the kind of error."""
    if not isinstance(messages, list) or not messages:
        return "empty_reply"
    texts = [m.get("text") or "" for m in messages if isinstance(m, dict)]
    if any(t.startswith(NO_REPLY_TEXT) for t in texts):
        return "no_reply_apology"
    return ""


def is_answer(messages: Any) -> bool:
    return reply_error(messages) == ""


def delivered_steps(replies_by_step: Dict[str, List[Dict[str, Any]]]) -> bool:
    """Content check for our script: the tap on "None of these" brings the exercise steps."""
    return any((m.get("custom") or {}).get("kind") == "exercise" for m in replies_by_step.get("checklist", []))


SCRIPTS = {"ours": OURS, "bare": BARE}
CHECKS = {"ours": delivered_steps}
