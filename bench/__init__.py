"""Load benchmark: the real bot against a bare `rasa init` bot, same load, same run (`python -m bench.run`)."""
