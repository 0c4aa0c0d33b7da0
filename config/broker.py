"""The embedded Celery broker: kombu's file-system transport, with messages written atomically.

Kombu's own transport creates the message file and then writes it; a worker polling the
folder in between moves away an empty file, fails to decode it and stops (seen under
``make run`` with six beat tasks). Here a message is written under a name the worker
ignores and renamed into place when complete (an atomic rename on one file system).
Production and CI use Redis (``CELERY_BROKER_URL``), not this.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = "{}_{}.{}.msg".format(int(round(monotonic() * 1000)), uuid.uuid4(), queue)
        final = os.path.join(self.data_folder_out, name)
        # A leading dot: the worker only takes names whose part after the first dot is "<queue>.msg".
        partial = os.path.join(self.data_folder_out, f".{name}.partial")
        try:
            with open(partial, "wb") as f:
                f.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
