"""Bolt listeners, one package per feature (handlers/<feature>/, beside bot/<feature>/), and what they
share (common.py; dispatch.py for reactions and message events). Each module has register(app); the
features (bot/features.py) list them, and nothing decorates a global app."""
