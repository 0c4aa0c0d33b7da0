"""The embedded broker (config.broker): a worker never sees a message before it is complete."""

import os

import pytest
from kombu import Connection
from kombu.exceptions import ChannelError

from config import broker


@pytest.fixture
def channel(tmp_path):
    folder = str(tmp_path)
    connection = Connection(transport="config.broker:Transport", transport_options={
        "data_folder_in": folder, "data_folder_out": folder, "processed_folder": folder,
        "control_folder": folder, "store_processed": False})
    yield connection.default_channel
    connection.release()


def test_a_message_being_written_is_invisible_to_the_worker(channel, monkeypatch):
    seen_while_writing = []
    rename = os.replace

    def replace_after_a_look(source, target):
        # The moment a worker polling the folder could pick the file up, before the rename.
        try:
            seen_while_writing.append(channel._get("celery"))
        except broker.filesystem.Empty:
            seen_while_writing.append(None)
        rename(source, target)

    monkeypatch.setattr(broker.os, "replace", replace_after_a_look)
    channel._put("celery", {"body": "a task id"})

    assert seen_while_writing == [None]  # Kombu's own transport hands out the empty file here
    assert channel._get("celery") == {"body": "a task id"}


def test_a_message_that_cannot_be_written_is_refused(channel, monkeypatch):
    monkeypatch.setattr(channel, "data_folder_out", "/nonexistent/folder")
    with pytest.raises(ChannelError):
        channel._put("celery", {"body": "x"})
