"""The structured reply: what an action says, as data. Output channels render it.

Actions build a `Reply` and send it as Rasa's custom payload (`json_message`) with a plain
text rendering beside it, for channels that do not know the structure (`rasa shell`, a
channel added later). Each of this project's output channels renders the structure in its
own module (channels/). Nothing here imports Rasa.
"""
