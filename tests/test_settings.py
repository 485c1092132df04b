"""bot/config.py reads the settings as pydantic-settings did: the environment first, then `.env` in the working
directory (names in any case), then the defaults; what `load_settings` is given wins over both."""

from __future__ import annotations

import platform

import pytest

from bot import process
from bot.config import SettingsError, load_settings


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    import os

    for name in list(os.environ):
        if name.upper().startswith(("SLACK_", "TRUCE_", "DATABASE_URL", "PORT", "LOG_LEVEL")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_the_environment_wins_over_the_env_file_and_names_are_in_any_case(clean_env, monkeypatch):
    (clean_env / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-file\nexport TRUCE_LEADS='U1, U2'\nport=4000\n"
                                    "NO_VALUE\nTRUCE_SALES_CHANNEL=${CHANNEL}\n")
    monkeypatch.setenv("CHANNEL", "C0123ABCD")
    monkeypatch.setenv("PORT", "5000")
    monkeypatch.setenv("truce_worker_process", "0")
    settings = load_settings()
    assert settings.slack_bot_token == "xoxb-from-file"
    assert settings.lead_ids == ["U1", "U2"]
    assert settings.port == 5000  # the environment's, not the file's
    assert settings.sales_channel == "C0123ABCD"  # the file's ${...} filled in from the environment
    assert settings.worker_process is False


def test_what_load_settings_is_given_wins_by_variable_or_field_name(clean_env, monkeypatch):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-env")
    monkeypatch.setenv("TRUCE_TIMEZONE", "Europe/Paris")
    settings = load_settings(SLACK_BOT_TOKEN=None, timezone="Asia/Tokyo", database_url="postgres://u@h/db")
    assert (settings.slack_bot_token, settings.timezone, settings.database_url) == (None, "Asia/Tokyo",
                                                                                   "postgres://u@h/db")


def test_defaults_empty_values_and_malformed_ones(clean_env, monkeypatch):
    settings = load_settings()
    assert (settings.database_url, settings.port, settings.log_level, settings.run_scheduler) == (
        "sqlite:///truce.db", 3000, "INFO", True)
    monkeypatch.setenv("TRUCE_SALES_CHANNEL", "")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:1")
    settings = load_settings()
    assert (settings.sales_channel, settings.log_level, settings.slack_api_url) == (None, "DEBUG",
                                                                                   "http://127.0.0.1:1/")
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(SettingsError, match="PORT"):
        load_settings()


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt's arena cap is glibc's")
def test_the_malloc_arenas_are_capped_on_glibc():
    assert process._cap_arenas(process.ARENAS)
