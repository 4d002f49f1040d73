"""How actions speak: composed replies as data, with their wording from the domain.

`Wording` reads a sentence from the domain's responses (the domain the action server gets
with every call), so a writer edits every sentence in domain/*.yml, never in Python.
`send` sends a `replies.Reply` as Rasa's custom payload, with a plain-text rendering beside
it for channels that do not know the structure; the channels in channels/ render the
structure themselves. No action knows which channel it talks to.
"""

from __future__ import annotations

import json
import re
from typing import Any, Collection, Iterable, List, Mapping

from rasa_sdk.executor import CollectingDispatcher

from replies import plain
from replies.model import Button, Reply

_PLACEHOLDER = re.compile(r"{([a-z_]+)}")


class Wording:
    """Sentences from the domain's responses, with `{placeholders}` filled in."""

    def __init__(self, domain: Mapping[str, Any]) -> None:
        self._responses: Mapping[str, Any] = domain.get("responses") or {}

    def __call__(self, response: str, **values: Any) -> str:
        variants = self._responses.get(response) or []
        if not variants or not isinstance(variants[0], Mapping) or "text" not in variants[0]:
            raise KeyError(f"the domain has no text response {response!r}")
        template = str(variants[0]["text"])
        return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), template)

    def typical(self, estimates: Collection[str], field: str, text: str) -> str:
        """`text`, marked as typical when `field` is one of the project's estimates, not a seed figure."""
        return self("utter_typical", text=text) if field in estimates else text

    def button(self, response: str, payload: str, **values: Any) -> Button:
        """A button whose title is the text of `response`."""
        return Button(self(response, **values), payload)


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """Send `reply` as structured data plus its plain-text rendering."""
    dispatcher.utter_message(
        text=plain.render(reply),
        buttons=[b.to_json() for b in reply.buttons] or None,
        json_message=reply.to_json(),
    )


def payload(intent: str, **entities: Any) -> str:
    """A button payload: `/intent` or `/intent{"entity": "value"}` (JSON, keys sorted)."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, sort_keys=True)}"


def join_names(names: Iterable[str], wording: Wording) -> str:
    """ "neck", "neck and calf", "neck, calf and foot" (the conjunction from the domain)."""
    items: List[str] = list(names)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {wording('utter_word_and')} {items[-1]}"


def lower_first(text: str) -> str:
    """`text` to go on a sentence: its first letter in lower case ("Great for calves" -> "great for calves")."""
    return text[:1].lower() + text[1:]
