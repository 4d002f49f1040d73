"""The person's data rights: "delete my data" (confirmed first) and "export my data".

Deleting removes everything of theirs: the session log, reminders and time zone in the
user-data store (here), and every tracker-store event of the conversation, which the tracker
store deletes when this turn is saved (the slot `forget_conversation`, stores/tracker_store.py;
it also publishes the deletion on the event broker). The next message starts afresh.

The export is one JSON document: what the user-data store holds about them and the events of
their whole conversation: the sessions before this one from the tracker store (Rasa sends the
action server the current session only, stores/bounded_sessions.py), then this one, including
the turn under way, as Rasa sent it. Each channel delivers it its own way (a download link, a document, a file,
or the JSON itself on REST; docs/channels.md). For a channel that serves a download link (the widget),
the export is stored here as a one-time export and only its token goes out, so channels store nothing.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.plumbing.replying import Wording, payload, send
from actions.plumbing.userdata_access import conversations, person, with_userdata
from observability import metrics
from replies.model import LINK_CHANNELS, Attachment, Reply
from userdata.repository import UserDataRepository

FORGET_SLOT = "forget_conversation"
#: events of the conversation that go into the export (what was said and decided)
EXPORTED_EVENTS = ("user", "bot", "slot", "session_started")
EXPORT_NAME, EXPORT_TYPE = "my-data.json", "application/json"


class ActionConfirmDelete(Action):
    def name(self) -> str:
        return "action_confirm_delete"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        wording = Wording(domain)
        yes = wording.button("utter_button_delete_yes", payload("affirm"))
        no = wording.button("utter_button_delete_no", payload("deny"))
        send(dispatcher, Reply(kind="delete_confirm", intro=wording("utter_delete_confirm"), buttons=(yes, no)))
        return []


class ActionDeleteData(Action):
    def name(self) -> str:
        return "action_delete_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        def work(store: UserDataRepository) -> List[Dict[str, Any]]:
            store.delete_user(*person(tracker))
            metrics.data_request("deletion")
            dispatcher.utter_message(response="utter_data_deleted")
            return [SlotSet(FORGET_SLOT, True)]

        return await with_userdata(self.name(), dispatcher, work)


def whole_conversation(tracker: Tracker) -> List[Dict[str, Any]]:
    """Every event of the conversation: the stored ones older than the session Rasa sent (the
    SQL store loads a session as the events from its start on, so none is counted twice), then
    the session's. Blocking (it reads the tracker store)."""
    times = [event["timestamp"] for event in tracker.events if event.get("timestamp") is not None]
    earlier = conversations().events(tracker.sender_id, before=min(times) if times else None)
    return earlier + list(tracker.events)


def conversation_events(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    out = []
    for event in events:
        kind = event.get("event")
        if kind not in EXPORTED_EVENTS:
            continue
        item: Dict[str, Any] = {"event": kind, "timestamp": event.get("timestamp")}
        if kind in ("user", "bot"):
            item["text"] = event.get("text")
        if kind == "user":
            item["intent"] = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if kind == "slot":
            item.update(name=event.get("name"), value=event.get("value"))
        out.append(item)
    return out


class ActionExportData(Action):
    def name(self) -> str:
        return "action_export_data"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict[str, Any]]:
        wording = Wording(domain)

        def work(store: UserDataRepository) -> List[Dict[str, Any]]:
            channel, sender_id = person(tracker)
            document = {**store.export_user(channel, sender_id), "conversation": conversation_events(whole_conversation(tracker))}
            content = json.dumps(document, indent=1, default=str)
            if channel in LINK_CHANNELS:
                attachment = Attachment(EXPORT_NAME, EXPORT_TYPE, link_token=store.create_export(channel, sender_id, content))
            else:
                attachment = Attachment(EXPORT_NAME, EXPORT_TYPE, content)
            metrics.data_request("export")
            send(
                dispatcher,
                Reply(
                    kind="data_export",
                    intro=wording("utter_data_export"),
                    attachment=attachment,
                    data={"sessions": len(document["sessions"]), "reminders": len(document["reminders"])},
                ),
            )
            return []

        return await with_userdata(self.name(), dispatcher, work)
