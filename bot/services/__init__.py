"""Domain logic by feature: functions take a Session (keyword-only), return models, never call Slack."""
