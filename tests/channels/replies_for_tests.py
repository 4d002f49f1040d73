"""A reply whose every field carries characters each channel must escape once (never twice)."""

from __future__ import annotations

from replies.model import Button, Fact, Reply

SCRIPT = "<script>alert('x')</script> & more"
REPLY = Reply(
    kind="exercise",
    title="Lower back <release> & reset",
    intro="Lie on your back & breathe.",
    steps=('Place the ball 2.5" off the spine', "Roll < 30 s"),
    facts=(Fact("Hold", "15-30 s > per spot"),),
    bullets=("Softer ball if it's > 7/10",),
    outro="How does it feel <now>?",
    safety="Stop if pain > 7/10 & tingling.",
    buttons=(Button("Another", "/next_exercise"), Button("How often?", "/ask_dosage")),
)
YES_NO = [
    {"title": "None of these", "payload": "/deny"},
    {"title": "Yes, one applies", "payload": "/affirm"},
    {"title": "Why do you ask?", "payload": "/ask_why"},
]
