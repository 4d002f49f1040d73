"""Advice: the gate in front of every hands-on answer, exercises, routines, ball and tool
advice, information answers, follow-ups and sources."""
