"""Screening and safety: the possible-sign question, the one-step checklist, the outcome and
how a referral or an emergency is worded."""
