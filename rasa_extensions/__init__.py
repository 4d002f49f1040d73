"""What the Rasa server runs of ours besides the pipeline's components (components/), the channels
(channels/) and the tracker and lock stores (stores/): changes to Rasa's own behaviour that no
configuration reaches. Rasa Open Source 3.6 has no plug-in point for them (its plug-in manager
loads only Rasa Pro), so each has an `install()` that the tracker store calls when the server
creates it (stores/tracker_store.py), and each is checked against the Rasa version it was
written for.
"""
