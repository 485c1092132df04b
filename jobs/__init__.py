"""Scheduled work. APScheduler is only the clock; the database says what is due."""
