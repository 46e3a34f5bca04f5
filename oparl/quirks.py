"""What real OParl servers send that the standard does not allow, made readable.

Each quirk is documented by public importers (meine-stadt-transparent, importer/loader.py and its
tests): CC e-gov writes time-zone offsets as ``+01::00`` and puts unescaped control characters
into JSON strings; Sternberg (SD.NET) answers an empty ``modified_since`` list with 404 or a bare
``[]``; Somacos refuses a URL-encoded ``modified_since`` and answers with spurious 500s. The last
three are handled by the client (oparl/client.py); the first two here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

_DOUBLE_COLON_OFFSET = re.compile(r"([+-]\d{2})::(\d{2})$")


def loads(data: bytes) -> Any:
    """JSON with control characters inside strings allowed (``strict=False``): a raw line break
    in a paper's title is harmless, refusing the whole page for it is not."""
    return json.loads(data.decode("utf-8", errors="replace"), strict=False)


def moment(value: Any) -> dt.datetime | None:
    """An OParl date-time (RFC 3339) as an aware datetime, or None when absent or unreadable;
    ``+01::00`` is read as ``+01:00``. A value without offset is taken as UTC."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _DOUBLE_COLON_OFFSET.sub(r"\1:\2", value.strip()).replace("Z", "+00:00")
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.timezone.utc)


def day(value: Any) -> dt.date | None:
    """The calendar day of an OParl date or date-time, in the server's own offset (a meeting at
    00:30+01:00 is on that day, not on the previous day in UTC)."""
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    parsed = moment(value)
    return parsed.date() if parsed is not None else None
