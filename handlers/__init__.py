"""Bolt listeners, one package per feature (handlers/<feature>/, beside bot/<feature>/), and what they
share (common.py; dispatch.py for reactions and message events). Each feature's listeners.py has
register(app), which names its listeners by module (imported on their first request, bot/lazy.py); the
features (bot/features.py) list them, and nothing decorates a global app."""
