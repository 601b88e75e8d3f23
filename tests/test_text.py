"""Text made safe to show: secrets and credentials in URLs never reach a message."""

from __future__ import annotations

from pathlib import Path

import pytest

from peerstack._text import scrub


def test_deploy_and_verify_scrub_with_one_function() -> None:
    from peerstack.automation._errors import scrub as deploys

    assert deploys is scrub


def test_credentials_in_a_url_are_scrubbed() -> None:
    text = (
        'Could not connect to the endpoint URL: "http://peer:s3cret@127.0.0.1:4566/", '
        "nor to https://token@example.com/x?y=1"
    )
    assert scrub(text) == (
        'Could not connect to the endpoint URL: "http://[secret]@127.0.0.1:4566/", '
        "nor to https://[secret]@example.com/x?y=1"
    )


def test_urls_without_credentials_and_addresses_are_kept() -> None:
    text = "http://127.0.0.1:9/ s3://bucket/key user@example.com 10.0.0.0/16"
    assert scrub(text) == text


def test_the_environments_secrets_and_given_ones_are_scrubbed(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    passphrase = tmp_path / "passphrase"
    passphrase.write_text("file passphrase\n")
    monkeypatch.setenv("PULUMI_CONFIG_PASSPHRASE_FILE", str(passphrase))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    text = scrub("wJalrXUtnFEMI/K7MDENG, file passphrase, tok-9876, abc", ["tok-9876", "abc"])
    assert text == "[secret], [secret], [secret], abc"  # shorter than 4: not a secret
