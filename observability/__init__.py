"""What operators see of the bot: Prometheus metrics (metrics.py, channel.py) and JSON logs (logs.py)."""
