"""Types of the compiled record writer (_fastwriter.pyx); see writer._FAST."""

from typing import Any

def dumps_record(record: Any) -> str | None: ...
